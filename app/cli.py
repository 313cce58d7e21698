"""The ``article-api`` command: ``serve`` and ``parse``."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from pydantic import ValidationError

from app.config import Settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="article-api", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the articles over HTTP")
    serve.add_argument("--host", help="address to listen on (ARTICLE_HOST, default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (ARTICLE_PORT, default 8000)")
    serve.add_argument("--data", type=Path, help="article file or folder (ARTICLE_DATA)")
    serve.add_argument("--workers", type=int, help="worker processes (ARTICLE_WORKERS)")
    serve.add_argument("--log-level", help="log level (ARTICLE_LOG_LEVEL)")
    serve.add_argument(
        "--no-access-log", action="store_true", help="no access log (ARTICLE_ACCESS_LOG=false)"
    )
    serve.add_argument("--strict", action="store_true", help="fail if any file is skipped")
    serve.add_argument("--primary", help="file name of the article served at /article")
    parse = commands.add_parser("parse", help="print the JSON of GET /article for a file")
    parse.add_argument("file", type=Path)
    args = parser.parse_args(argv)
    if args.command == "parse":
        return _parse(args.file)
    return _serve(args)


def _parse(file: Path) -> int:
    from app.loader import load_file
    from app.parsing import ArticleParseError

    try:
        article = load_file(file, Settings().max_file_bytes)
    except (ArticleParseError, OSError) as exc:
        print(f"article-api: cannot parse {file}: {exc}", file=sys.stderr)
        return 2
    sys.stdout.write(json.dumps(article.model_dump(mode="json"), ensure_ascii=False, indent=2))
    sys.stdout.write("\n")
    return 0


def _serve(args: argparse.Namespace) -> int:
    overrides = {
        "ARTICLE_HOST": args.host,
        "ARTICLE_PORT": args.port,
        "ARTICLE_DATA": args.data.resolve() if args.data else None,
        "ARTICLE_WORKERS": args.workers,
        "ARTICLE_LOG_LEVEL": args.log_level,
        "ARTICLE_ACCESS_LOG": "false" if args.no_access_log else None,
        "ARTICLE_STRICT": "true" if args.strict else None,
        "ARTICLE_PRIMARY": args.primary,
    }
    # Workers are separate processes: the settings reach them through the environment.
    os.environ.update({k: str(v) for k, v in overrides.items() if v is not None})
    try:
        settings = Settings()
    except ValidationError as exc:
        problems = "; ".join(f"{e['loc'][0]}: {e['msg']}" for e in exc.errors())
        print(f"article-api: invalid setting: {problems}", file=sys.stderr)
        return 2
    import uvicorn

    from app.loader import DataError
    from app.main import create_app

    options = {
        "host": settings.host,
        "port": settings.port,
        "log_level": settings.log_level,
        "access_log": settings.access_log,
    }
    try:
        # Loading fails fast, with one clear line, before the server starts. With one
        # worker the app made here is the one served (the data is parsed once).
        app = create_app(settings)
    except DataError as exc:
        print(f"article-api: {exc}", file=sys.stderr)
        return 2
    if settings.workers == 1:
        uvicorn.run(app, **options)  # type: ignore[arg-type]
    else:
        uvicorn.run("app.main:create_app", factory=True, workers=settings.workers, **options)  # type: ignore[arg-type]
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

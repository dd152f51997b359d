"""The commands that render the store for people: ``report`` (one HTML file) and ``serve`` (the web app)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from wiretrace.cli.common import DEFAULT_DB, DbOption, console, fail, open_store


def report(
    stories: Annotated[
        list[str] | None, typer.Argument(help="Story ids to include (default: every story).")
    ] = None,
    out: Annotated[Path, typer.Option("-o", "--out", help="The HTML file to write.")] = Path("report.html"),
    title: Annotated[str, typer.Option("--title", help="The report's title.")] = "wiretrace report",
    db: DbOption = DEFAULT_DB,
) -> None:
    """Write one self-contained offline HTML report of the stories (claims, provenance, divergences, map)."""
    from wiretrace.present.report import write_report

    with open_store(db, read_only=True) as store:
        result = write_report(store, out, stories or [], title)
    console.print(
        f"wrote {result.path}: {result.stories} stor{'y' if result.stories == 1 else 'ies'}, "
        f"{result.articles} article(s), {result.claims} claim(s), {result.bytes / 1024:.0f} KiB"
    )
    if result.missing_story_ids:
        fail(f"no such story: {', '.join(result.missing_story_ids)}; list them with `wiretrace stories`", 1)


def serve(
    db: DbOption = DEFAULT_DB,
    host: Annotated[
        str, typer.Option("--host", help="Address to bind; 0.0.0.0 exposes it to the network.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port.")] = 8000,
) -> None:
    """Serve the local web app over the store (stories, articles, speakers, outlets, search, /api)."""
    from wiretrace.present.web import serve as serve_app

    open_store(db, read_only=True).close()  # a clear error now rather than on the first request
    console.print(f"wiretrace serving {db} at http://{host}:{port}/ (Ctrl-C to stop)")
    serve_app(db, host=host, port=port)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the CLI."""
    app.command("report")(report)
    app.command("serve")(serve)

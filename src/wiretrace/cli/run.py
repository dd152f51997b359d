"""The commands that fill the store: ``ingest``, ``analyze``, ``import``, ``export``, ``rejections``."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from wiretrace import export as export_module
from wiretrace.cli.common import (
    DEFAULT_DB,
    ConfigOption,
    DbOption,
    JsonOption,
    console,
    err,
    fail,
    open_store,
    print_json,
    print_rejections,
    settings_from,
)
from wiretrace.config import Settings
from wiretrace.engine import pipeline
from wiretrace.ingest.stage import IngestResult, ingest_paths
from wiretrace.records import Rejection
from wiretrace.store import Store


def _field_overrides(fields: list[str]) -> dict[str, dict[str, Any]]:
    """``--field text=body`` puts ``body`` first among the names read for ``text``."""
    defaults = Settings().ingest
    overrides: dict[str, Any] = {}
    for mapping in fields:
        target, _, source = mapping.partition("=")
        key = f"{target.strip()}_fields"
        if not source or not hasattr(defaults, key):
            targets = "text, url, title, date, outlet, author"
            fail(f"--field {mapping!r}: use TARGET=NAME with TARGET one of {targets}")
        overrides[key] = (source.strip(), *getattr(defaults, key))
    return {"ingest": overrides} if overrides else {}


def _ingest(paths: list[str], store: Store, settings: Settings) -> IngestResult:
    stdin = sys.stdin.buffer if "-" in paths else None
    if not sys.stderr.isatty():
        return ingest_paths(paths, store, settings.ingest, stdin=stdin)
    from rich.progress import Progress

    with Progress(console=err, transient=True) as progress:
        task = progress.add_task("ingesting", total=None)
        return ingest_paths(
            paths, store, settings.ingest, stdin=stdin, on_file=lambda _p: progress.advance(task)
        )


PathsArgument = Annotated[list[str], typer.Argument(help="Files, folders (recursive) or - for stdin.")]


FieldOption = Annotated[
    list[str] | None,
    typer.Option(
        "--field", help="Map an input field for json/jsonl/csv, e.g. --field text=body (repeatable)."
    ),
]


def ingest(
    paths: PathsArgument,
    db: DbOption = DEFAULT_DB,
    config: ConfigOption = None,
    field: FieldOption = None,
    as_json: JsonOption = False,
) -> None:
    """Read articles (txt, md, html, json, jsonl, csv, rss, atom, xml, warc, gz) into the store."""
    settings = settings_from(config, _field_overrides(field or []))
    with open_store(db) as store:
        result = _ingest(paths, store, settings)
    if as_json:
        print_json(
            {
                "added": result.added,
                "already_stored": result.already_stored,
                "rejections": [r.__dict__ for r in result.rejections],
                "skipped": result.skipped,
            }
        )
    else:
        console.print(
            f"{len(result.added)} new article(s), {result.already_stored} already stored, "
            f"{len(result.rejections)} rejected, from {result.files_read} input(s) into {db}"
        )
        _print_skipped(result.skipped)
        print_rejections(result.rejections)
    raise typer.Exit(0 if result.ok else 1)


def analyze(
    paths: Annotated[list[str] | None, typer.Argument(help="Inputs to ingest first (optional).")] = None,
    db: DbOption = DEFAULT_DB,
    config: ConfigOption = None,
    field: FieldOption = None,
    as_json: JsonOption = False,
    engine: Annotated[
        str, typer.Option("--engine", help="embedded (the DuckDB store) or ray (Ray Data, writes Parquet).")
    ] = "embedded",
    address: Annotated[
        str | None, typer.Option("--address", help="Ray cluster to use (default: start a local one).")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Folder for the Parquet tables (--engine ray).")
    ] = None,
) -> None:
    """Ingest PATHS (if any), then run every analysis stage over the store and summarise."""
    settings = settings_from(config, _field_overrides(field or []))
    if engine != "embedded":
        _analyze_ray(engine, paths or [], out, address, settings, as_json)
    with open_store(db) as store:
        result = _ingest(paths, store, settings) if paths else IngestResult()
        summary = pipeline.analyze(store, settings)
    if as_json:
        print_json(
            {
                "counts": summary.counts,
                "new_articles": len(result.added),
                "rejections": [r.__dict__ for r in result.rejections],
                "skipped": result.skipped,
                "notes": summary.notes,
            }
        )
    else:
        table = Table(title=f"wiretrace analysis of {db}", title_justify="left")
        table.add_column("records")
        table.add_column("count", justify="right")
        for name, count in summary.counts.items():
            table.add_row(name, str(count))
        console.print(table)
        if paths:
            console.print(f"{len(result.added)} new article(s), {result.already_stored} already stored.")
        for note in summary.notes:
            console.print(note)
        _print_skipped(result.skipped)
        print_rejections(result.rejections)
    raise typer.Exit(0 if result.ok else 1)


def _print_skipped(skipped: list[str]) -> None:
    """One line on the files in the folders that no reader takes (by extension)."""
    if not skipped:
        return
    kinds = Counter(Path(p).suffix.lower() or "(no extension)" for p in skipped)
    listed = ", ".join(f"{kind} ({count})" for kind, count in kinds.most_common())
    console.print(
        f"skipped {len(skipped)} file(s) in the folders that are of no readable type: {listed}; "
        "name a file itself to see why it cannot be read"
    )


def _analyze_ray(
    engine: str, paths: list[str], out: Path | None, address: str | None, settings: Settings, as_json: bool
) -> None:
    """``analyze --engine ray``: the pipeline on Ray Data, tables written as Parquet to ``out``."""
    from wiretrace.engine import scale

    if engine != "ray":
        fail(f"unknown --engine {engine!r}; valid: embedded, ray")
    if not paths or out is None:
        fail("--engine ray needs input PATH... and --out DIR (then `wiretrace import DIR --db FILE`)")
    try:
        result = scale.analyze_ray(paths, str(out), settings, scale.ScaleOptions(address=address))
    except scale.ScaleError as error:
        fail(str(error))
        raise
    if as_json:
        print_json(
            {
                "out": result.out,
                "counts": result.counts,
                "seconds": result.seconds,
                "rejections": [r.__dict__ for r in result.rejections],
            }
        )
    else:
        table = Table(title=f"wiretrace analysis on Ray, Parquet tables in {out}", title_justify="left")
        table.add_column("records")
        table.add_column("count", justify="right")
        for name, count in result.counts.items():
            table.add_row(name, str(count))
        console.print(table)
        console.print(f"load them into a store with: wiretrace import {out} --db wiretrace.duckdb")
        print_rejections(result.rejections)
    raise typer.Exit(1 if result.rejections else 0)


def import_command(
    folder: Annotated[Path, typer.Argument(help="Folder of Parquet tables (analyze --engine ray --out).")],
    db: DbOption = DEFAULT_DB,
    as_json: JsonOption = False,
) -> None:
    """Load Parquet tables written by `analyze --engine ray` (or `export --format parquet`) into the store."""
    from wiretrace.engine.importer import ImportFailed, import_parquet

    with open_store(db) as store:
        try:
            result = import_parquet(folder, store)
        except ImportFailed as error:
            fail(str(error))
            raise
    if as_json:
        print_json({"read": result.read, "stored": result.stored})
    else:
        read = ", ".join(f"{count} {name}" for name, count in result.read.items() if count)
        console.print(f"imported {read or 'no records'} from {folder} into {db}")


def export_command(
    out: Annotated[Path, typer.Option("-o", "--out", help="Output file (json) or folder (csv, parquet).")],
    format: Annotated[
        str, typer.Option("--format", help="One of: " + ", ".join(export_module.EXPORTERS) + ".")
    ] = "json",
    db: DbOption = DEFAULT_DB,
) -> None:
    """Write the store's records as JSON, CSV or Parquet."""
    if format not in export_module.EXPORTERS:
        fail(f"unknown --format {format!r}; valid: {', '.join(export_module.EXPORTERS)}")
    with open_store(db, read_only=True) as store:
        result = export_module.export(store, format, out)
    counts = ", ".join(f"{count} {name}" for name, count in result.counts.items() if count)
    console.print(f"wrote {result.path}: {counts or 'no records'}")


def rejections(db: DbOption = DEFAULT_DB, as_json: JsonOption = False) -> None:
    """List the inputs the store could not ingest, with the reason and the fix."""
    with open_store(db, read_only=True) as store:
        rows = store.load(Rejection)
    if as_json:
        print_json([r.__dict__ for r in rows])
    elif rows:
        print_rejections(rows)
    else:
        console.print("no rejected inputs")


def register(app: typer.Typer) -> None:
    """Add this module's commands to the CLI."""
    app.command("ingest")(ingest)
    app.command("analyze")(analyze)
    app.command("import")(import_command)
    app.command("export")(export_command)
    app.command("rejections")(rejections)

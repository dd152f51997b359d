"""What every command module shares: the consoles, the common options, errors and store opening."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from wiretrace.config import ConfigError, Settings, load_settings
from wiretrace.records import Rejection
from wiretrace.store import Store, StoreError

console = Console()
err = Console(stderr=True)

DbOption = Annotated[Path, typer.Option("--db", help="The DuckDB store file.")]
ConfigOption = Annotated[
    Path | None, typer.Option("--config", help="A TOML settings file (default ./wiretrace.toml if present).")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]
StoryOption = Annotated[str | None, typer.Option("--story", help="Only this story's articles.")]
DEFAULT_DB = Path("wiretrace.duckdb")


def fail(message: str, code: int = 2) -> None:
    """Print an error with its fix and exit."""
    # escaped: messages name settings like [ingest] and extras like wiretrace[ray], not markup
    err.print(f"[bold red]error:[/] {escape(message)}")
    raise typer.Exit(code)


def settings_from(config: Path | None, overrides: dict[str, dict[str, Any]] | None = None) -> Settings:
    try:
        return load_settings(config, overrides)
    except ConfigError as error:
        fail(str(error))
        raise  # unreachable, for type checkers


def open_store(db: Path, read_only: bool = False) -> Store:
    if read_only and not db.exists():
        fail(f"no store at {db}: run `wiretrace analyze PATH... --db {db}` first, or pass --db FILE")
    try:
        store = Store(db, read_only=read_only)
    except StoreError as error:
        fail(str(error))
        raise
    if read_only and store.analysis_state() == "running":
        err.print(
            f"[yellow]warning:[/] the last `wiretrace analyze` on {escape(str(db))} did not finish "
            f"(killed or interrupted): what follows is partial; "
            f"run `wiretrace analyze --db {escape(str(db))}` again"
        )
    return store


def print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=1, default=str) + "\n")


def print_rejections(rejections: list[Rejection]) -> None:
    if not rejections:
        return
    table = Table(title=f"{len(rejections)} input(s) rejected", title_justify="left")
    for column in ("file", "record", "reason", "fix"):
        table.add_column(column, overflow="fold")
    for rejection in rejections:
        table.add_row(rejection.source_path, rejection.source_record or "", rejection.reason, rejection.hint)
    err.print(table)

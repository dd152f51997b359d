"""Import: Parquet tables (from ``analyze --engine ray`` or ``export --format parquet``) into a store.

DuckDB reads the Parquet files itself, so an import streams: the tables never pass through
Python objects. Articles and rejections are added as ``ingest`` adds them (an article already
stored is kept); the derived tables are replaced, as ``analyze`` replaces them, in one
transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from wiretrace.records import Article, Rejection
from wiretrace.store import TABLES, Store, _column_types

_ACCUMULATING = (Article, Rejection)


class ImportFailed(Exception):
    """The folder does not hold wiretrace tables; the message says which and why."""


@dataclass(frozen=True)
class ImportResult:
    """Rows read per table, and the store's row counts after the import."""

    folder: str
    read: dict[str, int]
    stored: dict[str, int]


def table_files(folder: Path, name: str) -> list[str]:
    """Parquet files of one table: ``name/part-*.parquet`` (Ray) or ``name.parquet`` (export)."""
    parts = sorted(str(p) for p in (folder / name).glob("*.parquet")) if (folder / name).is_dir() else []
    single = folder / f"{name}.parquet"
    return parts + ([str(single)] if single.is_file() else [])


def import_parquet(folder: str | Path, store: Store) -> ImportResult:
    """Load every wiretrace table found under ``folder`` into ``store``.

    Args:
        folder: a local folder written by ``analyze --engine ray --out`` or ``export --format parquet``.
        store: an open, writable store.
    Returns:
        rows read per table and the store's counts afterwards.
    Example:
        with Store("wiretrace.duckdb") as store:
            result = import_parquet("tables/", store)
    """
    root = Path(folder)
    if not root.is_dir():
        raise ImportFailed(
            f"{root} is not a folder; pass the --out folder of `wiretrace analyze --engine ray`"
        )
    found = {record_type: table_files(root, name) for record_type, (name, _key) in TABLES.items()}
    if not found[Article]:
        raise ImportFailed(
            f"no articles table in {root} (looked for articles/*.parquet and articles.parquet); "
            "pass the --out folder of `wiretrace analyze --engine ray`"
        )
    connection = store.connection
    read: dict[str, int] = {}
    connection.execute("BEGIN TRANSACTION")
    try:
        for record_type, files in found.items():
            name, key = TABLES[record_type]
            if not files:
                continue
            columns = [c[0] for c in _column_types(record_type)]
            source = f"read_parquet({_sql_list(files)}, union_by_name = true)"
            present = {row[0] for row in connection.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()}
            missing = [c for c in columns if c not in present]
            if missing:
                raise ImportFailed(
                    f"{name}: columns {', '.join(missing)} are missing from {files[0]}; "
                    "the files were written by another wiretrace version: re-run the analysis"
                )
            selected = ", ".join(f'"{c}"' for c in columns)
            if record_type is Rejection:
                # an input's latest reading replaces its earlier rejections, as in ingest
                connection.execute(
                    f"DELETE FROM {name} WHERE source_path IN (SELECT source_path FROM {source})"
                )
            elif record_type not in _ACCUMULATING:
                connection.execute(f"DELETE FROM {name}")
            conflict = " ON CONFLICT DO NOTHING" if key else ""
            connection.execute(f"INSERT INTO {name} ({selected}) SELECT {selected} FROM {source}{conflict}")
            read[name] = _count(connection, source)
        connection.execute("COMMIT")
    except (duckdb.Error, ImportFailed) as error:
        connection.execute("ROLLBACK")
        if isinstance(error, ImportFailed):
            raise
        raise ImportFailed(f"cannot import {root}: {error}") from error
    stored = {name: _count(connection, name) for name, _key in TABLES.values()}
    return ImportResult(folder=str(root), read=read, stored=stored)


def _sql_list(files: list[str]) -> str:
    """A DuckDB list literal of file paths."""
    return "[" + ", ".join("'" + f.replace("'", "''") + "'" for f in files) + "]"


def _count(connection: duckdb.DuckDBPyConnection, source: str) -> int:
    """Rows of a table or table function (fetched whole: DuckDB keeps unfinished results open)."""
    rows = connection.execute(f"SELECT count(*) FROM {source}").fetchall()
    return int(rows[0][0])

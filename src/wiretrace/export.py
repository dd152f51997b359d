"""Exports of the store: JSON (one object, a list per record type), CSV and Parquet.

The JSON layout is documented in docs/schema.md; tools outside the project read it, so
a change to it is a deliberate, versioned one (``schema_version``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from wiretrace.store import TABLES, Store

SCHEMA_VERSION = 2  # 2: claims.stance, disputes, provenance.stance and upstream, independence evidence


@dataclass(frozen=True)
class ExportResult:
    """Where an export was written and how many rows of each table it holds."""

    path: str
    counts: dict[str, int]


def export_document(store: Store) -> dict[str, Any]:
    """The whole store as one JSON-ready object: ``articles`` first, then one list per table."""
    document: dict[str, Any] = {"schema_version": SCHEMA_VERSION}
    for record_type, (name, _key) in TABLES.items():
        document[name] = store.arrow(record_type).to_pylist()
    return document


def _write_json(store: Store, out: Path) -> dict[str, int]:
    document = export_document(store)
    out.write_text(json.dumps(document, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    return {k: len(v) for k, v in document.items() if isinstance(v, list)}


def _write_tables(store: Store, out: Path, suffix: str) -> dict[str, int]:
    out.mkdir(parents=True, exist_ok=True)
    counts = {}
    for record_type, (name, _key) in TABLES.items():
        table = store.arrow(record_type)
        target = out / f"{name}{suffix}"
        if suffix == ".parquet":
            pq.write_table(table, target)
        else:
            # CSV has no lists: tuple columns are written as JSON arrays
            for index, column in enumerate(table.schema):
                if str(column.type).startswith("list"):
                    values = [json.dumps(v, ensure_ascii=False) for v in table.column(index).to_pylist()]
                    import pyarrow as pa

                    table = table.set_column(index, column.name, pa.array(values, pa.string()))
            pa_csv.write_csv(table, target)
        counts[name] = table.num_rows
    return counts


def _write_prov(store: Store, out: Path) -> dict[str, int]:
    from wiretrace.provenance.prov_export import write_prov  # the prov package loads only for this format

    return write_prov(store, out)


def _write_geojson(store: Store, out: Path) -> dict[str, int]:
    from wiretrace.places.stage import places_geojson  # places own their map format
    from wiretrace.records import Place

    places = store.load(Place)
    out.write_text(json.dumps(places_geojson(places), ensure_ascii=False, indent=1), encoding="utf-8")
    return {"places": len(places)}


EXPORTERS: dict[str, Callable[[Store, Path], dict[str, int]]] = {
    "json": _write_json,
    "csv": lambda store, out: _write_tables(store, out, ".csv"),
    "parquet": lambda store, out: _write_tables(store, out, ".parquet"),
    "prov": _write_prov,
    "geojson": _write_geojson,
}


def export(store: Store, format: str, out: str | Path) -> ExportResult:
    """Write the store in ``format`` to ``out`` (a file for json, a folder of tables for csv/parquet).

    Args:
        store: an open store.
        format: one of ``EXPORTERS``.
        out: target path.
    Returns:
        the path written and row counts per table.
    Example:
        export(store, "json", "wiretrace.json")
    """
    if format not in EXPORTERS:
        raise ValueError(f"unknown export format {format!r}; valid: {', '.join(EXPORTERS)}")
    target = Path(out)
    counts = EXPORTERS[format](store, target)
    return ExportResult(path=str(target), counts=counts)

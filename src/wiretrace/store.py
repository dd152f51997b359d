"""The embedded store: one DuckDB file, one table per record type.

Tables are derived from the record dataclasses in ``records.py`` (one column per field), so
a stage that adds a record type adds one line to ``TABLES`` and nothing else. Articles and
rejections accumulate across runs; the outputs of analysis stages are replaced whole on
each ``analyze`` so that re-running is idempotent.
"""

from __future__ import annotations

import dataclasses
import functools
import typing
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import pyarrow as pa

from wiretrace import records

T = TypeVar("T")

# the store's own state (not a record type): whether the last analysis finished
_STATE = "store_state"

# record type -> (table name, primary key columns or () for none)
TABLES: dict[type, tuple[str, tuple[str, ...]]] = {
    records.Article: ("articles", ("article_id",)),
    records.Rejection: ("rejections", ()),
    records.Sentence: ("sentences", ("article_id", "index")),
    records.Pair: ("pairs", ("article_a", "article_b")),
    records.Alignment: ("alignments", ()),
    records.Story: ("stories", ("story_id",)),
    records.Storyline: ("storylines", ("storyline_id",)),
    records.Claim: ("claims", ("claim_id",)),
    records.ClaimNote: ("claim_notes", ()),
    records.PlaceMention: ("place_mentions", ("mention_id",)),
    records.Place: ("places", ("place_id",)),
    records.Event: ("events", ("event_id",)),
    records.ClaimGroup: ("claim_groups", ("group_id",)),
    records.ProvenanceChain: ("provenance", ("claim_id",)),
    records.Dispute: ("disputes", ("dispute_id",)),
    records.Derivation: ("derivations", ("article_a", "article_b")),
    records.Signal: ("signals", ("signal_id",)),
    records.RewriteProfile: ("rewrite_profiles", ("article_id",)),
    records.Independence: ("independence", ("scope", "scope_id")),
    records.Divergence: ("divergences", ("divergence_id",)),
}

_SQL_TYPES = {str: "VARCHAR", int: "BIGINT", float: "DOUBLE", bool: "BOOLEAN"}
_ARROW_TYPES = {str: pa.string(), int: pa.int64(), float: pa.float64(), bool: pa.bool_()}


class StoreError(Exception):
    """The store file cannot be opened or used; the message says why and what to do."""


@functools.cache  # read on every load: the web app loads a dozen tables per page
def _column_types(record_type: type) -> list[tuple[str, type, bool, bool]]:
    """(name, scalar type, is_tuple, nullable) for each field of a record type."""
    hints = typing.get_type_hints(record_type)
    columns = []
    for field in dataclasses.fields(record_type):
        hint = hints[field.name]
        args = typing.get_args(hint)
        nullable = type(None) in args
        if nullable:
            hint = next(a for a in args if a is not type(None))
        is_tuple = typing.get_origin(hint) is tuple
        scalar = typing.get_args(hint)[0] if is_tuple else hint
        columns.append((field.name, scalar, is_tuple, nullable))
    return columns


def _arrow_schema(record_type: type) -> pa.Schema:
    fields = []
    for name, scalar, is_tuple, nullable in _column_types(record_type):
        arrow_type = _ARROW_TYPES[scalar]
        fields.append(pa.field(name, pa.list_(arrow_type) if is_tuple else arrow_type, nullable))
    return pa.schema(fields)


def to_arrow(record_type: type, rows: Sequence[Any]) -> pa.Table:
    """Records of one type as an Arrow table with the store's schema."""
    schema = _arrow_schema(record_type)
    columns = {f.name: [getattr(r, f.name) for r in rows] for f in dataclasses.fields(record_type)}
    return pa.table(columns, schema=schema)


def table_name(record_type: type) -> str:
    """The store table that holds records of ``record_type``."""
    return TABLES[record_type][0]


class Store:
    """An open DuckDB store. Use as a context manager.

    Example:
        with Store("wiretrace.duckdb") as store:
            articles = store.load(Article)
    """

    def __init__(self, path: str | Path, read_only: bool = False) -> None:
        self.path = str(path)
        try:
            self.connection = duckdb.connect(self.path, read_only=read_only)
        except duckdb.Error as error:
            raise StoreError(
                f"cannot open the store {self.path}: {error}. "
                "Another wiretrace process may hold it open; close it or pass another --db FILE."
            ) from error
        if not read_only:
            self._create_tables()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.connection.close()

    def _create_tables(self) -> None:
        for record_type, (name, key) in TABLES.items():
            cols = []
            for column, scalar, is_tuple, nullable in _column_types(record_type):
                sql_type = _SQL_TYPES[scalar] + ("[]" if is_tuple else "")
                cols.append(f'"{column}" {sql_type}{"" if nullable else " NOT NULL"}')
            if key:
                cols.append("PRIMARY KEY (" + ", ".join(f'"{k}"' for k in key) + ")")
            self.connection.execute(f"CREATE TABLE IF NOT EXISTS {name} ({', '.join(cols)})")
        self.connection.execute(
            f"CREATE TABLE IF NOT EXISTS {_STATE} (key VARCHAR PRIMARY KEY, value VARCHAR)"
        )

    def set_analysis_state(self, state: str) -> None:
        """Record that ``analyze`` is ``running`` (derived tables partly written) or ``complete``."""
        self.connection.execute(f"INSERT OR REPLACE INTO {_STATE} VALUES ('analysis', ?)", [state])

    def analysis_state(self) -> str | None:
        """``running`` when the last ``analyze`` did not finish, ``complete``, or None (never run)."""
        try:
            rows = self.connection.execute(f"SELECT value FROM {_STATE} WHERE key = 'analysis'").fetchall()
        except duckdb.Error:  # a store from before the state table, or never analysed
            return None
        return str(rows[0][0]) if rows else None

    def insert_new(self, record_type: type, rows: Sequence[Any]) -> int:
        """Insert rows whose primary key is not stored yet; returns how many were added."""
        if not rows:
            return 0
        name, key = TABLES[record_type]
        before = self.count(record_type)
        batch = to_arrow(record_type, rows)  # noqa: F841 - read by DuckDB by name
        conflict = " ON CONFLICT DO NOTHING" if key else ""
        self.connection.execute("BEGIN TRANSACTION")
        try:
            self.connection.execute(f"INSERT INTO {name} SELECT * FROM batch{conflict}")
            self.connection.execute("COMMIT")
        except Exception:
            self.connection.execute("ROLLBACK")
            raise
        return self.count(record_type) - before

    def replace(self, record_type: type, rows: Sequence[Any]) -> None:
        """Replace every row of a derived table in one transaction."""
        self.replace_many({record_type: rows})

    def replace_many(self, tables: dict[type, Sequence[Any]]) -> None:
        """Replace several derived tables in one transaction: all or nothing."""
        self.connection.execute("BEGIN TRANSACTION")
        try:
            for record_type, rows in tables.items():
                name = table_name(record_type)
                self.connection.execute(f"DELETE FROM {name}")
                if rows:
                    batch = to_arrow(record_type, rows)  # noqa: F841 - read by DuckDB by name
                    self.connection.execute(f"INSERT INTO {name} SELECT * FROM batch")
            self.connection.execute("COMMIT")
        except Exception:
            self.connection.execute("ROLLBACK")
            raise

    def append(self, record_type: type, rows: Sequence[Any]) -> None:
        """Add rows to a table in one transaction (the pipeline writes its records batch by batch)."""
        if rows:
            self.append_arrow(record_type, to_arrow(record_type, rows))

    def append_arrow(self, record_type: type, batch: pa.Table | pa.RecordBatch) -> None:
        """Add rows given as Arrow (with the table's schema) in one transaction."""
        name = table_name(record_type)
        columns = ", ".join(f'"{c[0]}"' for c in _column_types(record_type))
        self.connection.execute("BEGIN TRANSACTION")
        try:
            self.connection.execute(f"INSERT INTO {name} ({columns}) SELECT {columns} FROM batch")
            self.connection.execute("COMMIT")
        except Exception:
            self.connection.execute("ROLLBACK")
            raise

    def clear(self, record_types: Iterable[type]) -> None:
        """Empty several derived tables in one transaction (articles are never cleared this way)."""
        types = list(record_types)
        if records.Article in types:
            raise StoreError(
                "articles are never cleared by the pipeline; remove the store file to start anew"
            )
        self.connection.execute("BEGIN TRANSACTION")
        try:
            for record_type in types:
                self.connection.execute(f"DELETE FROM {table_name(record_type)}")
            self.connection.execute("COMMIT")
        except Exception:
            self.connection.execute("ROLLBACK")
            raise

    def load(self, record_type: type[T], where: str = "", params: Iterable[Any] = ()) -> list[T]:
        """Records of one type, optionally filtered by a SQL ``where`` clause with ``?`` params."""
        # on the store's own connection: a caller's open transaction sees its own writes
        return list(self._records(self.connection, record_type, where, params, True, 10_000))

    def iter_load(
        self,
        record_type: type[T],
        where: str = "",
        params: Iterable[Any] = (),
        key_order: bool = True,
        chunk_rows: int = 10_000,
    ) -> Iterator[T]:
        """Records of one type, read ``chunk_rows`` at a time: the raw rows never all sit in memory.

        ``key_order=False`` yields them in insertion order (tables without a key keep only that).
        They are read on a cursor of their own, so the store can be written while they are read.
        """
        cursor = self.connection.cursor()
        try:
            yield from self._records(cursor, record_type, where, params, key_order, chunk_rows)
        finally:
            cursor.close()

    def load_for_articles(
        self, record_type: type[T], article_ids: Sequence[str], columns: Sequence[str] = ("article_id",)
    ) -> list[T]:
        """Records whose ``columns`` (any of them) hold one of ``article_ids``.

        Tables with a key come in key order, as ``load`` gives them; the others (and claims,
        whose stages read them as written) in the order they were written.
        """
        where = " OR ".join(f'"{column}" IN (SELECT unnest(?))' for column in columns)
        params = [list(article_ids)] * len(columns)
        written_order = record_type is records.Claim or not TABLES[record_type][1]
        return list(
            self._records(
                self.connection, record_type, where, params, not written_order, 10_000, written_order
            )
        )

    @staticmethod
    def _records(
        connection: duckdb.DuckDBPyConnection,
        record_type: type[T],
        where: str,
        params: Iterable[Any],
        key_order: bool,
        chunk_rows: int,
        written_order: bool = False,
    ) -> Iterator[T]:
        """Records read on ``connection``, fetched ``chunk_rows`` rows at a time."""
        name, key = TABLES[record_type]
        column_types = _column_types(record_type)  # type: ignore[arg-type]
        columns = [c[0] for c in column_types]
        tuples = {c[0] for c in column_types if c[2]}
        sql = f"SELECT {', '.join(f'{chr(34)}{c}{chr(34)}' for c in columns)} FROM {name}"
        if where:
            sql += f" WHERE {where}"
        if key and key_order:
            sql += " ORDER BY " + ", ".join(f'"{k}"' for k in key)
        elif written_order:
            sql += " ORDER BY rowid"  # a filtered scan need not keep the written order by itself
        result = connection.execute(sql, list(params))
        while rows := result.fetchmany(chunk_rows):
            for row in rows:
                values = {
                    c: (tuple(v) if c in tuples and v is not None else v)
                    for c, v in zip(columns, row, strict=True)
                }
                yield record_type(**values)

    def article_id_bounds(self, batch_articles: int) -> list[tuple[str, str]]:
        """(first, last) article id of consecutive batches of ``batch_articles`` ids, in id order."""
        ids = self.connection.sql("SELECT article_id FROM articles ORDER BY article_id").to_arrow_table()
        column = ids.column(0)
        return [
            (column[start].as_py(), column[min(start + batch_articles, len(column)) - 1].as_py())
            for start in range(0, len(column), batch_articles)
        ]

    def article_ids(self) -> list[str]:
        """Every stored article id, in id order."""
        rows = self.connection.execute("SELECT article_id FROM articles ORDER BY article_id").fetchall()
        return [row[0] for row in rows]

    def existing_article_ids(self, ids: Sequence[str]) -> set[str]:
        """Which of ``ids`` are stored already."""
        rows = self.connection.execute(
            "SELECT article_id FROM articles WHERE article_id IN (SELECT unnest(?))", [list(ids)]
        ).fetchall()
        return {row[0] for row in rows}

    def clear_rejections(self, source_path: str) -> None:
        """Forget earlier rejections of one input: its latest reading replaces them."""
        self.connection.execute("DELETE FROM rejections WHERE source_path = ?", [source_path])

    def count(self, record_type: type) -> int:
        # fetchall, not fetchone: an unfinished result blocks the connection's next ``sql()`` (DuckDB 2)
        rows = self.connection.execute(f"SELECT count(*) FROM {table_name(record_type)}").fetchall()
        return int(rows[0][0]) if rows else 0

    def arrow(self, record_type: type) -> pa.Table:
        """A whole table as Arrow, for export: in key order, so the same records export the same
        whatever order the pipeline wrote them in (tables without a key in written order)."""
        return self.connection.sql(self._export_sql(record_type)).to_arrow_table()

    def arrow_batches(self, record_type: type, rows: int = 100_000) -> Iterator[pa.RecordBatch]:
        """``arrow`` a batch of ``rows`` at a time: the table never sits in memory whole."""
        cursor = self.connection.cursor()
        try:
            reader = cursor.sql(self._export_sql(record_type)).to_arrow_reader(rows)
            yield from reader
        finally:
            cursor.close()

    @staticmethod
    def _export_sql(record_type: type) -> str:
        name, key = TABLES[record_type]
        order = " ORDER BY " + ", ".join(f'"{k}"' for k in key) if key else ""
        return f"SELECT * FROM {name}{order}"

"""Reading a store for the pages: safe loads, late-landing record types, and marked article text.

A store may come from a run in which a stage produced nothing, or from a version without that
stage or with fewer columns: every read here turns a missing table or column into an empty
result (remembered in ``Reader.missing``), never an error. Records of other stages are read
through ``field_of`` by their likely field names, so a renamed field empties a cell, not a page.
"""

from __future__ import annotations

import copy
import dataclasses
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import duckdb

from wiretrace import records
from wiretrace.records import Article, Story
from wiretrace.store import TABLES, Store

POINT_LOOKUPS = 8  # up to this many keys, one equality query each beats one IN query (bench/web_speed.py)


def anchor(article_id: str, start: int, end: int) -> str:
    """The fragment id of a span of an article: ``a-<article_id>-<start>-<end>``."""
    return f"a-{article_id}-{start}-{end}"


def field_of(record: Any, *names: str, default: Any = None) -> Any:
    """The first of ``names`` that the record has and that is set."""
    for name in names:
        value = getattr(record, name, None)
        if value not in (None, ""):
            return value
    return default


def record_type(*names: str) -> type | None:
    """The record class of a stage by any of its names, if that stage exists and has a table."""
    for name in names:
        cls = getattr(records, name, None)
        if isinstance(cls, type) and cls in TABLES:
            return cls
    return None


class Reader:
    """Reads of a store from any thread: each thread queries through its own DuckDB cursor.

    A DuckDB connection must not run queries from two threads at once; a cursor per thread
    lets the web app's worker threads read concurrently instead of queueing on one lock.

    Example:
        reader = Reader(Store("wiretrace.duckdb", read_only=True))
        view = story_view(reader, reader.story("s-1"), link_in_page)
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self.local = threading.local()
        self.missing: set[str] = set()  # tables absent or outdated in this store file

    def _store(self) -> Store:
        """This thread's view of the store: the same file through its own cursor."""
        mine: Store | None = getattr(self.local, "store", None)
        if mine is None:
            mine = copy.copy(self.store)
            mine.connection = self.store.connection.cursor()
            self.local.store = mine
        return mine

    def load(self, cls: type | None, where: str = "", params: Iterable[Any] = ()) -> list[Any]:
        """Records of ``cls`` (``[]`` if the stage or its table does not exist)."""
        if cls is None:
            return []
        try:
            return self._store().load(cls, where, params)
        except (duckdb.CatalogException, duckdb.BinderException):
            # a store written by an older version: the table or a column of it is missing
            self.missing.add(TABLES[cls][0])
            return []

    def load_in(self, cls: type | None, columns: Sequence[str], values: Sequence[Any]) -> list[Any]:
        """Records whose first existing column of ``columns`` is one of ``values``."""
        if cls is None or not values:
            return []
        names = {f.name for f in dataclasses.fields(cls)}
        column = next((c for c in columns if c in names), None)
        if column is None:
            return []
        if len(values) <= POINT_LOOKUPS:
            # an equality prunes row groups by their min/max (tables are written in id order);
            # an IN list does not, and a full scan of a million sentences costs ~50 ms
            return [row for value in values for row in self.load(cls, f'"{column}" = ?', [value])]
        return self.load(cls, f'"{column}" IN (SELECT unnest(?))', [list(values)])

    def sql(self, query: str, params: Iterable[Any] = ()) -> list[tuple[Any, ...]]:
        """Rows of a read query; ``[]`` when a table it needs is missing."""
        try:
            return self._store().connection.execute(query, list(params)).fetchall()
        except (duckdb.CatalogException, duckdb.BinderException):
            return []

    def story(self, story_id: str) -> Story | None:
        found = self.load(Story, "story_id = ?", [story_id])
        return found[0] if found else None

    def article(self, article_id: str) -> Article | None:
        found = self.load(Article, "article_id = ?", [article_id])
        return found[0] if found else None

    def stories_of_articles(self, article_ids: Sequence[str]) -> dict[str, str]:
        """article id -> story id, for the given articles."""
        rows = self.sql(
            "SELECT a, story_id FROM (SELECT unnest(article_ids) AS a, story_id FROM stories) "
            "WHERE a IN (SELECT unnest(?))",
            [list(article_ids)],
        )
        return {a: s for a, s in rows}


# -- article text with marked spans ---------------------------------------------------------------


@dataclass(frozen=True)
class MarkedSpan:
    """A span of an article that something on the page links to."""

    start: int
    end: int
    kind: str  # claim, place, divergence, event
    title: str = ""


@dataclass(frozen=True)
class Segment:
    """A run of article text between span boundaries."""

    text: str
    start: int
    end: int
    kinds: tuple[str, ...]  # empty: plain text
    anchors: tuple[str, ...]  # fragment ids of spans that start here
    hit: bool = False
    title: str = ""


def segments(
    article: Article, spans: Iterable[MarkedSpan], hit: tuple[int, int] | None = None
) -> list[Segment]:
    """Cut the article text at every span boundary so that any span is a run of whole segments."""
    text = article.text
    valid = [s for s in spans if 0 <= s.start < s.end <= len(text)]
    cuts = sorted({0, len(text)} | {s.start for s in valid} | {s.end for s in valid})
    starts: dict[int, list[str]] = {}
    for s in valid:
        ids = starts.setdefault(s.start, [])
        if (a := anchor(article.article_id, s.start, s.end)) not in ids:
            ids.append(a)
    # sweep: which spans cover each segment (spans are few per article, so a plain scan is fine)
    out = []
    for left, right in zip(cuts, cuts[1:], strict=False):
        covering = [s for s in valid if s.start <= left and right <= s.end]
        kinds = tuple(sorted({s.kind for s in covering}))
        is_hit = hit is not None and kinds != () and hit[0] <= left and right <= hit[1]
        title = "; ".join(dict.fromkeys(s.title for s in covering if s.title))
        out.append(Segment(text[left:right], left, right, kinds, tuple(starts.get(left, ())), is_hit, title))
    return out


def parse_anchor(fragment: str) -> tuple[str, int, int]:
    """Split ``a-<article_id>-<start>-<end>`` back into its parts."""
    body = fragment.removeprefix("a-")
    rest, _, end = body.rpartition("-")
    article_id, _, start = rest.rpartition("-")
    return article_id, int(start), int(end)

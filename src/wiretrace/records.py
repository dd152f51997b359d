"""Typed records passed between pipeline stages.

Every record is a flat, frozen dataclass: scalar fields and tuples of strings only, so
that each one maps to one DuckDB table row (see ``store.py``) and to one row of the
CSV/Parquet export without any custom encoding. Character offsets (``*_start``,
``*_end``) always index into ``Article.text`` of the article named by ``article_id``.

Each field is written by one stage, named in the class docstring.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Article:
    """One ingested article (written by ``ingest``)."""

    article_id: str
    text: str
    title: str | None
    url: str | None
    outlet: str | None  # None means unknown: never guessed
    author: str | None
    published: str | None  # ISO 8601 date or datetime, as given by the input
    source_path: str
    source_record: str | None  # record offset, line or row number inside the file
    source_format: str


@dataclass(frozen=True)
class Rejection:
    """An input that could not become an article, with the reason and the fix (``ingest``)."""

    source_path: str
    source_record: str | None
    reason: str
    hint: str


@dataclass(frozen=True)
class Sentence:
    """One sentence with its character span in the article (``segment``)."""

    article_id: str
    index: int
    start: int
    end: int
    text: str
    paragraph: int


@dataclass(frozen=True)
class Pair:
    """Two articles that belong together and how (``stories``).

    ``kind`` is one of ``copy``, ``near_copy``, ``rewrite``, ``same_event``.
    ``article_a`` < ``article_b`` always.
    """

    article_a: str
    article_b: str
    kind: str
    minhash_jaccard: float
    embedding_cosine: float
    aligned_fraction: float  # share of the shorter article's sentences aligned
    shared_entities: tuple[str, ...]


@dataclass(frozen=True)
class Alignment:
    """Sentence ``sentence_a`` of ``article_a`` corresponds to ``sentence_b`` of ``article_b`` (``align``)."""

    article_a: str
    sentence_a: int
    article_b: str
    sentence_b: int
    score: float


@dataclass(frozen=True)
class Story:
    """Articles that report one event (``stories``)."""

    story_id: str
    article_ids: tuple[str, ...]
    headline: str
    date_start: str | None
    date_end: str | None
    likely_original: str | None
    original_reasons: tuple[str, ...]
    storyline_id: str | None


@dataclass(frozen=True)
class Storyline:
    """Stories about one subject over time, ordered by date (``stories``)."""

    storyline_id: str
    story_ids: tuple[str, ...]
    label: str


@dataclass(frozen=True)
class Claim:
    """One attributed statement, or an unsourced assertion (``claims``).

    ``cue_class``: assert, confirm, claim, deny, report (empty for ``sourcing == "none"``).
    ``sourcing``: named, anonymous, vague, none.
    ``quote_kind``: direct, indirect, mixed, none.
    Spans are -1/-1 when absent.
    """

    claim_id: str
    article_id: str
    sentence_index: int
    content_start: int
    content_end: int
    content: str
    cue_start: int
    cue_end: int
    cue: str
    cue_class: str
    speaker_start: int
    speaker_end: int
    speaker: str
    speaker_canonical: str
    speaker_role: str
    via_outlet: str
    via_start: int
    via_end: int
    hedges: tuple[str, ...]
    sourcing: str
    quote_kind: str


@dataclass(frozen=True)
class ClaimNote:
    """A quote or construction dropped from claims, with the reason (``claims``)."""

    article_id: str
    start: int
    end: int
    reason: str

"""The orchestrator: runs every analysis stage, in order, over the articles in the store.

Each stage is a plain function over a batch of articles that returns its own typed records;
this module only wires their inputs and outputs and writes the results to the store as they
come: the per-article stages (segment, claims) batch by batch, the stories stage once over
the corpus, and the story-scoped stages (provenance, divergences, places, events) one part of
whole stories at a time, since they compare articles within a story only.
"""

from __future__ import annotations

import collections
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from wiretrace.claims import stage as claims
from wiretrace.config import Settings
from wiretrace.divergences import stage as divergences
from wiretrace.ingest import segment
from wiretrace.places import events
from wiretrace.provenance import stage as provenance
from wiretrace.records import (
    Alignment,
    Article,
    Claim,
    ClaimNote,
    Independence,
    Pair,
    PlaceMention,
    ProvenanceChain,
    Rejection,
    Sentence,
    Story,
    Storyline,
)
from wiretrace.signals import stage as signals
from wiretrace.store import TABLES, Store, table_name
from wiretrace.stories import fingerprint
from wiretrace.stories import stage as stories
from wiretrace.workers import die_with_parent

# articles per batch of the per-article stages in the embedded path
BATCH_ARTICLES = 2000
# articles per part (whole stories) of the story-scoped stages in the embedded path
PART_ARTICLES = 5000
# worker processes for those parts (0: up to 2); a corpus of one part runs in this process
PART_PROCESSES = 0


@dataclass(frozen=True)
class AnalysisSummary:
    """What ``analyze`` found, in counts per record type, and the rejected inputs."""

    counts: dict[str, int]
    rejections: list[Rejection] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def analyze(store: Store, settings: Settings) -> AnalysisSummary:
    """Run every stage over all stored articles and replace the derived tables.

    The derived tables are emptied first and filled as the stages go: the per-article stages
    batch by batch, the stories stage once over the corpus, and the story-scoped stages
    (provenance, divergences, places, events) one part of whole stories at a time, each part's
    inputs read back from the store. A run that fails midway leaves the articles untouched and
    the derived tables partly written; the next run replaces them.

    Args:
        store: an open, writable store.
        settings: the layered settings.
    Returns:
        counts of each record type written, plus the store's ingest rejections.
    Example:
        with Store("wiretrace.duckdb") as store:
            summary = analyze(store, load_settings())
    """
    store.clear(DERIVED)
    store.set_analysis_state("running")  # until the end: a killed run reads as incomplete
    counts = {"articles": store.count(Article)}
    counts.update(write_article_stages(store, settings))
    pool = part_workers(counts["articles"])
    try:
        written, notes = write_corpus_stages(
            store, settings, lambda parts: map_parts_locally(parts, settings, pool)
        )
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    counts.update(written)
    store.set_analysis_state("complete")
    return AnalysisSummary(counts=counts, rejections=store.load(Rejection), notes=notes)


def write_corpus_stages(
    store: Store,
    settings: Settings,
    map_parts: MapParts,
    near_duplicates: fingerprint.NearDuplicates | None = None,
) -> tuple[dict[str, int], list[str]]:
    """The stages that compare articles, over the articles and per-article records in the store.

    The stories stage reads the corpus in batches; the story-scoped stages run on parts of whole
    stories read back from the store, through ``map_parts`` (worker processes here, Ray tasks on
    the Ray path); each part's records are written before the next part is read. Returns the rows
    written per table and the notes on the largest stories.
    """
    counts: dict[str, int] = {}

    def write(step: dict[type, list[Any]]) -> None:
        for record_type, rows in step.items():
            store.append(record_type, rows)
            counts[table_name(record_type)] = counts.get(table_name(record_type), 0) + len(rows)

    stories_found, written = write_story_stage(store, settings, near_duplicates)
    counts.update((table_name(t), n) for t, n in written.items())
    sourcing: dict[str, str] = {}
    ledger = events.Ledger(settings)
    parts = (_read_part(store, part) for part in story_parts(store, stories_found, PART_ARTICLES))
    for result in map_parts(parts):
        for step in result.steps:
            write(step)
            sourcing.update(
                (row.scope_id, row.summary) for row in step.get(Independence, ()) if row.scope == "story"
            )
        ledger.merge(result.ledger)
    write(ledger.finish())
    return counts, _story_notes(stories_found, sourcing)


def write_story_stage(
    store: Store, settings: Settings, near_duplicates: fingerprint.NearDuplicates | None = None
) -> tuple[list[Story], dict[type, int]]:
    """The stories stage over every stored article and sentence (it compares all of them).

    The corpus is read from the store twice, a batch at a time, and the pairs and alignments
    are written as each group of stories is assembled, so it is never all in memory.
    Returns the stories (the parts are cut from them) and the count of rows written per table.
    """

    def batches() -> Iterator[stories.Batch]:
        for first, last in store.article_id_bounds(stories.BATCH_ARTICLES):
            where, bounds = "article_id BETWEEN ? AND ?", [first, last]
            articles = store.load(Article, where, bounds)
            yield articles, _by_article(articles, {Sentence: store.load(Sentence, where, bounds)})

    def load(ids: Sequence[str]) -> list[Article]:
        return store.load_for_articles(Article, ids)

    def write(pairs: list[Pair], alignments: list[Alignment]) -> None:
        store.append(Pair, pairs)
        store.append(Alignment, alignments)
        written[Pair] += len(pairs)
        written[Alignment] += len(alignments)

    written = {Pair: 0, Alignment: 0}
    result = stories.stream_stories(batches(), load, settings.stories, write, near_duplicates)
    store.append(Story, result.stories)
    store.append(Storyline, result.storylines)
    written.update({Story: len(result.stories), Storyline: len(result.storylines)})
    return result.stories, written


def story_stage(
    articles: Sequence[Article], outputs: Mapping[type, Any], settings: Settings
) -> dict[type, list[Any]]:
    """The stories stage's records (pairs, alignments, stories, storylines) from the sentences in
    ``outputs``."""
    result = stories.build_stories(articles, _by_article(articles, outputs), settings.stories)
    return {
        Pair: result.pairs,
        Alignment: result.alignments,
        Story: result.stories,
        Storyline: result.storylines,
    }


def _read_part(store: Store, stories_of_part: list[Story]) -> Part:
    """One part's articles and the records the story-scoped stages read, from the store."""
    ids = [article_id for story in stories_of_part for article_id in story.article_ids]
    known: dict[type, list[Any]] = {
        Sentence: store.load_for_articles(Sentence, ids),
        Claim: store.load_for_articles(Claim, ids),
        Pair: store.load_for_articles(Pair, ids, ("article_a", "article_b")),
        Alignment: store.load_for_articles(Alignment, ids, ("article_a", "article_b")),
        Story: [story for story in stories_of_part if story.story_id],
    }
    return store.load_for_articles(Article, ids), known


def part_workers(articles: int) -> ProcessPoolExecutor | None:
    """Worker processes for the story parts, started now, or None for a corpus of one part.

    ``analyze`` starts them before the stories stage: a forked worker begins with its parent's
    memory, and the parent's is smallest then (the stories stage leaves a large heap behind).
    """
    processes = _part_processes()
    if processes <= 1 or articles <= PART_ARTICLES:  # one part: no worker start-up (a model load each)
        return None
    # the platform default (fork on Linux), as the claims workers; fork starts every worker at once
    pool = ProcessPoolExecutor(max_workers=processes, initializer=die_with_parent)
    pool.submit(os.getpid).result()
    return pool


def _part_processes() -> int:
    return PART_PROCESSES or min(2, os.cpu_count() or 1)


def map_parts_locally(
    parts: Iterable[Part], settings: Settings, pool: ProcessPoolExecutor | None
) -> Iterator[PartResult]:
    """``run_part`` over each part, in order: on ``pool``'s workers when given, else here.

    At most one part more than there are workers is read ahead of the one being written, so
    memory holds a few parts at a time whatever the corpus size.
    """
    if pool is None:
        for part in parts:
            yield run_part(part, settings)
        return
    workers = _part_processes()
    pending: collections.deque[Future[PartResult]] = collections.deque()
    for part in parts:
        pending.append(pool.submit(run_part, part, settings))
        if len(pending) > workers:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def story_parts(store: Store, stories_found: Sequence[Story], part_articles: int) -> Iterator[list[Story]]:
    """Consecutive stories holding about ``part_articles`` articles, then the articles no story
    holds (as stand-in stories with an empty id, which the story-scoped stages treat as a
    whole-corpus call does: their claims, without a story record)."""
    part: list[Story] = []
    size = 0
    covered: set[str] = set()
    for story in stories_found:
        part.append(story)
        size += len(story.article_ids)
        covered.update(story.article_ids)
        if size >= part_articles:
            yield part
            part, size = [], 0
    if part:
        yield part
    rest = [i for i in store.article_ids() if i not in covered]  # ids come sorted
    for start in range(0, len(rest), part_articles):
        yield [_stand_in(tuple(rest[start : start + part_articles]))]


def write_article_stages(store: Store, settings: Settings) -> dict[str, int]:
    """Run the per-article stages over the stored articles, ``BATCH_ARTICLES`` at a time.

    Batches follow article id order and each batch's records are appended to the store before
    the next batch is read, so memory holds one batch (articles, parses, records) at a time.
    Returns the rows written per table.
    """
    counts: dict[str, int] = {}
    for first, last in store.article_id_bounds(BATCH_ARTICLES):
        batch = store.load(Article, "article_id BETWEEN ? AND ?", [first, last])
        for record_type, rows in article_stages(batch, settings).items():
            store.append(record_type, rows)
            counts[table_name(record_type)] = counts.get(table_name(record_type), 0) + len(rows)
    return counts


def _story_notes(stories_found: list[Story], sourcing: dict[str, str], limit: int = 5) -> list[str]:
    """The sourcing sentence of the largest multi-article stories, largest first."""
    stories = sorted(
        (s for s in stories_found if len(s.article_ids) > 1),
        key=lambda s: (-len(s.article_ids), s.story_id),
    )
    notes = []
    for story in stories[:limit]:
        summary = sourcing.get(story.story_id, f"{len(story.article_ids)} articles")
        notes.append(f"{story.story_id}: {story.headline[:90]} — {summary}")
    if len(stories) > limit:
        notes.append(f"... and {len(stories) - limit} more multi-article stories (wiretrace stories)")
    return notes


def article_stages(articles: Sequence[Article], settings: Settings) -> dict[type, list[Any]]:
    """Stages whose records for an article depend on that article alone (segment, claims).

    Any split of the corpus into batches gives the same records, so the embedded path runs
    them batch by batch and the Ray path (``scale``) runs them inside ``map_batches``.
    """
    sentences = segment.segment_all(articles)
    outputs: dict[type, list[Any]] = {
        Sentence: [s for article in articles for s in sentences[article.article_id]],
    }
    claim_result = claims.extract_claims(articles, sentences, settings.claims)
    outputs[Claim] = claim_result.claims
    outputs[ClaimNote] = claim_result.notes
    return outputs


def corpus_stages(
    articles: Sequence[Article], outputs: dict[type, list[Any]], settings: Settings
) -> dict[type, list[Any]]:
    """Stages that compare articles (stories, provenance, places...) over records held in memory.

    ``outputs`` holds the records of ``article_stages`` for every article; the result holds the
    records of these stages only, found over the corpus at once. ``analyze`` (and the Ray path)
    run the same stages on a store, the story-scoped ones part by part.
    """
    result = story_stage(articles, outputs, settings)
    ledger = events.Ledger(settings)
    known: dict[type, list[Any]] = {**outputs, **{t: result[t] for t in (Pair, Alignment, Story)}}
    for step in [*story_steps(articles, known, settings, ledger), ledger.finish()]:
        for record_type, rows in step.items():
            result.setdefault(record_type, []).extend(rows)
    return result


# the story-scoped stages' inputs for one part of whole stories: its articles and their records
Part = tuple[list[Article], dict[type, list[Any]]]
# runs ``run_part`` on each part (anywhere, in any order) and yields what each returned
MapParts = Callable[[Iterable[Part]], Iterable["PartResult"]]


@dataclass
class PartResult:
    """What the story-scoped stages found in one part: records per stage, places and events kept back."""

    steps: list[dict[type, list[Any]]]
    ledger: events.Ledger


def run_part(part: Part, settings: Settings) -> PartResult:
    """The story-scoped stages over one part (what a Ray task runs)."""
    articles, known = part
    ledger = events.Ledger(settings)
    return PartResult(list(story_steps(articles, known, settings, ledger)), ledger)


def story_steps(
    articles: Sequence[Article], known: dict[type, list[Any]], settings: Settings, ledger: events.Ledger
) -> Iterator[dict[type, list[Any]]]:
    """The stages that work within stories, over whole stories: provenance, divergences, places.

    ``known`` holds the sentences, claims, pairs, alignments and stories of ``articles``
    (more is harmless); the places and events that need the whole corpus wait in ``ledger``.
    """
    # provenance runs after the stories, align and claims stages; without them it receives
    # empty inputs and writes empty tables
    found = provenance.stage_outputs(articles, known, settings)
    yield found
    diverged = divergences.stage_outputs(articles, {**known, **found}, settings)
    yield diverged
    yield signals.stage_outputs(articles, {**known, **found, **diverged})
    # the events read the claims' parties from provenance: one party resolution for both
    with_parties = {**known, ProvenanceChain: found.get(ProvenanceChain, [])}
    del found
    yield {PlaceMention: ledger.add(articles, _by_article(articles, known), with_parties)}


def _by_article(articles: Sequence[Article], outputs: Mapping[type, Any]) -> dict[str, list[Sentence]]:
    """Sentences by article id, in index order (an empty list for an article without any)."""
    sentences: dict[str, list[Sentence]] = {article.article_id: [] for article in articles}
    for sentence in outputs.get(Sentence, ()):
        sentences.setdefault(sentence.article_id, []).append(sentence)
    for rows in sentences.values():
        rows.sort(key=lambda s: s.index)
    return sentences


def _stand_in(article_ids: tuple[str, ...]) -> Story:
    """A story record with an empty id that only carries ``article_ids`` into ``story_parts``."""
    return Story("", article_ids, len(article_ids), (), "", None, None, (), None, (), (), None)


# tables that ``analyze`` replaces: every table but the ingested articles and rejections
DERIVED = [t for t in TABLES if t not in (Article, Rejection)]

"""The orchestrator: runs every analysis stage, in order, over the articles in the store.

Each stage is a plain function over the whole batch that returns its own typed records;
this module only wires their inputs and outputs and writes the results to the store as they
come: the per-article stages batch by batch, the corpus stages one stage at a time.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from wiretrace import claims, divergences, events, fingerprint, provenance, segment, stories
from wiretrace.config import Settings
from wiretrace.records import (
    Alignment,
    Article,
    Claim,
    ClaimGroup,
    ClaimNote,
    Divergence,
    Independence,
    Pair,
    ProvenanceChain,
    Rejection,
    Sentence,
    Story,
    Storyline,
)
from wiretrace.store import TABLES, Store, table_name

# articles per batch of the per-article stages in the embedded path
BATCH_ARTICLES = 2000


@dataclass(frozen=True)
class AnalysisSummary:
    """What ``analyze`` found, in counts per record type, and the rejected inputs."""

    counts: dict[str, int]
    rejections: list[Rejection] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def analyze(store: Store, settings: Settings) -> AnalysisSummary:
    """Run every stage over all stored articles and replace the derived tables.

    The derived tables are emptied first and filled as the stages go, so memory holds one
    batch of the per-article stages' records at a time, and in the corpus stages only the inputs
    those stages read (articles, sentences, claims) plus the records of the stage at hand. A run
    that fails midway leaves the articles untouched and the derived tables partly written; the
    next run replaces them.

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
    counts = {"articles": store.count(Article)}
    counts.update(write_article_stages(store, settings))
    articles = store.load(Article)
    inputs: dict[type, list[Any]] = {
        Sentence: store.load(Sentence),  # (article_id, index) order: the order they were written in
        Claim: list(store.iter_load(Claim, key_order=False)),  # written order, as the stages saw it
    }
    stories_found: list[Story] = []
    sourcing: dict[str, str] = {}
    for step in corpus_steps(articles, inputs, settings):
        for record_type, rows in step.items():
            store.append(record_type, rows)
            counts[table_name(record_type)] = len(rows)
        stories_found.extend(step.get(Story, ()))
        sourcing.update(
            (row.scope_id, row.summary) for row in step.get(Independence, ()) if row.scope == "story"
        )
        del step  # the stage's records are in the store: let them go before the next stage
    return AnalysisSummary(
        counts=counts, rejections=store.load(Rejection), notes=_story_notes(stories_found, sourcing)
    )


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
    articles: Sequence[Article],
    outputs: dict[type, list[Any]],
    settings: Settings,
    near_duplicates: fingerprint.NearDuplicates | None = None,
) -> dict[type, list[Any]]:
    """Stages that compare articles (stories, provenance, places...): one call over the whole corpus.

    ``outputs`` holds the records of ``article_stages`` for every article; the result holds the
    records of these stages only. ``near_duplicates``, when given, are the stories stage's
    candidates found elsewhere (the Ray path finds them on the cluster).
    """
    result: dict[type, list[Any]] = {}
    for step in corpus_steps(articles, outputs, settings, near_duplicates):
        result.update(step)
    return result


def corpus_steps(
    articles: Sequence[Article],
    outputs: dict[type, list[Any]],
    settings: Settings,
    near_duplicates: fingerprint.NearDuplicates | None = None,
) -> Iterator[dict[type, list[Any]]]:
    """The corpus stages one at a time: each yield holds the records of one stage.

    Records that no later stage reads are let go before the next stage runs, so a caller that
    writes each step away (``analyze``) holds only one stage's records at a time.
    """
    sentences: dict[str, list[Sentence]] = {article.article_id: [] for article in articles}
    for sentence in outputs.get(Sentence, ()):
        sentences.setdefault(sentence.article_id, []).append(sentence)
    for rows in sentences.values():
        rows.sort(key=lambda s: s.index)
    story_result = stories.build_stories(articles, sentences, settings.stories, near_duplicates)
    known: dict[type, list[Any]] = {
        **outputs,
        Pair: story_result.pairs,
        Alignment: story_result.alignments,
        Story: story_result.stories,
        Storyline: story_result.storylines,
    }
    del story_result
    yield {t: known[t] for t in (Pair, Alignment, Story, Storyline)}
    # provenance runs after the stories, align and claims stages; without them it receives
    # empty inputs and writes empty tables
    found = provenance.stage_outputs(articles, known, settings)
    known.update(found)
    yield found
    found = divergences.stage_outputs(articles, known, settings)
    yield found
    # the places and events stages read stories and claims only
    for record_type in (Pair, Alignment, Storyline, ClaimGroup, ProvenanceChain, Independence, Divergence):
        known.pop(record_type, None)
    found = {}
    yield events.stage_outputs(articles, sentences, known, settings)


# tables that ``analyze`` replaces: every table but the ingested articles and rejections
DERIVED = [t for t in TABLES if t not in (Article, Rejection)]

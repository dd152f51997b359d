"""The orchestrator: runs every analysis stage, in order, over the articles in the store.

Each stage is a plain function over the whole batch that returns its own typed records;
this module only wires their inputs and outputs and writes the results in one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from wiretrace import claims, divergences, events, provenance, segment, stories
from wiretrace.config import Settings
from wiretrace.records import (
    Alignment,
    Article,
    Claim,
    ClaimNote,
    Independence,
    Pair,
    Rejection,
    Sentence,
    Story,
    Storyline,
)
from wiretrace.store import Store

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

    Args:
        store: an open, writable store.
        settings: the layered settings.
    Returns:
        counts of each record type written, plus the store's ingest rejections.
    Example:
        with Store("wiretrace.duckdb") as store:
            summary = analyze(store, load_settings())
    """
    articles = store.load(Article)
    outputs: dict[type, list[Any]] = {}
    # per-article stages run batch by batch: their working memory (parses, docs) stays bounded
    for start in range(0, len(articles), BATCH_ARTICLES):
        for record_type, rows in article_stages(articles[start : start + BATCH_ARTICLES], settings).items():
            outputs.setdefault(record_type, []).extend(rows)
    outputs.update(corpus_stages(articles, outputs, settings))
    tables: dict[type, Sequence[Any]] = dict(outputs)
    store.replace_many(tables)
    counts = {"articles": len(articles)}
    counts.update({_plural(t): len(rows) for t, rows in outputs.items()})
    return AnalysisSummary(counts=counts, rejections=store.load(Rejection), notes=_story_notes(outputs))


def _story_notes(outputs: dict[type, list[Any]], limit: int = 5) -> list[str]:
    """The sourcing sentence of the largest multi-article stories, largest first."""
    stories = sorted(
        (s for s in outputs.get(Story, []) if len(s.article_ids) > 1),
        key=lambda s: (-len(s.article_ids), s.story_id),
    )
    summaries = {
        row.scope_id: row.summary
        for row in outputs.get(Independence, [])
        if getattr(row, "scope", "") == "story"
    }
    notes = []
    for story in stories[:limit]:
        sourcing = summaries.get(story.story_id, f"{len(story.article_ids)} articles")
        notes.append(f"{story.story_id}: {story.headline[:90]} — {sourcing}")
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
    """Stages that compare articles (stories, provenance, places...): one call over the whole corpus.

    ``outputs`` holds the records of ``article_stages`` for every article; the result holds the
    records of these stages only.
    """
    sentences: dict[str, list[Sentence]] = {article.article_id: [] for article in articles}
    for sentence in outputs.get(Sentence, ()):
        sentences.setdefault(sentence.article_id, []).append(sentence)
    for rows in sentences.values():
        rows.sort(key=lambda s: s.index)
    result: dict[type, list[Any]] = {}
    story_result = stories.build_stories(articles, sentences, settings.stories)
    result.update(
        {
            Pair: story_result.pairs,
            Alignment: story_result.alignments,
            Story: story_result.stories,
            Storyline: story_result.storylines,
        }
    )
    # provenance runs after the stories, align and claims stages; without them it receives
    # empty inputs and writes empty tables
    result.update(provenance.stage_outputs(articles, {**outputs, **result}, settings))
    result.update(divergences.stage_outputs(articles, {**outputs, **result}, settings))
    result.update(events.stage_outputs(articles, sentences, {**outputs, **result}, settings))
    return result


def _plural(record_type: type) -> str:
    from wiretrace.store import table_name

    return table_name(record_type)

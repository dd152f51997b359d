"""The orchestrator: runs every analysis stage, in order, over the articles in the store.

Each stage is a plain function over the whole batch that returns its own typed records;
this module only wires their inputs and outputs and writes the results in one transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from wiretrace import provenance, segment, stories
from wiretrace.config import Settings
from wiretrace.records import Alignment, Article, Pair, Rejection, Sentence, Story, Storyline
from wiretrace.store import Store


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
    sentences = segment.segment_all(articles)
    outputs: dict[type, Sequence[Any]] = {
        Sentence: [s for article in articles for s in sentences[article.article_id]],
    }
    story_result = stories.build_stories(articles, sentences, settings.stories)
    outputs.update(
        {
            Pair: story_result.pairs,
            Alignment: story_result.alignments,
            Story: story_result.stories,
            Storyline: story_result.storylines,
        }
    )
    # provenance runs after the stories, align and claims stages; without them it receives
    # empty inputs and writes empty tables
    outputs.update(provenance.stage_outputs(articles, outputs, settings))
    store.replace_many(outputs)
    counts = {"articles": len(articles)}
    counts.update({_plural(t): len(rows) for t, rows in outputs.items()})
    return AnalysisSummary(counts=counts, rejections=store.load(Rejection))


def _plural(record_type: type) -> str:
    from wiretrace.store import table_name

    return table_name(record_type)

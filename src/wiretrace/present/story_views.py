"""Read-side of the story stage: what ``wiretrace stories``, ``show`` and ``storylines`` print."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from wiretrace.records import Alignment, Article, Pair, Sentence, Story, Storyline
from wiretrace.store import Store


class UnknownStory(LookupError):
    """No story has the requested id."""


@dataclass(frozen=True)
class AlignedSentences:
    """One row of a pair's alignment, with the sentence texts ('' for the side that lacks it)."""

    article_a: str
    article_b: str
    sentence_a: int
    sentence_b: int
    score: float
    text_a: str
    text_b: str


@dataclass(frozen=True)
class StoryDetail:
    """A story with its articles, labelled pairs and sentence alignments."""

    story: Story
    articles: list[Article]
    pairs: list[Pair]
    alignments: list[AlignedSentences]

    def to_json(self) -> dict[str, object]:
        return {
            "story": asdict(self.story),
            "articles": [
                {k: v for k, v in asdict(a).items() if k != "text"} | {"chars": len(a.text)}
                for a in self.articles
            ],
            "pairs": [asdict(p) for p in self.pairs],
            "alignments": [asdict(a) for a in self.alignments],
        }


@dataclass(frozen=True)
class StorylineView:
    """A storyline and its stories, in date order."""

    storyline: Storyline
    stories: list[Story]


def list_stories(store: Store, min_size: int = 1) -> list[Story]:
    """Stories, largest first, then by id.

    Args:
        store: an analysed store.
        min_size: hide stories with fewer articles.
    Returns:
        the stories.
    Example:
        with Store("wiretrace.duckdb", read_only=True) as store: list_stories(store, min_size=2)
    """
    stories = [s for s in store.load(Story) if s.size >= min_size]
    return sorted(stories, key=lambda s: (-s.size, s.story_id))


def story_detail(store: Store, story_id: str) -> StoryDetail:
    """One story with its articles, pairs and alignments; raises ``UnknownStory``.

    Args:
        store: an analysed store.
        story_id: as listed by ``list_stories`` (the ``story-`` prefix may be left out).
    Returns:
        the detail.
    Example:
        detail = story_detail(store, "story-3f2a...")
    """
    found = store.load(Story, "story_id = ? OR story_id = ?", [story_id, "story-" + story_id])
    if not found:
        raise UnknownStory(story_id)
    story = found[0]
    members = list(story.article_ids)
    marks = ", ".join("?" for _ in members)
    articles = {a.article_id: a for a in store.load(Article, f"article_id IN ({marks})", members)}
    sentences: dict[tuple[str, int], str] = {
        (s.article_id, s.index): s.text for s in store.load(Sentence, f"article_id IN ({marks})", members)
    }
    pairs = store.load(Pair, "story_id = ?", [story.story_id])
    rows = store.load(Alignment, f"article_a IN ({marks}) AND article_b IN ({marks})", members + members)
    aligned = [
        AlignedSentences(
            r.article_a,
            r.article_b,
            r.sentence_a,
            r.sentence_b,
            r.score,
            sentences.get((r.article_a, r.sentence_a), ""),
            sentences.get((r.article_b, r.sentence_b), ""),
        )
        for r in sorted(
            rows, key=lambda r: (r.article_a, r.article_b, r.sentence_a < 0, r.sentence_a, r.sentence_b)
        )
    ]
    return StoryDetail(story, [articles[a] for a in members if a in articles], pairs, aligned)


def list_storylines(store: Store) -> list[StorylineView]:
    """Storylines with their stories in date order."""
    stories = {s.story_id: s for s in store.load(Story)}
    return [
        StorylineView(line, [stories[s] for s in line.story_ids if s in stories])
        for line in store.load(Storyline)
    ]

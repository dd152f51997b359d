"""Quality gate of the story stage: pinned floors on a labelled corpus of invented articles.

The corpus (tests/data/stories/labelled.json) has, per event, a wire item with copies,
near-copies, paraphrased rewrites and independent reports, plus distractors that share a
place or a person with an event but report something else, and follow-up stories that
belong to the same storyline. Floors only go up: raise them when the stage improves.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from itertools import combinations
from pathlib import Path

import pytest

from wiretrace.config import StoriesSettings
from wiretrace.ingest import segment
from wiretrace.records import Article
from wiretrace.stories.stage import StoriesResult, build_stories

CORPUS = Path(__file__).parent / "data" / "stories" / "labelled.json"
# written after the stage was tuned on CORPUS (it then scored B-cubed 0.896, ARI 0.774; two scale
# constants were changed after that, see docs/decisions.md)
HELD_OUT = Path(__file__).parent / "data" / "stories" / "heldout.json"
SHARED = (Path(__file__).parents[1] / ".." / "shared").resolve()

# floors measured on the corpus; raise them, never lower them
FLOOR_BCUBED_F1 = 0.99
FLOOR_ARI = 0.99
FLOOR_PAIR_KIND_ACCURACY = 0.99
FLOOR_STORYLINE_F1 = 1.0
_CLOSENESS = {"wire": 0, "copy": 0, "near_copy": 1, "rewrite": 2, "same_event": 3}
_KIND_BY_CLOSENESS = ("copy", "near_copy", "rewrite", "same_event")


def load_corpus(path: Path = CORPUS) -> tuple[list[Article], dict[str, dict[str, str | None]]]:
    """Articles and their gold labels."""
    data = json.loads(path.read_text(encoding="utf-8"))
    articles = [
        Article(
            a["id"], a["text"], a["title"], None, a["outlet"], None, a["published"], str(path), None, "json"
        )
        for a in data["articles"]
    ]
    return articles, {a["id"]: a for a in data["articles"]}


def bcubed_f1(gold: dict[str, str], predicted: dict[str, str]) -> float:
    """B-cubed F1 of a predicted clustering against a gold one (same items)."""
    gold_groups: dict[str, set[str]] = {}
    predicted_groups: dict[str, set[str]] = {}
    for item, label in gold.items():
        gold_groups.setdefault(label, set()).add(item)
        predicted_groups.setdefault(predicted[item], set()).add(item)
    precision = recall = 0.0
    for item in gold:
        same_predicted = predicted_groups[predicted[item]]
        same_gold = gold_groups[gold[item]]
        overlap = len(same_predicted & same_gold)
        precision += overlap / len(same_predicted)
        recall += overlap / len(same_gold)
    precision /= len(gold)
    recall /= len(gold)
    return 2 * precision * recall / (precision + recall)


def adjusted_rand_index(gold: dict[str, str], predicted: dict[str, str]) -> float:
    """Adjusted Rand index of two clusterings of the same items."""
    items = sorted(gold)
    contingency = Counter((gold[i], predicted[i]) for i in items)
    pairs = lambda n: n * (n - 1) / 2  # noqa: E731
    index = sum(pairs(n) for n in contingency.values())
    gold_sum = sum(pairs(n) for n in Counter(gold[i] for i in items).values())
    predicted_sum = sum(pairs(n) for n in Counter(predicted[i] for i in items).values())
    expected = gold_sum * predicted_sum / pairs(len(items))
    maximum = (gold_sum + predicted_sum) / 2
    return 1.0 if math.isclose(maximum, expected) else (index - expected) / (maximum - expected)


def expected_kind(role_a: str, role_b: str) -> str:
    """The kind a pair of one story should get, from the two articles' roles."""
    return _KIND_BY_CLOSENESS[max(_CLOSENESS[role_a], _CLOSENESS[role_b])]


def pair_kind_accuracy(result: StoriesResult, labels: dict[str, dict[str, str | None]]) -> float:
    """Share of gold same-story pairs that the stage labels with the right kind (missing = wrong)."""
    found = {(p.article_a, p.article_b): p.kind for p in result.pairs}
    right = total = 0
    for a, b in combinations(sorted(labels), 2):
        if labels[a]["story"] != labels[b]["story"]:
            continue
        total += 1
        right += found.get((a, b)) == expected_kind(str(labels[a]["role"]), str(labels[b]["role"]))
    return right / total


def storyline_f1(result: StoriesResult, labels: dict[str, dict[str, str | None]]) -> float:
    """F1 over pairs of articles in different stories: are they in the same storyline?"""
    story_of = {a: s.story_id for s in result.stories for a in s.article_ids}
    line_of = {s.story_id: s.storyline_id for s in result.stories}
    true_positive = false_positive = false_negative = 0
    for a, b in combinations(sorted(labels), 2):
        if labels[a]["story"] == labels[b]["story"]:
            continue
        gold = labels[a]["storyline"] is not None and labels[a]["storyline"] == labels[b]["storyline"]
        line_a, line_b = line_of[story_of[a]], line_of[story_of[b]]
        predicted = line_a is not None and line_a == line_b and story_of[a] != story_of[b]
        true_positive += gold and predicted
        false_positive += predicted and not gold
        false_negative += gold and not predicted
    if not true_positive:
        return 0.0
    precision = true_positive / (true_positive + false_positive)
    recall = true_positive / (true_positive + false_negative)
    return 2 * precision * recall / (precision + recall)


@pytest.fixture(scope="module", params=[CORPUS, HELD_OUT], ids=["labelled", "held-out"])
def labelled(request: pytest.FixtureRequest) -> tuple[StoriesResult, dict[str, dict[str, str | None]]]:
    articles, labels = load_corpus(request.param)
    return build_stories(articles, segment.segment_all(articles), StoriesSettings()), labels


def test_story_clustering_floors(labelled: tuple[StoriesResult, dict[str, dict[str, str | None]]]) -> None:
    result, labels = labelled
    predicted = {a: s.story_id for s in result.stories for a in s.article_ids}
    gold = {a: str(label["story"]) for a, label in labels.items()}
    assert bcubed_f1(gold, predicted) >= FLOOR_BCUBED_F1
    assert adjusted_rand_index(gold, predicted) >= FLOOR_ARI


def test_pair_kind_floor(labelled: tuple[StoriesResult, dict[str, dict[str, str | None]]]) -> None:
    result, labels = labelled
    assert pair_kind_accuracy(result, labels) >= FLOOR_PAIR_KIND_ACCURACY


def test_storyline_floor(labelled: tuple[StoriesResult, dict[str, dict[str, str | None]]]) -> None:
    result, labels = labelled
    assert storyline_f1(result, labels) >= FLOOR_STORYLINE_F1


def test_distractors_stay_alone(labelled: tuple[StoriesResult, dict[str, dict[str, str | None]]]) -> None:
    """Articles that only share a place or a person with an event are not merged into it."""
    result, labels = labelled
    story_of = {a: s for s in result.stories for a in s.article_ids}
    for article_id, label in labels.items():
        if str(label["story"]).startswith("D"):
            assert story_of[article_id].size == 1, story_of[article_id].article_ids
            assert story_of[article_id].storyline_id is None


def test_likely_original_is_the_wire_item(
    labelled: tuple[StoriesResult, dict[str, dict[str, str | None]]],
) -> None:
    """Where a story has a dated wire item that others copy or credit, it ranks first."""
    result, labels = labelled
    checked = 0
    for story in result.stories:
        wires = [a for a in story.article_ids if labels[a]["role"] == "wire"]
        if story.size >= 3 and wires:
            checked += 1
            assert story.likely_original == wires[0], (story.story_id, story.original_reasons)
            assert story.original_reasons
    assert checked >= 3


def _seed_articles() -> tuple[list[Article], dict[str, object]]:
    gold = json.loads((SHARED / "gold" / "seeds.json").read_text(encoding="utf-8"))
    folder = SHARED / "corpus" / "seeds"
    articles = [
        Article(
            key, (folder / name).read_text(encoding="utf-8"), None, None, None, None, None, name, None, "txt"
        )
        for key, name in gold["articles"].items()
    ]
    return articles, gold


@pytest.mark.skipif(
    not (SHARED / "gold" / "seeds.json").exists(), reason="../shared is not beside the checkout"
)
def test_seed_stories_match_the_gold() -> None:
    articles, gold = _seed_articles()
    result = build_stories(articles, segment.segment_all(articles), StoriesSettings())
    predicted = {frozenset(s.article_ids) for s in result.stories}
    expected = {frozenset(s["articles"]) for s in gold["stories"]}  # type: ignore[index]
    assert predicted == expected
    assert all(p.kind != "copy" for p in result.pairs)
    lines = {s.storyline_id for s in result.stories}
    assert len(lines) == 1 and None not in lines, [(s.article_ids, s.storyline_id) for s in result.stories]


def _tfidf_cosine(texts: list[str]) -> dict[tuple[int, int], float]:
    """Plain TF-IDF cosine of every pair of texts (the baseline)."""
    import re

    bags = [Counter(re.findall(r"[^\W_]+", t.lower())) for t in texts]
    frequency: Counter[str] = Counter()
    for bag in bags:
        frequency.update(bag.keys())
    vectors = []
    for bag in bags:
        vector = {w: c * math.log((len(texts) + 1) / (frequency[w] + 1)) for w, c in bag.items()}
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        vectors.append({w: v / norm for w, v in vector.items()})
    return {
        (a, b): sum(v * vectors[b].get(w, 0.0) for w, v in vectors[a].items())
        for a, b in combinations(range(len(texts)), 2)
    }


def test_beats_tfidf_average_linkage_at_its_best_threshold(
    labelled: tuple[StoriesResult, dict[str, dict[str, str | None]]],
) -> None:
    """The baseline gets its threshold chosen on this very corpus; the stage keeps its defaults."""
    from wiretrace.stories.links import cluster_average_linkage

    result, labels = labelled
    articles = [a for path in (CORPUS, HELD_OUT) for a in load_corpus(path)[0] if a.article_id in labels]
    gold = {a: str(label["story"]) for a, label in labels.items()}
    scores = _tfidf_cosine([a.text for a in articles])
    baseline = 0.0
    for step in range(2, 36):
        clusters = cluster_average_linkage(len(articles), scores, step * 0.025)
        predicted = {articles[m].article_id: str(k) for k, members in enumerate(clusters) for m in members}
        baseline = max(baseline, bcubed_f1(gold, predicted))
    ours = bcubed_f1(gold, {a: s.story_id for s in result.stories for a in s.article_ids})
    assert ours >= baseline + 0.05, (ours, baseline)

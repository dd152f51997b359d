"""External check: the story stage's pair similarity against human judgements (SemEval-2022 Task 8).

Reads ../shared/bench/semeval2022-t8/train-en.csv (161 English article pairs, ``Overall`` from
1 = same story to 4 = unrelated). For every pair it computes the same evidence the story stage
uses (shingle Jaccard, sentence alignment, weighted name overlap, embedding cosine) with term
and name weights taken over all texts of the file, and prints:

- Pearson and Spearman correlation with ``Overall`` (negated, so higher is better) of the
  same-story ``score`` (what clustering uses) and of the graded ``similarity`` stored on pairs;
- same-story precision/recall of ``score`` at the configured threshold (gold: Overall <= 1.5);
- the same figures for a plain TF-IDF cosine, for comparison.

Usage: python bench/semeval.py [path/to/train-en.csv]
"""

from __future__ import annotations

import csv
import math
import re
import sys
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parents[1] / "src"))

from wiretrace import segment, stories  # noqa: E402
from wiretrace.config import StoriesSettings  # noqa: E402
from wiretrace.records import Article  # noqa: E402

DEFAULT = Path(__file__).parents[1] / ".." / "shared" / "bench" / "semeval2022-t8" / "train-en.csv"
SAME_STORY_MAX = 1.5


def ranks(values: np.ndarray) -> np.ndarray:
    """Average ranks (ties share their mean rank)."""
    order = np.argsort(values, kind="mergesort")
    ranked = np.empty(len(values))
    ranked[order] = np.arange(len(values))
    for value in np.unique(values):
        tied = values == value
        ranked[tied] = ranked[tied].mean()
    return ranked


def pearson(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.corrcoef(a, b)[0, 1])


def tfidf_cosines(texts: list[str], pairs: list[tuple[int, int]]) -> np.ndarray:
    """Plain TF-IDF cosine of each pair (the baseline)."""
    bags = [Counter(re.findall(r"[^\W_]+", t.lower())) for t in texts]
    df: Counter[str] = Counter()
    for bag in bags:
        df.update(bag.keys())
    n = len(texts)
    vectors = []
    for bag in bags:
        vector = {w: c * math.log((n + 1) / (df[w] + 1)) for w, c in bag.items()}
        norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
        vectors.append({w: v / norm for w, v in vector.items()})
    return np.array([sum(v * vectors[b].get(w, 0.0) for w, v in vectors[a].items()) for a, b in pairs])


def report(name: str, score: np.ndarray, overall: np.ndarray, threshold: float) -> None:
    gold = overall <= SAME_STORY_MAX
    predicted = score >= threshold
    hits = int((gold & predicted).sum())
    precision = hits / max(int(predicted.sum()), 1)
    recall = hits / max(int(gold.sum()), 1)
    best = max(
        ((2 * p * r / (p + r) if p + r else 0.0), t)
        for t in np.unique(score)
        for p, r in [
            (
                int((gold & (score >= t)).sum()) / max(int((score >= t).sum()), 1),
                int((gold & (score >= t)).sum()) / max(int(gold.sum()), 1),
            )
        ]
    )
    print(
        f"{name:10} Pearson {pearson(score, -overall):.3f}"
        f"  Spearman {pearson(ranks(score), ranks(-overall)):.3f}  "
        f"same-story at {threshold:.2f}: P={precision:.3f} R={recall:.3f}  "
        f"(best F1 {best[0]:.3f} at {best[1]:.2f}, chosen on this file)"
    )


def main() -> None:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT.resolve()
    if not path.exists():
        sys.exit(f"{path} not found: pass the SemEval CSV path")
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    texts: list[str] = []
    index: dict[str, int] = {}
    pairs = []
    for row in rows:
        ids = []
        for field in ("text1", "text2"):
            text = row[field].strip()
            ids.append(index.setdefault(text, len(index)))
            if ids[-1] == len(texts):
                texts.append(text)
        pairs.append((ids[0], ids[1]))
    overall = np.array([float(row["Overall"]) for row in rows])
    settings = StoriesSettings()
    articles = [
        Article(f"t{i:04d}", t, None, None, None, None, None, str(path), None, "csv")
        for i, t in enumerate(texts)
    ]
    chosen = [(articles[a].article_id, articles[b].article_id) for a, b in pairs]
    scores = []
    similarities = []
    kinds: Counter[str] = Counter()
    for evidence in stories.score_pairs(articles, segment.segment_all(articles), chosen, settings):
        kinds[evidence.kind] += 1
        scores.append(max(evidence.score, 0.0))
        similarities.append(stories.pair_similarity(evidence.cosine, evidence.lexical))
    same = int((overall <= SAME_STORY_MAX).sum())
    print(f"{len(rows)} pairs, {len(texts)} distinct texts; {same} same-story pairs")
    print("pair kinds (before clustering):", dict(kinds))
    report("score", np.array(scores), overall, settings.same_story_score)
    report("similarity", np.array(similarities), overall, float(np.median(similarities)))
    tfidf = tfidf_cosines(texts, pairs)
    report("tf-idf", tfidf, overall, float(np.median(tfidf)))


if __name__ == "__main__":
    main()

"""Synthetic news corpora with planted copies, near-copies, rewrites and distractors.

Texts are made of sentences of words drawn from a Zipf-like vocabulary (so common words repeat
as in real text), one topic vocabulary per story family. Planted relations:

- copy: the source text with case and spacing changed (identical after normalisation);
- near_copy: 1-3% of words replaced, a sentence appended (4-word-shingle Jaccard ~0.6-0.9);
- rewrite: sentences reordered, a third dropped, 40% of the kept words replaced (Jaccard < 0.2);
- distractor: a new text on the same topic vocabulary (similar words, different text).

Usage: python bench/synthetic.py 10000   (prints counts and a sample). Library: ``make_corpus``.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

import numpy as np

_SYLLABLES = [c + v for c in "bcdfghjklmnprstvwz" for v in "aeiou"] + ["an", "er", "in", "on", "or", "st"]


@dataclass(frozen=True)
class Corpus:
    """Texts, the group (source family) of each text, its planted kind, and its source row."""

    texts: list[str]
    family: np.ndarray  # texts of one family derive from one source (or are distractors of it)
    kind: np.ndarray  # "source", "copy", "near_copy", "rewrite", "distractor"
    source: np.ndarray  # row of the text it was derived from (itself for sources/distractors)

    def near_duplicate_pairs(self) -> set[tuple[int, int]]:
        """Ground truth: every pair among a source and its copies and near-copies."""
        groups: dict[int, list[int]] = {}
        for row in np.flatnonzero(np.isin(self.kind, ("source", "copy", "near_copy"))):
            groups.setdefault(int(self.source[row]), []).append(int(row))
        pairs: set[tuple[int, int]] = set()
        for members in groups.values():
            members.sort()
            pairs.update((a, b) for i, a in enumerate(members) for b in members[i + 1 :])
        return pairs


def _vocabulary(rng: np.random.Generator, size: int) -> np.ndarray:
    """Pronounceable made-up words, unique."""
    words: set[str] = set()
    while len(words) < size:
        count = rng.integers(1, 4, size=size)
        picks = rng.integers(0, len(_SYLLABLES), size=(size, 3))
        for n, row in zip(count, picks, strict=True):
            words.add("".join(_SYLLABLES[i] for i in row[:n]))
    return rng.permutation(np.array(sorted(words)))[:size]


class _Writer:
    """Draws sentences of word ids from a shared and a topic vocabulary."""

    def __init__(self, rng: np.random.Generator, vocabulary: np.ndarray, topics: int) -> None:
        self.rng = rng
        self.vocabulary = vocabulary
        ranks = np.arange(1, vocabulary.size + 1)
        weights = 1.0 / ranks**1.05
        self.cumulative = np.cumsum(weights / weights.sum())
        self.topic_words = rng.integers(0, vocabulary.size, size=(topics, 60))

    def sentences(self, topic: int, count: int) -> list[np.ndarray]:
        """Sentences (arrays of word ids), 30% of words from the topic list."""
        lengths = self.rng.integers(8, 26, size=count)
        ids = np.searchsorted(self.cumulative, self.rng.random(lengths.sum()))
        ids = np.minimum(ids, self.vocabulary.size - 1)
        topical = self.rng.random(ids.size) < 0.3
        ids[topical] = self.topic_words[topic, self.rng.integers(0, 60, size=int(topical.sum()))]
        return np.split(ids, np.cumsum(lengths)[:-1])

    def render(self, sentences: list[np.ndarray]) -> str:
        """Sentences as text: capitalised first word, full stop."""
        out = []
        for ids in sentences:
            words = self.vocabulary[ids].tolist()
            if words:
                words[0] = words[0].capitalize()
                out.append(" ".join(words) + ".")
        return " ".join(out)


def make_corpus(size: int, seed: int = 1, sentences: tuple[int, int] = (6, 12)) -> Corpus:
    """A corpus of ``size`` texts: ~55% sources, ~45% planted derivatives and distractors.

    Args:
        size: number of texts.
        seed: random seed (same seed, same corpus).
        sentences: min and max sentences per source text (~16 words each).
    Returns:
        the texts and their planted ground truth.
    """
    rng = np.random.default_rng(seed)
    writer = _Writer(rng, _vocabulary(rng, 30_000), topics=max(size // 50, 10))
    texts: list[str] = []
    family: list[int] = []
    kind: list[str] = []
    source: list[int] = []
    topics = rng.integers(0, writer.topic_words.shape[0], size=size)
    while len(texts) < size:
        row = len(texts)
        topic = int(topics[row % size])
        base = writer.sentences(topic, int(rng.integers(sentences[0], sentences[1] + 1)))
        texts.append(writer.render(base))
        family.append(row)
        kind.append("source")
        source.append(row)
        if rng.random() > 0.45:
            continue
        for _ in range(int(rng.integers(1, 4))):
            if len(texts) >= size:
                break
            choice = rng.choice(["copy", "near_copy", "rewrite", "distractor"], p=[0.25, 0.35, 0.25, 0.15])
            texts.append(_derive(writer, rng, base, texts[row], str(choice), topic))
            family.append(row)
            kind.append(str(choice))
            source.append(row if choice != "distractor" else len(texts) - 1)
    return Corpus(texts, np.array(family), np.array(kind), np.array(source))


def _derive(
    writer: _Writer, rng: np.random.Generator, base: list[np.ndarray], text: str, kind: str, topic: int
) -> str:
    """One planted derivative of a source text."""
    if kind == "copy":
        return text.upper() if rng.random() < 0.3 else text.replace(". ", ".\n\n")
    if kind == "near_copy":
        edited = [ids.copy() for ids in base]
        total = sum(ids.size for ids in edited)
        for _ in range(max(1, int(total * rng.uniform(0.01, 0.03)))):
            sentence = edited[int(rng.integers(0, len(edited)))]
            sentence[int(rng.integers(0, sentence.size))] = int(rng.integers(0, writer.vocabulary.size))
        return writer.render(edited + writer.sentences(topic, 1))
    if kind == "rewrite":
        order = rng.permutation(len(base))
        kept = [base[i].copy() for i in order[: max(2, int(len(base) * 0.67))]]
        for ids in kept:
            replace = rng.random(ids.size) < 0.4
            ids[replace] = rng.integers(0, writer.vocabulary.size, size=int(replace.sum()))
        return writer.render(kept)
    return writer.render(writer.sentences(topic, len(base)))


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    corpus = make_corpus(n)
    kinds, counts = np.unique(corpus.kind, return_counts=True)
    print(dict(zip(kinds.tolist(), counts.tolist(), strict=True)))
    print("near-duplicate pairs planted:", len(corpus.near_duplicate_pairs()))
    print("mean words per text:", round(float(np.mean([t.count(" ") + 1 for t in corpus.texts[:2000]])), 1))
    print(corpus.texts[0][:300])

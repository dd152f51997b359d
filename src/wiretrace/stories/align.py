"""Sentence alignment between two articles: static embeddings plus weighted lexical overlap.

A sentence score is the mean of the embedding cosine and an IDF-weighted Dice overlap of
content words and names. The embedding alone scores any two sentences on the same topic
high (static vectors share a large common direction); the weighted overlap is what tells
"the same statement paraphrased" from "another statement about the same city". Sentences
are matched one to one, greedily by score, above a threshold.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from wiretrace.stories import embeddings

_WORD = re.compile(r"\d+(?:[.,]\d+)*|[^\W_]+(?:['\u2019][^\W_]+)?", re.UNICODE)
STOPWORDS = frozenset(
    """a about above after again against all also am amid an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from further had
    has have having he her here hers him his how i if in into is it its itself just me more most my no
    nor not now of off on once only or other our ours out over own same she should so some such than
    that the their theirs them then there these they this those through to too under until up very was
    we were what when where which while who whom why will with would you your yours said says say told
    according reported report reports new also however meanwhile since despite including""".split()
)


_TermRows = tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64], NDArray[np.float64]]


@dataclass(frozen=True)
class AlignOptions:
    """Thresholds of sentence alignment."""

    min_score: float = 0.55  # a pair of sentences scoring below this is not aligned
    lexical_weight: float = 0.5  # share of the lexical overlap in the sentence score


@dataclass(frozen=True)
class SentenceMatrix:
    """One article's sentences: unit embeddings and weighted content-word sets."""

    article_id: str
    vectors: NDArray[np.float32]
    terms: tuple[frozenset[str], ...]
    # (sentence, term id, weight) rows sorted by term id, and each sentence's total weight,
    # built once per set of term weights
    cache: dict[object, _TermRows] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class PairAlignment:
    """Aligned sentence pairs (index in A, index in B, score) and what is left unaligned."""

    matches: tuple[tuple[int, int, float], ...]
    unique_a: tuple[int, ...]
    unique_b: tuple[int, ...]
    aligned_fraction: float  # aligned sentences / sentences of the shorter article


def content_terms(text: str) -> frozenset[str]:
    """Lower-cased content words of a sentence (stop words and 1-2 letter words dropped)."""
    return frozenset(
        word
        for word in (w.lower() for w in _WORD.findall(text))
        if (len(word) > 2 or word[0].isdigit()) and word not in STOPWORDS
    )


def document_frequencies(term_sets: Iterable[Iterable[frozenset[str]]]) -> tuple[Counter[str], int]:
    """How many articles contain each term, and the number of articles."""
    frequencies: Counter[str] = Counter()
    count = 0
    for sentences in term_sets:
        count += 1
        frequencies.update(set().union(*sentences) if sentences else set())
    return frequencies, count


class TermWeights:
    """Smoothed IDF weights over the articles of one batch."""

    def __init__(self, frequencies: Counter[str], documents: int) -> None:
        self.documents = documents
        self.unseen = math.log(documents + 1) + 1.0
        self.weights = {t: math.log((documents + 1) / (df + 1)) + 1.0 for t, df in frequencies.items()}
        self.ids: dict[str, int] = {}  # term -> integer id, for the vectorised overlap

    def __call__(self, term: str) -> float:
        return self.weights.get(term, self.unseen)


def sentence_matrix(
    article_id: str, sentences: Sequence[str], vectors: NDArray[np.float32] | None = None
) -> SentenceMatrix:
    """Embeddings and term sets of an article's sentences (``vectors``: already embedded)."""
    if vectors is None:
        vectors = embeddings.embed(list(sentences))
    return SentenceMatrix(article_id, vectors, tuple(content_terms(s) for s in sentences))


def _term_rows(matrix: SentenceMatrix, weight: TermWeights) -> _TermRows:
    """(sentence, term id, weight) rows sorted by term id, and per-sentence weight totals."""
    cached = matrix.cache.get(weight)
    if cached is not None:
        return cached
    sentence, term, value = [], [], []
    for index, terms in enumerate(matrix.terms):
        for t in terms:
            sentence.append(index)
            term.append(weight.ids.setdefault(t, len(weight.ids)))
            value.append(weight.weights.get(t, weight.unseen))
    terms_array = np.array(term, dtype=np.int64)
    order = np.argsort(terms_array, kind="stable")
    sentences = np.array(sentence, dtype=np.int64)
    values = np.array(value, dtype=np.float64)
    mass = np.bincount(sentences, weights=values, minlength=len(matrix.terms)).astype(np.float64)
    rows: _TermRows = (sentences[order], terms_array[order], values[order], mass)
    matrix.cache[weight] = rows
    return rows


def _lexical(a: SentenceMatrix, b: SentenceMatrix, weight: TermWeights) -> NDArray[np.float64]:
    """Weighted Dice overlap of every sentence of A with every sentence of B."""
    sentence_a, term_a, value_a, mass_a = _term_rows(a, weight)
    sentence_b, term_b, _value_b, mass_b = _term_rows(b, weight)
    na, nb = len(a.terms), len(b.terms)
    low = np.searchsorted(term_b, term_a, "left")
    counts = np.searchsorted(term_b, term_a, "right") - low
    total = int(counts.sum())
    if not total:
        return np.zeros((na, nb))
    source = np.repeat(np.arange(term_a.size), counts)
    # for each match, the index into B's rows: its run start plus its rank inside the run
    first = np.cumsum(counts) - counts
    target = np.arange(total) - np.repeat(first, counts) + np.repeat(low, counts)
    flat = sentence_a[source] * nb + sentence_b[target]
    shared = np.bincount(flat, weights=value_a[source], minlength=na * nb).reshape(na, nb)
    denominator = np.add.outer(mass_a, mass_b)
    return np.divide(2 * shared, denominator, out=np.zeros_like(shared), where=denominator > 0)


def score_matrix(
    a: SentenceMatrix, b: SentenceMatrix, weight: TermWeights, options: AlignOptions
) -> NDArray[np.float64]:
    """Sentence-by-sentence scores in [0, 1]."""
    if not a.terms or not b.terms:
        return np.zeros((len(a.terms), len(b.terms)))
    cosine = np.clip(a.vectors @ b.vectors.T, 0.0, 1.0).astype(np.float64)
    lexical = _lexical(a, b, weight)
    return (1 - options.lexical_weight) * cosine + options.lexical_weight * lexical


def align(a: SentenceMatrix, b: SentenceMatrix, weight: TermWeights, options: AlignOptions) -> PairAlignment:
    """One-to-one sentence alignment of two articles.

    Args:
        a, b: the two articles' sentence matrices.
        weight: term weights of the batch (rare names count more than common words).
        options: thresholds.
    Returns:
        matched sentence pairs with scores, unmatched sentences of each side, aligned fraction.
    Example:
        weights = TermWeights(*document_frequencies([m.terms for m in (a, b)]))
        result = align(a, b, weights, AlignOptions())
    """
    scores = score_matrix(a, b, weight, options)
    matches: list[tuple[int, int, float]] = []
    if scores.size:
        candidates = np.argwhere(scores >= options.min_score)
        # greedy by descending score; ties by position so the result is deterministic
        order = sorted(
            ((float(scores[i, j]), int(i), int(j)) for i, j in candidates), key=lambda t: (-t[0], t[1], t[2])
        )
        used_a: set[int] = set()
        used_b: set[int] = set()
        for score, i, j in order:
            if i in used_a or j in used_b:
                continue
            used_a.add(i)
            used_b.add(j)
            matches.append((i, j, round(score, 4)))
    matches.sort()
    aligned_a = {i for i, _, _ in matches}
    aligned_b = {j for _, j, _ in matches}
    shorter = min(len(a.terms), len(b.terms))
    return PairAlignment(
        tuple(matches),
        tuple(i for i in range(len(a.terms)) if i not in aligned_a),
        tuple(j for j in range(len(b.terms)) if j not in aligned_b),
        len(matches) / shorter if shorter else 0.0,
    )

"""Stories, first pass: each article's features, computed once, batch by batch, and spilled.

The stories stage compares articles across the whole corpus, yet it must not hold every
article's sentences in memory (a million articles would need some 60 GB). This pass reads the
articles in batches and keeps in memory only what finds and filters candidate pairs: the
article's unit vector, its name-token ids, its date and (when asked) its MinHash sketch. Each
article's sentence vectors and content-word rows go to a spill file on disk and are read back,
by offset, for the pairs that need them. Corpus statistics (document frequencies of content
words and name tokens) are counted as the batches go and fixed by ``finish``.
"""

from __future__ import annotations

import math
import os
import tempfile
from collections import Counter, OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from wiretrace.records import Article, Sentence
from wiretrace.stories import align, embeddings, fingerprint
from wiretrace.stories.links import entity_profile, parse_date

I32 = NDArray[np.int32]
I64 = NDArray[np.int64]
F32 = NDArray[np.float32]
F64 = NDArray[np.float64]


@dataclass(frozen=True)
class Doc:
    """One article rebuilt from the spill, as the pair comparisons need it."""

    index: int
    article_id: str
    matrix: align.SentenceMatrix  # term rows already cached for the corpus weights
    vector: F32
    entity_ids: I32  # sorted, distinct name-token ids
    lexicon_ids: I64  # sorted, distinct content-word ids
    lexicon_values: F64  # their count x IDF weights, scaled to unit length
    day: date | None


def sentence_texts(article: Article, sentences: Sequence[Sentence]) -> list[str]:
    """The texts the stage compares: the article's sentences, or its whole text when it has none."""
    return [s.text for s in sentences] or [article.text]


class Features:
    """Per-article features of a whole corpus: small ones in memory, sentence-level ones spilled.

    Articles must be added in the stage's order (``stories.story_order``), each id once. After
    ``finish``, ``doc(i)`` rebuilds article ``i`` for pair comparisons.

    Example:
        with Features() as features:
            features.add(articles, sentences_by_article)
            features.finish()
            doc = features.doc(0)
    """

    def __init__(
        self, sketch_options: fingerprint.FingerprintOptions | None = None, cache_docs: int = 16_384
    ) -> None:
        self.sketch_options = sketch_options
        self.article_ids: list[str] = []
        self.days: list[date | None] = []
        self._vectors: list[F32] = []
        self.vectors: F32 = np.zeros((0, 0), dtype=np.float32)
        self.entities = _Vocabulary()  # lower-cased name tokens and numbers, mentions per article
        self.names = _Vocabulary()  # display forms of multi-word names, mentions per article
        self.first_sentences: dict[int, str] = {}  # articles without a title: their first text
        self.idf: F64 = np.zeros(0)  # per name-token id
        self.terms = _Vocabulary()  # content words (ids only: their rows are spilled)
        self._term_df = np.zeros(0, dtype=np.int64)  # articles containing each content word
        self.weights = align.TermWeights(Counter(), 0)
        self._term_values: F64 = np.zeros(0)
        self._sketches: list[fingerprint.Sketches] = []
        self.sketches: fingerprint.Sketches | None = None
        # spill: per article, byte offset, sentence count and row count
        self._directory = tempfile.TemporaryDirectory(prefix="wiretrace-stories-")
        self._path = Path(self._directory.name) / "features.bin"
        self._writer = self._path.open("wb")
        self._written = 0
        self._offsets: list[int] = []
        self._sentences: list[int] = []
        self._rows: list[int] = []
        self._fd = -1
        self._dim = 0
        self._cache: OrderedDict[int, Doc] = OrderedDict()
        self._cache_docs = cache_docs

    def __enter__(self) -> Features:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Drop the spill file."""
        if not self._writer.closed:
            self._writer.close()
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
        self._cache.clear()
        self._directory.cleanup()

    def __len__(self) -> int:
        return len(self.article_ids)

    def add(self, articles: Sequence[Article], sentences_by_article: dict[str, list[Sentence]]) -> None:
        """Compute and keep the features of one batch of articles (in the stage's order)."""
        if not articles:
            return
        texts = [sentence_texts(a, sentences_by_article.get(a.article_id, [])) for a in articles]
        counts = [len(t) for t in texts]
        sums = embeddings.token_sums([t for group in texts for t in group])
        sentence_vectors = embeddings.normalise(sums)
        offsets = np.concatenate(([0], np.cumsum(counts)))
        # an article's vector pools all its tokens: the sum of its sentences' token sums
        self._vectors.append(embeddings.normalise(np.add.reduceat(sums, offsets[:-1], axis=0)))
        self._dim = sums.shape[1]
        for index, (article, group) in enumerate(zip(articles, texts, strict=True)):
            self.article_ids.append(article.article_id)
            self.days.append(parse_date(article.published))
            entities, names = entity_profile(group)
            self.entities.add(entities)
            self.names.add(names)
            if not article.title:
                self.first_sentences[len(self.article_ids) - 1] = group[0] if group else ""
            rows_sentence, rows_term = self._term_rows(group)
            distinct = np.unique(rows_term)
            if distinct.size:
                self._term_df = _grow(self._term_df, int(distinct[-1]) + 1)
                self._term_df[distinct] += 1
            self._spill(sentence_vectors[offsets[index] : offsets[index + 1]], rows_sentence, rows_term)
        if self.sketch_options is not None:
            self._sketches.append(fingerprint.sketch([a.text for a in articles], self.sketch_options))

    def _term_rows(self, sentences: Sequence[str]) -> tuple[I32, I32]:
        """(sentence, term id) rows of an article, sorted by term id, then sentence."""
        term_id = self.terms.id
        sentence_of: list[int] = []
        term_of: list[int] = []
        for position, text in enumerate(sentences):
            for term in sorted(align.content_terms(text)):
                sentence_of.append(position)
                term_of.append(term_id(term))
        terms = np.array(term_of, dtype=np.int32)
        order = np.argsort(terms, kind="stable")
        return np.array(sentence_of, dtype=np.int32)[order], terms[order]

    def _spill(self, vectors: F32, rows_sentence: I32, rows_term: I32) -> None:
        self._offsets.append(self._written)
        self._sentences.append(vectors.shape[0])
        self._rows.append(rows_term.size)
        for block in (np.ascontiguousarray(vectors, dtype=np.float32), rows_sentence, rows_term):
            data = block.tobytes()
            self._writer.write(data)
            self._written += len(data)

    def finish(self) -> None:
        """Fix the corpus statistics once every batch is in; ``doc`` works from here on."""
        self._writer.close()
        self._fd = os.open(self._path, os.O_RDONLY)
        n = len(self.article_ids)
        self.vectors = np.concatenate(self._vectors) if self._vectors else np.zeros((0, 1), np.float32)
        self._vectors = []
        self.entities.finish()
        self.names.finish()
        # an article lists a token once, so counting ids counts the articles that name it;
        # specificity of each name token: 0 for a token every article has
        entity_df = np.bincount(self.entities.values, minlength=len(self.entities.words))
        self.idf = np.log((n + 1) / (entity_df + 1))
        term_df = self._term_df[: len(self.terms.words)]  # grown by doubling: the tail is zeros
        frequencies: Counter[str] = Counter()
        frequencies.update(dict(zip(self.terms.words, term_df.tolist(), strict=True)))
        self.weights = align.TermWeights(frequencies, n)
        # term ids are fixed here, so every pair sums its overlaps in the same order
        self.weights.ids = self.terms.ids
        self._term_values = np.array([self.weights.weights[t] for t in self.terms.words], dtype=np.float64)
        if self._sketches:
            self.sketches = fingerprint.Sketches(
                np.concatenate([s.signatures for s in self._sketches]),
                np.concatenate([s.keys for s in self._sketches]),
                np.concatenate([s.word_counts for s in self._sketches]),
            )
            self._sketches = []

    def doc(self, index: int) -> Doc:
        """Article ``index`` rebuilt from the spill (the last few thousand are kept)."""
        cached = self._cache.get(index)
        if cached is not None:
            self._cache.move_to_end(index)
            return cached
        doc = self._read(index)
        self._cache[index] = doc
        if len(self._cache) > self._cache_docs:
            self._cache.popitem(last=False)
        return doc

    def _read(self, index: int) -> Doc:
        sentences, rows, dim = self._sentences[index], self._rows[index], self._dim
        size = sentences * dim * 4 + rows * 8
        data = os.pread(self._fd, size, self._offsets[index]) if size else b""
        vectors = np.frombuffer(data, dtype=np.float32, count=sentences * dim).reshape(sentences, dim)
        rows_sentence = np.frombuffer(data, dtype=np.int32, count=rows, offset=sentences * dim * 4)
        rows_term = np.frombuffer(data, dtype=np.int32, count=rows, offset=sentences * dim * 4 + rows * 4)
        words = self.terms.words
        grouped: list[list[str]] = [[] for _ in range(sentences)]
        for position, term in zip(rows_sentence.tolist(), rows_term.tolist(), strict=True):
            grouped[position].append(words[term])
        matrix = align.SentenceMatrix(
            self.article_ids[index], vectors, tuple(frozenset(group) for group in grouped)
        )
        sentence_ids = rows_sentence.astype(np.int64)
        term_ids = rows_term.astype(np.int64)
        values = self._term_values[term_ids]
        mass = np.bincount(sentence_ids, weights=values, minlength=sentences).astype(np.float64)
        matrix.cache[self.weights] = (sentence_ids, term_ids, values, mass)
        lexicon_ids, counts = np.unique(term_ids, return_counts=True)
        lexicon = counts * self._term_values[lexicon_ids]
        norm = math.sqrt(float(lexicon @ lexicon)) or 1.0
        return Doc(
            index,
            self.article_ids[index],
            matrix,
            self.vectors[index],
            self.entities.row(index),
            lexicon_ids,
            lexicon / norm,
            self.days[index],
        )


class _Vocabulary:
    """Strings numbered as first seen, and per article its strings' ids (sorted) with counts,
    kept as flat arrays (a few bytes a string, not a Counter per article)."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.words: list[str] = []
        self._parts: list[tuple[I32, I32]] = []
        self.offsets: I64 = np.zeros(1, dtype=np.int64)
        self.values: I32 = np.zeros(0, dtype=np.int32)  # every article's ids, article after article
        self.counts: I32 = np.zeros(0, dtype=np.int32)

    def id(self, word: str) -> int:
        """The id of ``word``, given now when it is new."""
        found = self.ids.get(word)
        if found is None:
            found = self.ids[word] = len(self.words)
            self.words.append(word)
        return found

    def add(self, counts: Counter[str]) -> None:
        """The next article's strings and counts."""
        rows = sorted((self.id(word), count) for word, count in counts.items())
        self._parts.append(
            (np.array([i for i, _ in rows], dtype=np.int32), np.array([c for _, c in rows], dtype=np.int32))
        )

    def finish(self) -> None:
        """Pack the articles' rows into flat arrays."""
        lengths = np.array([ids.size for ids, _ in self._parts], dtype=np.int64)
        self.offsets = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
        if self._parts:
            self.values = np.concatenate([ids for ids, _ in self._parts])
            self.counts = np.concatenate([counts for _, counts in self._parts])
        self._parts = []

    def row(self, index: int) -> I32:
        """Article ``index``'s sorted ids."""
        return self.values[self.offsets[index] : self.offsets[index + 1]]

    def of(self, index: int) -> Counter[str]:
        """Article ``index``'s strings and counts."""
        start, stop = self.offsets[index], self.offsets[index + 1]
        words = (self.words[v] for v in self.values[start:stop].tolist())
        return Counter(dict(zip(words, self.counts[start:stop].tolist(), strict=True)))


def _grow(array: I64, size: int) -> I64:
    """``array`` padded with zeros to at least ``size``."""
    if array.size >= size:
        return array
    grown = np.zeros(max(size, 2 * array.size), dtype=np.int64)
    grown[: array.size] = array
    return grown

"""Stories: which articles are copies, near-copies, rewrites or independent reports of one event.

Candidate pairs come from two cheap sources: MinHash LSH (copies, near-copies) and shared
rare names (paraphrases and independent coverage), filtered by article-embedding cosine.
Each candidate is scored from its evidence (shingle Jaccard, sentence alignment, weighted
name overlap, dates) and labelled. Stories are built by average linkage over those scores,
so one generic article that resembles two stories cannot chain them together (it would
have to resemble most members of both). Storylines link stories that share their salient
names and topic over time. See docs/decisions.md for the measurements behind the defaults.

The corpus is read twice and never held whole: a first pass keeps each article's small
features in memory and spills its sentence-level ones (``story_features``); candidates are
scored from the spill, keeping only kinds and scores; the stories are then assembled a group
at a time from the articles read again, their alignments recomputed and handed on.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from wiretrace.config import StoriesSettings
from wiretrace.records import Alignment, Article, Pair, Sentence, Story, Storyline
from wiretrace.stories import align, fingerprint
from wiretrace.stories.features import Doc, Features
from wiretrace.stories.links import (
    build_storylines,
    cluster_pairs,
    credited_outlets,
    rank_originals,
    salient_names,
    timestamp,
)

KIND_ORDER = ("copy", "near_copy", "rewrite", "same_event")
BATCH_ARTICLES = 2_000  # articles whose features are computed at a time
CHUNK_ARTICLES = 5_000  # articles whose stories are assembled at a time


@dataclass(frozen=True)
class StoriesResult:
    """Everything the story stage found, ready for the store."""

    pairs: list[Pair]
    alignments: list[Alignment]
    stories: list[Story]
    storylines: list[Storyline]
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Evidence:
    """Everything measured about one candidate pair."""

    a: int
    b: int
    kind: str
    score: float
    jaccard: float
    cosine: float
    alignment: align.PairAlignment
    entity_overlap: float
    shared: tuple[str, ...]
    lexical: float


# the articles and sentences of some article ids, read when the stage needs them again
Loader = Callable[[Sequence[str]], list[Article]]
# one batch of articles (in ``story_order``) with their sentences
Batch = tuple[Sequence[Article], dict[str, list[Sentence]]]


@dataclass
class _Scores:
    """The candidate pairs' measurements, one row per pair (no alignments: they are redone per story)."""

    left: NDArray[np.int64]
    right: NDArray[np.int64]
    kind: NDArray[np.int8]  # index into KINDS
    score: NDArray[np.float64]


KINDS = ("", *KIND_ORDER)


def _candidates(
    features: Features, near: fingerprint.NearDuplicates, settings: StoriesSettings, block: int = 500_000
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Pairs worth examining: LSH pairs, and pairs sharing a rare name with similar embeddings."""
    n = len(features)
    lsh = near.left.astype(np.int64) * n + near.right
    codes: list[NDArray[np.int64]] = [lsh]
    entities = features.entities
    owners = np.repeat(np.arange(n, dtype=np.int64), np.diff(entities.offsets))
    order = np.argsort(entities.values, kind="stable")
    tokens, owners = entities.values[order], owners[order]
    bounds = np.flatnonzero(np.diff(tokens)) + 1
    starts = np.concatenate(([0], bounds)) if tokens.size else np.zeros(0, dtype=np.int64)
    sizes = np.diff(np.concatenate((starts, [tokens.size])))
    for start, size in zip(starts.tolist(), sizes.tolist(), strict=True):
        if 2 <= size <= settings.block_max_articles:
            members = owners[start : start + size]
            a, b = np.triu_indices(size, k=1)
            codes.append(members[a] * n + members[b])
    unique = np.unique(np.concatenate(codes))
    left, right = unique // max(n, 1), unique % max(n, 1)
    keep = np.zeros(unique.size, dtype=bool)
    for begin in range(0, unique.size, block):  # a block at a time: the vectors gathered stay small
        stop = begin + block
        cosine = np.einsum(
            "ij,ij->i", features.vectors[left[begin:stop]], features.vectors[right[begin:stop]]
        )
        keep[begin:stop] = cosine >= settings.candidate_min_cosine
    keep |= np.isin(unique, lsh)
    return left[keep], right[keep]


def _entity_overlap(a: Doc, b: Doc, features: Features) -> tuple[float, tuple[str, ...]]:
    """IDF-weighted Jaccard of two articles' name tokens, and the shared tokens by weight."""
    shared = np.intersect1d(a.entity_ids, b.entity_ids, assume_unique=True)
    total = float(features.idf[np.union1d(a.entity_ids, b.entity_ids)].sum())
    if total <= 0:
        return 0.0, ()
    words, idf = features.entities.words, features.idf
    ranked = sorted(shared.tolist(), key=lambda t: (-idf[t], words[t]))
    return float(idf[shared].sum()) / total, tuple(words[t] for t in ranked[:8])


def _evidence(
    a: Doc, b: Doc, near: tuple[float, bool], features: Features, settings: StoriesSettings
) -> Evidence:
    """Measure one pair and label it (kind '' when it is not one story)."""
    jaccard, exact = near
    cosine = float(a.vector @ b.vector)
    pair_alignment = align.align(
        a.matrix, b.matrix, features.weights, align.AlignOptions(settings.align_min_score)
    )
    overlap, shared = _entity_overlap(a, b, features)
    _, in_a, in_b = np.intersect1d(a.lexicon_ids, b.lexicon_ids, assume_unique=True, return_indices=True)
    lexical = float(a.lexicon_values[in_a] @ b.lexicon_values[in_b])
    fraction = pair_alignment.aligned_fraction
    too_far = a.day is not None and b.day is not None and abs((a.day - b.day).days) > settings.max_story_days
    if exact:
        kind, score = "copy", 1.0
    elif jaccard >= settings.near_copy_jaccard:
        kind, score = "near_copy", 1.0
    elif fraction >= settings.rewrite_aligned_fraction:
        kind, score = "rewrite", 1.0
    else:
        kind, score = "same_event", same_event_score(overlap, lexical, fraction, cosine, settings)
    if too_far and kind != "copy" and kind != "near_copy":
        # a later report that reuses earlier material is a new event in the same storyline;
        # the negative score keeps average linkage from merging across the gap
        kind, score = "", -1.0
    return Evidence(
        a.index, b.index, kind, round(score, 4), jaccard, cosine, pair_alignment, overlap, shared, lexical
    )


def pair_similarity(cosine: float, lexical: float) -> float:
    """Graded similarity for ranking pairs: embedding cosine and weighted word cosine, averaged."""
    return 0.5 * max(cosine, 0.0) + 0.5 * lexical


def same_event_score(
    entity_overlap: float, lexical: float, aligned_fraction: float, cosine: float, settings: StoriesSettings
) -> float:
    """Evidence in [0, 1] that two differently worded articles report one event.

    Shared specific names count only as far as the topics agree (a product, not a sum): two
    stories about one mayor but different matters share names but not topic, and two reports
    on one city's war share topic but not the names of who said what.
    """
    names = min(entity_overlap / settings.full_entity_overlap, 1.0)
    span = max(1e-6, settings.full_topic_cosine - settings.candidate_min_cosine)
    topic = min(max((cosine - settings.candidate_min_cosine) / span, 0.0), 1.0)
    aligned = min(aligned_fraction / settings.rewrite_aligned_fraction, 1.0)
    return min(1.0, names * topic + 0.5 * aligned)


def story_order(articles: Sequence[Article]) -> list[Article]:
    """The articles as the stage numbers them: each id once (the first), ordered by id."""
    unique: dict[str, Article] = {}
    for article in articles:
        unique.setdefault(article.article_id, article)
    return [unique[k] for k in sorted(unique)]


def fingerprint_options(settings: StoriesSettings) -> fingerprint.FingerprintOptions:
    """How the stage sketches texts for copies and near-copies."""
    return fingerprint.FingerprintOptions(
        settings.shingle_words, settings.num_perm, settings.bands, threads=1
    )


def build_stories(
    articles: Sequence[Article],
    sentences_by_article: dict[str, list[Sentence]],
    settings: StoriesSettings,
    near_duplicates: fingerprint.NearDuplicates | None = None,
) -> StoriesResult:
    """Pairs with kinds, stories, sentence alignments, storylines and likely originals.

    Args:
        articles: the articles (any order: results do not depend on it).
        sentences_by_article: ``segment.segment_all(articles)``.
        settings: thresholds (``[stories]`` in the configuration).
        near_duplicates: the copy and near-copy candidates when they were found elsewhere (the
            Ray path groups LSH buckets on the cluster), rows numbered as ``story_order``
            numbers ``articles`` and sketched with ``fingerprint_options(settings)``; None
            computes them here.
    Returns:
        the records of the stage.
    Example:
        result = build_stories(articles, segment.segment_all(articles), load_settings().stories)
        for story in result.stories: print(story.story_id, story.size, story.headline)
    """
    ordered = story_order(articles)
    by_id = {article.article_id: article for article in ordered}
    pairs: list[Pair] = []
    alignments: list[Alignment] = []

    def write(found_pairs: list[Pair], found_alignments: list[Alignment]) -> None:
        pairs.extend(found_pairs)
        alignments.extend(found_alignments)

    batches = (
        (ordered[start : start + BATCH_ARTICLES], sentences_by_article)
        for start in range(0, len(ordered), BATCH_ARTICLES)
    )
    result = stream_stories(batches, lambda ids: [by_id[i] for i in ids], settings, write, near_duplicates)
    pairs.sort(key=lambda p: (p.article_a, p.article_b))
    return StoriesResult(pairs, alignments, result.stories, result.storylines, result.notes)


def stream_stories(
    batches: Iterable[Batch],
    load: Loader,
    settings: StoriesSettings,
    write: Callable[[list[Pair], list[Alignment]], None],
    near_duplicates: fingerprint.NearDuplicates | None = None,
    chunk_articles: int = CHUNK_ARTICLES,
) -> StoriesResult:
    """``build_stories`` over a corpus read twice, in batches: it is never all in memory.

    Args:
        batches: every article once, in ``story_order``, a batch at a time with its sentences.
        load: the articles of some ids, read again to assemble the stories.
        settings: thresholds.
        write: receives the pairs and alignments of each group of stories as it is assembled.
        near_duplicates: as for ``build_stories``.
        chunk_articles: about how many articles' stories are assembled at a time.
    Returns:
        the stories, storylines and notes (pairs and alignments went to ``write``).
    """
    options = fingerprint_options(settings)
    with Features(None if near_duplicates is not None else options) as features:
        for batch, sentences in batches:
            features.add(batch, sentences)
        features.finish()
        n = len(features)
        if not n:
            return StoriesResult([], [], [], [])
        near, near_of = _near(features, near_duplicates, options)
        scores, notes = _score(features, _candidates(features, near, settings), near_of, settings)
        clusters = cluster_pairs(n, scores.left, scores.right, scores.score, settings.same_story_score)
        assembly = _Assembly(features, clusters, scores, near_of, settings)
        stories: list[Story] = []
        for chunk in _chunks(clusters, chunk_articles):
            ids = [features.article_ids[m] for _, members in chunk for m in members]
            found_pairs, found_alignments = assembly.stories(chunk, load(ids), stories)
            write(found_pairs, found_alignments)
        stories, storylines = build_storylines(
            stories, clusters, features.vectors, assembly.salient, settings
        )
    stories.sort(key=lambda s: s.story_id)
    return StoriesResult([], [], stories, storylines, notes)


def score_pairs(
    articles: Sequence[Article],
    sentences_by_article: dict[str, list[Sentence]],
    pairs: Sequence[tuple[str, str]],
    settings: StoriesSettings,
) -> list[Evidence]:
    """The evidence of chosen pairs of article ids, measured as the stage measures its candidates.

    For benchmarks that score given pairs (SemEval): the corpus statistics come from ``articles``.
    """
    ordered = story_order(articles)
    options = fingerprint_options(settings)
    with Features(options) as features:
        features.add(ordered, sentences_by_article)
        features.finish()
        _, near_of = _near(features, None, options)
        position = {article_id: index for index, article_id in enumerate(features.article_ids)}
        found = []
        for x, y in pairs:
            i, j = sorted((position[x], position[y]))
            near_pair = near_of.get((i, j), (0.0, False))
            found.append(_evidence(features.doc(i), features.doc(j), near_pair, features, settings))
        return found


def _near(
    features: Features,
    near_duplicates: fingerprint.NearDuplicates | None,
    options: fingerprint.FingerprintOptions,
) -> tuple[fingerprint.NearDuplicates, dict[tuple[int, int], tuple[float, bool]]]:
    """The copy and near-copy candidates (given, or from the sketches of the first pass), and
    each pair's (estimated Jaccard, exact copy)."""
    near = near_duplicates
    if near is None:
        if features.sketches is None:
            raise ValueError("the articles were not sketched: pass near_duplicates or sketch them")
        near = fingerprint.sketched_near_duplicates(features.sketches, options)
    elif near.sketches.keys.size != len(features):
        raise ValueError(
            f"near_duplicates covers {near.sketches.keys.size} texts, the stage has {len(features)} "
            "articles: sketch every article, numbered as story_order numbers them"
        )
    near_of = {
        (int(a), int(b)): (float(j), bool(e))
        for a, b, j, e in zip(near.left, near.right, near.jaccard, near.exact, strict=True)
    }
    return near, near_of


def _score(
    features: Features,
    candidates: tuple[NDArray[np.int64], NDArray[np.int64]],
    near_of: dict[tuple[int, int], tuple[float, bool]],
    settings: StoriesSettings,
) -> tuple[_Scores, list[str]]:
    """Kind and score of every candidate pair (a pair that fails is skipped with a note)."""
    left, right = candidates
    kind = np.zeros(left.size, dtype=np.int8)
    score = np.zeros(left.size, dtype=np.float64)
    measured = np.ones(left.size, dtype=bool)
    code = {k: number for number, k in enumerate(KINDS)}
    notes: list[str] = []
    for row, (i, j) in enumerate(zip(left.tolist(), right.tolist(), strict=True)):
        try:
            e = _evidence(
                features.doc(i), features.doc(j), near_of.get((i, j), (0.0, False)), features, settings
            )
        except (ValueError, IndexError, MemoryError) as error:
            # one odd pair (an enormous article, say) is skipped, not the whole batch
            measured[row] = False
            ids = features.article_ids
            notes.append(f"pair {ids[i]}/{ids[j]} skipped: {error}")
            continue
        kind[row] = code[e.kind]
        score[row] = e.score
    return _Scores(left[measured], right[measured], kind[measured], score[measured]), notes


def _chunks(clusters: list[list[int]], chunk_articles: int) -> Iterator[list[tuple[int, list[int]]]]:
    """Consecutive clusters (numbered) in groups of about ``chunk_articles`` articles."""
    chunk: list[tuple[int, list[int]]] = []
    size = 0
    for number, members in enumerate(clusters):
        chunk.append((number, members))
        size += len(members)
        if size >= chunk_articles:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


class _Assembly:
    """Turns clusters into records, a group of stories at a time."""

    def __init__(
        self,
        features: Features,
        clusters: list[list[int]],
        scores: _Scores,
        near_of: dict[tuple[int, int], tuple[float, bool]],
        settings: StoriesSettings,
    ) -> None:
        self.features, self.scores, self.near_of, self.settings = features, scores, near_of, settings
        self.salient: list[dict[str, float]] = []  # per story, in cluster order
        # the labelled pairs that lie inside one cluster, indexed by cluster
        cluster_of = np.zeros(len(features), dtype=np.int64)
        for number, members in enumerate(clusters):
            cluster_of[members] = number
        self._rows: dict[int, NDArray[np.int64]] = {}
        rows = np.flatnonzero((scores.kind > 0) & (cluster_of[scores.left] == cluster_of[scores.right]))
        rows = rows[np.argsort(cluster_of[scores.left[rows]], kind="stable")]
        owners = cluster_of[scores.left[rows]]
        bounds = np.flatnonzero(np.diff(owners)) + 1
        for start, block in zip([0, *bounds.tolist()], np.split(rows, bounds), strict=True):
            if block.size:
                self._rows[int(owners[start])] = block

    def stories(
        self, chunk: list[tuple[int, list[int]]], articles: list[Article], stories: list[Story]
    ) -> tuple[list[Pair], list[Alignment]]:
        """Records of the clusters in ``chunk``: stories go to ``stories``, pairs and alignments back."""
        by_id = {article.article_id: article for article in articles}
        pairs: list[Pair] = []
        alignments: list[Alignment] = []
        for number, members in chunk:
            stories.append(self._story(number, members, by_id, pairs, alignments))
        return pairs, alignments

    def _story(
        self,
        number: int,
        members: list[int],
        by_id: dict[str, Article],
        pairs: list[Pair],
        alignments: list[Alignment],
    ) -> Story:
        features, settings, scores = self.features, self.settings, self.scores
        ids = features.article_ids
        member_articles = {m: by_id[ids[m]] for m in members}
        self.salient.append(
            salient_names(
                [features.entities.of(m) for m in members],
                lambda token: float(features.idf[features.entities.ids[token]]),
            )
        )
        members = sorted(members, key=lambda m: (timestamp(member_articles[m].published) or "~", ids[m]))
        story_id = "story-" + ids[members[0]]
        inside: dict[tuple[int, int], Evidence] = {}
        for row in self._rows.get(number, np.zeros(0, dtype=np.int64)).tolist():
            a, b = int(scores.left[row]), int(scores.right[row])
            near = self.near_of.get((a, b), (0.0, False))
            inside[(a, b)] = _evidence(features.doc(a), features.doc(b), near, features, settings)
        pair_alignments = {key: e.alignment for key, e in inside.items()}
        position = {m: p for p, m in enumerate(members)}
        ranking, reasons = rank_originals(
            [member_articles[m] for m in members],
            [credited_outlets(member_articles[m].text) for m in members],
            {(position[a], position[b]): al for (a, b), al in pair_alignments.items()},
        )
        original = members[ranking[0]]
        options = align.AlignOptions(settings.align_min_score)
        for a, b in _pairs_to_align(members, original, settings.max_aligned_members):
            if (a, b) not in pair_alignments:
                pair_alignments[(a, b)] = align.align(
                    features.doc(a).matrix, features.doc(b).matrix, features.weights, options
                )
        for (a, b), pair_alignment in sorted(pair_alignments.items()):
            alignments.extend(_alignment_rows(ids[a], ids[b], pair_alignment))
        for (a, b), e in sorted(inside.items()):
            pairs.append(_pair_record(ids[a], ids[b], e, story_id))
        kinds = Counter(e.kind for e in inside.values())
        days = [features.days[m] for m in members]
        dates = sorted(str(day) for day in days if day)
        return Story(
            story_id=story_id,
            article_ids=tuple(ids[m] for m in members),
            size=len(members),
            pair_kinds=tuple(f"{k}:{kinds[k]}" for k in KIND_ORDER if kinds[k]),
            headline=_headline(member_articles[original], features.first_sentences.get(original, "")),
            date_start=dates[0] if dates else None,
            date_end=dates[-1] if dates else None,
            top_entities=_top_names([features.names.of(m) for m in members]),
            likely_original=ids[original],
            original_ranking=tuple(ids[members[r]] for r in ranking),
            original_reasons=tuple(reasons),
            storyline_id=None,
        )


def _pairs_to_align(members: list[int], original: int, cap: int) -> list[tuple[int, int]]:
    """Every pair of a story, or each member with the likely original in very large stories."""
    if len(members) <= cap:
        return [(min(a, b), max(a, b)) for x, a in enumerate(members) for b in members[x + 1 :]]
    return [(min(original, m), max(original, m)) for m in members if m != original]


def _alignment_rows(article_a: str, article_b: str, pair_alignment: align.PairAlignment) -> list[Alignment]:
    """Matched sentences, then sentences unique to A (-1 on B's side) and to B."""
    rows = [Alignment(article_a, i, article_b, j, score) for i, j, score in pair_alignment.matches]
    rows.extend(Alignment(article_a, i, article_b, -1, 0.0) for i in pair_alignment.unique_a)
    rows.extend(Alignment(article_a, -1, article_b, j, 0.0) for j in pair_alignment.unique_b)
    return rows


def _pair_record(article_a: str, article_b: str, e: Evidence, story_id: str) -> Pair:
    """The stored pair, ids in order."""
    return Pair(
        article_a=article_a,
        article_b=article_b,
        kind=e.kind,
        score=e.score,
        similarity=round(pair_similarity(e.cosine, e.lexical), 4),
        minhash_jaccard=round(e.jaccard, 4),
        embedding_cosine=round(e.cosine, 4),
        aligned_fraction=round(e.alignment.aligned_fraction, 4),
        entity_overlap=round(e.entity_overlap, 4),
        shared_entities=e.shared,
        story_id=story_id,
    )


def _headline(article: Article, first_sentence: str) -> str:
    """The article's title, else its first sentence, shortened."""
    text = (article.title or first_sentence).strip()
    text = re.sub(r"\s+", " ", text)
    return text if len(text) <= 120 else text[:117].rstrip() + "..."


def _top_names(names: Sequence[Counter[str]], limit: int = 5) -> tuple[str, ...]:
    """Names mentioned by most members, then most often."""
    spread: Counter[str] = Counter()
    mentions: Counter[str] = Counter()
    for counts in names:
        spread.update(counts.keys())
        mentions.update(counts)
    ranked = sorted(spread, key=lambda n: (-spread[n], -mentions[n], n))
    return tuple(ranked[:limit])

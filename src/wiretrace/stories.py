"""Stories: which articles are copies, near-copies, rewrites or independent reports of one event.

Candidate pairs come from two cheap sources: MinHash LSH (copies, near-copies) and shared
rare names (paraphrases and independent coverage), filtered by article-embedding cosine.
Each candidate is scored from its evidence (shingle Jaccard, sentence alignment, weighted
name overlap, dates) and labelled. Stories are built by average linkage over those scores,
so one generic article that resembles two stories cannot chain them together (it would
have to resemble most members of both). Storylines link stories that share their salient
names and topic over time. See docs/decisions.md for the measurements behind the defaults.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from wiretrace import align, embeddings, fingerprint
from wiretrace.config import StoriesSettings
from wiretrace.records import Alignment, Article, Pair, Sentence, Story, Storyline
from wiretrace.story_links import (
    cluster_average_linkage,
    credited_outlets,
    entity_profile,
    parse_date,
    rank_originals,
    timestamp,
)

KIND_ORDER = ("copy", "near_copy", "rewrite", "same_event")


@dataclass(frozen=True)
class StoriesResult:
    """Everything the story stage found, ready for the store."""

    pairs: list[Pair]
    alignments: list[Alignment]
    stories: list[Story]
    storylines: list[Storyline]
    notes: list[str] = field(default_factory=list)


@dataclass
class _Doc:
    """Per-article features computed once."""

    article: Article
    sentences: list[str]
    matrix: align.SentenceMatrix
    vector: np.ndarray
    entities: Counter[str]  # lower-cased name tokens and numbers -> mentions
    names: Counter[str]  # display forms of multi-word names -> mentions
    day: date | None
    lexicon: dict[str, float] = field(default_factory=dict)  # unit-length IDF-weighted content words


@dataclass(frozen=True)
class _Evidence:
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


def _prepare(articles: Sequence[Article], sentences_by_article: dict[str, list[Sentence]]) -> list[_Doc]:
    """Embeddings, term sets, names and dates of every article (one embedding call for all)."""
    texts_by_article = [
        [s.text for s in sentences_by_article.get(a.article_id, [])] or [a.text] for a in articles
    ]
    counts = [len(texts) for texts in texts_by_article]
    sums = embeddings.token_sums([t for texts in texts_by_article for t in texts])
    sentence_vectors = embeddings.normalise(sums)
    offsets = np.concatenate(([0], np.cumsum(counts)))
    # an article's vector pools all its tokens: the sum of its sentences' token sums
    article_vectors = embeddings.normalise(np.add.reduceat(sums, offsets[:-1], axis=0))
    docs = []
    for index, (article, sentences) in enumerate(zip(articles, texts_by_article, strict=True)):
        entities, names = entity_profile(sentences)
        vectors = sentence_vectors[offsets[index] : offsets[index + 1]]
        docs.append(
            _Doc(
                article,
                sentences,
                align.sentence_matrix(article.article_id, sentences, vectors),
                article_vectors[index],
                entities,
                names,
                parse_date(article.published),
            )
        )
    return docs


def _lexicon(doc: _Doc, weights: align.TermWeights) -> dict[str, float]:
    """The article's content words, weighted by count and IDF, scaled to unit length."""
    counts: Counter[str] = Counter(term for terms in doc.matrix.terms for term in terms)
    vector = {term: count * weights(term) for term, count in counts.items()}
    norm = math.sqrt(sum(v * v for v in vector.values())) or 1.0
    return {term: v / norm for term, v in vector.items()}


def _idf(docs: Sequence[_Doc]) -> dict[str, float]:
    """Specificity of each name token in this batch: 0 for a token every article has."""
    frequencies: Counter[str] = Counter()
    for doc in docs:
        frequencies.update(doc.entities.keys())
    n = len(docs)
    return {token: math.log((n + 1) / (df + 1)) for token, df in frequencies.items()}


def _candidates(
    docs: Sequence[_Doc], near: fingerprint.NearDuplicates, settings: StoriesSettings
) -> list[tuple[int, int]]:
    """Pairs worth examining: LSH pairs, and pairs sharing a rare name with similar embeddings."""
    n = len(docs)
    codes: list[np.ndarray] = [near.left.astype(np.int64) * n + near.right]
    postings: dict[str, list[int]] = {}
    for index, doc in enumerate(docs):
        for token in doc.entities:
            postings.setdefault(token, []).append(index)
    for members in postings.values():
        if 2 <= len(members) <= settings.block_max_articles:
            m = np.array(members, dtype=np.int64)
            a, b = np.triu_indices(m.size, k=1)
            codes.append(m[a] * n + m[b])
    if not codes:
        return []
    unique = np.unique(np.concatenate(codes))
    left, right = unique // n, unique % n
    vectors = np.stack([d.vector for d in docs]) if docs else np.zeros((0, 1))
    cosine = np.einsum("ij,ij->i", vectors[left], vectors[right])
    keep = (cosine >= settings.candidate_min_cosine) | np.isin(unique, codes[0])
    return list(zip(left[keep].tolist(), right[keep].tolist(), strict=True))


def _entity_overlap(a: _Doc, b: _Doc, idf: dict[str, float]) -> tuple[float, tuple[str, ...]]:
    """IDF-weighted Jaccard of two articles' name tokens, and the shared tokens by weight."""
    shared = a.entities.keys() & b.entities.keys()
    union = a.entities.keys() | b.entities.keys()
    total = sum(idf.get(t, 0.0) for t in union)
    if total <= 0:
        return 0.0, ()
    ranked = sorted(shared, key=lambda t: (-idf.get(t, 0.0), t))
    return sum(idf.get(t, 0.0) for t in shared) / total, tuple(ranked[:8])


def _evidence(
    i: int,
    j: int,
    docs: Sequence[_Doc],
    near_jaccard: dict[tuple[int, int], tuple[float, bool]],
    weights: align.TermWeights,
    idf: dict[str, float],
    settings: StoriesSettings,
) -> _Evidence:
    """Measure one pair and label it (kind '' when it is not one story)."""
    a, b = docs[i], docs[j]
    jaccard, exact = near_jaccard.get((i, j), (0.0, False))
    cosine = float(a.vector @ b.vector)
    pair_alignment = align.align(a.matrix, b.matrix, weights, align.AlignOptions(settings.align_min_score))
    overlap, shared = _entity_overlap(a, b, idf)
    small, large = (a.lexicon, b.lexicon) if len(a.lexicon) <= len(b.lexicon) else (b.lexicon, a.lexicon)
    lexical = sum(value * large.get(term, 0.0) for term, value in small.items())
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
    return _Evidence(i, j, kind, round(score, 4), jaccard, cosine, pair_alignment, overlap, shared, lexical)


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
    if not ordered:
        return StoriesResult([], [], [], [])
    if near_duplicates is not None and near_duplicates.sketches.keys.size != len(ordered):
        raise ValueError(
            f"near_duplicates covers {near_duplicates.sketches.keys.size} texts, the stage has "
            f"{len(ordered)} articles: sketch every article, numbered as story_order numbers them"
        )
    docs = _prepare(ordered, sentences_by_article)
    near = near_duplicates
    if near is None:
        near = fingerprint.near_duplicates([d.article.text for d in docs], fingerprint_options(settings))
    near_jaccard = {
        (int(a), int(b)): (float(j), bool(e))
        for a, b, j, e in zip(near.left, near.right, near.jaccard, near.exact, strict=True)
    }
    weights = align.TermWeights(*align.document_frequencies(d.matrix.terms for d in docs))
    for doc in docs:
        doc.lexicon = _lexicon(doc, weights)
    idf = _idf(docs)
    evidence: dict[tuple[int, int], _Evidence] = {}
    notes: list[str] = []
    for i, j in _candidates(docs, near, settings):
        try:
            evidence[(i, j)] = _evidence(i, j, docs, near_jaccard, weights, idf, settings)
        except (ValueError, IndexError, MemoryError) as error:
            # one odd pair (an enormous article, say) is skipped, not the whole batch
            notes.append(f"pair {docs[i].article.article_id}/{docs[j].article.article_id} skipped: {error}")
    linked = {key: e.score for key, e in evidence.items()}
    clusters = cluster_average_linkage(len(docs), linked, settings.same_story_score)
    result = _assemble(docs, clusters, evidence, weights, idf, settings)
    result.notes.extend(notes)
    return result


def _assemble(
    docs: Sequence[_Doc],
    clusters: list[list[int]],
    evidence: dict[tuple[int, int], _Evidence],
    weights: align.TermWeights,
    idf: dict[str, float],
    settings: StoriesSettings,
) -> StoriesResult:
    """Turn clusters and pair evidence into records."""
    from wiretrace.story_links import build_storylines

    pairs: list[Pair] = []
    alignments: list[Alignment] = []
    stories: list[Story] = []
    cluster_of = {m: c for c, members in enumerate(clusters) for m in members}
    by_cluster: dict[int, dict[tuple[int, int], _Evidence]] = {}
    for key, e in evidence.items():
        if e.kind and cluster_of[key[0]] == cluster_of[key[1]]:
            by_cluster.setdefault(cluster_of[key[0]], {})[key] = e
    for number, members in enumerate(clusters):
        members = sorted(members, key=lambda m: (_date_key(docs[m]), docs[m].article.article_id))
        story_id = "story-" + docs[members[0]].article.article_id
        inside = by_cluster.get(number, {})
        pair_alignments: dict[tuple[int, int], align.PairAlignment] = {
            k: e.alignment for k, e in inside.items()
        }
        credits = {m: credited_outlets(docs[m].article.text) for m in members}
        position = {m: p for p, m in enumerate(members)}
        ranking, reasons = rank_originals(
            [docs[m].article for m in members],
            [credits[m] for m in members],
            {(position[a], position[b]): al for (a, b), al in pair_alignments.items()},
        )
        original = members[ranking[0]]
        wanted = _pairs_to_align(members, original, settings.max_aligned_members)
        for a, b in wanted:
            if (a, b) not in pair_alignments:
                pair_alignments[(a, b)] = align.align(
                    docs[a].matrix, docs[b].matrix, weights, align.AlignOptions(settings.align_min_score)
                )
        for (a, b), pair_alignment in sorted(pair_alignments.items()):
            alignments.extend(
                _alignment_rows(docs[a].article.article_id, docs[b].article.article_id, pair_alignment)
            )
        for (a, b), e in sorted(inside.items()):
            pairs.append(_pair_record(docs[a], docs[b], e, story_id))
        kinds = Counter(e.kind for e in inside.values())
        dates = sorted(str(docs[m].day) for m in members if docs[m].day)
        stories.append(
            Story(
                story_id=story_id,
                article_ids=tuple(docs[m].article.article_id for m in members),
                size=len(members),
                pair_kinds=tuple(f"{k}:{kinds[k]}" for k in KIND_ORDER if kinds[k]),
                headline=_headline(docs[original]),
                date_start=dates[0] if dates else None,
                date_end=dates[-1] if dates else None,
                top_entities=_top_names([docs[m] for m in members]),
                likely_original=docs[original].article.article_id,
                original_ranking=tuple(docs[members[r]].article.article_id for r in ranking),
                original_reasons=tuple(reasons),
                storyline_id=None,
            )
        )
    stories, storylines = build_storylines(stories, clusters, docs, idf, settings)
    stories.sort(key=lambda s: s.story_id)
    return StoriesResult(
        sorted(pairs, key=lambda p: (p.article_a, p.article_b)), alignments, stories, storylines
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


def _pair_record(a: _Doc, b: _Doc, e: _Evidence, story_id: str) -> Pair:
    """The stored pair, ids in order."""
    return Pair(
        article_a=a.article.article_id,
        article_b=b.article.article_id,
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


def _date_key(doc: _Doc) -> str:
    """Sort key putting dated articles first, earliest first (to the minute when times are given)."""
    return timestamp(doc.article.published) or "~"


def _headline(doc: _Doc) -> str:
    """The article's title, else its first sentence, shortened."""
    text = (doc.article.title or (doc.sentences[0] if doc.sentences else "")).strip()
    text = re.sub(r"\s+", " ", text)
    return text if len(text) <= 120 else text[:117].rstrip() + "..."


def _top_names(docs: Sequence[_Doc], limit: int = 5) -> tuple[str, ...]:
    """Names mentioned by most members, then most often."""
    spread: Counter[str] = Counter()
    mentions: Counter[str] = Counter()
    for doc in docs:
        spread.update(doc.names.keys())
        mentions.update(doc.names)
    ranked = sorted(spread, key=lambda n: (-spread[n], -mentions[n], n))
    return tuple(ranked[:limit])

"""Claim groups, provenance chains and independence counts for the claims of each story.

A claim group holds the claims of one story that state the same thing: compatible speakers
(same or coreferent, or one version dropped the attribution) and similar content (aligned
sentences lower the bar). Each claim gets a provenance chain: speaker -> affiliation (the
registry body the speaker or the role words name) -> via outlet -> carrying article.
Independence counts distinct upstream origins after collapsing copies and rewrites (articles
joined by copy/near_copy/rewrite pairs share their credits) and grouping origins that share
an affiliation (every state outlet and official body of one country is one party).

Example:
    result = build_provenance(ProvenanceInput(articles, stories, pairs, alignments, claims))
    for row in result.independence:
        print(row.summary)
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from rapidfuzz import fuzz

from wiretrace.config import ProvenanceSettings, Settings
from wiretrace.provenance.derivation import find_derivations
from wiretrace.provenance.disputes import find_disputes, polarity
from wiretrace.provenance.independence import independence
from wiretrace.provenance.parties import build_chains, speaker_key
from wiretrace.provenance.sources import Source, SourceRegistry, get_registry, normalise
from wiretrace.provenance.upstream import UnionFind, upstream_components
from wiretrace.records import (
    Alignment,
    Article,
    Claim,
    ClaimGroup,
    Derivation,
    Dispute,
    Independence,
    Pair,
    ProvenanceChain,
    Story,
)


@dataclass(frozen=True)
class ProvenanceInput:
    """The records provenance reads: the outputs of ingest, stories, align and claims."""

    articles: Sequence[Article]
    stories: Sequence[Story]
    pairs: Sequence[Pair] = ()
    alignments: Sequence[Alignment] = ()
    claims: Sequence[Claim] = ()


@dataclass(frozen=True)
class ProvenanceResult:
    """Claim groups, one chain per claim, and independence per group and per story."""

    groups: list[ClaimGroup] = field(default_factory=list)
    chains: list[ProvenanceChain] = field(default_factory=list)
    independence: list[Independence] = field(default_factory=list)
    disputes: list[Dispute] = field(default_factory=list)
    derivations: list[Derivation] = field(default_factory=list)


def _short_hash(*parts: str) -> str:
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:12]


@functools.lru_cache(maxsize=65536)
def _content_key(text: str) -> str:
    return re.sub(r"\s+", " ", normalise(text)).strip()


@functools.lru_cache(maxsize=65536)
def _lookup(registry: SourceRegistry, key: str) -> Source | None:
    return registry.lookup(key)


@functools.lru_cache(maxsize=65536)
def _content_words(text: str) -> frozenset[str]:
    """Words of four or more letters: enough to tell which claims could be the same."""
    return frozenset(w for w in _content_key(text).split() if len(w) >= 4)


def _candidate_pairs(
    claims: Sequence[Claim], aligned: set[tuple[str, int, str, int]]
) -> list[tuple[int, int]]:
    """Index pairs of claims worth comparing: aligned sentences, or a shared uncommon word.

    Blocking keeps big stories linear-ish: a word in more than a third of the claims (and at
    least 20) proposes no pairs, since it tells nothing about which claims match.
    """
    index: dict[str, list[int]] = defaultdict(list)
    for position, claim in enumerate(claims):
        for word in _content_words(claim.content):
            index[word].append(position)
    limit = max(20, len(claims) // 3)
    pairs: set[tuple[int, int]] = set()
    for positions in index.values():
        if len(positions) <= limit:
            pairs.update((a, b) for i, a in enumerate(positions) for b in positions[i + 1 :])
    by_sentence: dict[tuple[str, int], list[int]] = defaultdict(list)
    for position, claim in enumerate(claims):
        by_sentence[(claim.article_id, claim.sentence_index)].append(position)
    for article_a, sentence_a, article_b, sentence_b in aligned:
        for a in by_sentence.get((article_a, sentence_a), ()):
            for b in by_sentence.get((article_b, sentence_b), ()):
                pairs.add((min(a, b), max(a, b)))
    return sorted(pairs)


def speakers_compatible(a: Claim, b: Claim, registry: SourceRegistry, settings: ProvenanceSettings) -> bool:
    """Whether two claims can come from the same speaker (same, coreferent, or attribution dropped)."""
    key_a, key_b = speaker_key(a), speaker_key(b)
    if not key_a or not key_b:
        # a rewrite that drops the attribution keeps the claim; two different named speakers never merge
        return not key_a and not key_b or "none" in (a.sourcing, b.sourcing) or a.sourcing == b.sourcing
    if key_a == key_b or a.sourcing == b.sourcing == "anonymous":
        return True  # rewriters describe one anonymous source in many ways
    source_a, source_b = _lookup(registry, key_a), _lookup(registry, key_b)
    if source_a and source_b:
        return source_a.source_id == source_b.source_id
    last_a, last_b = key_a.split()[-1], key_b.split()[-1]
    if last_a == last_b and len(last_a) > 2:
        return True  # "Vladimir Putin" / "Putin"; "the ministry" / "Ministry of Health"
    return fuzz.token_set_ratio(key_a, key_b) >= settings.speaker_similarity


def content_similarity(a: Claim, b: Claim) -> float:
    """Similarity in [0, 1] of two claims' contents, robust to reordering and to one being shorter."""
    text_a, text_b = _content_key(a.content), _content_key(b.content)
    if not text_a or not text_b:
        return 0.0
    # token_set alone rewards a tiny shared phrase; average it with the order-free full ratio
    return (fuzz.token_set_ratio(text_a, text_b) + fuzz.token_sort_ratio(text_a, text_b)) / 200.0


def _first_order(story: Story, articles: dict[str, Article]) -> dict[str, tuple[str, int, str]]:
    """A sort key per article of the story: published date, then rank as likely original, then id."""
    ranking = list(getattr(story, "original_ranking", ()) or ())
    if story.likely_original and story.likely_original not in ranking:
        ranking.insert(0, story.likely_original)
    keys = {}
    for article_id in story.article_ids:
        article = articles.get(article_id)
        published = (article.published or "") if article else ""
        rank = ranking.index(article_id) if article_id in ranking else len(ranking)
        keys[article_id] = (published[:10] or "9999", rank, article_id)
    return keys


def _story_of_claims(data: ProvenanceInput) -> dict[str, str]:
    """Article id -> story id; an article in no story stands alone as ``article:<id>``."""
    story_of: dict[str, str] = {}
    for story in data.stories:
        for article_id in story.article_ids:
            story_of.setdefault(article_id, story.story_id)
    for claim in data.claims:
        story_of.setdefault(claim.article_id, f"article:{claim.article_id}")
    return story_of


def group_claims(
    data: ProvenanceInput, registry: SourceRegistry, settings: ProvenanceSettings
) -> list[ClaimGroup]:
    """Group the claims of each story that state the same thing, across articles.

    Args:
        data: the stage inputs (claims, stories, alignments, articles).
        registry: the source registry, to tell two named bodies apart.
        settings: similarity thresholds.
    Returns:
        one ClaimGroup per distinct statement (singletons included), ordered by story and first claim.
    Example:
        groups = group_claims(data, get_registry(), ProvenanceSettings())
    """
    articles = {a.article_id: a for a in data.articles}
    story_of = _story_of_claims(data)
    stories = {s.story_id: s for s in data.stories}
    aligned = {
        (al.article_a, al.sentence_a, al.article_b, al.sentence_b)
        for al in data.alignments
        if al.sentence_a >= 0 and al.sentence_b >= 0
    }
    by_story: dict[str, list[Claim]] = defaultdict(list)
    for claim in data.claims:
        by_story[story_of[claim.article_id]].append(claim)
    groups: list[ClaimGroup] = []
    for story_id in sorted(by_story):
        claims = sorted(by_story[story_id], key=lambda c: c.claim_id)
        sets = UnionFind()
        for claim in claims:
            sets.find(claim.claim_id)
        candidates = _candidate_pairs(claims, aligned)
        for first, second in candidates:
            a, b = claims[first], claims[second]
            if a.article_id == b.article_id or polarity(a) != polarity(b):
                continue  # a denial never joins the group of what it denies (see ``disputes``)
            if not speakers_compatible(a, b, registry, settings):
                continue
            pair_key = (a.article_id, a.sentence_index, b.article_id, b.sentence_index)
            is_aligned = (
                pair_key in aligned or (pair_key[2], pair_key[3], pair_key[0], pair_key[1]) in aligned
            )
            threshold = settings.aligned_similarity if is_aligned else settings.content_similarity
            if "none" in (a.sourcing, b.sourcing) and a.sourcing != b.sourcing:
                threshold += settings.unattributed_margin  # a dropped attribution needs closer wording
            if content_similarity(a, b) >= threshold:
                sets.union(a.claim_id, b.claim_id)
        members: dict[str, list[Claim]] = defaultdict(list)
        for claim in claims:
            members[sets.find(claim.claim_id)].append(claim)
        story = stories.get(story_id) or _solo_story(story_id, claims)
        order = _first_order(story, articles)
        story_groups = [_make_group(story_id, m, order, articles) for m in members.values()]
        groups.extend(_link_statements(story_groups, claims, candidates, aligned, settings))
    groups.sort(key=lambda g: (g.story_id, g.claim_ids[0]))
    return groups


def _link_statements(
    groups: list[ClaimGroup],
    claims: Sequence[Claim],
    candidates: Sequence[tuple[int, int]],
    aligned: set[tuple[str, int, str, int]],
    settings: ProvenanceSettings,
) -> list[ClaimGroup]:
    """Give groups whose speakers differ but whose content is the same one ``statement_id``."""
    group_of = {c: g.group_id for g in groups for c in g.claim_ids}
    sets = UnionFind()
    for group in groups:
        sets.find(group.group_id)
    for first, second in candidates:
        a, b = claims[first], claims[second]
        group_a, group_b = group_of[a.claim_id], group_of[b.claim_id]
        if sets.find(group_a) == sets.find(group_b) or polarity(a) != polarity(b):
            continue
        pair_key = (a.article_id, a.sentence_index, b.article_id, b.sentence_index)
        is_aligned = pair_key in aligned or (pair_key[2], pair_key[3], pair_key[0], pair_key[1]) in aligned
        if content_similarity(a, b) >= (
            settings.aligned_similarity if is_aligned else settings.content_similarity
        ):
            sets.union(group_a, group_b)
    return [replace(g, statement_id="s-" + sets.find(g.group_id).removeprefix("g-")) for g in groups]


def _solo_story(story_id: str, claims: Sequence[Claim]) -> Story:
    """A stand-in story for claims whose article no story holds."""
    article_ids = tuple(sorted({c.article_id for c in claims}))
    values: dict[str, object] = {}
    for name, annotation in Story.__annotations__.items():
        kind = str(annotation)
        values[name] = (
            () if kind.startswith("tuple") else None if "None" in kind else 0 if kind == "int" else ""
        )
    values.update(story_id=story_id, article_ids=article_ids, likely_original=None)
    return Story(**values)  # type: ignore[arg-type]


def _make_group(
    story_id: str, members: list[Claim], order: dict[str, tuple[str, int, str]], articles: dict[str, Article]
) -> ClaimGroup:
    members = sorted(
        members, key=lambda c: (order.get(c.article_id, ("9999", 99, c.article_id)), c.content_start)
    )
    first = members[0]
    named = [c for c in members if speaker_key(c)]
    speaker = max(named, key=lambda c: len(c.speaker_canonical or c.speaker)) if named else None
    article_ids = tuple(dict.fromkeys(c.article_id for c in members))
    first_article = articles.get(first.article_id)
    return ClaimGroup(
        group_id="g-" + _short_hash(story_id, *sorted(c.claim_id for c in members)),
        story_id=story_id,
        canonical=first.content,
        canonical_claim=first.claim_id,
        speaker=(speaker.speaker_canonical or speaker.speaker) if speaker else "",
        claim_ids=tuple(c.claim_id for c in members),
        article_ids=article_ids,
        first_article=first.article_id,
        first_published=first_article.published if first_article else None,
        statement_id="",
    )


def build_provenance(
    data: ProvenanceInput, settings: ProvenanceSettings | None = None, registry: SourceRegistry | None = None
) -> ProvenanceResult:
    """Claim groups, provenance chains and independence for every story.

    Args:
        data: articles, stories, pairs, alignments and claims (empty claims give an empty result).
        settings: thresholds; defaults when None.
        registry: the source registry; the shipped one when None.
    Returns:
        a ProvenanceResult with groups, chains and independence rows.
    Example:
        result = build_provenance(ProvenanceInput(articles, stories, pairs, alignments, claims))
    """
    settings = settings or ProvenanceSettings()
    if not data.claims:
        return ProvenanceResult()
    registry = registry or get_registry()
    groups = group_claims(data, registry, settings)
    derivations = find_derivations(data, groups)
    chains = build_chains(data, groups, registry, upstream_components(derivations))
    disputes = find_disputes(data.claims, groups, chains, settings, content_similarity)
    evidence = corroborating_pairs(data.claims, groups, chains, settings)
    return ProvenanceResult(
        groups=groups,
        chains=chains,
        independence=independence(groups, chains, data.stories, disputes, evidence),
        disputes=disputes,
        derivations=derivations,
    )


# known-party claims of one statement compared pairwise for corroboration, at most
_CORROBORATION_CANDIDATES = 60
# words of four letters or more two corroborating claims share: "calling for change" and "calls for
# regime change" are alike to a fuzzy ratio but state nothing checkable in common
_CORROBORATION_WORDS = 3


def corroborating_pairs(
    claims: Sequence[Claim],
    groups: Sequence[ClaimGroup],
    chains: Sequence[ProvenanceChain],
    settings: ProvenanceSettings,
) -> dict[str, tuple[str, str]]:
    """Statement id -> two claims that corroborate each other on their own: both assert, from two
    known parties, in articles of different upstream components, with contents similar enough
    directly (``content_similarity``, and three shared words of four letters or more), not only
    through the chain of similar claims that joined the statement's groups."""
    by_id = {c.claim_id: c for c in claims}
    chain_of = {c.claim_id: c for c in chains}
    members: dict[str, list[Claim]] = defaultdict(list)
    for group in groups:
        for claim_id in group.claim_ids:
            chain = chain_of.get(claim_id)
            claim = by_id.get(claim_id)
            if claim is not None and chain is not None and chain.party and polarity(claim) == "positive":
                if claim.stance != "relays":
                    members[group.statement_id or group.group_id].append(claim)
    found: dict[str, tuple[str, str]] = {}
    for statement, known in members.items():
        known = known[:_CORROBORATION_CANDIDATES]
        for i, a in enumerate(known):
            chain_a = chain_of[a.claim_id]
            pair = next(
                (
                    b
                    for b in known[i + 1 :]
                    if chain_of[b.claim_id].party != chain_a.party
                    and chain_of[b.claim_id].upstream != chain_a.upstream
                    and len(_content_words(a.content) & _content_words(b.content)) >= _CORROBORATION_WORDS
                    and content_similarity(a, b) >= settings.content_similarity
                ),
                None,
            )
            if pair is not None:
                found[statement] = (a.claim_id, pair.claim_id)
                break
    return found


def stage_outputs(
    articles: Sequence[Article], outputs: Mapping[type, Sequence[Any]], settings: Settings
) -> dict[type, list[Any]]:
    """The pipeline step: reads the stories/align/claims outputs (empty when those stages are absent).

    Example:
        outputs.update(stage_outputs(articles, outputs, settings))
    """
    data = ProvenanceInput(
        articles=articles,
        stories=list(outputs.get(Story, ())),
        pairs=list(outputs.get(Pair, ())),
        alignments=list(outputs.get(Alignment, ())),
        claims=list(outputs.get(Claim, ())),
    )
    registry = get_registry(settings.sources.sources_file or None)
    result = build_provenance(data, settings.provenance, registry)
    return {
        ClaimGroup: result.groups,
        ProvenanceChain: result.chains,
        Independence: result.independence,
        Dispute: result.disputes,
        Derivation: result.derivations,
    }

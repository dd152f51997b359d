"""Disputes: which claim groups a denial or a doubt targets, with the evidence span.

A claim whose stance (``claims.stance``) is ``denies`` or ``doubts`` never joins the group of
what it disputes (``stage.group_claims`` keeps the two polarities apart). Here it is linked to
each group of its story whose asserted content its own content restates: "B's General Staff
denied that A's forces had captured the city" disputes the group of "our forces have captured
the city". The link carries the denial's cue span and the party of the disputing speaker, read
from its provenance chain (the one party resolution).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Sequence

from wiretrace.claims.stance import NEGATIVE_STANCES
from wiretrace.config import ProvenanceSettings
from wiretrace.provenance.parties import speaker_key
from wiretrace.records import Claim, ClaimGroup, Dispute, ProvenanceChain


def polarity(claim: Claim) -> str:
    """``negative`` for a denial or doubt, else ``positive``: groups never mix the two."""
    return "negative" if claim.stance in NEGATIVE_STANCES else "positive"


def find_disputes(
    claims: Sequence[Claim],
    groups: Sequence[ClaimGroup],
    chains: Sequence[ProvenanceChain],
    settings: ProvenanceSettings,
    content_similarity: object,
) -> list[Dispute]:
    """One ``Dispute`` per (disputing claim, disputed group), best-matching member first.

    Args:
        claims: the claims of whole stories.
        groups: their claim groups.
        chains: their provenance chains (the disputing speaker's party).
        settings: ``dispute_similarity``, the content similarity a target needs.
        content_similarity: the function that scores two claims' contents in [0, 1].
    """
    score = content_similarity  # passed in so that grouping and disputes use one measure
    assert callable(score)
    by_id = {c.claim_id: c for c in claims}
    chain_of = {c.claim_id: c for c in chains}
    group_of = {cid: g for g in groups for cid in g.claim_ids}
    by_story: dict[str, list[Claim]] = defaultdict(list)
    for group in groups:
        by_story[group.story_id].extend(by_id[c] for c in group.claim_ids if c in by_id)
    disputes: list[Dispute] = []
    for story_id, members in sorted(by_story.items()):
        negative = [c for c in members if c.stance in NEGATIVE_STANCES and c.content.strip()]
        if not negative:
            continue
        positive = [c for c in members if c.stance not in NEGATIVE_STANCES | {"relays"} and c.content.strip()]
        index: dict[str, list[Claim]] = defaultdict(list)
        for claim in positive:
            for word in _words(claim.content):
                index[word].append(claim)
        limit = max(20, len(positive) // 3)  # a word in most claims proposes nothing
        for denial in negative:
            candidates: dict[str, Claim] = {}
            for word in _words(denial.content):
                if len(index.get(word, ())) <= limit:
                    candidates.update((c.claim_id, c) for c in index.get(word, ()))
            best: dict[str, tuple[float, Claim]] = {}
            own = speaker_key(denial)
            for target in candidates.values():
                if own and speaker_key(target) == own:
                    continue  # a speaker correcting itself is not a second side
                similarity = float(score(denial, target))
                group = group_of[target.claim_id]
                if (
                    similarity >= settings.dispute_similarity
                    and similarity > best.get(group.group_id, (0.0,))[0]
                ):
                    best[group.group_id] = (similarity, target)
            chain = chain_of.get(denial.claim_id)
            for group_id, (similarity, _target) in sorted(best.items()):
                disputes.append(
                    Dispute(
                        dispute_id=hashlib.sha1(f"{group_id}:{denial.claim_id}".encode()).hexdigest()[:16],
                        story_id=story_id,
                        group_id=group_id,
                        claim_id=denial.claim_id,
                        article_id=denial.article_id,
                        stance=denial.stance,
                        cue_start=denial.cue_start,
                        cue_end=denial.cue_end,
                        similarity=round(similarity, 4),
                        party=chain.party if chain else "",
                        party_label=chain.party_label if chain else "",
                    )
                )
    return disputes


def _words(text: str) -> set[str]:
    return {w for w in "".join(ch.lower() if ch.isalnum() else " " for ch in text).split() if len(w) >= 4}

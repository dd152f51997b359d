"""Derivation: which articles of a story rest on one upstream item, even when every sentence was rewritten.

A machine rewrite or a content-farm version paraphrases each sentence, but it keeps the facts and
their order: the same speakers saying the same things in the same sequence. Independent reports
of one event have their own speakers, details and order. So two articles derive from one
upstream when their claims, mapped to claim groups (one speaker, one statement, across the
story), share an ordered run of at least ``MIN_RUN`` groups, ``MIN_ATTRIBUTED`` of them
attributed to a source. The run is found as the longest common subsequence of the two
articles' claim groups in reading order. Copies, near-copies and rewrites the stories stage found
from the text are edges too. The edges make the story's derivation graph; its components are
the upstream items that independence counts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from itertools import combinations
from typing import TYPE_CHECKING

from wiretrace.records import DERIVED_KINDS, Claim, ClaimGroup, Derivation

if TYPE_CHECKING:
    from wiretrace.provenance.stage import ProvenanceInput

MIN_RUN = 3  # shared claim groups in the same order
MIN_ATTRIBUTED = 2  # of them attributed to a source: the same speakers, not only the same facts
ALL_PAIRS_UP_TO = 80  # stories this size compare every pair; bigger ones the stories stage's pairs
MAX_CLAIMS = 400  # claims of one article in the ordered comparison


def _ordered_run(a: Sequence[tuple[str, Claim]], b: Sequence[tuple[str, Claim]]) -> list[tuple[Claim, Claim]]:
    """The longest common subsequence of two (group, claim) sequences, as matched claim pairs."""
    rows, cols = len(a), len(b)
    table = [[0] * (cols + 1) for _ in range(rows + 1)]
    for i in range(rows - 1, -1, -1):
        for j in range(cols - 1, -1, -1):
            table[i][j] = (
                table[i + 1][j + 1] + 1 if a[i][0] == b[j][0] else max(table[i + 1][j], table[i][j + 1])
            )
    matched, i, j = [], 0, 0
    while i < rows and j < cols:
        if a[i][0] == b[j][0]:
            matched.append((a[i][1], b[j][1]))
            i, j = i + 1, j + 1
        elif table[i + 1][j] >= table[i][j + 1]:
            i += 1
        else:
            j += 1
    return matched


def find_derivations(data: ProvenanceInput, groups: Sequence[ClaimGroup]) -> list[Derivation]:
    """The derivation edges of every story: text-derived pairs, and siblings by their ordered claims."""
    story_of = {a: s.story_id for s in data.stories for a in s.article_ids}
    edges: dict[tuple[str, str], Derivation] = {}
    for pair in data.pairs:
        if pair.kind in DERIVED_KINDS:  # the stories stage's pairs that say so from the text
            key = (min(pair.article_a, pair.article_b), max(pair.article_a, pair.article_b))
            edges[key] = Derivation(
                story_id=story_of.get(pair.article_a, pair.story_id),
                article_a=key[0],
                article_b=key[1],
                kind=pair.kind,
                score=round(float(pair.score), 4),
                evidence=(
                    f"text: MinHash Jaccard {pair.minhash_jaccard:.2f}"
                    if pair.kind != "rewrite"
                    else f"text: {pair.aligned_fraction:.0%} of the shorter article's sentences aligned"
                ),
                shared_claims=(),
                credited="",
            )
    group_of = {c: g.group_id for g in groups for c in g.claim_ids}
    sequence: dict[str, list[tuple[str, Claim]]] = defaultdict(list)
    for claim in sorted(
        data.claims, key=lambda c: (c.article_id, c.cue_start if c.cue_start >= 0 else c.content_start)
    ):
        if claim.claim_id in group_of and len(sequence[claim.article_id]) < MAX_CLAIMS:
            sequence[claim.article_id].append((group_of[claim.claim_id], claim))
    listed = {(min(p.article_a, p.article_b), max(p.article_a, p.article_b)) for p in data.pairs}
    for story in data.stories:
        members = sorted(a for a in story.article_ids if sequence.get(a))
        candidates = (
            combinations(members, 2)
            if len(members) <= ALL_PAIRS_UP_TO
            else sorted(k for k in listed if k[0] in members and k[1] in members)
        )
        for first, second in candidates:
            if (first, second) in edges:
                continue
            shared = {g for g, _ in sequence[first]} & {g for g, _ in sequence[second]}
            if len(shared) < MIN_RUN:
                continue  # most pairs stop here, before the quadratic comparison
            run = _ordered_run(
                [item for item in sequence[first] if item[0] in shared],
                [item for item in sequence[second] if item[0] in shared],
            )
            attributed = [(x, y) for x, y in run if x.sourcing != "none" and y.sourcing != "none"]
            if len(run) < MIN_RUN or len(attributed) < MIN_ATTRIBUTED:
                continue
            shortest = min(len({g for g, _ in sequence[first]}), len({g for g, _ in sequence[second]}))
            credits = sorted({x.via_outlet for x, y in run if x.via_outlet and x.via_outlet == y.via_outlet})
            speakers = list(dict.fromkeys((x.speaker_canonical or x.speaker) for x, _ in attributed))
            edges[(first, second)] = Derivation(
                story_id=story.story_id,
                article_a=first,
                article_b=second,
                kind="sibling",
                score=round(len(run) / max(shortest, 1), 4),
                evidence=(
                    f"{len(run)} claims in the same order ({len(attributed)} attributed: "
                    + ", ".join(s for s in speakers[:4] if s)
                    + ")"
                    + (f"; both credit {', '.join(credits)}" if credits else "")
                ),
                shared_claims=tuple(f"{x.claim_id}|{y.claim_id}" for x, y in run),
                credited=", ".join(credits),
            )
    return sorted(edges.values(), key=lambda d: (d.story_id, d.article_a, d.article_b))

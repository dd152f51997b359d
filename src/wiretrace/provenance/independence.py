"""Independence: how many known parties, from how many upstream items, back each claim and story.

Reads the provenance chains (``parties.build_chains``) and the disputes (``disputes``). A claim
group is counted across its statement (the groups of other speakers saying the same thing), a
story across all its claims. The labels are conservative, in the spirit of ACLED's "most
conservative figure, note the dispute":

- ``independently_corroborated`` only when two or more distinct, *known* parties (a registry
  body, a government, an outlet in its own voice) assert the statement from articles that do
  not derive from each other (different upstream components), and nobody disputes it;
- ``disputed`` when some source denies or doubts it (claimed by these parties, disputed by those);
- ``one_party`` when one known party backs it, ``single_source`` for one origin,
  ``uncorroborated`` for several origins without two known independent parties, ``unsourced``
  when nothing in it is attributed.

A speaker no registry body, role or context places is *unplaced*: shown, never counted. A claim
that only relays another's statement backs nothing. The summary says who claims, who disputes
and who only relays, with counts that add up.

Example:
    rows = independence(groups, chains, stories, disputes)
    print(next(r for r in rows if r.scope == "story").summary)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from wiretrace.claims.stance import NEGATIVE_STANCES
from wiretrace.records import ClaimGroup, Dispute, Independence, ProvenanceChain, Story


@dataclass
class Assessment:
    """What backs one statement (or one story): origins, known parties, disputes and relays."""

    label: str = "unsourced"
    origins: list[str] = field(default_factory=list)  # origin labels, first seen first
    parties: list[str] = field(default_factory=list)  # known asserting parties' labels
    named: int = 0  # named upstream origins
    unplaced: list[str] = field(default_factory=list)
    disputed_by: list[str] = field(default_factory=list)
    relayed: int = 0


def corroborated(upstreams_of: dict[str, set[str]]) -> bool:
    """Two known parties asserting from two different upstream components."""
    parties = list(upstreams_of)
    return any(
        u != v
        for i, p in enumerate(parties)
        for q in parties[i + 1 :]
        for u in upstreams_of[p]
        for v in upstreams_of[q]
    )


def assess(
    chains: Sequence[ProvenanceChain],
    disputes: Sequence[Dispute] = (),
    story: bool = False,
    evidence: tuple[str, ...] | None = None,
) -> Assessment:
    """The label and the counts behind it, for the chains that back one statement.

    Args:
        chains: the provenance chains of the statement's claims (a story's, for a story).
        disputes: the disputes that target those claims' groups.
        story: the chains are a whole story's: only its assertions back it.
        evidence: two claims that corroborate each other directly (``corroborating_pair``); when
            given as None, the parties and upstreams alone decide.
    """
    sourced = [c for c in chains if c.origin]
    # a group's backers share its polarity (groups never mix them); a story's are those that assert
    backing = [c for c in sourced if c.stance != "relays" and (not story or c.stance not in NEGATIVE_STANCES)]
    result = Assessment(relayed=len(sourced) - len(backing))
    origins = dict.fromkeys(c.origin for c in backing)
    result.origins = list(
        dict.fromkeys(next(c.origin_label for c in backing if c.origin == o) for o in origins)
    )
    upstreams_of: dict[str, set[str]] = defaultdict(set)
    label_of: dict[str, str] = {}
    for chain in backing:
        if chain.party:
            upstreams_of[chain.party].add(chain.upstream or chain.article_id)
            label_of.setdefault(chain.party, chain.party_label)
        elif chain.sourcing == "named":
            result.unplaced.append(chain.party_label.removeprefix("unplaced: "))
    result.unplaced = list(dict.fromkeys(result.unplaced))
    result.parties = [label_of[p] for p in upstreams_of]
    result.named = len({c.origin for c in backing if c.sourcing == "named" or c.via_outlet})
    result.disputed_by = list(
        dict.fromkeys(d.party_label.removeprefix("unplaced: ") or "an unnamed source" for d in disputes)
    )
    if not backing:
        result.label = "single_source" if sourced else "unsourced"
    elif disputes:
        result.label = "disputed"
    elif len(origins) <= 1:
        result.label = "single_source"
    elif corroborated(upstreams_of) and (evidence is None or evidence):
        result.label = "independently_corroborated"
    elif len(upstreams_of) == 1:
        result.label = "one_party"
    else:
        result.label = "uncorroborated"
    return result


def story_summary(
    articles: int,
    claims: int,
    named: int,
    label: str,
    parties: Sequence[str],
    corroborated: int = 0,
    assessment: Assessment | None = None,
) -> str:
    """One sentence on how a story (or a claim group) is sourced.

    Args:
        parties: the known parties behind its origins, largest first, each "<n> <party>" or "<party>".
        corroborated: for a story, how many of its statements independent parties confirm.
        assessment: adds who is unplaced, who disputes and how many claims only relay.
    Example:
        story_summary(5, 19, 3, "one_party", ["Russian state"])
        # '5 articles, 19 claims, 3 named upstream origins, all Russian state; no independent confirmation'
    """
    head = f"{articles} article{'s' * (articles != 1)}, {claims} claim{'s' * (claims != 1)}, "
    head += f"{named or 'no'} named upstream origin{'s' * (named != 1)}"
    shown = ", ".join(parties[:4]) + (f" and {len(parties) - 4} more" if len(parties) > 4 else "")
    tail = _tail(assessment)
    if label == "unsourced":
        return head + "; nothing in it is attributed to a named or anonymous source" + tail
    if label == "independently_corroborated":
        if corroborated:
            statements = f"{corroborated} statement{'s' * (corroborated != 1)}"
            return head + f" ({shown}); {statements} confirmed by independent parties" + tail
        return head + f", from {len(parties)} independent parties ({shown})" + tail
    if label == "disputed":
        claimed = f"claimed by {shown}" if parties else "claimed by no known party"
        return head + f"; {claimed}" + tail
    if label == "one_party":
        return head + f", all {parties[0] if parties else 'one party'}; no independent confirmation" + tail
    if not parties and named > 1:
        return head + ", none of them a known party; no independent confirmation" + tail
    if len(parties) <= 1:
        return (
            head
            + f", one origin ({parties[0] if parties else 'unnamed'}); no independent confirmation"
            + tail
        )
    return head + f" ({shown}); no claim is confirmed by an independent party" + tail


def _tail(assessment: Assessment | None) -> str:
    if assessment is None:
        return ""
    parts = []
    if assessment.disputed_by:
        parts.append("disputed by " + ", ".join(assessment.disputed_by[:4]))
    if assessment.unplaced:
        count = len(assessment.unplaced)
        parts.append(
            f"{count} unplaced speaker{'s' * (count != 1)} not counted ({', '.join(assessment.unplaced[:3])})"
        )
    if assessment.relayed:
        parts.append(f"{assessment.relayed} claim{'s' * (assessment.relayed != 1)} only relay another's")
    return ("; " + "; ".join(parts)) if parts else ""


def _party_breakdown(chains: Sequence[ProvenanceChain]) -> list[str]:
    """Known parties behind distinct origins, largest first: ["7 Russian state", "1 BBC"]."""
    label_of: dict[str, str] = {}
    origins_of: dict[str, set[str]] = defaultdict(set)
    for chain in chains:
        if chain.origin and chain.party and chain.stance not in NEGATIVE_STANCES | {"relays"}:
            label_of.setdefault(chain.party, chain.party_label)
            origins_of[chain.party].add(chain.origin)
    ranked = sorted(origins_of, key=lambda p: (-len(origins_of[p]), label_of[p]))
    return [f"{len(origins_of[p])} {label_of[p]}" for p in ranked]


def independence(
    groups: Sequence[ClaimGroup],
    chains: Sequence[ProvenanceChain],
    stories: Sequence[Story],
    disputes: Sequence[Dispute] = (),
    evidence: Mapping[str, tuple[str, ...]] | None = None,
) -> list[Independence]:
    """Independence per claim group and per story, with a one-sentence summary each.

    ``evidence``: statement id -> two claims that corroborate each other directly; a statement
    missing from it is never ``independently_corroborated`` (None: the parties alone decide).

    Example:
        rows = independence(groups, chains, stories, disputes)
    """
    by_group: dict[str, list[ProvenanceChain]] = defaultdict(list)
    by_story: dict[str, list[ProvenanceChain]] = defaultdict(list)
    for chain in chains:
        by_group[chain.group_id].append(chain)
        by_story[chain.story_id].append(chain)
    statement_of = {g.group_id: g.statement_id or g.group_id for g in groups}
    by_statement: dict[str, list[ProvenanceChain]] = defaultdict(list)
    for group in groups:
        by_statement[statement_of[group.group_id]].extend(by_group.get(group.group_id, []))
    disputes_of: dict[str, list[Dispute]] = defaultdict(list)
    for dispute in disputes:
        disputes_of[statement_of.get(dispute.group_id, dispute.group_id)].append(dispute)
    rows: list[Independence] = []
    confirmed: dict[str, set[str]] = defaultdict(set)  # story -> statements backed by 2+ parties
    contested: dict[str, set[str]] = defaultdict(set)  # story -> disputed statements
    for group in groups:
        # a claim is backed by every speaker who states the same thing, not only by its own group
        statement = statement_of[group.group_id]
        members = by_statement[statement]
        pair = None if evidence is None else evidence.get(statement, ())
        found = assess(members, disputes_of.get(statement, ()), evidence=pair)
        summary = story_summary(
            len(group.article_ids), len(members), found.named, found.label, found.parties, assessment=found
        )
        row = _row("claim_group", group.group_id, group.story_id, group.article_ids, members, found, summary)
        if found.label == "independently_corroborated" and pair:
            row = replace(row, corroborating_claims=pair)
        rows.append(row)
        if found.label == "independently_corroborated":
            confirmed[group.story_id].add(statement)
        elif found.label == "disputed":
            contested[group.story_id].add(statement)
    story_articles = {s.story_id: s.article_ids for s in stories}
    for story in stories:
        by_story.setdefault(story.story_id, [])  # a story with no claim at all is unsourced too
    story_disputes: dict[str, list[Dispute]] = defaultdict(list)
    for dispute in disputes:
        story_disputes[dispute.story_id].append(dispute)
    for story_id, members in sorted(by_story.items()):
        found = assess(members, story=True)  # the story's own label comes from its statements, below
        found.disputed_by = list(
            dict.fromkeys(
                d.party_label.removeprefix("unplaced: ") or "an unnamed source"
                for d in story_disputes[story_id]
            )
        )
        corroborated = len(confirmed[story_id])
        label = found.label
        if corroborated:
            label = "independently_corroborated"
        elif contested[story_id]:
            label = "disputed"
        elif label in ("independently_corroborated", "disputed"):
            # several known parties, but none confirms another's claim: each claim rests on one source
            label = "uncorroborated"
        found.label = label
        breakdown = _party_breakdown(members)
        shown = (
            found.parties
            if label in ("one_party", "single_source") and len(found.parties) <= 1
            else breakdown
        )
        article_ids = story_articles.get(story_id) or tuple(dict.fromkeys(c.article_id for c in members))
        summary = story_summary(
            len(article_ids), len(members), found.named, label, shown, corroborated, assessment=found
        )
        rows.append(_row("story", story_id, story_id, article_ids, members, found, summary))
    return rows


def _row(
    scope: str,
    scope_id: str,
    story_id: str,
    article_ids: Sequence[str],
    members: Sequence[ProvenanceChain],
    found: Assessment,
    summary: str,
) -> Independence:
    return Independence(
        scope=scope,
        scope_id=scope_id,
        story_id=story_id,
        articles=len(article_ids),
        claims=len(members),
        named_origins=found.named,
        origins=tuple(found.origins),
        independent_sources=len(found.parties),
        parties=tuple(found.parties),
        label=found.label,
        summary=summary,
    )

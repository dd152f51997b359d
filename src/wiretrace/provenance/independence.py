"""Independence: how many distinct upstream origins, grouped into parties, back each claim and story.

Reads the provenance chains (``provenance.build_chains``): a claim group is counted across
its statement (the groups of other speakers saying the same thing), a story across all its
claims, and each gets a label and a one-sentence summary.

Example:
    rows = independence(groups, chains, stories)
    print(next(r for r in rows if r.scope == "story").summary)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from wiretrace.records import ClaimGroup, Independence, ProvenanceChain, Story


def _label(chains: Sequence[ProvenanceChain]) -> tuple[str, list[str], list[str], int]:
    """(label, origin labels, party labels, named origins) for a set of chains."""
    sourced = [c for c in chains if c.origin]
    origins = dict.fromkeys(c.origin for c in sourced)
    origin_labels = list(
        dict.fromkeys(next(c.origin_label for c in sourced if c.origin == o) for o in origins)
    )
    parties = dict.fromkeys(c.party for c in sourced)
    party_labels = list(dict.fromkeys(next(c.party_label for c in sourced if c.party == p) for p in parties))
    named = len({c.origin for c in sourced if c.sourcing == "named" or c.via_outlet})  # anonymous: not named
    if not sourced:
        label = "unsourced"
    elif len(origins) == 1:
        label = "single_source"
    elif len(parties) == 1:
        label = "one_party"
    else:
        label = "independently_corroborated"
    return label, origin_labels, party_labels, named


def story_summary(
    articles: int, claims: int, named: int, label: str, parties: Sequence[str], corroborated: int = 0
) -> str:
    """One sentence on how a story (or a claim group) is sourced.

    Args:
        parties: the parties behind its named origins, largest first, each "<n> <party>" or "<party>".
        corroborated: for a story, how many of its statements independent parties confirm.
    Example:
        story_summary(5, 19, 3, "one_party", ["Russian state"])
        # '5 articles, 19 claims, 3 named upstream origins, all Russian state; no independent confirmation'
    """
    head = f"{articles} article{'s' * (articles != 1)}, {claims} claim{'s' * (claims != 1)}, "
    head += f"{named or 'no'} named upstream origin{'s' * (named != 1)}"
    shown = ", ".join(parties[:4]) + (f" and {len(parties) - 4} more" if len(parties) > 4 else "")
    if label == "unsourced":
        return head + "; nothing in it is attributed to a named or anonymous source"
    if label == "independently_corroborated":
        if corroborated:
            statements = f"{corroborated} statement{'s' * (corroborated != 1)}"
            return head + f" ({shown}); {statements} confirmed by independent parties"
        return head + f", from {len(parties)} independent parties ({shown})"
    if label == "one_party":
        return head + f", all {parties[0] if parties else 'one party'}; no independent confirmation"
    if len(parties) <= 1:
        return head + f", one origin ({parties[0] if parties else 'unnamed'}); no independent confirmation"
    return head + f" ({shown}); no claim is confirmed by an independent party"


def _party_breakdown(chains: Sequence[ProvenanceChain]) -> list[str]:
    """Parties behind distinct origins, largest first: ["7 Russian state", "1 Jane Roe"]."""
    label_of: dict[str, str] = {}
    origins_of: dict[str, set[str]] = defaultdict(set)
    for chain in chains:
        if chain.origin:
            label_of.setdefault(chain.party, chain.party_label)
            origins_of[chain.party].add(chain.origin)
    ranked = sorted(origins_of, key=lambda p: (-len(origins_of[p]), label_of[p]))
    return [f"{len(origins_of[p])} {label_of[p]}" for p in ranked]


def independence(
    groups: Sequence[ClaimGroup], chains: Sequence[ProvenanceChain], stories: Sequence[Story]
) -> list[Independence]:
    """Independence per claim group and per story, with a one-sentence summary each.

    Example:
        rows = independence(groups, chains, stories)
    """
    by_group: dict[str, list[ProvenanceChain]] = defaultdict(list)
    by_story: dict[str, list[ProvenanceChain]] = defaultdict(list)
    for chain in chains:
        by_group[chain.group_id].append(chain)
        by_story[chain.story_id].append(chain)
    by_statement: dict[str, list[ProvenanceChain]] = defaultdict(list)
    for group in groups:
        by_statement[group.statement_id or group.group_id].extend(by_group.get(group.group_id, []))
    rows: list[Independence] = []
    for group in groups:
        # a claim is backed by every speaker who states the same thing, not only by its own group
        members = by_statement[group.statement_id or group.group_id]
        label, origins, parties, named = _label(members)
        summary = story_summary(len(group.article_ids), len(members), named, label, parties)
        rows.append(
            _row(
                "claim_group",
                group.group_id,
                group.story_id,
                group.article_ids,
                members,
                label,
                origins,
                parties,
                named,
                summary,
            )
        )
    story_articles = {s.story_id: s.article_ids for s in stories}
    statement_of = {g.group_id: g.statement_id or g.group_id for g in groups}
    confirmed: dict[str, set[str]] = defaultdict(set)  # story -> statements backed by 2+ parties
    for row in rows:
        if row.label == "independently_corroborated":
            confirmed[row.story_id].add(statement_of[row.scope_id])
    for story in stories:
        by_story.setdefault(story.story_id, [])  # a story with no claim at all is unsourced too
    for story_id, members in sorted(by_story.items()):
        label, origins, parties, named = _label(members)
        corroborated = len(confirmed[story_id])
        if label == "independently_corroborated" and not corroborated:
            # several parties, but none confirms another's claim: each claim rests on one source
            label = "uncorroborated"
        breakdown = _party_breakdown(members)
        shown = parties if label in ("one_party", "single_source") and len(parties) <= 1 else breakdown
        article_ids = story_articles.get(story_id) or tuple(dict.fromkeys(c.article_id for c in members))
        summary = story_summary(len(article_ids), len(members), named, label, shown, corroborated)
        rows.append(
            _row("story", story_id, story_id, article_ids, members, label, origins, parties, named, summary)
        )
    return rows


def _row(
    scope: str,
    scope_id: str,
    story_id: str,
    article_ids: Sequence[str],
    members: Sequence[ProvenanceChain],
    label: str,
    origins: list[str],
    parties: list[str],
    named: int,
    summary: str,
) -> Independence:
    return Independence(
        scope=scope,
        scope_id=scope_id,
        story_id=story_id,
        articles=len(article_ids),
        claims=len(members),
        named_origins=named,
        origins=tuple(origins),
        independent_sources=len(parties),
        parties=tuple(parties),
        label=label,
        summary=summary,
    )

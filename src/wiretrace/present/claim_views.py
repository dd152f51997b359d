"""Stored claims, filtered for the ``wiretrace claims`` command and the library."""

from __future__ import annotations

from dataclasses import dataclass, field

from wiretrace.records import Claim, Story
from wiretrace.store import Store

SOURCING_KINDS = ("named", "anonymous", "vague", "none")


class ClaimFilterError(ValueError):
    """A filter value is not valid; the message lists the valid ones."""


@dataclass(frozen=True)
class ClaimFilter:
    """Which claims to list; every field left empty matches all."""

    story: str = ""
    speaker: str = ""  # part of the speaker as written or its canonical name, any case
    via: str = ""  # part of the via outlet, any case
    sourcing: str = ""  # named, anonymous, vague or none


@dataclass(frozen=True)
class ClaimSelection:
    """The matching claims in article and reading order, and notes on filters that could not apply."""

    claims: list[Claim]
    notes: list[str] = field(default_factory=list)


def select_claims(store: Store, wanted: ClaimFilter) -> ClaimSelection:
    """Stored claims that match ``wanted``.

    Args:
        store: an open store after ``analyze``.
        wanted: the filter.
    Returns:
        the claims, and notes (e.g. when there are no stories to filter by).
    Example:
        select_claims(store, ClaimFilter(sourcing="anonymous")).claims
    """
    if wanted.sourcing and wanted.sourcing not in SOURCING_KINDS:
        raise ClaimFilterError(f"unknown sourcing {wanted.sourcing!r}; valid: {', '.join(SOURCING_KINDS)}")
    notes: list[str] = []
    claims = store.load(Claim)
    if wanted.story:
        stories = {s.story_id: s for s in store.load(Story)}
        if not stories:
            notes.append("no stories stored yet: --story ignored (run `wiretrace analyze` first)")
        elif wanted.story not in stories:
            raise ClaimFilterError(f"no such story: {wanted.story}; list them with `wiretrace stories`")
        else:
            members = set(stories[wanted.story].article_ids)
            claims = [c for c in claims if c.article_id in members]
    if wanted.speaker:
        needle = wanted.speaker.lower()
        claims = [c for c in claims if needle in c.speaker.lower() or needle in c.speaker_canonical.lower()]
    if wanted.via:
        needle = wanted.via.lower()
        claims = [c for c in claims if needle in c.via_outlet.lower()]
    if wanted.sourcing:
        claims = [c for c in claims if c.sourcing == wanted.sourcing]
    claims.sort(key=lambda c: (c.article_id, c.sentence_index, c.cue_start, c.content_start))
    return ClaimSelection(claims, notes)

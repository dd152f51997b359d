"""Parties: one chain per claim, speaker -> affiliation -> via outlet -> carrying article, and the party
it counts for. This is the one party resolution; independence, disputes and the events ledger read it."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from wiretrace.provenance.sources import Source, SourceRegistry, normalise
from wiretrace.provenance.upstream import UnionFind, copy_components

if TYPE_CHECKING:
    from wiretrace.provenance.stage import ProvenanceInput
from wiretrace.records import (
    Article,
    Claim,
    ClaimGroup,
    ProvenanceChain,
)


def _registry_id(source: Source | None, name: str) -> str:
    if source is not None:
        return source.source_id
    return "unknown:" + normalise(name).replace(" ", "_") if name.strip() else ""


_FORMER = re.compile(r"\b(?:former|ex|retired|onetime|one-time|erstwhile)[\s-]*$", re.IGNORECASE)


_NAME_GAP = re.compile(r"(?:\s+[A-Z][\w.'’-]*)*\s*")


def _context_affiliation(claim: Claim, text: str, registry: SourceRegistry) -> Source | None:
    """A body named right before the speaker's name ("Russian President Vladimir Putin") or in an
    appositive after it ("Ivan Petrov, a spokesman for the Ukrainian General Staff"); "former" cancels it."""
    name = (claim.speaker_canonical or claim.speaker).strip()
    if not name or not text or not name[:1].isupper():
        return None
    surname = name.split()[-1]
    for count, occurrence in enumerate(re.finditer(r"\b" + re.escape(surname) + r"\b", text)):
        if count >= 8:
            break
        before = text[max(0, occurrence.start() - 80) : occurrence.start()]
        for mention in reversed(registry.find_in_text(before)):
            if mention.source.kind not in AFFILIATION_KINDS:
                continue
            if _NAME_GAP.fullmatch(before[mention.end :]) and not _FORMER.search(before[: mention.start]):
                return mention.source
            break
        appositive = re.match(r",\s+([^,.;:]{3,90})", text[occurrence.end() : occurrence.end() + 100])
        if appositive and not re.match(r"(?:the\s+|a\s+)?(?:former|ex|retired)\b", appositive.group(1), re.I):
            mentions = [
                m for m in registry.find_in_text(appositive.group(1)) if m.source.kind in AFFILIATION_KINDS
            ]
            if mentions:
                return mentions[0].source
    return None


def speaker_affiliation(
    claim: Claim, registry: SourceRegistry, text: str = "", published: str | None = None
) -> tuple[Source | None, str]:
    """The body or government a claim's speaker speaks for, and how it was found.

    ``how``: ``speaker`` (the speaker is a body: "the Kremlin", or a country or capital standing
    for its government: "Moscow said"), ``role`` (role words: "Russian President"), or
    ``context`` (the words around the speaker's name in the article ``text``). ``published``
    (the article's date) keeps a listed official to the terms of office.
    """
    for name in (claim.speaker_canonical, claim.speaker):
        source = registry.lookup(name)
        if source is not None and source.kind in AFFILIATION_KINDS:
            return source, "speaker"
        official = registry.person(name, published)
        if official is not None:
            return official, "speaker"
        country = registry.country_named(name)
        if country is not None:
            government = registry.official_body(country.code, "government")
            if government is not None:
                return government, "speaker"
    for role in (claim.speaker_role, claim.speaker_canonical, claim.speaker):
        if role and _FORMER.search(role.split(" ")[0] + " "):
            continue
        mentions = [m for m in registry.find_in_text(role or "") if m.source.kind in AFFILIATION_KINDS]
        if mentions:
            # the widest mention is the most specific body ("Russian General Staff" over "Russian")
            best = max(mentions, key=lambda m: m.end - m.start)
            return best.source, "role"
    commanded = _commanded_army(claim, registry)
    if commanded is not None:
        return commanded, "role"
    found = _context_affiliation(claim, text, registry)
    return (found, "context") if found else (None, "")


# who speaks for an army by rank or post: a commander, a chief of staff, a general; not a soldier or a
# fighter, whose words are his own ("a Ukrainian soldier told ..." places no one)
_COMMAND = re.compile(
    r"\b(?:commander|commanding officer|chief of (?:the )?(?:general )?staff|general|colonel|admiral|"
    r"lieutenant general|major general|brigadier|head of the (?:army|forces|military))\b",
    re.IGNORECASE,
)


def _commanded_army(claim: Claim, registry: SourceRegistry) -> Source | None:
    """The armed forces of the one country named in a named commander's own words about himself
    ("the commander of the Ukrainian 3rd brigade, call sign Orel"), else None."""
    if claim.sourcing != "named":
        return None
    words = " ".join(w for w in (claim.speaker, claim.speaker_role) if w)
    command = _COMMAND.search(words)
    if command is None or _FORMER.search(words[: command.start()]):
        return None
    countries = {country.code for country in registry.countries_in(words)}
    if len(countries) != 1:
        return None
    return registry.official_body(countries.pop(), "armed_forces")


def build_chains(
    data: ProvenanceInput,
    groups: Sequence[ClaimGroup],
    registry: SourceRegistry,
    components: UnionFind | None = None,
) -> list[ProvenanceChain]:
    """One provenance chain per claim, with copies sharing the credits of their upstream item.

    ``components``: the upstream items (``upstream.upstream_components`` of the derivation graph);
    the text-derived pairs alone when None.

    Example:
        chains = build_chains(data, group_claims(data, registry, settings), registry)
    """
    articles = {a.article_id: a for a in data.articles}
    claims = {c.claim_id: c for c in data.claims}
    components = components if components is not None else copy_components(data.pairs)
    # one speaker is usually quoted several times in an article: resolve each (article, speaker) once
    resolved: dict[tuple[str, str, str, str], tuple[Source | None, str]] = {}
    affiliations: dict[str, tuple[Source | None, str]] = {}
    for cid, c in claims.items():
        key = (c.article_id, c.speaker_canonical, c.speaker, c.speaker_role)
        if key not in resolved:
            article = articles.get(c.article_id)
            text, published = (article.text, article.published) if article else ("", None)
            resolved[key] = speaker_affiliation(c, registry, text, published)
        affiliations[cid] = resolved[key]
    # coreference: a speaker resolved once in an article is resolved everywhere in that article
    by_speaker: dict[tuple[str, str], Source] = {}
    for cid, (source, _) in affiliations.items():
        claim = claims[cid]
        if source is not None and speaker_key(claim):
            by_speaker.setdefault((claim.article_id, speaker_key(claim)), source)
    chains: list[ProvenanceChain] = []
    for group in groups:
        members = [claims[c] for c in group.claim_ids if c in claims]
        # copies share credits: the first member of a copy component that names a via gives it to all
        credit: dict[str, Claim] = {}
        group_affiliation: Source | None = None
        for claim in members:
            component = components.find(claim.article_id)
            if claim.via_outlet.strip() and component not in credit:
                credit[component] = claim
            group_affiliation = group_affiliation or affiliations[claim.claim_id][0]
        for claim in members:
            if affiliations[claim.claim_id][0] is None and group_affiliation and speaker_key(claim):
                # the same speaker, resolved in another version of the claim
                by_speaker.setdefault((claim.article_id, speaker_key(claim)), group_affiliation)
            chains.append(
                _chain(claim, group, credit, components, affiliations, by_speaker, articles, registry)
            )
    return chains


def _chain(
    claim: Claim,
    group: ClaimGroup,
    credit: dict[str, Claim],
    components: UnionFind,
    affiliations: dict[str, tuple[Source | None, str]],
    by_speaker: dict[tuple[str, str], Source],
    articles: dict[str, Article],
    registry: SourceRegistry,
) -> ProvenanceChain:
    """The chain of one claim (see ``ProvenanceChain``)."""
    component = components.find(claim.article_id)
    affiliation, how = affiliations[claim.claim_id]
    if affiliation is None and speaker_key(claim):
        affiliation = by_speaker.get((claim.article_id, speaker_key(claim)))
        how = "coreference" if affiliation else ""
    via_claim = claim if claim.via_outlet.strip() else credit.get(component)
    via_name = via_claim.via_outlet.strip() if via_claim else ""
    via_source = registry.lookup(via_name) if via_name else None
    article = articles.get(claim.article_id)
    outlet_name = (article.outlet or "") if article else ""
    outlet = registry.lookup(outlet_name) or registry.by_domain(article.url if article else None)
    speaker = claim.speaker_canonical or claim.speaker
    speaker_id = speaker_key(claim) or normalise(group.speaker)

    # "Clean Water Group, an NGO that ..." and "Clean Water Group" are one speaker: drop appositives
    speaker_name = (group.speaker or speaker).split(",")[0].strip()
    group_speaker = normalise(speaker_name) if speaker_name else speaker_id
    via_key = _registry_id(via_source, via_name)
    via_label = via_source.name if via_source else via_name
    # the origin is the upstream report (the via outlet's item, else the speaker's own statement);
    # the party is whose side it is. Vague sources ("local reports") give no countable origin.
    if (
        (claim.sourcing in ("none", "vague") or not speaker)
        and not via_name
        and claim.sourcing != "anonymous"
    ):
        origin, origin_label, party, party_label = "", "", "", ""
    else:
        if via_key:
            origin, origin_label = f"via:{via_key}", via_label
        elif claim.sourcing == "named":
            who = affiliation.source_id if affiliation and how == "speaker" else group_speaker
            origin, origin_label = (
                f"speaker:{who}",
                affiliation.name if affiliation and how == "speaker" else speaker,
            )
        else:
            origin, origin_label = f"item:{component}", f"{claim.sourcing} source in {component}"
        # the party is whose side the speaker speaks for, found from the speaker alone (registry
        # body, role words, context, coreference). An outlet that carries the words is never the
        # party, whoever owns it; an outlet speaking in its own voice is. A speaker nothing places
        # stays unplaced and is never counted as a party.
        own_outlet = _outlet_speaking(speaker, via_source, registry)
        if affiliation is not None:
            party, party_label = registry.affiliation(affiliation), registry.affiliation_label(affiliation)
        elif own_outlet is not None:
            party, party_label = registry.affiliation(own_outlet), registry.affiliation_label(own_outlet)
        elif claim.sourcing == "named" and speaker_name:
            party, party_label = "", f"unplaced: {speaker_name}"
        else:
            party, party_label = "", f"unplaced: {claim.sourcing} source"
    return ProvenanceChain(
        claim_id=claim.claim_id,
        group_id=group.group_id,
        story_id=group.story_id,
        article_id=claim.article_id,
        sourcing=claim.sourcing,
        speaker=speaker,
        affiliation_id=affiliation.source_id if affiliation else "",
        affiliation=affiliation.name if affiliation else "",
        affiliation_how=how if affiliation else "",
        via_outlet=via_name,
        via_source_id=_registry_id(via_source, via_name),
        via_kind=via_source.kind if via_source else ("unknown_site" if via_name else ""),
        via_from_article=via_claim.article_id if via_claim and via_claim is not claim else "",
        article_outlet=outlet.name if outlet else outlet_name,
        article_source_id=_registry_id(outlet, outlet_name),
        article_kind=outlet.kind if outlet else "unknown_site",
        origin=origin,
        origin_label=origin_label,
        party=party,
        party_label=party_label,
        stance=claim.stance,
        upstream=component,
    )


_PRONOUNS = frozenset("he she they it we i him her them us who".split())


# speaker affiliations come from bodies and governments, not from outlets that merely carry words
AFFILIATION_KINDS = frozenset({"official_body", "armed_group", "international_body", "state_agency"})


@functools.lru_cache(maxsize=65536)
def speaker_key(claim: Claim) -> str:
    """The claim's speaker, normalised; "" for no speaker or an unresolved pronoun."""
    key = normalise(claim.speaker_canonical or claim.speaker)
    return "" if key in _PRONOUNS else key


_OUTLET_KINDS = frozenset({"wire_agency", "state_agency", "newspaper", "broadcaster", "aggregator", "outlet"})


def _outlet_speaking(speaker: str, via_source: Source | None, registry: SourceRegistry) -> Source | None:
    """The outlet when the speaker is an outlet reporting in its own voice ("Reuters reported ...")."""
    if not speaker:
        return None
    source = registry.lookup(speaker)
    if source is None or source.kind not in _OUTLET_KINDS:
        return None
    if via_source is not None and via_source.source_id != source.source_id:
        return None  # one outlet quoting another: the other is the voice
    return source

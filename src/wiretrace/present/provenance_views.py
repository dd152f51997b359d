"""Read-side views of provenance, divergences and the source registry, for the CLI and the web UI.

Example:
    with Store("wiretrace.duckdb", read_only=True) as store:
        view = provenance_of(store, "story-0123abcd")
        print(view.independence[0].summary)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from wiretrace.provenance.sources import Source, SourceRegistry
from wiretrace.records import Article, Claim, ClaimGroup, Divergence, Independence, ProvenanceChain, Story
from wiretrace.store import Store


class UnknownProvenanceId(LookupError):
    """The id names no claim, claim group or story in the store."""


@dataclass(frozen=True)
class ProvenanceView:
    """Provenance of one claim, claim group or story: its groups, chains and independence rows."""

    scope: str  # claim, claim_group or story
    requested: str
    story_id: str
    independence: list[Independence]
    groups: list[ClaimGroup]
    chains: list[ProvenanceChain]
    claims: dict[str, Claim] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "scope": self.scope,
            "requested": self.requested,
            "story_id": self.story_id,
            "independence": [asdict(r) for r in self.independence],
            "claim_groups": [asdict(g) for g in self.groups],
            "provenance": [asdict(c) for c in self.chains],
        }


def provenance_of(store: Store, ident: str) -> ProvenanceView:
    """The provenance of a claim id, a claim group id or a story id.

    Raises:
        UnknownProvenanceId: when the id is none of these.
    Example:
        provenance_of(store, "g-1a2b3c4d5e6f").chains
    """
    where = "claim_id = ? OR group_id = ? OR story_id = ?"
    chains = store.load(ProvenanceChain, where, (ident, ident, ident))
    if not chains:
        raise UnknownProvenanceId(ident)
    if any(c.claim_id == ident for c in chains):
        scope = "claim"
        group_ids = {c.group_id for c in chains if c.claim_id == ident}
    elif any(c.group_id == ident for c in chains):
        scope, group_ids = "claim_group", {ident}
    else:
        scope, group_ids = "story", {c.group_id for c in chains}
    chains = [c for c in chains if c.group_id in group_ids]
    story_id = chains[0].story_id
    groups = [g for g in store.load(ClaimGroup, "story_id = ?", (story_id,)) if g.group_id in group_ids]
    rows = store.load(Independence, "story_id = ?", (story_id,))
    wanted = group_ids | ({story_id} if scope == "story" else set())
    independence = sorted(
        (r for r in rows if r.scope_id in wanted), key=lambda r: (r.scope != "story", r.scope_id)
    )
    claim_ids = [c.claim_id for c in chains]
    claims = {c.claim_id: c for c in store.load(Claim) if c.claim_id in set(claim_ids)}
    return ProvenanceView(scope, ident, story_id, independence, groups, chains, claims)


def divergences_of(store: Store, story_id: str | None = None, kind: str | None = None) -> list[Divergence]:
    """The stored divergences, optionally of one story and one kind, ordered by story and kind.

    A story's divergences include those found across its storyline that involve its articles.
    """
    rows = store.load(Divergence, "kind = ?", (kind,)) if kind else store.load(Divergence)
    if story_id:
        stories = store.load(Story, "story_id = ?", (story_id,))
        members = set(stories[0].article_ids) if stories else set()
        rows = [d for d in rows if d.story_id == story_id or d.article_a in members or d.article_b in members]
    return sorted(rows, key=lambda d: (d.story_id, d.kind, d.article_a, d.start_a, d.article_b, d.start_b))


def story_exists(store: Store, story_id: str) -> bool:
    """Whether the store holds this story."""
    return bool(store.load(Story, "story_id = ?", (story_id,)))


@dataclass(frozen=True)
class SourceLookup:
    """One name looked up in the registry (``source`` None when unknown)."""

    name: str
    source: Source | None
    affiliation: str


@dataclass(frozen=True)
class UnknownOutlet:
    """An outlet name or web domain seen in the store that the registry does not know."""

    name: str
    seen_as: str  # article outlet, article domain, or via outlet
    count: int


@dataclass(frozen=True)
class SourcesReport:
    """Registry lookups and the unknown outlets seen in a store."""

    lookups: list[SourceLookup]
    unknown: list[UnknownOutlet]
    registry_size: int


def sources_report(
    registry: SourceRegistry, names: Sequence[str], store: Store | None = None
) -> SourcesReport:
    """Look ``names`` up, and list the outlets the store's articles and claims name that the registry lacks.

    Example:
        sources_report(get_registry(), ["ITAR-TASS"]).lookups[0].source.name   # 'TASS'
    """
    lookups = []
    for name in names:
        source = registry.lookup(name) or registry.by_domain(name)
        lookups.append(SourceLookup(name, source, registry.affiliation_label(source) if source else ""))
    unknown: Counter[tuple[str, str]] = Counter()
    if store is not None:
        from urllib.parse import urlsplit

        for article in store.load(Article):
            if article.outlet and registry.lookup(article.outlet) is None:
                if not (article.url and registry.by_domain(article.url)):
                    unknown[(article.outlet, "article outlet")] += 1
            elif not article.outlet and article.url and registry.by_domain(article.url) is None:
                host = (urlsplit(article.url).hostname or "").removeprefix("www.")
                if host:
                    unknown[(host, "article domain")] += 1
        for claim in store.load(Claim, "via_outlet <> ''"):
            if registry.lookup(claim.via_outlet) is None:
                unknown[(claim.via_outlet, "via outlet")] += 1
    rows = [UnknownOutlet(name, seen, count) for (name, seen), count in unknown.most_common()]
    return SourcesReport(lookups, rows, len(registry.sources))

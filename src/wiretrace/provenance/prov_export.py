"""W3C PROV-JSON export of provenance chains, built with the ``prov`` package.

The model: a claim group's statement (``wt:statement/<group>``) is attributed to its speaker,
who acted on behalf of an affiliation (a ministry, a government); a via outlet's report
(``wt:report/<group>/<outlet>``) ``wasQuotedFrom`` the statement; each claim instance in an
article ``wasQuotedFrom`` that report (or the statement when no outlet is named) and
``hadPrimarySource`` the statement; an article is a collection that ``hadMember`` its claims,
is attributed to its outlet, and ``wasDerivedFrom`` the article it copies or rewrites.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from prov.model import ProvDocument

from wiretrace.records import DERIVED_KINDS, Article, Claim, ClaimGroup, Pair, ProvenanceChain
from wiretrace.store import Store

NAMESPACE = "urn:wiretrace:"


@dataclass(frozen=True)
class ProvInput:
    """What the PROV export reads."""

    articles: Sequence[Article]
    claims: Sequence[Claim]
    groups: Sequence[ClaimGroup]
    chains: Sequence[ProvenanceChain]
    pairs: Sequence[Pair] = ()


def _local(*parts: str) -> str:
    """A PROV qualified-name local part: letters, digits, '_', '-', '.', joined by '/'."""
    return "/".join(re.sub(r"[^0-9A-Za-z_.-]+", "_", p).strip("_") or "_" for p in parts)


def prov_document(data: ProvInput) -> ProvDocument:
    """The provenance of every claim as a PROV document.

    Example:
        document = prov_document(ProvInput(articles, claims, groups, chains, pairs))
        text = document.serialize(format="json")
    """
    document = ProvDocument()
    document.add_namespace("wt", NAMESPACE)
    claims = {c.claim_id: c for c in data.claims}
    articles = {a.article_id: a for a in data.articles}
    agents: set[str] = set()
    canonical = {g.group_id: g.canonical for g in data.groups}
    emitted: set[tuple[str, str, str]] = set()

    def once(relation: str, subject: str, obj: str) -> bool:
        """True the first time a relation is seen, so each is written once."""
        key = (relation, subject, obj)
        if key in emitted:
            return False
        emitted.add(key)
        return True

    def agent(kind: str, key: str, label: str, prov_type: str) -> str:
        name = "wt:" + _local(kind, key)
        if name not in agents:
            agents.add(name)
            document.agent(name, {"prov:type": prov_type, "prov:label": label})
        return name

    for article in data.articles:
        attributes = {"prov:type": "prov:Collection", "prov:label": article.title or article.article_id}
        if article.url:
            attributes["wt:url"] = article.url
        if article.published:
            attributes["wt:published"] = article.published
        document.entity("wt:" + _local("article", article.article_id), attributes)
    statements: set[str] = set()
    reports: set[str] = set()
    for chain in data.chains:
        claim = claims.get(chain.claim_id)
        group_statement = "wt:" + _local("statement", chain.group_id)
        claim_entity = "wt:" + _local("claim", chain.claim_id)
        document.entity(
            claim_entity,
            {
                "prov:label": claim.content if claim else chain.claim_id,
                "wt:sourcing": chain.sourcing,
                "wt:start": claim.content_start if claim else -1,
                "wt:end": claim.content_end if claim else -1,
            },
        )
        if chain.article_id in articles:
            document.hadMember("wt:" + _local("article", chain.article_id), claim_entity)
        if chain.article_source_id or chain.article_outlet:
            outlet = agent("source", chain.article_source_id, chain.article_outlet, "prov:Organization")
            article_entity = "wt:" + _local("article", chain.article_id)
            if once("attributed", article_entity, outlet):
                document.wasAttributedTo(article_entity, outlet)
        if not chain.origin:
            continue  # unsourced: no upstream to point at
        if group_statement not in statements:
            statements.add(group_statement)
            document.entity(group_statement, {"prov:label": canonical.get(chain.group_id, chain.group_id)})
        if chain.speaker:
            speaker = agent("speaker", chain.speaker.casefold(), chain.speaker, "prov:Person")
            if once("attributed", group_statement, speaker):
                document.wasAttributedTo(group_statement, speaker)
            if chain.affiliation_id:
                body = agent("source", chain.affiliation_id, chain.affiliation, "prov:Organization")
                if once("behalf", speaker, body):
                    document.actedOnBehalfOf(speaker, body)
        quoted_from = group_statement
        if chain.via_source_id:
            report = "wt:" + _local("report", chain.group_id, chain.via_source_id)
            if report not in reports:
                reports.add(report)
                document.entity(report, {"prov:label": f"{chain.via_outlet} report"})
                document.wasAttributedTo(
                    report, agent("source", chain.via_source_id, chain.via_outlet, "prov:Organization")
                )
                document.wasQuotedFrom(report, group_statement)
            quoted_from = report
        document.wasQuotedFrom(claim_entity, quoted_from)
        document.hadPrimarySource(claim_entity, group_statement)
    dates = {a.article_id: (a.published or "") for a in data.articles}
    for pair in data.pairs:
        if pair.kind in DERIVED_KINDS and pair.article_a in articles and pair.article_b in articles:
            # the later article derives from the earlier; undated pairs keep the id order
            earlier, later = sorted((pair.article_a, pair.article_b), key=lambda a: (dates[a] or "9999", a))
            document.wasDerivedFrom(
                "wt:" + _local("article", later),
                "wt:" + _local("article", earlier),
                other_attributes={"wt:kind": pair.kind},
            )
    return document


def write_prov(store: Store, out: Path) -> dict[str, int]:
    """Write the store's provenance as one PROV-JSON file; returns record counts."""
    data = ProvInput(
        articles=store.load(Article),
        claims=store.load(Claim),
        groups=store.load(ClaimGroup),
        chains=store.load(ProvenanceChain),
        pairs=store.load(Pair),
    )
    document = prov_document(data)
    out.write_text(str(document.serialize(indent=1)), encoding="utf-8")
    return {"articles": len(data.articles), "claim_groups": len(data.groups), "provenance": len(data.chains)}

"""Derivation: articles that rest on one upstream, found from the ordered facts a rewrite keeps."""

from __future__ import annotations

from pathlib import Path

import pytest

from wiretrace.config import Settings
from wiretrace.engine.pipeline import analyze
from wiretrace.ingest.stage import ingest_paths
from wiretrace.records import Article, Derivation, Divergence, Independence, ProvenanceChain
from wiretrace.store import Store

# one invented agency item told twice in other words (two sibling rewrites), and an independent
# report of the same event with its own sources
FIRST = (
    "OUTLET: Harbour Daily\nDATE: 2026-03-03\n\n"
    "Flooding closed the main road into Westmere on Monday, the regional transport office said. "
    "Transport director Paula Grant told the Lakeside Agency that repairs would take at least five days. "
    "Mayor Tomas Rieve said that 120 families had been moved to the sports hall overnight. "
    "The fire service said that two bridges on the river were being checked for damage. "
    "Forecasters warned that more rain was expected on Wednesday. "
    "Local businesses have been bracing for a difficult week. "
    "Experts note that such floods have become more frequent in recent decades. "
    "The episode raises wider questions about planning and preparedness. "
    "Community groups have stepped in to offer support where they can. "
    "Officials are expected to review the response in the coming weeks. "
    "The mood in the town remains tense but determined."
)
SECOND = (
    "OUTLET: Valley Wire\nDATE: 2026-03-03\n\n"
    "The main road into Westmere was shut by flooding on Monday, the regional transport office said. "
    "Paula Grant, the transport director, told the Lakeside Agency that repairs would need at least "
    "five days. "
    "Mayor Tomas Rieve said 120 families had been moved to the sports hall during the night. "
    "The fire service said two bridges on the river were being checked for damage. "
    "More rain is expected on Wednesday, forecasters warned. "
    # a content farm's filler: no new fact, and enough of it that most sentences no longer align
    "The situation highlights the growing challenges facing communities across the region. "
    "Many observers see the events as a test of local resilience in difficult times. "
    "The interplay between weather and infrastructure continues to shape daily life. "
    "Questions remain about how such disruptions can be avoided in the years ahead. "
    "For many residents, the coming days will be decisive. "
    "The broader implications are likely to be debated for some time."
)
INDEPENDENT = (
    "OUTLET: Westmere Courier\nDATE: 2026-03-04\n\n"
    "Residents of Westmere spent a second day cut off after floods closed the main road. "
    "Shopkeeper Ina Vold said her cellar had filled with water within an hour. "
    "A volunteer at the sports hall, Jon Basso, said families were sleeping on camp beds. "
    "Engineer Lea Moritz said the older of the two bridges had cracks that worried her."
)


@pytest.fixture(scope="module")
def analysed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("derivation")
    for name, text in (("first", FIRST), ("second", SECOND), ("independent", INDEPENDENT)):
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    db = folder / "d.duckdb"
    with Store(db) as store:
        ingest_paths([str(folder)], store, Settings().ingest)
        analyze(store, Settings())
    return db


def _names(store: Store) -> dict[str, str]:
    return {a.article_id: Path(a.source_path).stem for a in store.load(Article)}


def test_two_rewrites_of_one_item_are_siblings_with_their_shared_claims(analysed: Path) -> None:
    with Store(analysed, read_only=True) as store:
        names = _names(store)
        edges = {frozenset((names[d.article_a], names[d.article_b])): d for d in store.load(Derivation)}
    pair = edges.get(frozenset(("first", "second")))
    assert pair is not None and pair.kind == "sibling"  # too few sentences align for a text rewrite
    assert len(pair.shared_claims) >= 3 and "same order" in pair.evidence
    assert not any("independent" in key for key in edges), "an independent report is not derived"


def test_independence_counts_the_derivation_components(analysed: Path) -> None:
    with Store(analysed, read_only=True) as store:
        names = _names(store)
        chains = store.load(ProvenanceChain)
        rows = store.load(Independence)
    upstream = {names[c.article_id]: c.upstream for c in chains}
    assert upstream["first"] == upstream["second"] != upstream["independent"]
    assert "independently_corroborated" not in {r.label for r in rows}


def test_the_seeds_rewrites_of_one_agency_item_are_siblings(tmp_path: Path) -> None:
    from conftest import SEEDS

    if not SEEDS.exists():
        pytest.skip(f"shared data not found at {SEEDS}")
    with Store(tmp_path / "s.duckdb") as store:
        ingest_paths([str(SEEDS)], store, Settings().ingest)
        analyze(store, Settings())
        prefix = {a.article_id: Path(a.source_path).name[:3] for a in store.load(Article)}
        edges = {frozenset((prefix[d.article_a], prefix[d.article_b])): d for d in store.load(Derivation)}
        altered = [d for d in store.load(Divergence) if d.kind == "quote_altered"]
    sibling = edges.get(frozenset(("000", "001")))
    assert sibling is not None and sibling.kind in ("sibling", "rewrite")
    assert len(sibling.shared_claims) >= 3
    # a direct quote reworded between the two rewrites is shown with both spans
    assert any({prefix[d.article_a], prefix[d.article_b]} == {"000", "001"} for d in altered)

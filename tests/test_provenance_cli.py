"""The provenance, divergences and sources commands, and the PROV export, over a small store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from record_factory import article, claim, make
from typer.testing import CliRunner

from wiretrace.cli import app
from wiretrace.divergences.stage import DivergenceInput, find_divergences
from wiretrace.ingest import segment
from wiretrace.provenance.stage import ProvenanceInput, build_provenance
from wiretrace.records import (
    Article,
    Claim,
    ClaimGroup,
    Divergence,
    Independence,
    Pair,
    ProvenanceChain,
    Sentence,
    Story,
)
from wiretrace.store import Store

FIRST = "Twelve workers were hurt on Tuesday, Defence Minister Ana Varga told Reuters."
SECOND = "Fourteen workers were hurt on Tuesday, Defence Minister Ana Varga said."

runner = CliRunner()


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    articles = [
        article("a1", FIRST, "Reuters", "2026-02-04"),
        article("a2", SECOND, "Obscure Daily Wire", "2026-02-04"),
    ]
    sentences = [s for a in articles for s in segment.segment(a)]
    story = make(Story, story_id="story-a1", article_ids=("a1", "a2"), likely_original="a1", size=2)
    pairs = [make(Pair, article_a="a1", article_b="a2", kind="rewrite")]
    claims = [
        claim(
            "a1", FIRST, "Twelve workers were hurt on Tuesday", "Defence Minister Ana Varga", via="Reuters"
        ),
        claim("a2", SECOND, "Fourteen workers were hurt on Tuesday", "Defence Minister Ana Varga"),
    ]
    result = build_provenance(ProvenanceInput(articles, [story], pairs, [], claims))
    found = find_divergences(
        DivergenceInput(articles, sentences, [story], pairs, claims=claims, groups=result.groups)
    )
    path = tmp_path / "w.duckdb"
    with Store(path) as store:
        store.insert_new(Article, articles)
        store.replace_many(
            {
                Sentence: sentences,
                Story: [story],
                Pair: pairs,
                Claim: claims,
                ClaimGroup: result.groups,
                ProvenanceChain: result.chains,
                Independence: result.independence,
                Divergence: found.divergences,
            }
        )
    return path


def test_provenance_of_a_story_prints_the_summary_and_the_recovered_credit(store_path: Path):
    result = runner.invoke(app, ["provenance", "story-a1", "--db", str(store_path), "--json"])
    assert result.exit_code == 0, result.output
    view = json.loads(result.output)
    story_row = next(r for r in view["independence"] if r["scope"] == "story")
    assert story_row["label"] == "single_source"
    assert story_row["summary"].startswith("2 articles, 2 claims, 1 named upstream origin")
    vias = {c["article_id"]: (c["via_outlet"], c["via_from_article"]) for c in view["provenance"]}
    assert vias == {"a1": ("Reuters", ""), "a2": ("Reuters", "a1")}


def test_provenance_of_an_unknown_id_exits_1_with_a_hint(store_path: Path):
    result = runner.invoke(app, ["provenance", "nope", "--db", str(store_path)])
    assert result.exit_code == 1
    assert "wiretrace stories" in result.output


def test_divergences_lists_both_spans(store_path: Path):
    result = runner.invoke(
        app, ["divergences", "--story", "story-a1", "--kind", "number", "--db", str(store_path), "--json"]
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [(r["text_a"], r["text_b"]) for r in rows] == [("Twelve", "Fourteen")]
    missing = runner.invoke(app, ["divergences", "--story", "story-zz", "--db", str(store_path)])
    assert missing.exit_code == 1


def test_sources_looks_names_up_and_lists_unknown_outlets(store_path: Path):
    result = runner.invoke(
        app, ["sources", "ITAR-TASS", "Minobrnauki nonsense", "--db", str(store_path), "--json"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["lookups"][0]["source"]["source_id"] == "tass"
    assert report["lookups"][1]["source"] is None
    assert {u["name"] for u in report["unknown"]} == {"Obscure Daily Wire"}


def test_export_prov_writes_prov_json(store_path: Path, tmp_path: Path):
    out = tmp_path / "prov.json"
    result = runner.invoke(app, ["export", "--format", "prov", "-o", str(out), "--db", str(store_path)])
    assert result.exit_code == 0, result.output
    document = json.loads(out.read_text(encoding="utf-8"))
    assert "wt:source/reuters" in document["agent"]
    types = {d.get("prov:type", {}).get("$") for d in document["wasDerivedFrom"].values()}
    assert {"prov:Quotation", "prov:PrimarySource"} <= types

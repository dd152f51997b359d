"""Rewrite signals: each sign with its evidence span, and a score that orders articles."""

from __future__ import annotations

from pathlib import Path

import pytest

from wiretrace.config import Settings
from wiretrace.engine.pipeline import analyze
from wiretrace.ingest.stage import ingest_paths
from wiretrace.records import Article, RewriteProfile, Signal
from wiretrace.store import Store

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "corpus"


@pytest.fixture(scope="module")
def example_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("signals") / "e.duckdb"
    with Store(db) as store:
        ingest_paths([str(EXAMPLES)], store, Settings().ingest)
        analyze(store, Settings())
    return db


def _by_file(store: Store) -> dict[str, list[str]]:
    names: dict[str, list[str]] = {}
    for article in store.load(Article):
        names.setdefault(Path(article.source_path).name, []).append(article.article_id)
    return names


def test_machine_rewrites_score_above_the_wire_original_and_the_independent_report(
    example_store: Path,
) -> None:
    with Store(example_store, read_only=True) as store:
        score = {p.article_id: p.score for p in store.load(RewriteProfile)}
        files = _by_file(store)
    original = score[files["01_wire_original.txt"][0]]
    independent = score[files["05_independent_report.txt"][0]]
    rewrites = [score[a] for a in files["04_machine_rewrites.jsonl"]]
    assert original == 0.0
    assert min(rewrites) > independent and min(rewrites) > original


def test_every_signal_points_at_a_span_of_its_article(example_store: Path) -> None:
    with Store(example_store, read_only=True) as store:
        texts = {a.article_id: a.text for a in store.load(Article)}
        signals = store.load(Signal)
    assert signals
    for signal in signals:
        if signal.start >= 0:
            assert texts[signal.article_id][signal.start : signal.end] == signal.text, signal.kind
        assert signal.weight > 0 and signal.explanation


def test_the_seeds_carry_filler_altered_quotes_and_changed_designations(tmp_path: Path) -> None:
    from conftest import SEEDS

    if not SEEDS.exists():
        pytest.skip(f"shared data not found at {SEEDS}")
    with Store(tmp_path / "s.duckdb") as store:
        ingest_paths([str(SEEDS)], store, Settings().ingest)
        analyze(store, Settings())
        kinds = {s.kind for s in store.load(Signal)}
        filler = [s.text for s in store.load(Signal) if s.kind == "evaluative_filler"]
    assert {"evaluative_filler", "quote_altered", "designation_changed", "vague_voice"} <= kinds
    assert all(not any(ch.isdigit() for ch in text) for text in filler)  # filler names no figure


def test_one_vague_speaker_with_two_cues_is_one_signal_and_the_store_takes_them(tmp_path: Path) -> None:
    from conftest import SEEDS

    folders = [str(EXAMPLES)] + ([str(SEEDS)] if SEEDS.exists() else [])
    with Store(tmp_path / "b.duckdb") as store:  # both corpora together once broke the signals' key
        ingest_paths(folders, store, Settings().ingest)
        analyze(store, Settings())
        signals = store.load(Signal)
    assert len({s.signal_id for s in signals}) == len(signals) > 0

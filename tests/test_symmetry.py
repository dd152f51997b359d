"""Symmetry: a corpus and its mirror (the two sides' names, capitals, outlets and officials swapped)
get the same labels, with the sides exchanged in what is said. The rules must treat every side of a
conflict alike, whoever owns the outlet that carries a claim."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from mirror import mirror

from wiretrace.config import Settings
from wiretrace.engine.pipeline import analyze
from wiretrace.ingest.stage import ingest_paths
from wiretrace.records import Event, Independence
from wiretrace.store import Store

# an invented two-sided story: one side's ministry and a unit commander claim a capture (through
# a state agency and a privately owned one), the other side's General Staff denies it
CORPUS = {
    "a1.txt": (
        "OUTLET: TASS\nDATE: 2026-05-04\n\n"
        "The Russian Defence Ministry said on Monday that its forces had captured the village of Lipki. "
        "'Our units have taken full control of Lipki,' ministry spokesman Oleg Varin told TASS."
    ),
    "a2.txt": (
        "OUTLET: Interfax\nDATE: 2026-05-04\n\n"
        "Colonel Pavel Dronov, a commander of the Russian 20th Army, told Interfax that his troops had "
        "captured Lipki after three days of fighting."
    ),
    "a3.txt": (
        "OUTLET: Ukrinform\nDATE: 2026-05-04\n\n"
        "The Ukrainian General Staff denied that Russian forces had captured Lipki. "
        "'Lipki remains under the control of our troops,' the General Staff said in a statement."
    ),
    "a4.txt": (
        "OUTLET: Reuters\nDATE: 2026-05-05\n\n"
        "The Russian Defence Ministry said its forces had captured Lipki, a village in the east, while "
        "the Ukrainian General Staff denied that Lipki had fallen. Reuters could not independently verify "
        "the claims."
    ),
}


def _labels(folder: Path, db: Path, flip: bool) -> tuple[list[tuple[str, int, str]], list[str]]:
    with Store(db) as store:
        ingest_paths([str(folder)], store, Settings().ingest)
        analyze(store, Settings())
        rows = store.load(Independence)
        events = store.load(Event)

    def said(text: str) -> str:
        """The text's words in the original's terms, in sorted order (lists name ties as found), with
        article ids (derived from the text, so never the same in a mirror) left out."""
        text = mirror(text, "RU", "UA") if flip else text
        return " ".join(sorted(re.findall(r"\w+", re.sub(r"\barticle [0-9a-f]{16}\b", "article", text))))

    groups = sorted((r.label, r.independent_sources, said(r.summary)) for r in rows if r.scope == "story")
    statuses = sorted(f"{e.event_type}:{e.status}:{said(e.claimant)}" for e in events)
    return groups, statuses


def _write(folder: Path, texts: dict[str, str]) -> Path:
    folder.mkdir()
    for name, text in texts.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_a_two_sided_corpus_and_its_mirror_get_the_same_labels(tmp_path: Path) -> None:
    original = _write(tmp_path / "original", CORPUS)
    mirrored = _write(tmp_path / "mirrored", {n: mirror(t, "RU", "UA") for n, t in CORPUS.items()})
    assert "Ukrainian Defence Ministry" in (mirrored / "a1.txt").read_text(encoding="utf-8")
    assert _labels(original, tmp_path / "o.duckdb", False) == _labels(mirrored, tmp_path / "m.duckdb", True)


def test_the_seeds_rest_on_one_party_and_their_mirror_on_the_other(tmp_path: Path, seeds_dir: Path) -> None:
    texts = {p.name: p.read_text(encoding="utf-8") for p in sorted(seeds_dir.glob("*.txt"))}
    original = _write(tmp_path / "original", texts)
    mirrored = _write(tmp_path / "mirrored", {n: mirror(t, "RU", "UA") for n, t in texts.items()})
    groups, statuses = _labels(original, tmp_path / "o.duckdb", False)
    assert _labels(mirrored, tmp_path / "m.duckdb", True) == (groups, statuses)
    labels = {label for label, _sources, _summary in groups}
    assert "independently_corroborated" not in labels
    with Store(tmp_path / "o.duckdb", read_only=True) as store:
        stories = [r for r in store.load(Independence) if r.scope == "story"]
    main = max(stories, key=lambda row: row.articles)  # 000, 001, 002 and 004: the claims of November
    assert (main.label, main.parties) == ("one_party", ("Russian state",))
    assert "all Russian state; no independent confirmation" in main.summary


@pytest.fixture
def seeds_dir() -> Path:
    from conftest import SEEDS

    if not SEEDS.exists():
        pytest.skip(f"shared data not found at {SEEDS}")
    return SEEDS

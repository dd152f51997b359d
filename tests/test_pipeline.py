"""The whole pipeline on the bundled example corpus: idempotent and independent of input order."""

from __future__ import annotations

import random
from pathlib import Path

from conftest import EXAMPLES

from wiretrace.config import Settings
from wiretrace.export import export_document
from wiretrace.ingest import expand_paths, ingest_paths
from wiretrace.pipeline import analyze
from wiretrace.store import Store


def run(paths: list[str], db: Path) -> dict:
    with Store(db) as store:
        ingest_paths(paths, store, Settings().ingest)
        analyze(store, Settings())
        first = export_document(store)
        analyze(store, Settings())
        second = export_document(store)
    assert first == second, "re-running analyze must not change anything"
    return first


def comparable(document: dict) -> dict:
    """The export without what legitimately depends on how files were named on the command line."""
    articles = sorted(
        ({k: v for k, v in a.items() if k not in ("source_path",)} for a in document["articles"]),
        key=lambda a: a["article_id"],
    )
    rest = {k: v for k, v in document.items() if k not in ("articles", "rejections")}
    return {
        "articles": articles,
        **{k: sorted(map(repr, v)) if isinstance(v, list) else v for k, v in rest.items()},
    }


def test_example_corpus_is_idempotent_and_order_independent(tmp_path: Path) -> None:
    files = list(expand_paths([str(EXAMPLES)]))
    assert len(files) >= 8
    forward = run(files, tmp_path / "a.duckdb")
    shuffled = files[:]
    random.Random(7).shuffle(shuffled)
    backward = run(shuffled[::-1], tmp_path / "b.duckdb")
    assert len(forward["articles"]) == 11
    assert comparable(forward) == comparable(backward)

"""The Ray engine gives the records the embedded path gives, and ``wiretrace import`` loads them.

Ray tests run on a local two-CPU cluster and skip when ray is not installed
(``pip install 'wiretrace[ray]'``); the import and the missing-extra message need no Ray.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import EXAMPLES
from typer.testing import CliRunner

from wiretrace.cli import app
from wiretrace.config import Settings
from wiretrace.engine import pipeline
from wiretrace.engine.importer import ImportFailed, import_parquet
from wiretrace.engine.pipeline import analyze
from wiretrace.export import export, export_document
from wiretrace.ingest import segment
from wiretrace.ingest.stage import expand_paths, file_records, ingest_paths
from wiretrace.records import Article
from wiretrace.store import Store
from wiretrace.stories import fingerprint
from wiretrace.stories.stage import build_stories, fingerprint_options, story_order

BENCH = Path(__file__).resolve().parents[1] / "bench"
needs_ray = pytest.mark.skipif(
    importlib.util.find_spec("ray") is None, reason="ray not installed: pip install 'wiretrace[ray]'"
)


@pytest.fixture(scope="module")
def ray_cluster() -> Any:
    """One local cluster for the module: starting Ray costs seconds."""
    import ray

    ray.init(num_cpus=2, include_dashboard=False, configure_logging=False, object_store_memory=400_000_000)
    yield ray
    ray.shutdown()


def embedded(paths: list[str], db: Path) -> dict[str, Any]:
    """The export document of the embedded path on ``paths``."""
    with Store(db) as store:
        ingest_paths(paths, store, Settings().ingest)
        analyze(store, Settings())
        return export_document(store)


def imported(folder: Path, db: Path) -> dict[str, Any]:
    """The export document of a store that imported ``folder``."""
    with Store(db) as store:
        import_parquet(folder, store)
        return export_document(store)


def differences(expected: dict[str, Any], actual: dict[str, Any]) -> dict[str, str]:
    """Tables whose rows differ (order aside), with a short description of the first difference."""
    found = {}
    for name, rows in expected.items():
        if not isinstance(rows, list):
            continue
        left, right = sorted(map(repr, rows)), sorted(map(repr, actual.get(name, [])))
        if left != right:
            only = sorted(set(left) ^ set(right))
            found[name] = f"{len(left)} vs {len(right)} rows; e.g. {only[0][:300] if only else ''}"
    return found


def inputs_with_trouble(tmp_path: Path) -> list[str]:
    """The example corpus plus a duplicate article, an empty file and an unsupported file."""
    extra = tmp_path / "extra"
    extra.mkdir()
    first = sorted(EXAMPLES.glob("*.txt"))[0]
    shutil.copy(first, extra / "z_duplicate.txt")
    (extra / "empty.txt").write_text("")
    (extra / "notes.pdf").write_bytes(b"%PDF-1.4")
    return [str(EXAMPLES), str(extra / "z_duplicate.txt"), str(extra / "empty.txt"), str(extra / "notes.pdf")]


@needs_ray
def test_example_corpus_gives_the_same_records_on_ray(
    tmp_path: Path, ray_cluster: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    paths = inputs_with_trouble(tmp_path)
    expected = embedded(list(paths), tmp_path / "embedded.duckdb")
    # the story-scoped stages run as several Ray tasks: parts of 3+ articles' stories
    monkeypatch.setattr(pipeline, "PART_ARTICLES", 3)
    out = tmp_path / "tables"
    runner = CliRunner()
    ran = runner.invoke(app, ["analyze", "--engine", "ray", *paths, "--out", str(out)])
    assert ran.exit_code == 1, ran.output  # two inputs are rejected, as the embedded path rejects them
    assert "wiretrace import" in ran.output
    assert (out / "stories").is_dir() and any((out / "claims").glob("part-*.parquet"))
    db = tmp_path / "ray.duckdb"
    loaded = runner.invoke(app, ["import", str(out), "--db", str(db)])
    assert loaded.exit_code == 0, loaded.output
    with Store(db) as store:
        actual = export_document(store)
    assert len(actual["articles"]) == 11 and actual["stories"] and actual["claims"] and actual["divergences"]
    assert len(actual["rejections"]) == 2
    assert differences(expected, actual) == {}
    # the store built from Parquet answers the usual commands
    shown = runner.invoke(app, ["stories", "--db", str(db), "--json"])
    assert shown.exit_code == 0 and actual["stories"][0]["story_id"] in shown.output


@needs_ray
@pytest.mark.skipif(
    not (os.environ.get("CI") or os.environ.get("WIRETRACE_SCALE_TEST")),
    reason="the whole pipeline twice on 10k articles (minutes): runs in CI, or set WIRETRACE_SCALE_TEST=1",
)
def test_synthetic_10k_corpus_gives_the_same_stories_claims_and_divergences(
    tmp_path: Path, ray_cluster: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    sys.path.insert(0, str(BENCH))
    from scale_corpus import write_corpus

    size = int(os.environ.get("WIRETRACE_SCALE_TEST_ARTICLES", "10000"))
    files = [str(p) for p in write_corpus(size, tmp_path / "corpus.jsonl", seed=3, chunk_files=4)]
    expected = embedded(files, tmp_path / "embedded.duckdb")
    from wiretrace.engine.scale import ScaleOptions, analyze_ray

    # batches and story parts smaller than the embedded path's, so that the splits differ
    monkeypatch.setattr(pipeline, "PART_ARTICLES", 1500)
    result = analyze_ray(files, str(tmp_path / "tables"), Settings(), ScaleOptions(batch_articles=300))
    assert result.counts["articles"] == len(expected["articles"]) > size * 0.8
    actual = imported(tmp_path / "tables", tmp_path / "ray.duckdb")
    assert len(actual["stories"]) > size / 10 and len(actual["claims"]) > size / 10 and actual["divergences"]
    assert differences(expected, actual) == {}


def grouped_like_ray(
    texts: list[str], options: fingerprint.FingerprintOptions, batches: int, seed: int
) -> fingerprint.NearDuplicates:
    """Near-duplicates as the Ray path finds them: texts sketched in shuffled batches, their bucket
    rows grouped in shuffled order, Jaccard looked up in one sketch of all texts."""
    rng = np.random.default_rng(seed)
    bands, keys, rows = [], [], []
    for batch in np.array_split(rng.permutation(len(texts)), batches):
        found = fingerprint.bucket_rows(fingerprint.sketch([texts[i] for i in batch], options), options.bands)
        bands.append(found.band)
        keys.append(found.key)
        rows.append(batch[found.row])
    shuffled = rng.permutation(sum(r.size for r in rows))
    left, right = fingerprint.bucket_pairs(
        np.concatenate(bands)[shuffled],
        np.concatenate(keys)[shuffled],
        np.concatenate(rows)[shuffled],
        options.max_bucket,
    )
    return fingerprint.with_estimates(fingerprint.sketch(texts, options), left, right)


def test_bucket_rows_grouped_by_key_give_the_pairs_near_duplicates_gives() -> None:
    rng = np.random.default_rng(11)
    vocabulary = [f"word{i}" for i in range(300)]
    originals = [" ".join(rng.choice(vocabulary, size=80)) for _ in range(120)]
    edited = []
    for text in originals[:60]:
        words = text.split()
        for position in rng.choice(len(words), size=int(rng.integers(1, 12)), replace=False):
            words[position] = "changed"
        edited.append(" ".join(words))
    # a mass copy (one bucket per band far over a small cap), texts without words, short copies
    texts = originals + edited + [originals[0].upper()] * 12 + ["", "... !", "Two words", "two WORDS."]
    for max_bucket in (64, 4):
        options = fingerprint.FingerprintOptions(max_bucket=max_bucket, threads=1)
        expected = fingerprint.near_duplicates(texts, options)
        found = grouped_like_ray(texts, options, batches=5, seed=max_bucket)
        assert (
            found.left.tolist() == expected.left.tolist() and found.right.tolist() == expected.right.tolist()
        )
        assert (
            found.exact.tolist() == expected.exact.tolist()
            and found.jaccard.tolist() == expected.jaccard.tolist()
        )
        assert expected.exact.sum() > 12 and (~expected.exact).sum() > 30  # copies and near-copies found


def test_stories_take_near_duplicates_found_elsewhere() -> None:
    settings = Settings()
    articles = [
        record
        for path in expand_paths([str(EXAMPLES)])
        for record in file_records(path, settings.ingest)
        if isinstance(record, Article)
    ]
    sentences = segment.segment_all(articles)
    texts = [a.text for a in story_order(articles)]
    near = grouped_like_ray(texts, fingerprint_options(settings.stories), batches=3, seed=1)
    assert near.left.size
    expected = build_stories(articles, sentences, settings.stories)
    assert build_stories(list(reversed(articles)), sentences, settings.stories, near) == expected
    with pytest.raises(ValueError, match="story_order"):
        build_stories(articles[1:], sentences, settings.stories, near)


def test_parquet_export_imports_into_an_equal_store(tmp_path: Path) -> None:
    files = list(expand_paths([str(EXAMPLES)]))
    expected = embedded(files, tmp_path / "a.duckdb")
    with Store(tmp_path / "a.duckdb", read_only=True) as store:
        export(store, "parquet", tmp_path / "export")
    actual = imported(tmp_path / "export", tmp_path / "b.duckdb")
    assert actual["claims"] and differences(expected, actual) == {}
    # importing twice changes nothing: articles are kept once, derived tables replaced
    with Store(tmp_path / "b.duckdb") as store:
        import_parquet(tmp_path / "export", store)
        assert differences(expected, export_document(store)) == {}


def test_import_of_a_folder_without_tables_says_what_to_pass(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with Store(tmp_path / "s.duckdb") as store, pytest.raises(ImportFailed, match="--engine ray"):
        import_parquet(tmp_path / "empty", store)
    db = str(tmp_path / "s.duckdb")
    result = CliRunner().invoke(app, ["import", str(tmp_path / "missing"), "--db", db])
    assert result.exit_code == 2 and "not a folder" in result.output


def test_engine_ray_without_ray_names_the_extra(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray now fails, as when it is not installed
    result = CliRunner().invoke(
        app, ["analyze", "--engine", "ray", str(EXAMPLES), "--out", str(tmp_path / "out")]
    )
    assert result.exit_code == 2
    assert "pip install 'wiretrace[ray]'" in result.output


def test_parquet_inputs_read_like_json_lines(tmp_path: Path) -> None:
    import json

    import pyarrow as pa
    import pyarrow.parquet as pq

    from wiretrace.engine.scale import expand_inputs, input_records

    rows = [
        {
            "text": "The council said the bridge would reopen in May after repairs to its deck.",
            "title": "Bridge",
            "url": "https://example.org/bridge",
            "date": "2026-03-02",
        },
        {"text": "", "title": "no text"},
    ]
    (tmp_path / "in").mkdir()
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "in" / "articles.parquet")
    (tmp_path / "in" / "articles.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    files = expand_inputs([str(tmp_path / "in")])
    assert [Path(f).name for f in files] == ["articles.jsonl", "articles.parquet"]
    from_jsonl, from_parquet = (list(input_records(f, Settings().ingest)) for f in files)
    assert len(from_parquet) == 2 and from_parquet[1].reason.startswith("no text field")
    assert from_parquet[0].article_id == from_jsonl[0].article_id
    assert (from_parquet[0].url, from_parquet[0].published) == ("https://example.org/bridge", "2026-03-02")
    assert from_parquet[0].source_format == "parquet" and from_parquet[0].source_record == "row 1"

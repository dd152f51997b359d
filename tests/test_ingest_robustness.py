"""Ingest never crashes: arbitrary bytes, killed runs, and the CLI's exit codes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from wiretrace.cli import app
from wiretrace.config import IngestSettings
from wiretrace.ingest.formats import SUPPORTED
from wiretrace.ingest.stage import ingest_paths
from wiretrace.records import Article, Rejection
from wiretrace.store import Store

EXTENSIONS = [*SUPPORTED, ".txt.gz", ".csv.gz"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=3000), extension=st.sampled_from(EXTENSIONS))
def test_any_bytes_give_records_or_rejections(tmp_path: Path, data: bytes, extension: str) -> None:
    path = tmp_path / f"input{extension}"
    path.write_bytes(data)
    db = tmp_path / "h.duckdb"
    with Store(db) as store:
        result = ingest_paths([str(path)], store, IngestSettings())
        assert len(result.added) + len(result.rejections) >= 1 or result.already_stored >= 1
        assert all(r.reason for r in result.rejections)
        assert store.count(Article) >= len(result.added)
    db.unlink()


def test_cli_exit_codes(tmp_path: Path) -> None:
    runner = CliRunner()
    good = tmp_path / "good.txt"
    good.write_text("The museum reopened on Sunday after a two-year renovation, its director said.")
    db = str(tmp_path / "cli.duckdb")
    assert runner.invoke(app, ["ingest", str(good), "--db", db]).exit_code == 0
    partial = runner.invoke(app, ["ingest", str(good), str(tmp_path / "nope.txt"), "--db", db])
    assert partial.exit_code == 1
    assert runner.invoke(app, ["ingest", "--no-such-option", "--db", db]).exit_code == 2
    assert runner.invoke(app, ["export", "--format", "xml", "-o", "x", "--db", db]).exit_code == 2
    rejected = runner.invoke(app, ["rejections", "--db", db, "--json"])
    assert rejected.exit_code == 0 and "nope.txt" in rejected.output


def test_killed_ingest_leaves_a_store_that_reruns_cleanly(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(3000):
        (corpus / f"{i:05d}.txt").write_text(
            f"Article {i}: the harbour authority said traffic rose by {i} containers in week {i % 52}."
        )
    db = tmp_path / "killed.duckdb"
    command = [sys.executable, "-m", "wiretrace.cli", "ingest", str(corpus), "--db", str(db)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline and not (db.exists() and db.stat().st_size > 0):
        time.sleep(0.05)
    time.sleep(0.8)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    with Store(db) as store:
        partial = store.count(Article)
    rerun = subprocess.run(command, capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr
    with Store(db) as store:
        assert store.count(Article) == 3000 and store.count(Rejection) == 0
        ids = [a.article_id for a in store.load(Article)]
    assert len(set(ids)) == 3000
    assert partial <= 3000


@settings(max_examples=80, deadline=None)
@given(data=st.data())
def test_a_damaged_feed_never_raises(data: st.DataObject) -> None:
    from wiretrace.ingest.formats import Rejected, read_feed

    feed = (
        b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>T</title>'
        b"<item><title>A</title><description>&lt;p&gt;First paragraph.&lt;/p&gt;&lt;p&gt;Second one."
        b"&lt;/p&gt;</description></item></channel></rss>"
    )
    damaged = bytearray(feed)
    for position in data.draw(st.lists(st.integers(0, len(feed) - 1), min_size=1, max_size=12)):
        damaged[position] = data.draw(st.integers(0, 255))
    items = list(read_feed(bytes(damaged[: data.draw(st.integers(1, len(feed)))])))
    assert items and all(item.reason for item in items if isinstance(item, Rejected))

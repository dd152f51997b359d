"""No input crashes or hangs ``analyze``: hostile articles, hostile JSON, and a real-news corpus.

Each article ends as records or a recorded rejection. The pathological shapes here once took
minutes in one stage (a scan from the start of the text at every full stop, a name pattern tried
from every letter of a 20,000-character token); none of these tests asserts a time, but each
would run for minutes again if a stage became quadratic in article length.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wiretrace.config import Settings
from wiretrace.engine.pipeline import analyze
from wiretrace.ingest.stage import ingest_paths
from wiretrace.records import Article, Claim, Rejection, Sentence
from wiretrace.store import Store

HOSTILE = {
    "long_article": "The council met on Tuesday in Springfield, officials said. " * 1700,
    "capitalised_token": "Reports from Harbor City. "
    + "A" * 20_000
    + " was captured by the army, officials said.",
    "unbalanced_quotes": "The mayor said the plan was ready. " + ' "' * 5000 + " The end came.",
    "he_said": "He said. " * 10_000,
    "one_name_many_times": "Officials met. " + "Maria Lopez " * 5000 + "said the talks failed.",
    "no_spaces": "x" * 300_000,
    "scripts_and_marks": (
        "\u202eThe minister said \u200bthe talks\u200d failed in \u05d9\u05e8\u05d5\u05e9\u05dc\u05d9\u05dd "
        "on Tuesday. <b>Markup</b> inside <script>text</script>, officials said. "
        "\u0645\u0631\u062d\u0628\u0627 "
        "\u4f60\u597d, said Li Wei."
    ),
}


def _analyse(folder: Path, db: Path) -> tuple[int, int, dict[str, int]]:
    with Store(db) as store:
        ingest_paths([str(folder)], store, Settings().ingest)
        summary = analyze(store, Settings())
        return store.count(Article), store.count(Rejection), summary.counts


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_a_pathological_article_is_analysed_in_bounded_time(tmp_path: Path, name: str) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / f"{name}.txt").write_text("DATE: 2026-05-02\n\n" + HOSTILE[name], encoding="utf-8")
    articles, rejections, counts = _analyse(folder, tmp_path / "w.duckdb")
    assert articles + rejections == 1
    if articles:
        assert counts["sentences"] >= 1


def test_bad_json_costs_only_its_own_file(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.jsonl").write_text(
        json.dumps({"text": "A good article about the council meeting on Tuesday in the town hall."}) + "\n"
    )
    # a lone surrogate escape, a NUL and a control character inside JSON strings
    (folder / "surrogate.jsonl").write_text(
        '{"text": "Bad \\ud800 text\\u0000 here\\u0007 about something long enough to be an article.", '
        '"title": "T\\udc00"}\n'
    )
    (folder / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    with Store(tmp_path / "w.duckdb") as store:
        result = ingest_paths([str(folder)], store, Settings().ingest)
        analyze(store, Settings())
        stored = {a.text[:4]: a for a in store.load(Article)}
        reasons = [r.reason for r in store.load(Rejection)]
    assert len(result.added) == 2 and set(stored) == {"A go", "Bad "}
    bad = stored["Bad "]
    assert "\ud800" not in bad.text and "\x00" not in bad.text and "\x07" not in bad.text
    assert "\ufffd" in bad.text and bad.title == "T\ufffd"
    assert reasons == ["JSON nested too deeply to read"]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.sampled_from(
            list("AaBb Mm.,;:!?\"'\u201c\u201d()\n-")
            + ["said", "told", "Reuters", "\u200b", "\u202e", "\u05d0", "Kyiv", "Mr.", "U.S."]
        ),
        min_size=20,
        max_size=400,
    ).map("".join)
)
def test_any_text_yields_records_or_a_rejection(tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    from wiretrace.claims.stage import extract_claims
    from wiretrace.ingest.segment import segment_all
    from wiretrace.places.stage import resolve_places

    article = Article("a" * 16, text, None, None, None, None, "2026-05-02", "a.txt", None, "txt")
    sentences = segment_all([article])
    assert all(isinstance(s, Sentence) for s in sentences[article.article_id])
    claims = extract_claims([article], sentences).claims
    assert all(isinstance(c, Claim) for c in claims)
    assert len({c.claim_id for c in claims}) == len(claims)  # ids unique by construction
    resolve_places([article], sentences)


@pytest.mark.skipif(
    not (os.environ.get("CI") == "true" or os.environ.get("WIRETRACE_SCALE_TEST") == "1"),
    reason="all PolNeAR texts through analyze (minutes): runs in CI, or set WIRETRACE_SCALE_TEST=1",
)
def test_analyze_over_every_polnear_text_exits_cleanly(tmp_path: Path) -> None:
    from conftest import SHARED

    folders = [SHARED / "bench" / "polnear" / part / "text" for part in ("train", "dev")]
    if not all(f.exists() for f in folders):
        pytest.skip("PolNeAR texts not found in ../shared")
    with Store(tmp_path / "p.duckdb") as store:
        result = ingest_paths([str(f) for f in folders], store, Settings().ingest)
        summary = analyze(store, Settings())
    assert len(result.added) > 900 and not result.rejections
    assert summary.counts["claims"] > 20_000 and summary.counts["stories"] > 0


def _processes_with(marker: str) -> list[int]:
    """Live processes whose command line holds ``marker`` (forked workers share their parent's)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().decode(errors="replace")
            state = (entry / "stat").read_text().split(") ")[-1][:1]
        except OSError:
            continue
        if marker in cmdline and state != "Z":
            found.append(int(entry.name))
    return found


@pytest.mark.skipif(not Path("/proc").exists(), reason="reads /proc")
def test_a_killed_analyze_leaves_no_worker_behind_and_reads_as_incomplete(tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys
    import time

    folder = tmp_path / "in"
    folder.mkdir()
    towns = ["Ardmore", "Belford", "Carlow", "Dunmore", "Elgin", "Fenwick", "Garvagh", "Hexham"]
    for number in range(700):  # enough articles for the claims stage to fork its workers
        town = towns[number % len(towns)]
        (folder / f"{number:04d}.txt").write_text(
            f"DATE: 2026-05-{1 + number % 28:02d}\n\n"
            f"The council of {town} said on Tuesday that {number} homes had lost power after the storm. "
            f"Mayor Ann Reid told the Gazette that crews were at work. "
            f"Residents said the roads near {town} were closed for {number % 9 + 2} hours.",
            encoding="utf-8",
        )
    db = tmp_path / "killed-analyze.duckdb"
    command = [sys.executable, "-m", "wiretrace.cli", "analyze", str(folder), "--db", str(db)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and len(_processes_with(str(db))) < 2 and process.poll() is None:
        time.sleep(0.2)  # until the workers are forked
    assert process.poll() is None, "analyze finished before its workers could be seen"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and _processes_with(str(db)):
        time.sleep(0.2)
    assert not _processes_with(str(db)), "workers outlived the killed analyze"
    reading = subprocess.run(
        [sys.executable, "-m", "wiretrace.cli", "stories", "--db", str(db)], capture_output=True, text=True
    )
    assert "did not finish" in reading.stderr
    rerun = subprocess.run(command, capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    again = subprocess.run(
        [sys.executable, "-m", "wiretrace.cli", "stories", "--db", str(db)], capture_output=True, text=True
    )
    assert "did not finish" not in again.stderr and again.returncode == 0


@pytest.mark.parametrize("value", ["yesterday", "3 days ago", "1e308", "2026-02-30", "next week"])
def test_a_date_field_that_names_no_day_is_stored_as_unknown(value: str) -> None:
    from wiretrace.ingest.stage import normalise_date

    assert normalise_date(value) is None  # never the day of ingest


def test_real_dates_still_read() -> None:
    from wiretrace.ingest.stage import normalise_date

    assert normalise_date("Tue, 10 Nov 2026 08:00:00 GMT") == "2026-11-10T08:00:00+00:00"
    assert normalise_date("10 November 2026") == "2026-11-10"
    assert normalise_date("1700000000") == "2023-11-14"  # seconds since 1970


def test_a_line_over_the_size_limit_is_rejected_for_its_size(tmp_path: Path) -> None:
    from dataclasses import replace

    folder = tmp_path / "in"
    folder.mkdir()
    small = json.dumps({"text": "A short article about the council meeting held on Tuesday evening."})
    big = json.dumps({"text": "word " * 5000})
    (folder / "mixed.jsonl").write_text(small + "\n" + big + "\n", encoding="utf-8")
    settings = replace(Settings().ingest, max_article_bytes=2000)
    with Store(tmp_path / "w.duckdb") as store:
        result = ingest_paths([str(folder)], store, settings)
    assert len(result.added) == 1
    assert [r.reason for r in result.rejections] == ["line larger than the 2,000-byte article limit"]


def test_a_warc_record_longer_than_its_file_is_rejected_and_the_next_one_read(tmp_path: Path) -> None:
    import re
    from io import BytesIO

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buffer = BytesIO()
    writer = WARCWriter(buffer, gzip=False)
    for day in ("Monday", "Friday"):
        page = (
            "<html><head><title>Council</title></head><body><article><p>"
            + f"The council met on {day} and agreed the budget for the new school year. " * 5
            + "</p></article></body></html>"
        ).encode()
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.0")
        writer.write_record(
            writer.create_warc_record(
                f"https://a.example/{day}", "response", payload=BytesIO(page), http_headers=http
            )
        )
    data = buffer.getvalue()
    end = data.find(b"\r\n\r\n")  # the first record claims 10 MB and would swallow the second
    path = tmp_path / "crawl.warc"
    path.write_bytes(re.sub(rb"Content-Length: \d+", b"Content-Length: 10000000", data[:end]) + data[end:])
    with Store(tmp_path / "w.duckdb") as store:
        result = ingest_paths([str(path)], store, Settings().ingest)
        texts = [a.text for a in store.load(Article)]
    assert [r.source_record for r in result.rejections] == ["offset 0"]
    assert "claims 10,000,000 bytes" in result.rejections[0].reason
    assert len(texts) == 1 and "Friday" in texts[0]

"""Ingest as a user meets it: real formats in, one article per text, bad inputs recorded."""

from __future__ import annotations

import csv
import gzip
import html
import io
import json
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from wiretrace.config import IngestSettings
from wiretrace.ingest.stage import article_id, ingest_paths
from wiretrace.records import Article, Rejection
from wiretrace.store import Store

SETTINGS = IngestSettings()


def seed_texts(seeds_dir: Path) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in sorted(seeds_dir.glob("*.txt"))}


def as_html(text: str, title: str = "A page") -> str:
    paragraphs = "".join(f"<p>{html.escape(p)}</p>\n" for p in text.split("\n") if p.strip())
    return (
        f"<html><head><title>{html.escape(title)}</title>"
        '<meta property="og:site_name" content="Example Daily"></head>'
        "<body><nav><a href='/'>Home</a> <a href='/world'>World</a></nav>"
        f"<article>{paragraphs}</article>"
        "<footer>Copyright Example Daily. All rights reserved.</footer></body></html>"
    )


def warc_bytes(pages: list[tuple[str, str]], compress: bool = False) -> bytes:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=compress)
    for url, page in pages:
        headers = StatusAndHeaders(
            "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
        )
        record = writer.create_warc_record(
            url, "response", payload=io.BytesIO(page.encode("utf-8")), http_headers=headers
        )
        writer.write_record(record)
    return buffer.getvalue()


def ingest(paths: list[Path | str], db: Path) -> tuple[list[str], list[Rejection], list[Article]]:
    with Store(db) as store:
        result = ingest_paths([str(p) for p in paths], store, SETTINGS)
        return result.added, result.rejections, store.load(Article)


def test_seeds_ingest_as_five_articles(seeds_dir: Path, db_path: Path) -> None:
    added, rejections, articles = ingest([seeds_dir], db_path)
    assert len(added) == 5 and not rejections
    assert {a.article_id for a in articles} == set(added)
    assert all(a.outlet is None for a in articles), "no outlet in the input: must stay unknown"
    assert all(a.source_path.endswith(".txt") for a in articles)


def test_same_texts_in_every_format_get_the_same_ids(seeds_dir: Path, tmp_path: Path) -> None:
    texts = seed_texts(seeds_dir)
    expected = {article_id(t) for t in texts.values()}
    (tmp_path / "html").mkdir()
    for name, text in texts.items():
        (tmp_path / "html" / f"{name}.html").write_text(as_html(text), encoding="utf-8")
    rows = [{"text": t, "title": n, "url": f"https://news.example.org/{n}"} for n, t in texts.items()]
    (tmp_path / "seeds.jsonl").write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    with open(tmp_path / "seeds.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=["headline", "body", "link"])
        writer.writeheader()
        for row in rows:
            writer.writerow({"headline": row["title"], "body": row["text"], "link": row["url"]})
    (tmp_path / "seeds.json").write_text(json.dumps({"articles": rows}), encoding="utf-8")
    pages = [(r["url"], as_html(r["text"])) for r in rows]
    (tmp_path / "seeds.warc.gz").write_bytes(warc_bytes(pages, compress=True))
    (tmp_path / "seeds.warc").write_bytes(warc_bytes(pages))
    (tmp_path / "seeds.jsonl.gz").write_bytes(gzip.compress((tmp_path / "seeds.jsonl").read_bytes()))

    for fmt in (
        "html",
        "seeds.jsonl",
        "seeds.csv",
        "seeds.json",
        "seeds.warc.gz",
        "seeds.warc",
        "seeds.jsonl.gz",
    ):
        added, rejections, articles = ingest([tmp_path / fmt], tmp_path / f"{fmt}.duckdb")
        assert not rejections, (fmt, rejections)
        assert set(added) == expected, fmt
    _, _, articles = ingest([tmp_path / "seeds.warc.gz"], tmp_path / "w.duckdb")
    assert all(a.url and a.url.startswith("https://news.example.org/") for a in articles)
    assert all(a.outlet == "Example Daily" for a in articles), "og:site_name names the outlet"
    assert all(a.source_record and a.source_record.startswith("offset") for a in articles)


def test_reingest_adds_nothing_and_more_adds_only_new(seeds_dir: Path, tmp_path: Path, db_path: Path) -> None:
    files = sorted(seeds_dir.glob("*.txt"))
    first, _, _ = ingest(files[:3], db_path)
    again, _, _ = ingest(files[:3], db_path)
    more, _, articles = ingest(files, db_path)
    assert len(first) == 3 and again == [] and len(more) == 2 and len(articles) == 5


def test_text_headers_and_outlet_from_url(tmp_path: Path, db_path: Path) -> None:
    body = "The council voted on Monday to close the old harbour bridge for repairs, officials said."
    (tmp_path / "a.txt").write_text(
        f"title: Bridge closed\nDate: 2026-03-04\nURL: https://www.harbour-news.example/x\n\n{body}\n"
    )
    (tmp_path / "b.md").write_text(f"OUTLET: The Courier\nAUTHOR: J. Doe\n\n{body} More follows here.")
    (tmp_path / "c.txt").write_text(f"Not: a header line\n\n{body} And a third version.")
    _, rejections, articles = ingest([tmp_path], db_path)
    by_path = {Path(a.source_path).name: a for a in articles}
    assert not rejections
    assert by_path["a.txt"].title == "Bridge closed" and by_path["a.txt"].published == "2026-03-04"
    assert by_path["a.txt"].outlet == "harbour-news.example"
    assert by_path["b.md"].outlet == "The Courier" and by_path["b.md"].author == "J. Doe"
    assert by_path["c.txt"].outlet is None and by_path["c.txt"].text.startswith("Not: a header line")


BODY = "Rescue teams reached the flooded valley on Friday after two days of rain, the regional office said."


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"", "empty file"),
        ("binary.txt", bytes(range(256)) * 40, "binary content"),
        ("truncated.txt.gz", gzip.compress(BODY.encode() * 20)[:-30], "truncated or corrupt gzip"),
        ("nomain.html", b"<html><body><nav><a href='/'>Home</a></nav></body></html>", "no main text"),
        ("bad.json", b'{"text": "unterminated', "invalid JSON"),
        ("image.pdf", b"%PDF-1.4", "unsupported file type"),
        ("settings.xml", b"<?xml version='1.0'?><config><port>80</port></config>", "not an RSS or Atom feed"),
    ],
)
def test_bad_input_is_recorded_and_good_files_still_stored(
    tmp_path: Path, db_path: Path, name: str, content: bytes, reason: str
) -> None:
    (tmp_path / "good.txt").write_text(BODY)
    (tmp_path / name).write_bytes(content)
    with Store(db_path) as store:
        result = ingest_paths([str(tmp_path / "good.txt"), str(tmp_path / name)], store, SETTINGS)
        stored_rejections = store.load(Rejection)
        assert store.count(Article) == 1
    assert len(result.added) == 1
    assert [r.source_path for r in result.rejections] == [str(tmp_path / name)]
    assert reason in result.rejections[0].reason and result.rejections[0].hint
    assert stored_rejections == result.rejections


def test_invalid_utf8_is_decoded_with_the_detected_encoding(tmp_path: Path, db_path: Path) -> None:
    text = "Le maire de Besançon a déclaré que la rénovation du théâtre coûtera deux millions d'euros."
    (tmp_path / "latin1.txt").write_bytes((text + " " + text).encode("latin-1"))
    _, rejections, articles = ingest([tmp_path / "latin1.txt"], db_path)
    assert not rejections and "Besançon" in articles[0].text


def test_bad_lines_and_records_among_good_ones(tmp_path: Path, db_path: Path) -> None:
    lines = [json.dumps({"text": f"{BODY} Item {i}."}) for i in range(3)]
    lines.insert(1, '{"text": broken')
    (tmp_path / "feed.jsonl").write_text("\n".join(lines))
    good = [(f"https://ex.org/{i}", as_html(f"{BODY} Page number {i} of the report.")) for i in range(3)]
    raw = (
        warc_bytes(good[:1])
        + b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 99999\r\n\r\ngarbage\r\n\r\n"
    )
    raw += warc_bytes(good[1:])
    (tmp_path / "crawl.warc").write_bytes(raw)
    added, rejections, _ = ingest([tmp_path / "feed.jsonl", tmp_path / "crawl.warc"], db_path)
    reasons = {(Path(r.source_path).name, r.source_record): r.reason for r in rejections}
    assert ("feed.jsonl", "line 2") in reasons and "does not parse" in reasons[("feed.jsonl", "line 2")]
    assert any(name == "crawl.warc" and "malformed WARC" in why for (name, _), why in reasons.items())
    assert len(added) >= 3 + 2, "good JSON lines and the WARC records on both sides of the bad one"


def test_oversized_missing_and_unreadable_files(tmp_path: Path, db_path: Path, monkeypatch) -> None:
    big = tmp_path / "big.txt"
    with open(big, "w") as handle:
        for _ in range(50 * 1024):
            handle.write(BODY[:99] + "\n" + " " * (1024 - 100))
    assert big.stat().st_size >= 50 * 1024 * 1024
    locked = tmp_path / "locked.txt"
    locked.write_text(BODY)
    (tmp_path / "good.txt").write_text(BODY + " Second sentence.")
    real_open = open

    def guarded_open(file, *args, **kwargs):  # root can read mode-000 files, so simulate the error
        if str(file) == str(locked):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr("builtins.open", guarded_open)
    paths = [big, tmp_path / "missing.txt", locked, tmp_path / "good.txt"]
    added, rejections, _ = ingest(paths, db_path)
    reasons = {Path(r.source_path).name: r.reason for r in rejections}
    assert "limit" in reasons["big.txt"]
    assert "no such file" in reasons["missing.txt"]
    assert "permission denied" in reasons["locked.txt"]
    assert len(added) == 1


RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Valley Wire</title><link>https://valleywire.example/</link>
<item><title>Valley flooded</title><link>https://valleywire.example/news/1</link>
<pubDate>Fri, 06 Mar 2026 09:00:00 GMT</pubDate>
<description><![CDATA[<p>{body}</p><p>Two bridges were closed, police said.</p>]]></description></item>
<item><title>Flood: what we know</title><link>https://aggregator.example/x</link>
<description>{body} Roads stay shut until Monday.</description></item>
<item><title>Headline only</title><link>https://valleywire.example/news/3</link></item>
</channel></rss>"""
ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Hill Courier</title>
<link href="https://hillcourier.example/"/><updated>2026-03-07T10:00:00Z</updated>
<entry><title>Rain again</title><link href="https://hillcourier.example/rain"/>
<updated>2026-03-07T10:00:00Z</updated><author><name>A. Writer</name></author>
<content type="html">&lt;p&gt;More rain fell on the valley on Saturday, forecasters said.&lt;/p&gt;
</content></entry>
</feed>"""


def test_rss_and_atom_feeds_give_one_article_per_entry(tmp_path: Path, db_path: Path) -> None:
    (tmp_path / "wire.rss").write_text(RSS.format(body=BODY))
    (tmp_path / "courier.xml").write_text(ATOM)
    _, rejections, articles = ingest([tmp_path], db_path)
    by_title = {a.title: a for a in articles}
    first = by_title["Valley flooded"]
    assert first.text == f"{BODY}\n\nTwo bridges were closed, police said."
    assert first.outlet == "Valley Wire" and first.published == "2026-03-06T09:00:00+00:00"
    assert first.source_record == "entry 1" and first.source_format == "feed"
    # an entry linking elsewhere keeps the outlet its link names, not the feed's
    assert by_title["Flood: what we know"].outlet == "aggregator.example"
    atom = by_title["Rain again"]
    assert atom.text.startswith("More rain fell") and atom.author == "A. Writer"
    assert atom.outlet == "Hill Courier"
    assert [(r.source_record, r.reason) for r in rejections] == [
        ("entry 3", "feed entry with a title but no text")
    ]


def test_stdin_is_read_as_one_input(db_path: Path) -> None:
    with Store(db_path) as store:
        result = ingest_paths(["-"], store, SETTINGS, stdin=io.BytesIO(f"OUTLET: Wire\n\n{BODY}".encode()))
        articles = store.load(Article)
    assert len(result.added) == 1 and articles[0].source_path == "<stdin>" and articles[0].outlet == "Wire"


def test_one_big_file_is_stored_a_batch_at_a_time(tmp_path: Path, db_path: Path, monkeypatch) -> None:
    """A JSONL dump of millions must not wait in memory until its end: batches go to the store
    as they fill, and a copy later in the file is still counted as already stored."""
    import wiretrace.ingest.stage as ingest_module

    monkeypatch.setattr(ingest_module, "_BATCH_ARTICLES", 3)
    texts = [f"Report number {n}. The harbour board met on day {n} to discuss the pier." for n in range(10)]
    rows = [{"text": t, "title": f"Item {n}"} for n, t in enumerate(texts)] + [{"text": texts[1]}]
    (tmp_path / "dump.jsonl").write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    batches: list[int] = []
    with Store(db_path) as store:
        insert = store.insert_new

        def counting(record_type: type, records: list) -> int:
            if record_type is Article:
                batches.append(len(records))
            return insert(record_type, records)

        monkeypatch.setattr(store, "insert_new", counting)
        result = ingest_paths([str(tmp_path / "dump.jsonl")], store, SETTINGS)
        stored = store.load(Article)
    assert batches == [3, 3, 3, 1]
    assert len(result.added) == 10 and result.already_stored == 1
    assert sorted(a.article_id for a in stored) == sorted(article_id(t) for t in texts)


def test_files_of_other_types_in_a_folder_are_skipped_and_listed(tmp_path: Path, db_path: Path) -> None:
    (tmp_path / "story.txt").write_text(BODY)
    (tmp_path / "photo.png").write_bytes(b"\x89PNG\r\n")
    with Store(db_path) as store:
        result = ingest_paths([str(tmp_path)], store, SETTINGS)
    assert len(result.added) == 1 and not result.rejections
    assert result.skipped == [str(tmp_path / "photo.png")]


def test_http_addresses_are_fetched_and_a_dead_one_is_rejected(tmp_path: Path, db_path: Path) -> None:
    import functools
    import http.server
    import threading

    site = tmp_path / "site"
    site.mkdir()
    (site / "story.html").write_text(as_html(BODY + " The valley road stays closed.", "Valley flood"))
    (site / "wire.rss").write_text(RSS.format(body=BODY))
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    handler.log_message = lambda *args: None  # type: ignore[attr-defined]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        with Store(db_path) as store:
            urls = [f"{base}/story.html", f"{base}/wire.rss", f"{base}/missing.html"]
            result = ingest_paths(urls, store, SETTINGS)
            articles = store.load(Article)
    finally:
        server.shutdown()
    page = next(a for a in articles if a.title == "Valley flood")
    assert page.url == f"{base}/story.html" and page.source_format == "url"
    assert page.text.startswith(BODY)
    assert {a.title for a in articles} == {"Valley flood", "Valley flooded", "Flood: what we know"}
    reasons = {(r.source_path, r.source_record): r.reason for r in result.rejections}
    assert "HTTP 404" in reasons[(f"{base}/missing.html", None)]

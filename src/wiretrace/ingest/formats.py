"""Readers for each input format: bytes in, raw article fields or a rejection out.

A reader yields ``RawArticle`` (fields as the input gives them) or ``Rejected`` (one bad
record with the reason and the fix); it never raises for bad content, so one broken record
costs that record only. Ids, dates and outlets are finished in ``ingest``.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from wiretrace.config import IngestSettings

# trafilatura logs every page it cannot parse at ERROR; we record those as rejections instead
logging.getLogger("trafilatura").setLevel(logging.CRITICAL)

SUPPORTED = (
    ".txt",
    ".md",
    ".html",
    ".htm",
    ".json",
    ".jsonl",
    ".ndjson",
    ".csv",
    ".rss",
    ".atom",
    ".xml",
    ".warc",
    ".warc.gz",
)


@dataclass(frozen=True)
class RawArticle:
    """Article fields as read from one input record, before ids and normalisation."""

    text: str
    record: str | None = None
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    author: str | None = None
    published: str | None = None


@dataclass(frozen=True)
class Rejected:
    """One input record that cannot become an article."""

    record: str | None
    reason: str
    hint: str


Item = RawArticle | Rejected


class DecodeFailure(Exception):
    """Bytes that are not text in any encoding we can trust."""


_HEADER_LINE = re.compile(r"^\s*(url|date|title|outlet|author)\s*:\s*(.*?)\s*$", re.IGNORECASE)
_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_\-]+)""", re.IGNORECASE)


def _control_ratio(text: str) -> float:
    sample = text[:20000]
    if not sample:
        return 0.0
    bad = sum(1 for ch in sample if unicodedata.category(ch) in ("Cc", "Co", "Cn") and ch not in "\n\r\t\f")
    return bad / len(sample)


def decode_text(data: bytes, declared: str | None = None) -> str:
    """Decode bytes as UTF-8, else the declared encoding, else the detected one.

    Raises DecodeFailure for binary data or bytes no encoding explains.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates: list[str] = ["utf-16"]
    else:
        candidates = ["utf-8-sig"]
    if declared:
        candidates.append(declared)
    if b"\x00" in data[:4096] and candidates[0] != "utf-16":
        raise DecodeFailure("binary content (NUL bytes)")
    for encoding in candidates:
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
        if _control_ratio(text) > 0.02:
            raise DecodeFailure("binary content (control characters)")
        return text
    from charset_normalizer import from_bytes

    best = from_bytes(data[:2_000_000]).best()
    if best is None or best.encoding is None:
        raise DecodeFailure("not text in UTF-8 or any detectable encoding")
    text = data.decode(best.encoding, errors="replace")
    if _control_ratio(text) > 0.02 or text.count("\ufffd") > max(3, len(text) // 200):
        raise DecodeFailure(f"binary content (best guess {best.encoding} does not decode it)")
    return text


def _clean(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value if v)
    text = str(value).strip()
    return text or None


def read_text(data: bytes, record: str | None = None) -> Iterator[Item]:
    """A .txt/.md article with optional header lines (URL:, DATE:, TITLE:, OUTLET:, AUTHOR:)."""
    try:
        text = decode_text(data)
    except DecodeFailure as failure:
        yield Rejected(record, str(failure), "save the file as UTF-8 text, or give it its real extension")
        return
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    headers: dict[str, str] = {}
    lines = text.split("\n")
    first_blank = next((i for i, line in enumerate(lines) if not line.strip()), None)
    if first_blank:
        block = [_HEADER_LINE.match(line) for line in lines[:first_blank]]
        if all(block):
            headers = {m.group(1).lower(): m.group(2) for m in block if m}
            text = "\n".join(lines[first_blank + 1 :])
    yield RawArticle(
        text=text.strip("\n"),
        record=record,
        title=_clean(headers.get("title")),
        url=_clean(headers.get("url")),
        outlet=_clean(headers.get("outlet")),
        author=_clean(headers.get("author")),
        published=_clean(headers.get("date")),
    )


def extract_html(data: bytes, url: str | None = None, record: str | None = None) -> Item:
    """Main text and metadata of an HTML page (trafilatura), boilerplate removed."""
    import trafilatura

    declared = _CHARSET.search(data[:4096])
    try:
        html = decode_text(data, declared.group(1).decode("ascii") if declared else None)
    except DecodeFailure as failure:
        return Rejected(record, f"HTML page: {failure}", "check that the file is an HTML page")
    try:
        document = trafilatura.bare_extraction(
            html, url=url, with_metadata=True, include_comments=False, favor_recall=True
        )
    except Exception as error:  # trafilatura raises many kinds on broken markup
        return Rejected(record, f"HTML could not be parsed: {error}", "check that the file is an HTML page")
    text = getattr(document, "text", None) if document is not None else None
    if not text or not text.strip():
        return Rejected(
            record,
            "HTML page with no main text (boilerplate only, or empty)",
            "check that the page holds the article body, not a cookie wall or index page",
        )
    meta: Any = document
    return RawArticle(
        text=text.strip(),
        record=record,
        title=_clean(meta.title),
        url=_clean(url or meta.url),
        outlet=_clean(meta.sitename),
        author=_clean(meta.author),
        published=_clean(meta.date),
    )


_BLOCKS = ("p", "div", "li", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "pre")


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def fragment_text(markup: str) -> str:
    """Plain text of an HTML fragment (a feed entry's body), one paragraph per block element."""
    from lxml import etree
    from lxml import html as lxml_html

    markup = _CONTROL.sub("", markup)  # lxml refuses NUL and control characters
    try:
        root = lxml_html.fragment_fromstring(markup, create_parent="div")
    except (etree.ParserError, ValueError):
        return ""
    for element in root.iter("br"):
        element.tail = "\n" + (element.tail or "")
    for element in root.iter(*_BLOCKS):
        element.tail = "\n\n" + (element.tail or "")
    paragraphs = (" ".join(p.split()) for p in re.split(r"\n\s*\n", root.text_content()))
    return "\n\n".join(p for p in paragraphs if p)


def _domain(url: str | None) -> str:
    match = re.match(r"[a-z][a-z0-9+.-]*://(?:www\.)?([^/:?#]+)", url or "", re.IGNORECASE)
    return match.group(1).lower() if match else ""


def read_feed(data: bytes) -> Iterator[Item]:
    """An RSS or Atom feed: one article per entry, from its full content, else its summary.

    The outlet is the entry's own source (RSS ``<source>``), else the feed's title when the entry
    links to the feed's own site; an aggregator's entries keep the outlet their link names.
    """
    import feedparser

    try:
        parsed = feedparser.parse(data)
    except Exception as error:  # feedparser is lenient, but a corrupt encoding declaration raises
        yield Rejected(None, f"feed could not be parsed: {error}", "check the file's XML declaration")
        return
    if not parsed.entries:
        problem = parsed.get("bozo_exception")
        yield Rejected(
            None,
            f"not an RSS or Atom feed with entries{f' ({problem})' if problem else ''}",
            "check that the file is an RSS or Atom feed; other XML is not read",
        )
        return
    feed = parsed.feed
    feed_domain = _domain(feed.get("link"))
    for number, entry in enumerate(parsed.entries, start=1):
        record = f"entry {number}"
        bodies = [c for c in entry.get("content", []) if c.get("value")]
        detail = bodies[0] if bodies else entry.get("summary_detail") or {}
        value = detail.get("value") or entry.get("summary") or ""
        text = _CONTROL.sub("", value).strip() if detail.get("type") == "text/plain" else fragment_text(value)
        if not text:
            yield Rejected(
                record,
                "feed entry with a title but no text",
                "headline-only feeds need the linked pages: save them as HTML and ingest those",
            )
            continue
        link = entry.get("link")
        source = entry.get("source") or {}
        outlet = source.get("title") or (
            feed.get("title") if feed_domain and _domain(link) == feed_domain else None
        )
        yield RawArticle(
            text=text,
            record=record,
            title=_clean(entry.get("title")),
            url=_clean(link),
            outlet=_clean(outlet),
            author=_clean(entry.get("author")),
            published=_clean(entry.get("published") or entry.get("updated")),
        )


def _first(obj: dict[str, Any], names: tuple[str, ...]) -> Any:
    lowered = {str(k).lower(): v for k, v in obj.items()}
    for name in names:
        value = lowered.get(name.lower())
        if value not in (None, "", []):
            return value
    return None


def from_mapping(obj: Any, settings: IngestSettings, record: str) -> Item:
    """One JSON object or CSV row, fields found by the configured names."""
    if not isinstance(obj, dict):
        return Rejected(record, f"expected an object with a text field, got {type(obj).__name__}", "")
    text = _first(obj, settings.text_fields)
    if not isinstance(text, str) or not text.strip():
        fields = ", ".join(sorted(str(k) for k in obj)[:12]) or "none"
        return Rejected(
            record,
            f"no text field (looked for {', '.join(settings.text_fields)}; found: {fields})",
            "map the field that holds the article with --field text=NAME",
        )
    return RawArticle(
        text=text.strip(),
        record=record,
        title=_clean(_first(obj, settings.title_fields)),
        url=_clean(_first(obj, settings.url_fields)),
        outlet=_clean(_first(obj, settings.outlet_fields)),
        author=_clean(_first(obj, settings.author_fields)),
        published=_clean(_first(obj, settings.date_fields)),
    )


def read_json(data: bytes, settings: IngestSettings) -> Iterator[Item]:
    """A .json file: one article object, a list of them, or an object holding such a list."""
    try:
        document = json.loads(decode_text(data))
    except RecursionError:
        yield Rejected(None, "JSON nested too deeply to read", "flatten the file's structure")
        return
    except (DecodeFailure, ValueError) as error:
        yield Rejected(None, f"invalid JSON: {error}", "validate the file (python -m json.tool FILE)")
        return
    if isinstance(document, dict) and _first(document, settings.text_fields) is None:
        for key in ("articles", "items", "data", "records", "results"):
            if isinstance(document.get(key), list):
                document = document[key]
                break
    items = document if isinstance(document, list) else [document]
    for index, obj in enumerate(items):
        yield from_mapping(obj, settings, f"item {index}")


# what the line reader yields in place of a line over the size limit (compared by identity)
TOO_LARGE = b"\x00line over the size limit"


def read_jsonl(lines: Iterator[bytes], settings: IngestSettings) -> Iterator[Item]:
    """A .jsonl file: one article object per line; a bad line is rejected alone."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        record = f"line {number}"
        if line is TOO_LARGE:
            yield Rejected(
                record,
                f"line larger than the {settings.max_article_bytes:,}-byte article limit",
                "raise [ingest] max_article_bytes in wiretrace.toml, or split the line",
            )
            continue
        try:
            obj = json.loads(decode_text(line))
        except RecursionError:
            yield Rejected(record, "JSON nested too deeply to read", "flatten that line's structure")
            continue
        except (DecodeFailure, ValueError) as error:
            yield Rejected(record, f"line does not parse as JSON: {error}", "fix or remove that line")
            continue
        yield from_mapping(obj, settings, record)


def read_csv(data: bytes, settings: IngestSettings) -> Iterator[Item]:
    """A .csv file with a header row; each row is one article."""
    try:
        text = decode_text(data)
    except DecodeFailure as failure:
        yield Rejected(None, f"CSV: {failure}", "save the file as UTF-8 CSV")
        return
    csv.field_size_limit(1 << 30)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        for number, row in enumerate(reader, start=2):
            yield from_mapping({k: v for k, v in row.items() if k is not None}, settings, f"row {number}")
    except csv.Error as error:
        yield Rejected(f"row {reader.line_num}", f"CSV parse error: {error}", "check quoting in that row")


def read_warc(stream: io.BufferedIOBase, compressed: bool) -> Iterator[Item]:
    """HTML responses of a WARC file; a malformed record is rejected and reading resumes after it."""
    from warcio.archiveiterator import ArchiveIterator

    magic = b"\x1f\x8b\x08" if compressed else b"WARC/1."
    start = 0
    while True:
        stream.seek(start)
        iterator = ArchiveIterator(stream)
        offset = start
        try:
            for warc_record in iterator:
                body = _warc_html_body(warc_record)  # before get_record_offset(), which consumes it
                offset = start + iterator.get_record_offset()
                missing = _missing_bytes(warc_record)
                if missing:
                    # the file ends before the length the record claims: it swallowed what follows
                    raise ValueError(
                        f"the record claims {warc_record.length:,} bytes but the file ends {missing:,} "
                        "bytes short"
                    )
                if body is not None:
                    yield _warc_item(warc_record, body, f"offset {offset}")
            return
        except Exception as error:  # warcio raises several kinds on corrupt records
            yield Rejected(
                f"offset {offset}",
                f"malformed WARC record: {error}",
                "the rest of the file was read; re-fetch that record",
            )
            resume = _find(stream, magic, max(offset + 1, start + 1))
            if resume is None or resume <= start:
                return
            start = resume


def _missing_bytes(warc_record: Any) -> int:
    """Bytes of the record's declared length that the file does not have (0 for a whole record)."""
    raw = warc_record.raw_stream
    while raw.read(1 << 16):  # what the body reader left (a non-HTML record's payload)
        pass
    return int(getattr(raw, "limit", 0) or 0)


def _find(stream: io.BufferedIOBase, magic: bytes, position: int) -> int | None:
    """Offset of the next ``magic`` at or after ``position``."""
    stream.seek(position)
    chunk_size = 1 << 20
    base = position
    tail = b""
    while True:
        chunk = stream.read(chunk_size)
        if not chunk:
            return None
        window = tail + chunk
        found = window.find(magic)
        if found >= 0:
            return base - len(tail) + found
        tail = window[-(len(magic) - 1) :]
        base += len(chunk)


def _warc_html_body(warc_record: Any) -> bytes | None:
    """The payload of an HTML response or resource record, else None."""
    if warc_record.rec_type not in ("response", "resource"):
        return None
    headers = warc_record.http_headers if warc_record.http_headers is not None else warc_record.rec_headers
    if "html" not in (headers.get_header("Content-Type") or "").lower():
        return None
    body: bytes = warc_record.content_stream().read()
    return body


def _warc_item(warc_record: Any, body: bytes, record: str) -> Item:
    url = warc_record.rec_headers.get_header("WARC-Target-URI")
    item = extract_html(body, url=url, record=record)
    if isinstance(item, RawArticle) and not item.published:
        warc_date = warc_record.rec_headers.get_header("WARC-Date")
        item = RawArticle(**{**item.__dict__, "published": warc_date})
    return item

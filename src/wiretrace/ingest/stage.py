"""Ingest: files, folders and stdin become stored articles or recorded rejections.

Article ids come from the normalised text, so the same article read from a .txt, an HTML
page, a JSON line or a WARC record gets the same id and is stored once. Articles are
written in batches of whole files, each batch one transaction: a run killed mid-way
leaves a store that opens, and the rerun adds only what is missing.
"""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import io
import re
import unicodedata
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlparse

from wiretrace.config import IngestSettings
from wiretrace.ingest import formats
from wiretrace.ingest.formats import RawArticle, Rejected
from wiretrace.records import Article, Rejection
from wiretrace.store import Store

STDIN = "-"
_BATCH_ARTICLES = 500
_QUOTES = str.maketrans(
    {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00ab": '"', "\u00bb": '"'}
)
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class IngestResult:
    """What one ingest run did."""

    added: list[str] = field(default_factory=list)  # ids of articles new to the store
    already_stored: int = 0  # articles read that the store already had
    rejections: list[Rejection] = field(default_factory=list)
    files_read: int = 0
    skipped: list[str] = field(default_factory=list)  # files in folders that are of no readable type

    @property
    def ok(self) -> bool:
        return not self.rejections


def normalise_for_id(text: str) -> str:
    """The form of a text that decides its id: case, quotes, Unicode forms and spacing ignored."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).casefold()
    return _SPACE.sub(" ", text).strip()


def article_id(text: str) -> str:
    """Stable id of an article: 16 hex digits of the SHA-256 of its normalised text."""
    return hashlib.sha256(normalise_for_id(text).encode("utf-8")).hexdigest()[:16]


_HAS_YEAR = re.compile(r"(?<!\d)(?:1[89]\d\d|20\d\d|21\d\d)(?!\d)")
_EPOCH = re.compile(r"\d{9,10}")  # seconds since 1970, as some feeds write dates


def normalise_date(value: str | None) -> str | None:
    """An ISO 8601 date (or datetime when a time is given) from common date spellings."""
    if not value:
        return None
    candidate = value.strip()
    if not _HAS_YEAR.search(candidate) and not _EPOCH.fullmatch(candidate):
        # "yesterday", "3 days ago", "1e308": a date field must say which day, not be read as the
        # day of ingest (the parser resolves relative words against the clock)
        return None
    try:
        parsed = datetime.fromisoformat(candidate.replace("Z", "+00:00"))
    except ValueError:
        import dateparser

        parsed = dateparser.parse(
            candidate, settings={"STRICT_PARSING": False, "PREFER_DAY_OF_MONTH": "first"}
        )
        if parsed is None:
            return None
    has_time = bool(re.search(r"\d:\d", candidate))
    return parsed.isoformat() if has_time else parsed.date().isoformat()


def outlet_from_url(url: str | None) -> str | None:
    """The web domain of a URL, as the outlet the input itself names."""
    if not url:
        return None
    host = urlparse(url if "//" in url else f"//{url}").hostname or ""
    host = host.removeprefix("www.")
    return host or None


def expand_paths(paths: Sequence[str], skipped: list[str] | None = None) -> Iterator[str]:
    """Files named, files under folders named (recursive, supported types only), and ``-``.

    Files in a folder of a type no reader takes are left out, and listed in ``skipped``.
    """
    for name in paths:
        if name == STDIN:
            yield name
            continue
        path = Path(name)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if not child.is_file() or child.name.startswith("."):
                    continue
                if _kind(child.name):
                    yield str(child)
                elif skipped is not None:
                    skipped.append(str(child))
        else:
            yield name


def _kind(name: str) -> str | None:
    """Reader kind for a file name (gzip of a text format included), or None if unsupported."""
    lower = name.lower()
    if lower.endswith(".warc.gz"):
        return "warc.gz"
    if lower.endswith(".gz"):
        lower = lower[:-3]
    for ext, kind in (
        (".txt", "text"),
        (".md", "text"),
        (".html", "html"),
        (".htm", "html"),
        (".jsonl", "jsonl"),
        (".ndjson", "jsonl"),
        (".json", "json"),
        (".csv", "csv"),
        (".rss", "feed"),
        (".atom", "feed"),
        (".xml", "feed"),
        (".warc", "warc"),
    ):
        if lower.endswith(ext):
            return kind
    return None


def _open(path: str, stdin: BinaryIO | None) -> BinaryIO:
    """Binary stream for a path, decompressing .gz transparently."""
    if path == STDIN:
        if stdin is None:
            raise FileNotFoundError("no standard input")
        return stdin
    handle: BinaryIO = open(path, "rb")  # noqa: SIM115 - closed by the caller
    if path.lower().endswith(".gz") and not path.lower().endswith(".warc.gz"):
        return gzip.GzipFile(fileobj=handle)  # type: ignore[return-value]
    return handle


def _read_limited(stream: BinaryIO, limit: int) -> bytes:
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise _TooLarge(limit)
    return data


class _TooLarge(Exception):
    def __init__(self, limit: int) -> None:
        self.limit = limit


def _sniff(data: bytes) -> str:
    head = data.lstrip()[:200].lower()
    if head.startswith((b"{", b"[")):
        return "json"
    if head.startswith((b"<rss", b"<feed", b"<rdf:rdf")) or (
        head.startswith(b"<?xml") and re.search(rb"<(?:rss|feed|rdf:rdf)\b", data[:2000].lower())
    ):
        return "feed"
    if head.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<article", b"<")):
        return "html"
    if head.startswith(b"warc/"):
        return "warc"
    return "text"


_URL = re.compile(r"https?://", re.IGNORECASE)
_URL_LIMIT = 1 << 26  # 64 MiB: a page or a feed, not a crawl (save crawls as WARC files)


def is_url(path: str) -> bool:
    """True for an http(s) address given where a file could be."""
    return bool(_URL.match(path))


def _read_url(url: str, settings: IngestSettings) -> Iterator[formats.Item]:
    """The article(s) at an http(s) address: an HTML page, a feed, JSON or plain text."""
    import urllib.error
    import urllib.request

    from wiretrace import __version__

    request = urllib.request.Request(url, headers={"User-Agent": f"wiretrace/{__version__}"})
    offline = "check the address and the network; or save the page and ingest the file"
    try:
        with urllib.request.urlopen(request, timeout=settings.fetch_timeout) as response:
            data = _read_limited(response, _URL_LIMIT)
    except urllib.error.HTTPError as error:
        yield Rejected(None, f"the server answered HTTP {error.code} {error.reason}", offline)
        return
    except (urllib.error.URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", error)
        yield Rejected(None, f"could not fetch the address: {reason}", offline)
        return
    except _TooLarge:
        yield Rejected(None, f"larger than {_URL_LIMIT:,} bytes", "save it as a file and ingest that")
        return
    yield from _read_data(_sniff(data), data, settings, url)


def _read_data(
    kind: str, data: bytes, settings: IngestSettings, url: str | None = None
) -> Iterator[formats.Item]:
    """The items of one input's bytes, by reader kind; ``url``: where they were fetched from."""
    if kind == "text":
        for item in formats.read_text(data):
            if isinstance(item, RawArticle) and url and not item.url:
                item = dataclasses.replace(item, url=url)
            yield item
    elif kind == "html":
        yield formats.extract_html(data, url=url)
    elif kind == "json":
        yield from formats.read_json(data, settings)
    elif kind == "csv":
        yield from formats.read_csv(data, settings)
    elif kind == "warc":
        yield from formats.read_warc(io.BytesIO(data), compressed=False)
    elif kind == "feed":
        yield from formats.read_feed(data)


def read_items(path: str, settings: IngestSettings, stdin: BinaryIO | None = None) -> Iterator[formats.Item]:
    """Every article or rejection in one input (file, http(s) address or ``-``); never raises."""
    if is_url(path):
        yield from _read_url(path, settings)
        return
    kind = "stdin" if path == STDIN else _kind(path)
    if kind is None:
        yield Rejected(
            None,
            f"unsupported file type {Path(path).suffix or '(no extension)'}",
            "supported: " + ", ".join(formats.SUPPORTED) + " (and .gz of the text formats)",
        )
        return
    try:
        if kind in ("warc", "warc.gz"):
            with open(path, "rb") as handle:
                yield from formats.read_warc(handle, compressed=kind == "warc.gz")
            return
        with _open(path, stdin) as stream:
            if kind == "jsonl":
                yield from formats.read_jsonl(_lines(stream, settings.max_article_bytes), settings)
                return
            limit = settings.max_article_bytes if kind in ("text", "html", "stdin") else 1 << 31
            data = _read_limited(stream, limit)
    except FileNotFoundError:
        yield Rejected(
            None, "no such file or folder", "check the path (relative paths start at the current folder)"
        )
        return
    except IsADirectoryError:
        yield Rejected(None, "is a folder that could not be listed", "check the path")
        return
    except PermissionError:
        yield Rejected(
            None, "permission denied: the file cannot be read", "make it readable (chmod a+r FILE)"
        )
        return
    except _TooLarge as too_large:
        yield Rejected(
            None,
            f"larger than the {too_large.limit:,}-byte limit for one article",
            "split it into articles, or raise [ingest] max_article_bytes in wiretrace.toml",
        )
        return
    except (EOFError, gzip.BadGzipFile, zlib.error) as error:
        yield Rejected(
            None, f"truncated or corrupt gzip data: {error}", "re-download or re-compress the file"
        )
        return
    except OSError as error:
        yield Rejected(None, f"cannot read the file: {error}", "check the disk and the file's permissions")
        return
    if not data.strip():
        yield Rejected(None, "empty file", "remove it or fill it with the article text")
        return
    yield from _read_data(_sniff(data) if kind == "stdin" else kind, data, settings)


def _lines(stream: BinaryIO, limit: int) -> Iterator[bytes]:
    """Lines of a stream, each at most ``limit`` bytes (a longer one is skipped and yields
    ``formats.TOO_LARGE``, which the reader rejects with the size limit as the reason)."""
    try:
        while True:
            line = stream.readline(limit + 1)
            if not line:
                return
            if len(line) > limit:
                while line and not line.endswith(b"\n"):
                    line = stream.readline(limit + 1)
                yield formats.TOO_LARGE
                continue
            yield line
    except (EOFError, gzip.BadGzipFile, zlib.error) as error:
        raise _TruncatedLines(str(error)) from error


class _TruncatedLines(Exception):
    pass


# C0 control characters but tab, newline and carriage return, and the non-characters
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
# a surrogate code point left alone (a JSON "\ud800" escape): never valid text, and unencodable
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")


def clean_text(value: str) -> str:
    """Text as every format stores it: control characters dropped, a lone surrogate replaced by
    U+FFFD (which UTF-8 can encode), Windows line ends made plain."""
    value = _LONE_SURROGATE.sub("\ufffd", value)
    return _CONTROL.sub("", value.replace("\r\n", "\n"))


def _clean_field(value: str | None) -> str | None:
    return (clean_text(value).strip() or None) if value is not None else None


def finish(raw: RawArticle, path: str, source_format: str, settings: IngestSettings) -> Article | Rejected:
    """An Article from raw fields: id, normalised date, outlet only when the input says it."""
    text = clean_text(raw.text).strip()
    if len(text) < settings.min_text_chars:
        return Rejected(
            raw.record,
            f"no main text (only {len(text)} characters)",
            f"articles need at least {settings.min_text_chars} characters of text",
        )
    if len(text.encode("utf-8")) > settings.max_article_bytes:
        return Rejected(
            raw.record,
            f"article text larger than the {settings.max_article_bytes:,}-byte limit",
            "raise [ingest] max_article_bytes in wiretrace.toml",
        )
    url = _clean_field(raw.url)
    return Article(
        article_id=article_id(text),
        text=text,
        title=_clean_field(raw.title),
        url=url,
        outlet=_clean_field(raw.outlet) or outlet_from_url(url),
        author=_clean_field(raw.author),
        published=normalise_date(_clean_field(raw.published)),
        source_path="<stdin>" if path == STDIN else path,
        source_record=raw.record,
        source_format=source_format,
    )


def file_records(
    path: str, settings: IngestSettings, stdin: BinaryIO | None = None
) -> Iterator[Article | Rejection]:
    """Every article and rejection of one input, in input order (the Ray path reads files with it too)."""
    source_path = "<stdin>" if path == STDIN else path
    source_format = "stdin" if path == STDIN else "url" if is_url(path) else (_kind(path) or "unknown")
    try:
        items_seen = 0
        for item in read_items(path, settings, stdin):
            items_seen += 1
            result = finish(item, path, source_format, settings) if isinstance(item, RawArticle) else item
            if isinstance(result, Rejected):
                yield Rejection(source_path, result.record, result.reason, result.hint)
            else:
                yield result
        if not items_seen:
            yield Rejection(
                source_path, None, "no articles found in the file", "check its contents and format"
            )
    except _TruncatedLines as error:
        yield Rejection(source_path, None, f"truncated or corrupt gzip data: {error}", "re-compress the file")
    except RecursionError:
        yield Rejection(
            source_path,
            None,
            "nested too deeply to read (thousands of levels)",
            "flatten the file's structure",
        )
    except Exception as error:  # a reader's bug must cost this input only, never the batch
        yield Rejection(
            source_path,
            None,
            f"could not be read: {type(error).__name__}: {error}",
            "report this file to the wiretrace issue tracker; the other inputs were read",
        )


def ingest_paths(
    paths: Sequence[str],
    store: Store,
    settings: IngestSettings,
    stdin: BinaryIO | None = None,
    on_file: Callable[[str], None] | None = None,
) -> IngestResult:
    """Read every input and store new articles; bad inputs become recorded rejections.

    Args:
        paths: files, folders (read recursively) and ``-`` for standard input.
        store: an open, writable store.
        settings: the ingest section of the settings.
        stdin: the binary stream ``-`` reads.
        on_file: called with each path once it is read (progress display).
    Returns:
        ids added, how many were already stored, and the rejections of this run.
    Example:
        with Store("wiretrace.duckdb") as store:
            result = ingest_paths(["articles/"], store, IngestSettings())
    """
    added: list[str] = []
    already = 0
    rejections: list[Rejection] = []
    pending: dict[str, Article] = {}
    pending_rejections: list[Rejection] = []
    files_read = 0

    def flush() -> None:
        nonlocal already
        if pending:
            existing = store.existing_article_ids(list(pending))
            new_rows = [a for a in pending.values() if a.article_id not in existing]
            store.insert_new(Article, new_rows)
            added.extend(a.article_id for a in new_rows)
            already += len(pending) - len(new_rows)
            pending.clear()
        if pending_rejections:
            store.insert_new(Rejection, pending_rejections)
            pending_rejections.clear()

    skipped: list[str] = []
    for path in expand_paths(paths, skipped):
        files_read += 1
        source_path = "<stdin>" if path == STDIN else path
        file_rejections: list[Rejection] = []
        for result in file_records(path, settings, stdin):
            if isinstance(result, Rejection):
                file_rejections.append(result)
            elif result.article_id in pending:
                already += 1
            else:
                pending[result.article_id] = result
                if len(pending) >= _BATCH_ARTICLES:
                    flush()  # a single big file (a JSONL dump of millions) streams too
        store.clear_rejections(source_path)
        pending_rejections.extend(file_rejections)
        rejections.extend(file_rejections)
        if on_file:
            on_file(path)
    flush()
    own = Path(store.path).resolve()
    others = [p for p in skipped if Path(p).resolve() not in (own, own.with_name(own.name + ".wal"))]
    return IngestResult(added, already, rejections, files_read, others)

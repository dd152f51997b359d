"""The offline HTML report: one self-contained file per run, readable with no network.

Styles and the one small script are inlined and allowed by hash in the page's
Content-Security-Policy, so nothing else can run even if an article smuggles markup past
escaping; figures are inline SVG; the base map ships with the package (``basemap.py``).
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import jinja2
from markupsafe import Markup

from wiretrace import __version__ as version
from wiretrace.present.views import Reader, StoryView, anchor, story_view
from wiretrace.records import Story
from wiretrace.store import Store


@dataclass(frozen=True)
class ReportResult:
    """Where the report was written and what it holds."""

    path: str
    stories: int
    articles: int
    claims: int
    missing_story_ids: list[str]
    bytes: int


def environment() -> jinja2.Environment:
    """The Jinja2 environment of the package templates, autoescaping everything."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("wiretrace.present", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def asset(name: str) -> str:
    """A packaged static file (CSS or JS) as text."""
    return resources.files("wiretrace.present").joinpath(f"templates/{name}").read_text(encoding="utf-8")


def csp_hash(text: str) -> str:
    """The CSP source expression allowing exactly this inline element body."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def _in_page(article_id: str, start: int, end: int) -> str:
    if start < 0 or end <= start:
        return f"#article-{article_id}"
    return "#" + anchor(article_id, start, end)


def select_stories(reader: Reader, story_ids: Sequence[str]) -> tuple[list[Story], list[str]]:
    """The named stories (all of them, largest first, when none is named) and the ids not found."""
    if story_ids:
        found = [reader.story(i) for i in story_ids]
        return [s for s in found if s is not None], [
            i for i, s in zip(story_ids, found, strict=True) if s is None
        ]
    stories = reader.load(Story)
    stories.sort(key=lambda s: (-len(s.article_ids), s.date_start or "", s.story_id))
    return stories, []


def render_report(
    store: Store, story_ids: Sequence[str] = (), title: str = "wiretrace report", generated: str | None = None
) -> tuple[str, list[StoryView], list[str]]:
    """The report's HTML text for the named stories (every story when none is named).

    Args:
        store: an open store.
        story_ids: stories to include, in this order; empty for all.
        title: the page title.
        generated: the time shown as the report's date (default: now, UTC).
    Returns:
        (html, the story views rendered, story ids that were not found).
    Example:
        html, views, missing = render_report(Store("wiretrace.duckdb", read_only=True))
    """
    reader = Reader(store)
    stories, missing = select_stories(reader, story_ids)
    views = [story_view(reader, story, _in_page) for story in stories]
    included = {story.story_id for story in stories}
    css, js = asset("wiretrace.css"), asset("wiretrace.js")
    # no network, no plugins, no forms: only the inline style and script named by hash
    csp = (
        f"default-src 'none'; style-src {csp_hash(css)}; script-src {csp_hash(js)}; img-src data:; "
        "base-uri 'none'; form-action 'none'"
    )
    stale = ""
    if reader.missing:
        stale = (
            f"The store's tables {', '.join(sorted(reader.missing))} are missing or from an older version "
            "of wiretrace, so their sections are empty: re-run `wiretrace analyze`."
        )
    empty = "No stories in the store yet: run `wiretrace analyze PATH...` first."
    html = (
        environment()
        .get_template("report.html")
        .render(
            title=title,
            views=views,
            css=Markup(css),
            js=Markup(js),
            csp=csp,
            version=version,
            db=Path(store.path).name,
            generated=generated or dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            empty_note=empty,
            stale_note=stale,
            article_href=lambda article_id: f"#article-{article_id}",
            # a story left out of this report has no section to jump to
            story_href=lambda story_id: f"#story-{story_id}" if story_id in included else "",
        )
    )
    return html, views, missing


def write_report(
    store: Store, out: str | Path, story_ids: Sequence[str] = (), title: str = "wiretrace report"
) -> ReportResult:
    """Render the report and write it to ``out``.

    Args:
        store: an open store.
        out: the HTML file to write.
        story_ids: stories to include; empty for all.
        title: the page title.
    Returns:
        what was written, with the story ids that were not found.
    Example:
        result = write_report(store, "report.html", ["s-1"])
    """
    html, views, missing = render_report(store, story_ids, title)
    target = Path(out)
    target.write_text(html, encoding="utf-8")
    return ReportResult(
        path=str(target),
        stories=len(views),
        articles=sum(len(v.articles) for v in views),
        claims=sum(v.claim_count for v in views),
        missing_story_ids=missing,
        bytes=len(html.encode("utf-8")),
    )

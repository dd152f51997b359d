"""The report and the web app in a real headless Chromium (Debian's), as a user would use them.

Pages must load with no console error (a CSP violation is one), following a claim link must
highlight its span in the article text, and hostile article content must never run script (an
alert would open a dialog). Screenshots land in tests/screenshots/ for review.

Without /usr/bin/chromium these tests skip (install it with ``apt-get install chromium``);
under ``CI=true`` a missing browser fails them instead.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner
from ui_store import build_store

from wiretrace.cli import app as cli_app
from wiretrace.present.views import parse_anchor
from wiretrace.records import Article
from wiretrace.store import Store

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples" / "corpus"
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"


def _missing(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: the browser tests must run; `make browser` installs chromium)")
    pytest.skip(f"{reason}: install it with `apt-get install chromium` to run the browser tests")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        _missing(f"no chromium at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the playwright package is not installed (pip install -e '.[dev]')")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield chromium
        chromium.close()


@dataclass
class Watched:
    """A page with every console error, page error and dialog it produced."""

    page: Any
    problems: list[str] = field(default_factory=list)


@pytest.fixture
def tab(browser: Any) -> Iterator[Watched]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    watched = Watched(page)
    page.on(
        "console",
        lambda m: watched.problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None,
    )
    page.on("pageerror", lambda e: watched.problems.append(f"page error: {e}"))

    def on_dialog(dialog: Any) -> None:
        watched.problems.append(f"dialog opened: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    yield watched
    context.close()


def _shot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.fixture(scope="module")
def example_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("example") / "example.duckdb"
    result = CliRunner().invoke(cli_app, ["analyze", str(EXAMPLES), "--db", str(db)])
    assert db.exists(), result.output
    return db


@pytest.fixture(scope="module")
def ui_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("ui") / "ui.duckdb"
    build_store(db)
    return db


def _report(db: Path, out: Path) -> Path:
    result = CliRunner().invoke(cli_app, ["report", "-o", str(out), "--db", str(db)])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def servers() -> Iterator[dict[Path, str]]:
    """Started app servers by store path (one uvicorn thread each, stopped at the end)."""
    import uvicorn

    from wiretrace.present.web import create_app

    running: dict[Path, tuple[str, Any, threading.Thread]] = {}

    class Urls(dict[Path, str]):
        def __missing__(self, db: Path) -> str:
            with socket.socket() as probe:
                probe.bind(("127.0.0.1", 0))
                port = probe.getsockname()[1]
            server = uvicorn.Server(
                uvicorn.Config(
                    create_app(db, allowed_hosts=["127.0.0.1"]),
                    host="127.0.0.1",
                    port=port,
                    log_level="warning",
                )
            )
            thread = threading.Thread(target=server.run, daemon=True)
            thread.start()
            deadline = time.monotonic() + 20
            while not server.started and time.monotonic() < deadline:
                time.sleep(0.05)
            url = f"http://127.0.0.1:{port}"
            running[db] = (url, server, thread)
            self[db] = url
            return url

    yield Urls()
    for _url, server, thread in running.values():
        server.should_exit = True
        thread.join(timeout=5)


def _article_text(db: Path, article_id: str) -> str:
    with Store(db, read_only=True) as store:
        return store.load(Article, "article_id = ?", [article_id])[0].text


def _click_span_link(tab: Watched, db: Path, selector: str) -> str:
    """Click the first span link matching ``selector``; returns the highlighted text (checked)."""
    page = tab.page
    link = page.locator(selector).first
    href = link.get_attribute("href")
    link.click()
    page.wait_for_function("document.querySelectorAll('mark.hit').length > 0", timeout=5000)
    article_id, start, end = parse_anchor(href.rpartition("#")[2])
    highlighted = "".join(page.locator("mark.hit").all_inner_texts())
    assert " ".join(highlighted.split()) == " ".join(_article_text(db, article_id)[start:end].split())
    assert page.locator("mark.hit").first.is_visible()
    return highlighted


def test_report_of_the_example_corpus(tab: Watched, example_db: Path, tmp_path: Path) -> None:
    report = _report(example_db, tmp_path / "example.html")
    fetched: list[str] = []
    tab.page.on(
        "request", lambda r: fetched.append(r.url) if not r.url.startswith(("file:", "data:")) else None
    )
    tab.page.goto(report.as_uri())
    assert tab.page.locator("section.story").count() >= 1
    _shot(tab.page, "report-example")
    # a claim cell when claims exist, else an aligned sentence: either opens its highlighted span
    claims = tab.page.locator("a.claimlink").count()
    if claims == 0:
        tab.page.locator("details.aligned summary").first.click()
    _click_span_link(tab, example_db, "a.claimlink" if claims else "details.aligned .who a")
    _shot(tab.page, "report-example-after-click")
    assert tab.problems == []
    assert fetched == []  # offline: the report asks the network for nothing


def test_report_sections_and_hostile_text(tab: Watched, ui_db: Path, tmp_path: Path) -> None:
    report = _report(ui_db, tmp_path / "ui.html")
    tab.page.goto(report.as_uri())
    assert tab.page.locator("svg.graph").count() >= 2
    highlighted = _click_span_link(tab, ui_db, "a.claimlink")
    assert highlighted == "Repairs to the quay are complete and inspections found no damage"
    tab.page.locator("a[href='#story-s2']").click()
    tab.page.locator("#article-b1 summary").click()
    _shot(tab.page, "report-sections-and-hostile")
    # the hostile headline is on screen as text, and nothing it carries ever ran
    assert "<script>" in tab.page.locator("#story-s2 h1").first.inner_text()
    assert tab.problems == []


def test_app_on_the_example_corpus(tab: Watched, example_db: Path, servers: dict[Path, str]) -> None:
    base = servers[example_db]
    tab.page.goto(base + "/")
    stories = tab.page.locator("table.stories a")
    assert stories.count() >= 1
    _shot(tab.page, "app-story-list")
    stories.first.click()
    tab.page.wait_for_load_state()
    assert tab.page.locator("p.overview").count() == 1
    _shot(tab.page, "app-story")
    claims = tab.page.locator("a.claimlink").count()
    if claims == 0:
        tab.page.locator("details.aligned summary").first.click()
    _click_span_link(tab, example_db, "a.claimlink" if claims else "details.aligned .who a")
    _shot(tab.page, "app-article-highlighted")
    tab.page.goto(base + "/search?q=the")
    tab.page.goto(base + "/api")
    assert tab.page.locator("code", has_text="/api/stories").count() >= 1
    assert tab.problems == []


def test_app_filters_pages_and_hostile_content(tab: Watched, ui_db: Path, servers: dict[Path, str]) -> None:
    base = servers[ui_db]
    tab.page.goto(base + "/")
    tab.page.fill("form.filters input[name=q]", "ferry")
    tab.page.locator("form.filters button").click()
    tab.page.wait_for_load_state()
    assert tab.page.locator("table.stories a").all_inner_texts() == ["Ferry line to resume, harbour says"]
    tab.page.goto(base + "/stories/s1")
    _shot(tab.page, "app-story-sections")
    highlighted = _click_span_link(tab, ui_db, "a.claimlink")
    assert highlighted == "Repairs to the quay are complete and inspections found no damage"
    tab.page.goto(base + "/speakers/Ingrid%20Dahl")
    assert tab.page.locator("a.claimlink").count() == 3
    for url in ("/stories/s2", "/articles/b1", "/search?q=wrong"):
        tab.page.goto(base + url)
    _shot(tab.page, "app-hostile")
    tab.page.goto(base + "/articles/b1")
    assert "onerror" in tab.page.locator("div.article-text").inner_text()  # shown, not run
    assert tab.problems == []

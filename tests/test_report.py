"""The offline HTML report: every section, links to highlighted spans, offline, escaped, robust."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import duckdb
import pytest
from html_checks import marked_text, parse, unsafe_markup
from typer.testing import CliRunner
from ui_store import HOSTILE, build_store, make

from wiretrace.cli import app
from wiretrace.records import Article, Story
from wiretrace.report import render_report, write_report
from wiretrace.store import Store
from wiretrace.views import parse_anchor, record_type


@pytest.fixture
def ui_db(tmp_path: Path) -> Path:
    path = tmp_path / "ui.duckdb"
    build_store(path)
    return path


def _render(db: Path, stories: tuple[str, ...] = ()) -> str:
    with Store(db, read_only=True) as store:
        html, _views, missing = render_report(store, stories)
    assert not missing
    return html


def test_report_has_every_section_of_a_story(ui_db: Path) -> None:
    page = parse(_render(ui_db, ("s1",)))
    overview = page.find("p", class_="overview")[0].text
    # the provenance stage's own summary sentence, then the label
    assert "3 articles, 5 claims, 1 named upstream origin; no independent confirmation" in overview
    assert "independence: single source" in overview
    relations = [row.text for row in page.find("tr")[1:4]]
    assert "likely original" in relations[0] and "near copy" in relations[1] and "rewrite" in relations[2]
    cells = [a.text for a in page.find("a", class_="claimlink")]
    # the quote carried verbatim twice and reworded once; the date claim reported twice
    assert cells.count("quoted") == 2 and "paraphrased" in cells and cells.count("reported") == 2
    assert len(page.find("svg", class_="graph")) == 2
    node_titles = [e.text for e in page.find("title")]
    assert "Ingrid Dahl (Tromsø harbour authority)" in node_titles  # speaker with the affiliation
    assert "Nordwire (wire agency)" in node_titles
    deleted = [e.text for e in page.find("del", class_="d")]
    inserted = [e.text for e in page.find("ins", class_="d")]
    assert "4" in deleted and "6" in inserted  # the date divergence: only the differing word is marked
    assert "200" in deleted and "500" in inserted  # an aligned sentence pair that differs: 1,200 vs 1,500
    if record_type("Place") is not None:
        assert any("Tromsø" in e.text for e in page.find("text", class_="placename"))
        assert page.find("rect")  # the base map's land is drawn
    assert page.find("svg", class_="timeline")


def test_every_claim_link_opens_its_highlighted_span(ui_db: Path) -> None:
    with Store(ui_db, read_only=True) as store:
        claims = {
            (c.article_id, c.content_start, c.content_end): c.content
            for c in store.load(record_type("Claim"))
        }
    page = parse(_render(ui_db))
    links = [a.attrs["href"] for a in page.find("a", class_="claimlink")]
    assert len(links) == len(claims)
    for href in links:
        article_id, start, end = parse_anchor(href.removeprefix("#"))
        assert href.removeprefix("#") in page.ids  # a real anchor: works even with scripts off
        assert marked_text(page, article_id, start, end) == claims[(article_id, start, end)]


def test_report_is_self_contained_and_locked_down(ui_db: Path) -> None:
    html = _render(ui_db)
    page = parse(html)
    assert not page.find("link") and not page.find("img")
    assert all("src" not in e.attrs for e in page.elements)  # nothing is fetched: no src anywhere
    csp = page.find("meta", **{"http-equiv": "Content-Security-Policy"})[0].attrs["content"]
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp
    for tag in ("style", "script"):
        body = re.search(rf"<{tag}>(.*?)</{tag}>", html, re.S)
        assert body is not None
        digest = base64.b64encode(hashlib.sha256(body.group(1).encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp  # the one inline block of each kind is allowed by hash


def test_hostile_article_text_is_shown_as_text(ui_db: Path) -> None:
    html = _render(ui_db)
    page = parse(html)
    assert unsafe_markup(page, allowed_scripts=1) == []
    assert HOSTILE not in html  # never verbatim: always escaped
    assert any(HOSTILE in e.text for e in page.find("h1"))  # but readable, as text
    assert any("javascript:alert(3)" in e.text for e in page.find("span", class_="muted"))


def test_report_of_an_empty_store_says_so(tmp_path: Path) -> None:
    with Store(tmp_path / "empty.duckdb") as store:
        html, views, _ = render_report(store)
    assert views == []
    assert "No stories in the store yet" in parse(html).find("p", class_="note")[0].text


def test_stages_that_produced_nothing_are_named_not_fatal(tmp_path: Path) -> None:
    article = make(Article, article_id="x1", text="Some text that says a thing happened.", outlet="Outlet")
    story = make(Story, story_id="s9", article_ids=("x1",), headline="A story with nothing else")
    with Store(tmp_path / "bare.duckdb") as store:
        store.insert_new(Article, [article])
        store.replace(Story, [story])
        html, views, _ = render_report(store)
    notes = " ".join(e.text for e in parse(html).find("p", class_="note"))
    assert "No claims extracted for this story yet" in notes
    assert "Claim groups not computed yet" not in notes or views[0].matrix == []
    assert "No places with coordinates" in notes
    assert "not computed yet" in views[0].overview


def test_a_store_missing_newer_tables_still_renders(ui_db: Path) -> None:
    connection = duckdb.connect(str(ui_db))
    for table in (
        "claims",
        "claim_groups",
        "divergences",
        "places",
        "place_mentions",
        "events",
        "alignments",
    ):
        connection.execute(f"DROP TABLE IF EXISTS {table}")
    connection.close()
    connection = duckdb.connect(str(ui_db))
    connection.execute("ALTER TABLE pairs DROP COLUMN kind")  # a column added by a later version
    connection.close()
    page = parse(_render(ui_db, ("s1",)))
    notes = " ".join(e.text for e in page.find("p", class_="note"))
    assert "No claims extracted" in notes
    assert "re-run `wiretrace analyze`" in notes and "pairs" in notes and "claims" in notes
    assert page.ids.get("art-a1") is not None


def test_cli_report_writes_the_file_and_flags_unknown_stories(ui_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    result = CliRunner().invoke(app, ["report", "s1", "-o", str(out), "--db", str(ui_db)])
    assert result.exit_code == 0, result.output
    assert "1 story, 3 article(s), 5 claim(s)" in " ".join(result.output.split())
    assert "Ferry line to resume" in out.read_text(encoding="utf-8")
    missing = CliRunner().invoke(app, ["report", "nope", "-o", str(out), "--db", str(ui_db)])
    assert missing.exit_code == 1
    absent = CliRunner().invoke(app, ["report", "--db", str(tmp_path / "none.duckdb")])
    assert absent.exit_code == 2


def test_write_report_counts(ui_db: Path, tmp_path: Path) -> None:
    with Store(ui_db, read_only=True) as store:
        result = write_report(store, tmp_path / "all.html")
    assert (result.stories, result.articles, result.claims) == (2, 4, 6)
    assert result.bytes == len((tmp_path / "all.html").read_bytes())

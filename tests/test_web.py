"""The web app through FastAPI's TestClient: pages, filters, search, the JSON API and safety headers."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from fastapi.testclient import TestClient
from html_checks import marked_text, parse, unsafe_markup
from typer.testing import CliRunner
from ui_store import HOSTILE, build_store

from wiretrace.cli import app as cli_app
from wiretrace.present.web import create_app
from wiretrace.store import Store


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    path = tmp_path_factory.mktemp("web") / "ui.duckdb"
    build_store(path)
    return TestClient(create_app(path))


def _story_titles(client: TestClient, query: str) -> list[str]:
    page = parse(client.get("/" + query).text)
    return [a.text for a in page.find("a") if a.attrs.get("href", "").startswith("/stories/")]


def test_story_list_search_and_filters(client: TestClient) -> None:
    assert len(_story_titles(client, "")) == 2
    assert _story_titles(client, "?q=ferry") == ["Ferry line to resume, harbour says"]
    assert _story_titles(client, "?q=no-such-headline") == []
    assert _story_titles(client, "?outlet=coastal") == ["Ferry line to resume, harbour says"]
    assert _story_titles(client, "?min_articles=2") == ["Ferry line to resume, harbour says"]
    assert _story_titles(client, "?date_from=2026-02-28") == ["Bridge " + HOSTILE]
    assert _story_titles(client, "?date_to=2026-02-26") == ["Ferry line to resume, harbour says"]
    assert "No story matches these filters" in client.get("/?q=zzz").text


def test_story_page_links_claims_to_highlighted_article_spans(client: TestClient) -> None:
    page = parse(client.get("/stories/s1").text)
    assert "no independent confirmation" in page.find("p", class_="overview")[0].text
    links = [a.attrs["href"] for a in page.find("a", class_="claimlink")]
    assert len(links) == 5
    for href in links:
        url = urlparse(href)
        article_id = url.path.rsplit("/", 1)[1]
        start, end = (int(x) for x in parse_qs(url.query)["span"][0].split("-"))
        article_page = parse(client.get(href).text)
        hits = [m.text for m in article_page.find("mark", class_="hit")]
        assert "".join(hits) == marked_text(article_page, article_id, start, end)
        assert url.fragment in article_page.ids
    first = parse(client.get(links[0]).text)
    assert "".join(m.text for m in first.find("mark", class_="hit")) == (
        "Repairs to the quay are complete and inspections found no damage"
    )


def test_article_page_highlights_every_claim(client: TestClient) -> None:
    page = parse(client.get("/articles/a1").text)
    claims = {m.text for m in page.find("mark", class_="k-claim")}
    assert "Repairs to the quay are complete and inspections found no damage" in claims
    assert "the northern ferry line will resume on 4 March" in claims
    assert not page.find("mark", class_="hit")  # nothing targeted without ?span=
    assert any(a.attrs.get("href") == "/stories/s1" for a in page.find("a"))


def test_speaker_outlet_and_search_pages(client: TestClient) -> None:
    speaker = parse(client.get("/speakers/Ingrid%20Dahl").text)
    assert len(speaker.find("a", class_="claimlink")) == 3  # across all three articles
    outlet = parse(client.get("/outlets/Nordwire").text)
    titles = [a.text for a in outlet.find("a") if a.attrs.get("href", "").startswith("/articles/a1")]
    assert "Ferry line to resume, harbour says" in titles
    assert len(outlet.find("a", class_="claimlink")) == 2  # claims credited "told Nordwire"
    found = parse(client.get("/search?q=QUAY inspections").text)
    assert len(found.find("a", class_="claimlink")) == 2  # every word must match, any case
    assert (
        parse(client.get("/search?q=50%25_").text).find("a", class_="claimlink") == []
    )  # LIKE chars literal


def test_json_api_and_its_schema(client: TestClient) -> None:
    listing = client.get("/api/stories", params={"q": "ferry"}).json()
    assert listing["total"] == 1 and listing["stories"][0]["articles"] == 3
    detail = client.get("/api/stories/s1").json()
    assert [a["article_id"] for a in detail["articles"]] == ["a1", "a2", "a3"]
    assert len(detail["claims"]) == 5
    assert "claim_groups" in detail["stages"] and len(detail["stages"]["claim_groups"]) == 2
    hits = client.get("/api/claims", params={"q": "quay"}).json()
    assert {h["outlet"] for h in hits} == {"Nordwire", "Coastal Daily", "Aggregator Hub"}
    assert len(client.get("/api/speakers/Ingrid Dahl").json()["claims"]) == 3
    assert client.get("/api/articles/a1").json()["story_ids"] == ["s1"]
    assert client.get("/api/stories/nope").status_code == 404
    schema = client.get("/openapi.json").json()
    assert {"/api/stories", "/api/stories/{story_id}", "/api/claims", "/api/articles/{article_id}"} <= set(
        schema["paths"]
    )
    assert "StoryList" in schema["components"]["schemas"]
    docs = client.get("/api").text
    assert "/api/stories/{story_id}" in docs


def test_every_response_is_locked_down(client: TestClient) -> None:
    for url in ("/", "/stories/s2", "/articles/b1", "/api/stories", "/nope", "/static/wiretrace.css"):
        headers = client.get(url).headers
        csp = headers["content-security-policy"]
        assert "default-src 'none'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["server-timing"].startswith("app;dur=")  # server time, for devtools and the bench


def test_hostile_content_is_escaped_everywhere(client: TestClient) -> None:
    pages = ["/", "/stories/s2", "/articles/b1", f"/outlets/{HOSTILE}", "/search?q=wrong"]
    pages += ["/speakers/the%20spokesman", "/search?q=" + HOSTILE]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert HOSTILE not in response.text, url
        assert unsafe_markup(parse(response.text), allowed_scripts=1) == [], url
    article = parse(client.get("/articles/b1").text)
    assert any("javascript:alert(3)" in e.text for e in article.find("span", class_="muted"))


def test_missing_things_are_404_pages(client: TestClient) -> None:
    response = client.get("/stories/<b>x<b>")
    assert response.status_code == 404 and "No story &lt;b&gt;x&lt;b&gt;" in response.text
    assert client.get("/articles/nope").status_code == 404


def test_empty_store_explains_what_to_run(tmp_path: Path) -> None:
    Store(tmp_path / "empty.duckdb").close()
    empty = TestClient(create_app(tmp_path / "empty.duckdb"))
    assert "The store holds no articles yet" in empty.get("/").text
    assert empty.get("/api/stories").json()["total"] == 0


def test_serve_binds_localhost_unless_told(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    Store(tmp_path / "s.duckdb").close()
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr("uvicorn.run", lambda app, **kw: calls.append(kw))
    runner = CliRunner()
    assert runner.invoke(cli_app, ["serve", "--db", str(tmp_path / "s.duckdb")]).exit_code == 0
    assert (
        runner.invoke(cli_app, ["serve", "--db", str(tmp_path / "s.duckdb"), "--port", "9001"]).exit_code == 0
    )
    assert calls[0]["host"] == "127.0.0.1" and calls[0]["port"] == 8000 and calls[1]["port"] == 9001
    assert runner.invoke(cli_app, ["serve", "--db", str(tmp_path / "missing.duckdb")]).exit_code == 2


def test_a_local_app_answers_only_local_host_names(tmp_path: Path) -> None:
    Store(tmp_path / "s.duckdb").close()
    local = TestClient(create_app(tmp_path / "s.duckdb", allowed_hosts=["127.0.0.1", "localhost"]))
    assert local.get("/api/stories", headers={"host": "127.0.0.1:8000"}).status_code == 200
    assert local.get("/api/stories", headers={"host": "attacker.example"}).status_code == 400


def test_story_page_links_the_other_stories_of_its_storyline(tmp_path: Path) -> None:
    from ui_store import make

    from wiretrace.records import Story, Storyline

    path = tmp_path / "line.duckdb"
    build_store(path)
    with Store(path) as store:
        stories = store.load(Story)
        linked = [dataclasses.replace(s, storyline_id="line-1") for s in stories]
        store.replace_many(
            {
                Story: linked,
                Storyline: [make(Storyline, storyline_id="line-1", story_ids=("s1", "s2"), label="harbour")],
            }
        )
    page = parse(TestClient(create_app(path)).get("/stories/s1").text)
    line = page.find("p", class_="storyline")[0]
    assert "Ferry line to resume" in line.text and "2026-03-01" in line.text
    assert any(a.attrs.get("href") == "/stories/s2" for a in page.find("a"))


def test_concurrent_readers_get_the_same_views(tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from wiretrace.present.views import Reader, story_view

    path = tmp_path / "c.duckdb"
    build_store(path)
    reader = Reader(Store(path, read_only=True))

    def overview(story_id: str) -> tuple[str, int]:
        view = story_view(reader, reader.story(story_id), lambda a, s, e: f"#{a}-{s}-{e}")
        return view.overview, len(view.matrix)

    expected = {sid: overview(sid) for sid in ("s1", "s2")}
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(overview, ["s1", "s2"] * 8))
    assert results == [expected["s1"], expected["s2"]] * 8


def test_out_of_range_parameters_are_a_422_not_a_500(client: TestClient) -> None:
    for url in ("/api/stories?offset=100000000000000000000", "/api/stories?limit=0", "/?page=1e20"):
        assert client.get(url).status_code == 422, url
    assert client.get("/api/stories?offset=5").status_code == 200


def test_head_answers_like_get_without_a_body(client: TestClient) -> None:
    for url in ("/", "/api/stories", "/static/wiretrace.css"):
        got, head = client.get(url), client.head(url)
        assert head.status_code == got.status_code == 200, url
        assert head.content == b"" and head.headers["content-type"] == got.headers["content-type"]

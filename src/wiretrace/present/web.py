"""The local web app: server-rendered pages over the store, and a JSON API under ``/api``.

Pages share their story view with the HTML report (``views.py``). The store is opened read
only; every response carries a strict Content-Security-Policy (scripts and styles from this
server only, nothing inline), and every piece of article text goes through Jinja2
autoescaping, because articles are hostile input.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from pydantic import BaseModel, Field

from wiretrace import __version__ as version
from wiretrace.present import views
from wiretrace.present.report import asset, environment
from wiretrace.records import Article, Claim, Pair, Story
from wiretrace.store import TABLES, Store

CSP = (
    "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self' data:; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
PAGE_SIZE = 50
STORY_CACHE = 64  # story views kept in memory
SEARCH_LIMIT = 200


# -- API models (the OpenAPI schema documents these) -----------------------------------------------


class StorySummary(BaseModel):
    """One line of the story list."""

    story_id: str
    headline: str
    articles: int
    date_start: str | None
    date_end: str | None
    storyline_id: str | None
    independence: str = Field("", description="story independence label, '' when not computed")


class StoryList(BaseModel):
    """A page of stories matching the filters, largest first."""

    total: int
    offset: int
    limit: int
    stories: list[StorySummary]


class StoryDetail(BaseModel):
    """A story with its articles, pairs and claims, plus every other stage's rows for it."""

    story: Story
    overview: str
    articles: list[Article]
    pairs: list[Pair]
    claims: list[Claim]
    stages: dict[str, list[dict[str, Any]]] = Field(
        description="rows of the other stage tables that name this story (claim_groups, divergences...)"
    )


class ArticleDetail(BaseModel):
    """An article, its claims and the stories it belongs to."""

    article: Article
    claims: list[Claim]
    story_ids: list[str]


class ClaimHit(BaseModel):
    """A claim found by search, with its article's outlet and story."""

    claim: Claim
    outlet: str | None
    story_id: str | None


class SpeakerDetail(BaseModel):
    """Everything one speaker is reported to have said, across stories."""

    speaker: str
    claims: list[ClaimHit]


class OutletDetail(BaseModel):
    """An outlet's articles and the claims credited to it as the via outlet."""

    outlet: str
    registry: dict[str, Any] | None = Field(description="the source registry entry, when listed")
    articles: list[Article]
    claims_via: list[ClaimHit]


# -- queries ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StoryFilters:
    """The story list's search and filters."""

    q: str = ""
    outlet: str = ""
    min_articles: int = 1
    date_from: str = ""
    date_to: str = ""
    independence: str = ""
    offset: int = 0
    limit: int = PAGE_SIZE


def _like(term: str) -> str:
    """An ILIKE pattern matching ``term`` literally anywhere."""
    return "%" + re.sub(r"([\\%_])", r"\\\1", term) + "%"


class Site:
    """The app's read access to one store."""

    def __init__(self, db: str | Path) -> None:
        self.db = Path(db)
        self.reader = views.Reader(Store(self.db, read_only=True))
        self.env = environment()
        self.env.filters["q"] = lambda value: quote(str(value), safe="")
        tables = {row[0] for row in self.reader.sql("SELECT table_name FROM duckdb_tables()")}
        self.has_independence = "independence" in tables
        # the store is open read only, which locks writers out, so a story's view cannot go stale
        # while the app runs: going back to a story after following a claim costs nothing
        self.story_view = functools.lru_cache(maxsize=STORY_CACHE)(self._story_view)

    def _story_view(self, story_id: str) -> views.StoryView | None:
        story = self.reader.story(story_id)
        if story is None:
            return None
        return views.story_view(self.reader, story, article_link, with_texts=False)

    def stories(self, f: StoryFilters) -> StoryList:
        where, params = ["len(s.article_ids) >= ?"], [max(f.min_articles, 1)]
        if f.q:
            where.append("s.headline ILIKE ? ESCAPE '\\'")
            params.append(_like(f.q))  # type: ignore[arg-type]
        if f.date_from:
            where.append("coalesce(s.date_end, s.date_start, '') >= ?")
            params.append(f.date_from)  # type: ignore[arg-type]
        if f.date_to:
            where.append("coalesce(s.date_start, '9999') <= ?")
            params.append(f.date_to + "\uffff")  # type: ignore[arg-type]
        if f.outlet:
            # one pass over the unnested membership list: list_has_any per story was 1.7 s at 100k
            where.append(
                "s.story_id IN (SELECT story_id FROM "
                "(SELECT story_id, unnest(article_ids) AS a FROM stories) "
                "WHERE a IN (SELECT article_id FROM articles WHERE outlet ILIKE ? ESCAPE '\\'))"
            )
            params.append(_like(f.outlet))  # type: ignore[arg-type]
        label = "''"
        join = ""
        if self.has_independence:
            join = "LEFT JOIN independence i ON i.scope = 'story' AND i.story_id = s.story_id"
            label = "coalesce(i.label, '')"
            if f.independence:
                where.append("i.label = ?")
                params.append(f.independence)  # type: ignore[arg-type]
        base = f"FROM stories s {join} WHERE {' AND '.join(where)}"
        total = self.reader.sql(f"SELECT count(*) {base}", params)
        rows = self.reader.sql(
            f"SELECT s.story_id, s.headline, len(s.article_ids) AS n, s.date_start, s.date_end, "
            f"s.storyline_id, {label} {base} ORDER BY n DESC, s.date_start DESC NULLS LAST, s.story_id "
            "LIMIT ? OFFSET ?",
            [*params, f.limit, f.offset],
        )
        return StoryList(
            total=total[0][0] if total else 0,
            offset=f.offset,
            limit=f.limit,
            stories=[StorySummary(**dict(zip(StorySummary.model_fields, row, strict=True))) for row in rows],
        )

    def independence_labels(self) -> list[str]:
        if not self.has_independence:
            return []
        return [r[0] for r in self.reader.sql("SELECT DISTINCT label FROM independence ORDER BY label")]

    def hits(self, claims: list[Claim]) -> list[ClaimHit]:
        """Claims with their article's outlet and story."""
        ids = sorted({c.article_id for c in claims})
        outlets = {a.article_id: a.outlet for a in self.reader.load_in(Article, ("article_id",), ids)}
        stories = self.reader.stories_of_articles(ids)
        return [
            ClaimHit(claim=c, outlet=outlets.get(c.article_id), story_id=stories.get(c.article_id))
            for c in claims
        ]

    def search_claims(self, q: str, limit: int = SEARCH_LIMIT) -> list[ClaimHit]:
        """Claims whose content, speaker or via outlet contains every word of ``q``."""
        terms = q.split()
        if not terms:
            return []
        clause = "(content ILIKE ? ESCAPE '\\' OR speaker ILIKE ? ESCAPE '\\' OR speaker_canonical ILIKE ? "
        clause += "ESCAPE '\\' OR via_outlet ILIKE ? ESCAPE '\\')"
        params = [p for t in terms for p in [_like(t)] * 4]
        matching = (
            f"SELECT claim_id FROM claims WHERE {' AND '.join([clause] * len(terms))} LIMIT {int(limit)}"
        )
        claims = self.reader.load(Claim, f"claim_id IN ({matching})", params)
        return self.hits(claims)

    def speaker(self, name: str) -> list[ClaimHit]:
        return self.hits(self.reader.load(Claim, "speaker_canonical = ? OR speaker = ?", [name, name]))

    def outlet(self, name: str) -> OutletDetail:
        articles = self.reader.load(Article, "outlet = ?", [name])
        via = self.hits(self.reader.load(Claim, "via_outlet = ?", [name]))
        return OutletDetail(outlet=name, registry=_registry_entry(name), articles=articles, claims_via=via)


def _registry_entry(name: str) -> dict[str, Any] | None:
    """The source registry's entry for an outlet name, when the registry knows it."""
    try:
        from wiretrace.provenance.sources import get_registry

        source = get_registry().lookup(name)
    except Exception:  # noqa: BLE001 - the registry is optional context on this page
        return None
    if source is None:
        return None
    return {k: v for k, v in dataclasses.asdict(source).items() if isinstance(v, str | bool | int)}


def _span(value: str) -> tuple[int, int] | None:
    match = re.fullmatch(r"(\d+)-(\d+)", value or "")
    return (int(match.group(1)), int(match.group(2))) if match else None


def article_link(article_id: str, start: int, end: int) -> str:
    """The app URL of an article with one span highlighted (server side and by fragment)."""
    base = f"/articles/{quote(article_id, safe='')}"
    if start < 0 or end <= start:
        return base
    return f"{base}?span={start}-{end}#{views.anchor(article_id, start, end)}"


# the largest offset a query takes: beyond it DuckDB's integers overflow (a 422, not a 500)
MAX_OFFSET = 2**31 - 1


def create_app(db: str | Path, allowed_hosts: list[str] | None = None) -> FastAPI:
    """The web app over the store at ``db`` (opened read only).

    Args:
        db: the DuckDB store file.
        allowed_hosts: Host headers to answer (None: any); ``serve`` limits a local app to local names.
    Returns:
        a FastAPI app; serve it with uvicorn (``wiretrace serve``).
    Example:
        app = create_app("wiretrace.duckdb")
    """
    site = Site(db)
    app = FastAPI(
        title="wiretrace",
        version=version,
        description="Stories, claims, provenance and divergences of the articles in a wiretrace store.",
        # Swagger UI loads its scripts from a CDN: the schema is at /openapi.json, described at /api
        docs_url=None,
        redoc_url=None,
    )
    app.state.site = site
    if allowed_hosts:
        from starlette.middleware.trustedhost import TrustedHostMiddleware

        # a web page elsewhere can point a DNS name at 127.0.0.1 and read the local API (DNS rebinding)
        app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts)

    @app.middleware("http")
    async def head_like_get(request: Request, call_next: Any) -> Response:
        """HEAD answers as GET would, headers only (routes are declared for GET)."""
        if request.method != "HEAD":
            return await call_next(request)
        request.scope["method"] = "GET"
        response: Response = await call_next(request)
        return Response(status_code=response.status_code, headers=dict(response.headers))

    @app.middleware("http")
    async def security_headers(request: Request, call_next: Any) -> Response:
        started = time.perf_counter()
        response: Response = await call_next(request)
        # the time the app spent on the request, for the browser's devtools and bench/web_speed.py
        response.headers["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.1f}"
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["X-Frame-Options"] = "DENY"
        return response

    def page(name: str, status: int = 200, **context: Any) -> HTMLResponse:
        html = site.env.get_template(name).render(
            db=site.db.name,
            version=version,
            article_href=lambda a: article_link(a, -1, -1),
            story_href=lambda s: f"/stories/{quote(s, safe='')}",
            stale=sorted(site.reader.missing),
            **context,
        )
        return HTMLResponse(html, status_code=status)

    def not_found(what: str) -> HTMLResponse:
        return page("error.html", 404, title="Not found", message=what)

    @app.get("/static/wiretrace.css", include_in_schema=False)
    def css() -> Response:
        return PlainTextResponse(asset("wiretrace.css"), media_type="text/css")

    @app.get("/static/wiretrace.js", include_in_schema=False)
    def js() -> Response:
        return PlainTextResponse(asset("wiretrace.js"), media_type="text/javascript")

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index(
        q: str = "",
        outlet: str = "",
        min_articles: int = Query(1, ge=0, le=MAX_OFFSET),
        date_from: str = "",
        date_to: str = "",
        independence: str = "",
        page_number: int = Query(1, alias="page", ge=1, le=MAX_OFFSET // PAGE_SIZE),
    ) -> HTMLResponse:
        filters = StoryFilters(
            q, outlet, min_articles, date_from, date_to, independence, (page_number - 1) * PAGE_SIZE
        )
        result = site.stories(filters)
        counts = {name: site.reader.sql(f"SELECT count(*) FROM {name}") for name in ("articles", "claims")}
        return page(
            "index.html",
            title="Stories",
            result=result,
            f=filters,
            page_number=page_number,
            labels=site.independence_labels(),
            counts={k: (v[0][0] if v else 0) for k, v in counts.items()},
        )

    @app.get("/stories/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    def story_page(story_id: str) -> HTMLResponse:
        view = site.story_view(story_id)
        if view is None:
            return not_found(f"No story {story_id} in this store.")
        return page("story.html", title=view.story.headline, v=view)

    @app.get("/articles/{article_id}", response_class=HTMLResponse, include_in_schema=False)
    def article_page(article_id: str, span: str = "") -> HTMLResponse:
        article = site.reader.article(article_id)
        if article is None:
            return not_found(f"No article {article_id} in this store.")
        claims = site.reader.load(Claim, "article_id = ?", [article_id])
        claims.sort(key=lambda c: (c.content_start, c.claim_id))  # in reading order
        mentions = site.reader.load_in(views.record_type("PlaceMention"), ("article_id",), [article_id])
        spans = [views.MarkedSpan(m.start, m.end, "place", f"place: {m.text} ({m.status})") for m in mentions]
        spans += [
            views.MarkedSpan(c.content_start, c.content_end, "claim", c.speaker or "unattributed")
            for c in claims
        ]
        spans += [
            views.MarkedSpan(c.speaker_start, c.speaker_end, "speaker")
            for c in claims
            if c.speaker_start >= 0
        ]
        hit = _span(span)
        if hit:
            spans.append(views.MarkedSpan(hit[0], hit[1], "target"))
        story_ids = sorted(set(site.reader.stories_of_articles([article_id]).values()))
        signals = site.reader.load_in(views.record_type("Signal"), ("article_id",), [article_id])
        signals.sort(key=lambda s: (-s.weight, s.start, s.kind))
        spans += [views.MarkedSpan(s.start, s.end, "signal", s.kind) for s in signals if s.start >= 0]
        profile = next(
            iter(site.reader.load_in(views.record_type("RewriteProfile"), ("article_id",), [article_id])),
            None,
        )
        return page(
            "article.html",
            title=article.title or article.article_id,
            a=article,
            claims=claims,
            signals=signals,
            profile=profile,
            segs=views.segments(article, spans, hit),
            story_ids=story_ids,
            link=article_link,
        )

    @app.get("/speakers/{name:path}", response_class=HTMLResponse, include_in_schema=False)
    def speaker_page(name: str) -> HTMLResponse:
        return page(
            "claims.html",
            title=f"Speaker: {name}",
            heading=name,
            kind="speaker",
            hits=site.speaker(name),
            link=article_link,
        )

    @app.get("/outlets/{name:path}", response_class=HTMLResponse, include_in_schema=False)
    def outlet_page(name: str) -> HTMLResponse:
        return page("outlet.html", title=f"Outlet: {name}", o=site.outlet(name), link=article_link)

    @app.get("/search", response_class=HTMLResponse, include_in_schema=False)
    def search_page(q: str = "") -> HTMLResponse:
        return page(
            "claims.html",
            title=f"Search: {q}",
            heading=q,
            kind="search",
            hits=site.search_claims(q),
            link=article_link,
            q=q,
        )

    @app.get("/api", response_class=HTMLResponse, include_in_schema=False)
    def api_page() -> HTMLResponse:
        return page("api.html", title="JSON API", schema=app.openapi())

    @app.get("/api/stories", response_model=StoryList, summary="List stories (search and filters)")
    def api_stories(
        q: str = "",
        outlet: str = "",
        min_articles: int = Query(1, ge=0, le=MAX_OFFSET),
        date_from: str = "",
        date_to: str = "",
        independence: str = "",
        offset: int = Query(0, ge=0, le=MAX_OFFSET),
        limit: int = Query(PAGE_SIZE, ge=1, le=1000),
    ) -> StoryList:
        """Stories whose headline contains ``q``, with at least ``min_articles``, from ``outlet``..."""
        return site.stories(
            StoryFilters(q, outlet, min_articles, date_from, date_to, independence, offset, limit)
        )

    @app.get("/api/stories/{story_id}", response_model=StoryDetail, summary="One story with its records")
    def api_story(story_id: str) -> StoryDetail:
        view = site.story_view(story_id)
        if view is None:
            raise HTTPException(404, f"no story {story_id}")
        story = view.story
        ids = list(story.article_ids)
        stages = {}
        for record_type, (table, _key) in TABLES.items():
            fields = {f.name for f in dataclasses.fields(record_type)}
            if "story_id" in fields and record_type is not Story:
                rows = site.reader.load(record_type, "story_id = ?", [story_id])
                stages[table] = [dataclasses.asdict(r) for r in rows]
        return StoryDetail(
            story=story,
            overview=view.overview,
            articles=[r.article for r in view.articles],
            pairs=site.reader.load_in(Pair, ("article_a",), ids),
            claims=site.reader.load_in(Claim, ("article_id",), ids),
            stages=stages,
        )

    @app.get(
        "/api/articles/{article_id}", response_model=ArticleDetail, summary="One article with its claims"
    )
    def api_article(article_id: str) -> ArticleDetail:
        article = site.reader.article(article_id)
        if article is None:
            raise HTTPException(404, f"no article {article_id}")
        claims = site.reader.load(Claim, "article_id = ?", [article_id])
        story_ids = sorted(set(site.reader.stories_of_articles([article_id]).values()))
        return ArticleDetail(article=article, claims=claims, story_ids=story_ids)

    @app.get("/api/claims", response_model=list[ClaimHit], summary="Full-text search over claims")
    def api_claims(q: str, limit: int = Query(SEARCH_LIMIT, ge=1, le=5000)) -> list[ClaimHit]:
        """Claims whose content, speaker or via outlet contain every word of ``q`` (case-insensitive)."""
        return site.search_claims(q, limit)

    @app.get("/api/speakers/{name:path}", response_model=SpeakerDetail, summary="Everything a speaker said")
    def api_speaker(name: str) -> SpeakerDetail:
        return SpeakerDetail(speaker=name, claims=site.speaker(name))

    @app.get(
        "/api/outlets/{name:path}", response_model=OutletDetail, summary="An outlet's articles and credits"
    )
    def api_outlet(name: str) -> OutletDetail:
        return site.outlet(name)

    return app


def serve(db: str | Path, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Run the app with uvicorn until interrupted (binds 127.0.0.1 unless told otherwise)."""
    import uvicorn

    local = host in ("127.0.0.1", "localhost", "::1")
    hosts = ["127.0.0.1", "localhost", "[::1]"] if local else None
    uvicorn.run(create_app(db, allowed_hosts=hosts), host=host, port=port, log_level="warning")

"""The ``wiretrace`` command line: parses arguments, calls one library function, prints.

Exit codes: 0 success, 1 partial or failed run (some inputs rejected), 2 usage error.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from wiretrace import export as export_module
from wiretrace import pipeline
from wiretrace.config import ConfigError, Settings, load_settings
from wiretrace.ingest import IngestResult, ingest_paths
from wiretrace.records import Rejection
from wiretrace.store import Store, StoreError

app = typer.Typer(
    help="wiretrace: where news comes from — stories, copies, claims, provenance, divergences.",
    no_args_is_help=True,
    add_completion=False,
)
console = Console()
err = Console(stderr=True)

DbOption = Annotated[Path, typer.Option("--db", help="The DuckDB store file.")]
ConfigOption = Annotated[
    Path | None, typer.Option("--config", help="A TOML settings file (default ./wiretrace.toml if present).")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]
DEFAULT_DB = Path("wiretrace.duckdb")


def fail(message: str, code: int = 2) -> None:
    """Print an error with its fix and exit."""
    # escaped: messages name settings like [ingest] and extras like wiretrace[ray], not markup
    err.print(f"[bold red]error:[/] {escape(message)}")
    raise typer.Exit(code)


def settings_from(config: Path | None, overrides: dict[str, dict[str, Any]] | None = None) -> Settings:
    try:
        return load_settings(config, overrides)
    except ConfigError as error:
        fail(str(error))
        raise  # unreachable, for type checkers


def open_store(db: Path, read_only: bool = False) -> Store:
    if read_only and not db.exists():
        fail(f"no store at {db}: run `wiretrace analyze PATH... --db {db}` first, or pass --db FILE")
    try:
        return Store(db, read_only=read_only)
    except StoreError as error:
        fail(str(error))
        raise


def print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=1, default=str) + "\n")


def _field_overrides(fields: list[str]) -> dict[str, dict[str, Any]]:
    """``--field text=body`` puts ``body`` first among the names read for ``text``."""
    defaults = Settings().ingest
    overrides: dict[str, Any] = {}
    for mapping in fields:
        target, _, source = mapping.partition("=")
        key = f"{target.strip()}_fields"
        if not source or not hasattr(defaults, key):
            targets = "text, url, title, date, outlet, author"
            fail(f"--field {mapping!r}: use TARGET=NAME with TARGET one of {targets}")
        overrides[key] = (source.strip(), *getattr(defaults, key))
    return {"ingest": overrides} if overrides else {}


def _ingest(paths: list[str], store: Store, settings: Settings) -> IngestResult:
    stdin = sys.stdin.buffer if "-" in paths else None
    if not sys.stderr.isatty():
        return ingest_paths(paths, store, settings.ingest, stdin=stdin)
    from rich.progress import Progress

    with Progress(console=err, transient=True) as progress:
        task = progress.add_task("ingesting", total=None)
        return ingest_paths(
            paths, store, settings.ingest, stdin=stdin, on_file=lambda _p: progress.advance(task)
        )


def _print_rejections(rejections: list[Rejection]) -> None:
    if not rejections:
        return
    table = Table(title=f"{len(rejections)} input(s) rejected", title_justify="left")
    for column in ("file", "record", "reason", "fix"):
        table.add_column(column, overflow="fold")
    for rejection in rejections:
        table.add_row(rejection.source_path, rejection.source_record or "", rejection.reason, rejection.hint)
    err.print(table)


PathsArgument = Annotated[list[str], typer.Argument(help="Files, folders (recursive) or - for stdin.")]
FieldOption = Annotated[
    list[str] | None,
    typer.Option(
        "--field", help="Map an input field for json/jsonl/csv, e.g. --field text=body (repeatable)."
    ),
]


@app.command()
def ingest(
    paths: PathsArgument,
    db: DbOption = DEFAULT_DB,
    config: ConfigOption = None,
    field: FieldOption = None,
    as_json: JsonOption = False,
) -> None:
    """Read articles (txt, md, html, json, jsonl, csv, rss, atom, xml, warc, gz) into the store."""
    settings = settings_from(config, _field_overrides(field or []))
    with open_store(db) as store:
        result = _ingest(paths, store, settings)
    if as_json:
        print_json(
            {
                "added": result.added,
                "already_stored": result.already_stored,
                "rejections": [r.__dict__ for r in result.rejections],
                "skipped": result.skipped,
            }
        )
    else:
        console.print(
            f"{len(result.added)} new article(s), {result.already_stored} already stored, "
            f"{len(result.rejections)} rejected, from {result.files_read} input(s) into {db}"
        )
        _print_skipped(result.skipped)
        _print_rejections(result.rejections)
    raise typer.Exit(0 if result.ok else 1)


@app.command()
def analyze(
    paths: Annotated[list[str] | None, typer.Argument(help="Inputs to ingest first (optional).")] = None,
    db: DbOption = DEFAULT_DB,
    config: ConfigOption = None,
    field: FieldOption = None,
    as_json: JsonOption = False,
    engine: Annotated[
        str, typer.Option("--engine", help="embedded (the DuckDB store) or ray (Ray Data, writes Parquet).")
    ] = "embedded",
    address: Annotated[
        str | None, typer.Option("--address", help="Ray cluster to use (default: start a local one).")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Folder for the Parquet tables (--engine ray).")
    ] = None,
) -> None:
    """Ingest PATHS (if any), then run every analysis stage over the store and summarise."""
    settings = settings_from(config, _field_overrides(field or []))
    if engine != "embedded":
        _analyze_ray(engine, paths or [], out, address, settings, as_json)
    with open_store(db) as store:
        result = _ingest(paths, store, settings) if paths else IngestResult()
        summary = pipeline.analyze(store, settings)
    if as_json:
        print_json(
            {
                "counts": summary.counts,
                "new_articles": len(result.added),
                "rejections": [r.__dict__ for r in result.rejections],
                "skipped": result.skipped,
                "notes": summary.notes,
            }
        )
    else:
        table = Table(title=f"wiretrace analysis of {db}", title_justify="left")
        table.add_column("records")
        table.add_column("count", justify="right")
        for name, count in summary.counts.items():
            table.add_row(name, str(count))
        console.print(table)
        if paths:
            console.print(f"{len(result.added)} new article(s), {result.already_stored} already stored.")
        for note in summary.notes:
            console.print(note)
        _print_skipped(result.skipped)
        _print_rejections(result.rejections)
    raise typer.Exit(0 if result.ok else 1)


def _print_skipped(skipped: list[str]) -> None:
    """One line on the files in the folders that no reader takes (by extension)."""
    if not skipped:
        return
    kinds = Counter(Path(p).suffix.lower() or "(no extension)" for p in skipped)
    listed = ", ".join(f"{kind} ({count})" for kind, count in kinds.most_common())
    console.print(
        f"skipped {len(skipped)} file(s) in the folders that are of no readable type: {listed}; "
        "name a file itself to see why it cannot be read"
    )


def _analyze_ray(
    engine: str, paths: list[str], out: Path | None, address: str | None, settings: Settings, as_json: bool
) -> None:
    """``analyze --engine ray``: the pipeline on Ray Data, tables written as Parquet to ``out``."""
    from wiretrace import scale

    if engine != "ray":
        fail(f"unknown --engine {engine!r}; valid: embedded, ray")
    if not paths or out is None:
        fail("--engine ray needs input PATH... and --out DIR (then `wiretrace import DIR --db FILE`)")
    try:
        result = scale.analyze_ray(paths, str(out), settings, scale.ScaleOptions(address=address))
    except scale.ScaleError as error:
        fail(str(error))
        raise
    if as_json:
        print_json(
            {
                "out": result.out,
                "counts": result.counts,
                "seconds": result.seconds,
                "rejections": [r.__dict__ for r in result.rejections],
            }
        )
    else:
        table = Table(title=f"wiretrace analysis on Ray, Parquet tables in {out}", title_justify="left")
        table.add_column("records")
        table.add_column("count", justify="right")
        for name, count in result.counts.items():
            table.add_row(name, str(count))
        console.print(table)
        console.print(f"load them into a store with: wiretrace import {out} --db wiretrace.duckdb")
        _print_rejections(result.rejections)
    raise typer.Exit(1 if result.rejections else 0)


@app.command("import")
def import_command(
    folder: Annotated[Path, typer.Argument(help="Folder of Parquet tables (analyze --engine ray --out).")],
    db: DbOption = DEFAULT_DB,
    as_json: JsonOption = False,
) -> None:
    """Load Parquet tables written by `analyze --engine ray` (or `export --format parquet`) into the store."""
    from wiretrace.importer import ImportFailed, import_parquet

    with open_store(db) as store:
        try:
            result = import_parquet(folder, store)
        except ImportFailed as error:
            fail(str(error))
            raise
    if as_json:
        print_json({"read": result.read, "stored": result.stored})
    else:
        read = ", ".join(f"{count} {name}" for name, count in result.read.items() if count)
        console.print(f"imported {read or 'no records'} from {folder} into {db}")


@app.command("export")
def export_command(
    out: Annotated[Path, typer.Option("-o", "--out", help="Output file (json) or folder (csv, parquet).")],
    format: Annotated[
        str, typer.Option("--format", help="One of: " + ", ".join(export_module.EXPORTERS) + ".")
    ] = "json",
    db: DbOption = DEFAULT_DB,
) -> None:
    """Write the store's records as JSON, CSV or Parquet."""
    if format not in export_module.EXPORTERS:
        fail(f"unknown --format {format!r}; valid: {', '.join(export_module.EXPORTERS)}")
    with open_store(db, read_only=True) as store:
        result = export_module.export(store, format, out)
    counts = ", ".join(f"{count} {name}" for name, count in result.counts.items() if count)
    console.print(f"wrote {result.path}: {counts or 'no records'}")


@app.command()
def rejections(db: DbOption = DEFAULT_DB, as_json: JsonOption = False) -> None:
    """List the inputs the store could not ingest, with the reason and the fix."""
    with open_store(db, read_only=True) as store:
        rows = store.load(Rejection)
    if as_json:
        print_json([r.__dict__ for r in rows])
    elif rows:
        _print_rejections(rows)
    else:
        console.print("no rejected inputs")


@app.command("stories")
def stories_command(
    db: DbOption = DEFAULT_DB,
    min_size: Annotated[int, typer.Option("--min-size", help="Hide stories with fewer articles.")] = 1,
    as_json: JsonOption = False,
) -> None:
    """List the stories: size, kinds of pairs, date range, top names, headline."""
    from wiretrace.story_views import list_stories

    with open_store(db, read_only=True) as store:
        rows = list_stories(store, min_size)
    if as_json:
        print_json([row.__dict__ for row in rows])
        return
    table = Table(title=f"{len(rows)} stories in {db}", title_justify="left")
    for column in ("story", "size", "pairs", "dates", "top names", "headline"):
        # ids stay whole: users copy them into `wiretrace show STORY`
        table.add_column(column, justify="right" if column == "size" else "left", no_wrap=column == "story")
    for row in rows:
        dates = " .. ".join(dict.fromkeys(d for d in (row.date_start, row.date_end) if d)) or "-"
        table.add_row(
            row.story_id,
            str(row.size),
            " ".join(row.pair_kinds) or "-",
            dates,
            ", ".join(row.top_entities[:4]),
            row.headline,
        )
    console.print(table)


@app.command()
def show(
    story: Annotated[str, typer.Argument(help="A story id from `wiretrace stories`.")],
    db: DbOption = DEFAULT_DB,
    as_json: JsonOption = False,
) -> None:
    """Show one story: its articles, likely original, labelled pairs and sentence alignment."""
    from wiretrace.story_views import UnknownStory, story_detail

    with open_store(db, read_only=True) as store:
        try:
            detail = story_detail(store, story)
        except UnknownStory:
            fail(f"no such story: {story}; list them with `wiretrace stories --db {db}`", 1)
            return
    if as_json:
        print_json(detail.to_json())
        return
    head = detail.story
    console.print(f"[bold]{head.story_id}[/] {head.headline}")
    console.print(f"likely original: {head.likely_original} ({'; '.join(head.original_reasons)})")
    if head.storyline_id:
        console.print(f"storyline: {head.storyline_id}")
    articles = Table(title="articles", title_justify="left")
    for column in ("article", "outlet", "published", "title"):
        articles.add_column(column)
    for article in detail.articles:
        articles.add_row(
            article.article_id, article.outlet or "?", article.published or "-", article.title or ""
        )
    console.print(articles)
    pairs = Table(title="pairs", title_justify="left")
    for column in ("a", "b", "kind", "score", "jaccard", "cosine", "aligned", "shared names"):
        pairs.add_column(column)
    for pair in detail.pairs:
        pairs.add_row(
            pair.article_a,
            pair.article_b,
            pair.kind,
            f"{pair.score:.2f}",
            f"{pair.minhash_jaccard:.2f}",
            f"{pair.embedding_cosine:.2f}",
            f"{pair.aligned_fraction:.0%}",
            ", ".join(pair.shared_entities[:5]),
        )
    console.print(pairs)
    aligned = Table(
        title="aligned sentences (unique sentences are counted, not listed)", title_justify="left"
    )
    for column in ("a:sentence", "b:sentence", "score", "text a", "text b"):
        aligned.add_column(column, overflow="fold")
    unique: dict[str, int] = {}
    for row in detail.alignments:
        if row.sentence_a >= 0 and row.sentence_b >= 0:
            aligned.add_row(
                f"{row.article_a}:{row.sentence_a}",
                f"{row.article_b}:{row.sentence_b}",
                f"{row.score:.2f}",
                row.text_a[:120],
                row.text_b[:120],
            )
        else:
            key = f"{row.article_a} vs {row.article_b}"
            unique[key] = unique.get(key, 0) + 1
    console.print(aligned)
    for key, count in unique.items():
        console.print(f"{key}: {count} sentence(s) found in one article only")


@app.command()
def storylines(db: DbOption = DEFAULT_DB, as_json: JsonOption = False) -> None:
    """List the storylines: stories about one subject over time, in date order."""
    from wiretrace.story_views import list_storylines

    with open_store(db, read_only=True) as store:
        views = list_storylines(store)
    if as_json:
        print_json([{**v.storyline.__dict__, "stories": [s.__dict__ for s in v.stories]} for v in views])
        return
    if not views:
        console.print("no storylines (no two stories share their subject)")
        return
    for view in views:
        line = view.storyline
        dates = " .. ".join(dict.fromkeys(d for d in (line.date_start, line.date_end) if d)) or "undated"
        table = Table(title=f"{line.storyline_id}: {line.label} ({dates})", title_justify="left")
        for column in ("story", "size", "dates", "headline"):
            table.add_column(column, no_wrap=column == "story")
        for story in view.stories:
            table.add_row(story.story_id, str(story.size), story.date_start or "-", story.headline)
        console.print(table)


@app.command("provenance")
def provenance_command(
    ident: Annotated[str, typer.Argument(help="A claim id, claim group id or story id.")],
    db: DbOption = DEFAULT_DB,
    as_json: JsonOption = False,
) -> None:
    """Show where a claim or story comes from: claim groups, provenance chains, independence."""
    from wiretrace.provenance_views import UnknownProvenanceId, provenance_of

    with open_store(db, read_only=True) as store:
        try:
            view = provenance_of(store, ident)
        except UnknownProvenanceId:
            fail(
                f"no claim, claim group or story {ident!r} in {db}; list stories with `wiretrace stories`", 1
            )
            return
    if as_json:
        print_json(view.to_json())
        return
    # a story lists its groups: show those carried by several articles or backed by several origins
    shown = [
        r
        for r in view.independence
        if view.scope != "story"
        or r.scope == "story"
        or r.articles > 1
        or r.label in ("one_party", "independently_corroborated")
    ]
    for row in shown:
        console.print(f"[bold]{row.scope} {row.scope_id}[/]: {row.label} - {row.summary}")
    if len(shown) < len(view.independence):
        hidden = len(view.independence) - len(shown)
        console.print(f"({hidden} groups found in one article and backed by one source or none not shown)")
    table = Table(title=f"provenance chains ({view.scope} {ident})", title_justify="left")
    for column in ("claim", "article", "speaker", "affiliation", "via", "outlet", "party", "content"):
        table.add_column(column, overflow="fold")
    for chain in view.chains:
        claim = view.claims.get(chain.claim_id)
        via = chain.via_outlet + (f" (from {chain.via_from_article})" if chain.via_from_article else "")
        table.add_row(
            chain.claim_id,
            chain.article_id,
            chain.speaker or f"({chain.sourcing})",
            chain.affiliation or "?",
            via or "-",
            f"{chain.article_outlet or '?'} [{chain.article_kind}]",
            chain.party_label or "unsourced",
            (claim.content if claim else "")[:100],
        )
    console.print(table)


@app.command("claims")
def claims_command(
    story: Annotated[str | None, typer.Option("--story", help="Only this story's articles.")] = None,
    speaker: Annotated[
        str | None, typer.Option("--speaker", help="Only speakers whose name contains this (any case).")
    ] = None,
    via: Annotated[
        str | None, typer.Option("--via", help="Only claims that reached the article through this outlet.")
    ] = None,
    sourcing: Annotated[
        str | None, typer.Option("--sourcing", help="Only this sourcing: named, anonymous, vague, none.")
    ] = None,
    db: DbOption = DEFAULT_DB,
    as_json: JsonOption = False,
) -> None:
    """List attributed statements: speaker, via outlet, cue, hedges, sourcing, with spans."""
    from wiretrace.claim_views import ClaimFilter, ClaimFilterError, select_claims

    wanted = ClaimFilter(story or "", speaker or "", via or "", sourcing or "")
    with open_store(db, read_only=True) as store:
        try:
            selection = select_claims(store, wanted)
        except ClaimFilterError as error:
            fail(str(error), 1 if "no such story" in str(error) else 2)
            raise
    for note in selection.notes:
        err.print(f"[yellow]note:[/] {note}")
    if as_json:
        print_json([claim.__dict__ for claim in selection.claims])
        return
    table = Table(title=f"{len(selection.claims)} claim(s)", title_justify="left")
    for column in ("article", "speaker", "role", "via", "cue", "sourcing", "kind", "hedges", "content"):
        table.add_column(column, overflow="fold")
    for claim in selection.claims:
        table.add_row(
            claim.article_id[:12],
            claim.speaker_canonical or claim.speaker or "—",
            claim.speaker_role,
            claim.via_outlet,
            f"{claim.cue} ({claim.cue_class})" if claim.cue else "",
            claim.sourcing,
            claim.quote_kind,
            ", ".join(claim.hedges),
            claim.content[:120],
        )
    console.print(table)


@app.command("divergences")
def divergences_command(
    story: Annotated[str | None, typer.Option("--story", help="Only this story id.")] = None,
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind",
            help="Only this kind: number, date, name, designation, actor, framing, name_variant, "
            "unsourced_addition.",
        ),
    ] = None,
    db: DbOption = DEFAULT_DB,
    as_json: JsonOption = False,
) -> None:
    """List where versions of a story disagree, with both spans."""
    from wiretrace.provenance_views import divergences_of, story_exists

    with open_store(db, read_only=True) as store:
        if story and not story_exists(store, story):
            fail(f"no such story: {story}; list them with `wiretrace stories --db {db}`", 1)
        rows = divergences_of(store, story, kind)
    if as_json:
        print_json([row.__dict__ for row in rows])
        return
    table = Table(title=f"{len(rows)} divergence(s)", title_justify="left")
    for column in ("story", "kind", "a", "text a", "b", "text b", "explanation"):
        table.add_column(column, overflow="fold")
    for row in rows:
        kind_label = row.kind + ("" if row.conflict else " (variant)")
        table.add_row(
            row.story_id,
            kind_label,
            row.article_a,
            row.text_a[:80] or "(absent)",
            row.article_b,
            row.text_b[:80],
            row.explanation,
        )
    console.print(table)


@app.command("sources")
def sources_command(
    names: Annotated[
        list[str] | None, typer.Argument(help="Outlet, agency or body names (or URLs) to look up.")
    ] = None,
    db: DbOption = DEFAULT_DB,
    config: ConfigOption = None,
    as_json: JsonOption = False,
) -> None:
    """Look names up in the source registry, and list the unknown outlets seen in the store."""
    from wiretrace.provenance_views import sources_report
    from wiretrace.sources import SourceRegistryError, get_registry

    settings = settings_from(config)
    try:
        registry = get_registry(settings.sources.sources_file or None)
    except SourceRegistryError as error:
        fail(str(error))
        return
    if db.exists():
        with open_store(db, read_only=True) as store:
            result = sources_report(registry, names or [], store)
    else:
        result = sources_report(registry, names or [])
    if as_json:
        print_json(
            {
                "lookups": [
                    {
                        "name": r.name,
                        "source": r.source.__dict__ if r.source else None,
                        "affiliation": r.affiliation,
                    }
                    for r in result.lookups
                ],
                "unknown": [u.__dict__ for u in result.unknown],
                "registry_size": result.registry_size,
            }
        )
        return
    if result.lookups:
        table = Table(title=f"registry lookups ({result.registry_size} sources known)", title_justify="left")
        for column in ("name", "source", "country", "ownership", "kind", "affiliation"):
            table.add_column(column)
        for row in result.lookups:
            found = row.source
            table.add_row(
                row.name,
                (found.name + (" (recognised, not listed)" if found.synthesized else ""))
                if found
                else "unknown",
                found.country_name if found else "",
                found.ownership if found else "",
                found.kind if found else "",
                row.affiliation,
            )
        console.print(table)
    if result.unknown:
        table = Table(title="outlets seen in the store that the registry does not know", title_justify="left")
        for column in ("name", "seen as", "count"):
            table.add_column(column)
        for unknown in result.unknown:
            table.add_row(unknown.name, unknown.seen_as, str(unknown.count))
        console.print(table)
        console.print("add them to a sources file (\\[sources] sources_file) to classify them")
    elif not result.lookups:
        console.print(f"{result.registry_size} sources known; no unknown outlet seen")


@app.command()
def report(
    stories: Annotated[
        list[str] | None, typer.Argument(help="Story ids to include (default: every story).")
    ] = None,
    out: Annotated[Path, typer.Option("-o", "--out", help="The HTML file to write.")] = Path("report.html"),
    title: Annotated[str, typer.Option("--title", help="The report's title.")] = "wiretrace report",
    db: DbOption = DEFAULT_DB,
) -> None:
    """Write one self-contained offline HTML report of the stories (claims, provenance, divergences, map)."""
    from wiretrace.report import write_report

    with open_store(db, read_only=True) as store:
        result = write_report(store, out, stories or [], title)
    console.print(
        f"wrote {result.path}: {result.stories} stor{'y' if result.stories == 1 else 'ies'}, "
        f"{result.articles} article(s), {result.claims} claim(s), {result.bytes / 1024:.0f} KiB"
    )
    if result.missing_story_ids:
        fail(f"no such story: {', '.join(result.missing_story_ids)}; list them with `wiretrace stories`", 1)


@app.command()
def serve(
    db: DbOption = DEFAULT_DB,
    host: Annotated[
        str, typer.Option("--host", help="Address to bind; 0.0.0.0 exposes it to the network.")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="TCP port.")] = 8000,
) -> None:
    """Serve the local web app over the store (stories, articles, speakers, outlets, search, /api)."""
    from wiretrace.web import serve as serve_app

    open_store(db, read_only=True).close()  # a clear error now rather than on the first request
    console.print(f"wiretrace serving {db} at http://{host}:{port}/ (Ctrl-C to stop)")
    serve_app(db, host=host, port=port)


def _register_more() -> None:
    from wiretrace.place_views import register  # places and events commands live beside their views

    register(app)


_register_more()

if __name__ == "__main__":  # pragma: no cover
    app()

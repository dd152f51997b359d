"""The story commands: ``stories``, ``show``, ``storylines``."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from wiretrace.cli.common import DEFAULT_DB, DbOption, JsonOption, console, fail, open_store, print_json


def stories_command(
    db: DbOption = DEFAULT_DB,
    min_size: Annotated[int, typer.Option("--min-size", help="Hide stories with fewer articles.")] = 1,
    as_json: JsonOption = False,
) -> None:
    """List the stories: size, kinds of pairs, date range, top names, headline."""
    from wiretrace.present.story_views import list_stories

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


def show(
    story: Annotated[str, typer.Argument(help="A story id from `wiretrace stories`.")],
    db: DbOption = DEFAULT_DB,
    as_json: JsonOption = False,
) -> None:
    """Show one story: its articles, likely original, labelled pairs and sentence alignment."""
    from wiretrace.present.story_views import UnknownStory, story_detail

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


def storylines(db: DbOption = DEFAULT_DB, as_json: JsonOption = False) -> None:
    """List the storylines: stories about one subject over time, in date order."""
    from wiretrace.present.story_views import list_storylines

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


def register(app: typer.Typer) -> None:
    """Add this module's commands to the CLI."""
    app.command("stories")(stories_command)
    app.command("show")(show)
    app.command("storylines")(storylines)

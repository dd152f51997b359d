"""What ``wiretrace places`` and ``wiretrace events`` show: store queries and the two commands.

The commands register on the main typer app (``cli.py`` imports this module), so that the
places and events interface stays beside its library functions.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from wiretrace.records import Event, Place, PlaceMention, Story
from wiretrace.store import Store

# the CLI's option types, repeated here because typer reads annotations from this module
StoryOption = Annotated[str | None, typer.Option("--story", help="Only this story's articles.")]
DbOption = Annotated[Path, typer.Option("--db", help="The DuckDB store file.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]
DEFAULT_DB = Path("wiretrace.duckdb")


class StoryNotFound(LookupError):
    """The story id given does not exist in the store."""


@dataclass(frozen=True)
class PlaceView:
    """One place with the mentions that resolved to it."""

    place: Place
    mentions: list[PlaceMention]


@dataclass(frozen=True)
class PlacesSelection:
    """Places (with their mentions), and the mentions that did not resolve."""

    places: list[PlaceView] = field(default_factory=list)
    unresolved: list[PlaceMention] = field(default_factory=list)


def _story_articles(store: Store, story_id: str | None) -> set[str] | None:
    if not story_id:
        return None
    stories = store.load(Story, "story_id = ?", [story_id])
    if not stories:
        raise StoryNotFound(f"no such story: {story_id}; list them with `wiretrace stories`")
    return set(stories[0].article_ids)


def select_places(store: Store, story_id: str | None = None) -> PlacesSelection:
    """Places mentioned in the store (or one story), most mentioned first.

    Args:
        store: an open store after ``analyze``.
        story_id: only this story's articles, or None for all.
    Returns:
        the places with their mentions and the unresolved mentions.
    Raises:
        StoryNotFound: ``story_id`` is not in the store.
    Example:
        selection = select_places(store, "s-1")
    """
    articles = _story_articles(store, story_id)
    mentions = [m for m in store.load(PlaceMention) if articles is None or m.article_id in articles]
    by_place: dict[str, list[PlaceMention]] = defaultdict(list)
    for mention in mentions:
        if mention.place_id:
            by_place[mention.place_id].append(mention)
    places = {p.place_id: p for p in store.load(Place)}
    views = [
        PlaceView(places[pid], sorted(ms, key=lambda m: (m.article_id, m.start)))
        for pid, ms in by_place.items()
        if pid in places
    ]
    views.sort(key=lambda v: (-len(v.mentions), v.place.name))
    return PlacesSelection(views, [m for m in mentions if not m.place_id])


def select_events(store: Store, story_id: str | None = None) -> list[Event]:
    """Ledger events of the store (or one story), by article and position."""
    articles = _story_articles(store, story_id)
    events = [e for e in store.load(Event) if articles is None or e.article_id in articles]
    return sorted(events, key=lambda e: (e.date or "", e.article_id, e.start))


def register(app: typer.Typer) -> None:
    """Add the ``places`` and ``events`` commands to the CLI."""
    from wiretrace.cli import console, fail, open_store, print_json

    @app.command("places")
    def places_command(
        story: StoryOption = None, db: DbOption = DEFAULT_DB, as_json: JsonOption = False
    ) -> None:
        """List resolved places with coordinates, spellings and mention counts, and unresolved names."""
        with open_store(db, read_only=True) as store:
            try:
                selection = select_places(store, story)
            except StoryNotFound as error:
                fail(str(error), 1)
                raise
        if as_json:
            print_json(
                {
                    "places": [
                        {**v.place.__dict__, "mentions": [_mention_json(m) for m in v.mentions]}
                        for v in selection.places
                    ],
                    "unresolved": [_mention_json(m) for m in selection.unresolved],
                }
            )
            return
        table = Table(title=f"{len(selection.places)} place(s)", title_justify="left")
        for column in (
            "place",
            "GeoNames",
            "country",
            "region",
            "lat",
            "lon",
            "mentions",
            "as written",
            "confidence",
        ):
            table.add_column(column, overflow="fold")
        for view in selection.places:
            p = view.place
            low = min(m.confidence for m in view.mentions)
            table.add_row(
                p.name,
                str(p.geonames_id or p.place_id),
                p.country_code,
                p.admin1_name,
                f"{p.lat:.4f}",
                f"{p.lon:.4f}",
                str(len(view.mentions)),
                ", ".join(sorted({m.text for m in view.mentions})),
                f"{low:.2f}"
                + (" (ambiguous)" if any(m.status == "ambiguous" for m in view.mentions) else ""),
            )
        console.print(table)
        if selection.unresolved:
            names = sorted({m.text for m in selection.unresolved})
            console.print(f"unresolved ({len(selection.unresolved)} mention(s)): {', '.join(names)}")

    @app.command("events")
    def events_command(
        story: StoryOption = None, db: DbOption = DEFAULT_DB, as_json: JsonOption = False
    ) -> None:
        """List the events ledger: what is claimed to have happened, where, when, on whose word."""
        with open_store(db, read_only=True) as store:
            try:
                events = select_events(store, story)
            except StoryNotFound as error:
                fail(str(error), 1)
                raise
        if as_json:
            print_json([e.__dict__ for e in events])
            return
        table = Table(title=f"{len(events)} event(s)", title_justify="left")
        for column in ("date", "type", "place", "claimant", "via", "status", "actors", "sentence"):
            table.add_column(column, overflow="fold")
        for e in events:
            table.add_row(
                f"{e.date or '?'} ({e.date_precision})",
                e.event_type + (" (negated)" if e.negated else ""),
                e.place_name or "—",
                f"{e.claimant} [{e.claimant_kind}]",
                e.via_outlet,
                e.status,
                ", ".join(e.actors),
                e.text[:140],
            )
        console.print(table)


def _mention_json(mention: PlaceMention) -> dict[str, Any]:
    return {k: v for k, v in mention.__dict__.items() if k != "candidates"} | {
        "candidates": list(mention.candidates)
    }

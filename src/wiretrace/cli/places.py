"""The place commands: ``places`` (resolved places and unresolved names) and ``events`` (the ledger)."""

from __future__ import annotations

from typing import Any

import typer
from rich.table import Table

from wiretrace.cli.common import (
    DEFAULT_DB,
    DbOption,
    JsonOption,
    StoryOption,
    console,
    fail,
    open_store,
    print_json,
)
from wiretrace.present.place_views import StoryNotFound, select_events, select_places
from wiretrace.records import PlaceMention


def places_command(story: StoryOption = None, db: DbOption = DEFAULT_DB, as_json: JsonOption = False) -> None:
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
            f"{low:.2f}" + (" (ambiguous)" if any(m.status == "ambiguous" for m in view.mentions) else ""),
        )
    console.print(table)
    if selection.unresolved:
        names = sorted({m.text for m in selection.unresolved})
        console.print(f"unresolved ({len(selection.unresolved)} mention(s)): {', '.join(names)}")


def events_command(story: StoryOption = None, db: DbOption = DEFAULT_DB, as_json: JsonOption = False) -> None:
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


def register(app: typer.Typer) -> None:
    """Add this module's commands to the CLI."""
    app.command("places")(places_command)
    app.command("events")(events_command)

"""What ``wiretrace places`` and ``wiretrace events`` show: store queries and the two commands.

The ``places`` and ``events`` commands (``cli/places.py``) print what these functions select.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from wiretrace.records import Event, Place, PlaceMention, Story
from wiretrace.store import Store


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

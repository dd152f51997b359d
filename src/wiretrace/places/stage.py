"""Places: find place names in articles and resolve each to one gazetteer place, or say it cannot.

Detection does not trust the NER model alone (it tags villages as persons or organisations):
capitalised runs of words are matched against the gazetteer, and a match is kept when some
evidence says it is a place here (an NER place label, a designator such as "region" or
"River", a locative cue such as "in"/"near"/"village of", a multi-word or hyphenated name,
a country or region) and it is not a common English word. Resolution scores every candidate
by how the name matched (exact, alternate, transliteration variant, skeleton), population,
the countries and regions the article names and the distance to places already resolved in
the article or its story. One name resolves to one place within an article.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from wiretrace.config import PlacesSettings
from wiretrace.places import toponyms
from wiretrace.places.gazetteer import Gazetteer, get_gazetteer
from wiretrace.places.resolve import (
    Context,
    Resolution,
    base_context,
    likely_points,
    resolve_name,
    supported,
    unify_spellings,
)
from wiretrace.places.toponyms import Span
from wiretrace.records import Article, Place, PlaceMention, Sentence


@dataclass(frozen=True)
class PlacesResult:
    """What ``resolve_places`` found: every mention and the distinct places they resolve to."""

    mentions: list[PlaceMention]
    places: list[Place]
    notes: list[str] = field(default_factory=list)


_LISTABLE = frozenset({"no place evidence", "dictionary word without place evidence", "person name"})
_LIST_GLUE = re.compile(r"^(?:,\s*|\s+and\s+|\s+or\s+|,\s+and\s+|,\s+or\s+|\s+&\s+)$")


def _multiword_persons(spans: list[Span]) -> set[str]:
    """Words of the multi-word person names of an article."""
    return {w for sp in spans if sp.ner_label == "PERSON" and " " in sp.key for w in sp.key.split()}


def _add_listed(sure: list[Span], candidates: list[Span], text: str) -> None:
    """Accept names listed with an accepted place ("in Oryol and Sudzha", "X, Y and Z")."""
    changed = True
    while changed:
        changed = False
        for span in candidates:
            if span in sure:
                continue
            for other in sure:
                if other.sentence_index != span.sentence_index:
                    continue
                before = other.end <= span.start
                glue = text[other.end : span.start] if before else text[span.end : other.start]
                if _LIST_GLUE.match(glue):
                    span.evidence = f"listed with {other.text}"
                    sure.append(span)
                    changed = True
                    break


def _mention_id(article_id: str, start: int, end: int) -> str:
    """Stable id of a mention: its article and span."""
    return hashlib.sha1(f"{article_id}:{start}:{end}".encode()).hexdigest()[:16]


def resolve_places(
    articles: Sequence[Article],
    sentences: Mapping[str, Sequence[Sentence]],
    settings: PlacesSettings | None = None,
    story_of: Mapping[str, str] | None = None,
) -> PlacesResult:
    """Find and resolve every place mention in the articles.

    Args:
        articles: the articles.
        sentences: their sentences, keyed by article id (``segment.segment_all``).
        settings: places settings; defaults when None.
        story_of: article id -> story id; places resolved in the other articles of a story
            help to disambiguate (weaker than the article's own).
    Returns:
        mentions (resolved, ambiguous or unresolved, each with candidates and reason) and places.
    Example:
        result = resolve_places(articles, segment.segment_all(articles))
    """
    settings = settings or PlacesSettings()
    gaz = get_gazetteer(settings.min_population, settings.transliteration_file or None)
    common, nouns = toponyms.english_words()
    notes: list[str] = []
    found: dict[str, list[Span]] = {}
    rows_of: dict[tuple[str, str, str], tuple[list[int], dict[int, str]]] = {}
    for article in articles:
        try:
            spans = toponyms.find_spans(article, sentences.get(article.article_id, ()), gaz)
        except (ValueError, IndexError) as error:  # one bad article never fails the batch
            notes.append(f"{article.article_id}: place detection skipped: {error}")
            continue
        kept = []
        for span in spans:
            cache_key = (span.key, span.designator, "")
            if cache_key not in rows_of:
                rows_of[cache_key] = toponyms.candidates(span, gaz)
            # names the gazetteer lacks are kept only where they may still be reported as unresolved
            if rows_of[cache_key][0] or span.designator or not span.sentence_initial:
                kept.append(span)
        found[article.article_id] = kept
    if settings.use_ner:
        wanted = {
            article_id: [
                sp
                for sp in spans
                if toponyms.needs_entity_label(sp, bool(rows_of[(sp.key, sp.designator, "")][0]))
            ]
            for article_id, spans in found.items()
        }
        toponyms.label_entities(found, sentences, wanted)
    accepted: dict[str, list[Span]] = {}
    contexts: dict[str, Context] = {}
    for article in articles:
        lowercase_words = set(re.findall(r"\b[a-z][a-z'-]+\b", article.text))
        sure, maybe, weak = [], [], []
        # every word of a person's name: "Austin" alone is not a city where "Lloyd Austin" spoke
        persons = {
            w for sp in found.get(article.article_id, []) if sp.ner_label == "PERSON" for w in sp.key.split()
        }
        for span in found.get(article.article_id, []):
            rows, matches = rows_of[(span.key, span.designator, "")]
            if not rows:
                if span.designator or (span.ner_label in ("GPE", "LOC") and span.key not in persons):
                    span.evidence = (
                        f"designator:{span.designator}" if span.designator else f"ner:{span.ner_label}"
                    )
                    sure.append(span)  # clearly a place, but not one the gazetteer knows
                continue
            verdict, span.evidence = toponyms.accept(span, rows, gaz, common, nouns, lowercase_words, matches)
            if verdict == "yes":
                sure.append(span)
            elif verdict == "context":
                maybe.append(span)
            elif span.evidence in _LISTABLE:
                weak.append(span)
        _add_listed(sure, weak + maybe, article.text)
        ctx = base_context(sure, article.text, rows_of, gaz)
        persons_multi = _multiword_persons(found.get(article.article_id, []))
        changed = True
        while changed:  # each name supported brings its neighbours in ("fled X for Y and Z")
            changed = False
            for point in likely_points(sure, rows_of, gaz):
                if point not in ctx.anchors:
                    ctx.anchors.append(point)
            for span in maybe:
                if span in sure or (span.ner_label == "PERSON" and span.key in persons_multi):
                    continue
                if supported(rows_of[(span.key, span.designator, "")][0], ctx, gaz):
                    span.evidence += ", supported by the article's places"
                    sure.append(span)
                    changed = True
        ctx.anchors.clear()  # these points only vouched for names; resolution builds its own anchors
        # a name accepted once in an article is a place everywhere in that article
        keys = {s.key for s in sure if rows_of[(s.key, s.designator, "")][0]}
        for span in found.get(article.article_id, []):
            if span.key in keys and span not in sure and not span.designator:
                span.evidence = "same name elsewhere in article"
                sure.append(span)
        accepted[article.article_id] = sorted(sure, key=lambda sp: sp.start)
        contexts[article.article_id] = base_context(accepted[article.article_id], article.text, rows_of, gaz)
    resolutions: dict[str, dict[tuple[str, str], Resolution]] = {}
    # pass 1: names that resolve on their own become anchors for the rest
    for article in articles:
        ctx = contexts[article.article_id]
        first: dict[tuple[str, str], Resolution] = {}
        for span in accepted[article.article_id]:
            name = (span.key, span.designator)
            if name not in first:
                rows, matches = rows_of[(span.key, span.designator, "")]
                first[name] = resolve_name(span.key, rows, matches, ctx, gaz, span.designator, settings)
        for (key, _designator), res in first.items():
            if res.row is not None and gaz.kinds[res.row] == "city":
                ctx.neighbours[key] = [
                    (gaz.lat[r], gaz.lon[r]) for r in res.top_rows if gaz.kinds[r] == "city"
                ]
                ctx.neighbour_regions[key] = {
                    f"{gaz.countries[r]}.{gaz.admin1[r]}" for r in res.top_rows if gaz.kinds[r] == "city"
                }
            if (
                res.row is not None
                and res.confidence >= settings.anchor_confidence
                and gaz.kinds[res.row] == "city"
            ):
                ctx.anchors.append((gaz.lat[res.row], gaz.lon[res.row], 1.0, key))
        resolutions[article.article_id] = first
    if story_of:
        by_story: dict[str, list[str]] = defaultdict(list)
        for article_id, story_id in story_of.items():
            by_story[story_id].append(article_id)
        for members in by_story.values():
            shared = [
                (lat, lon, 0.5, key)
                for m in members
                if m in contexts
                for lat, lon, w, key in contexts[m].anchors
                if w == 1.0
            ]
            for m in members:
                if m in contexts:
                    contexts[m].anchors.extend(a for a in shared if a not in contexts[m].anchors)
    # pass 2: every name again with the anchors as context
    mentions: list[PlaceMention] = []
    for article in articles:
        ctx = contexts[article.article_id]
        final: dict[tuple[str, str], Resolution] = {}
        for span in accepted[article.article_id]:
            name = (span.key, span.designator)
            if name not in final:
                rows, matches = rows_of[(span.key, span.designator, "")]
                final[name] = resolve_name(span.key, rows, matches, ctx, gaz, span.designator, settings)
        unify_spellings(final, rows_of, gaz)
        for span in accepted[article.article_id]:
            res = final[(span.key, span.designator)]
            mentions.append(
                PlaceMention(
                    mention_id=_mention_id(article.article_id, span.start, span.end),
                    article_id=article.article_id,
                    sentence_index=span.sentence_index,
                    start=span.start,
                    end=span.end,
                    text=span.text,
                    place_id=gaz.place_ids[res.row] if res.row is not None else "",
                    status=res.status,
                    confidence=res.confidence,
                    match=res.match,
                    reason=res.reason,
                    evidence=span.evidence,
                    candidates=res.candidates,
                )
            )
    return PlacesResult(mentions=mentions, places=_places(mentions, gaz), notes=notes)


def _places(mentions: Sequence[PlaceMention], gaz: Gazetteer) -> list[Place]:
    """One Place per resolved place id, with its mention counts and spellings."""
    by_place: dict[str, list[PlaceMention]] = defaultdict(list)
    for mention in mentions:
        if mention.place_id:
            by_place[mention.place_id].append(mention)
    rows = {gaz.place_ids[r]: r for r in _rows_for(gaz, by_place)}
    places = []
    for place_id in sorted(by_place):
        entry = gaz.entry(rows[place_id])
        group = by_place[place_id]
        a1_row = gaz.admin1_row(entry.row) if entry.kind == "city" else None
        places.append(
            Place(
                place_id=place_id,
                geonames_id=entry.geonames_id,
                name=entry.name,
                kind=entry.kind,
                feature_class=entry.feature_class,
                country_code=entry.country_code,
                admin1_code=entry.admin1_code,
                admin1_name=gaz.names[a1_row] if a1_row is not None else "",
                lat=round(entry.lat, 5),
                lon=round(entry.lon, 5),
                population=entry.population,
                precision=_PRECISION.get(entry.kind, "point"),
                mention_count=len(group),
                article_count=len({m.article_id for m in group}),
                spellings=tuple(sorted({m.text for m in group})),
            )
        )
    return places


def merge_places(parts: Iterable[Sequence[Place]]) -> list[Place]:
    """Places found in disjoint sets of articles as one list: counts added, spellings joined.

    ``resolve_places`` over the union of the articles gives the same places when each part
    holds whole stories (a mention depends on its article and story only).
    """
    merged: dict[str, Place] = {}
    for part in parts:
        for place in part:
            seen = merged.get(place.place_id)
            merged[place.place_id] = (
                place
                if seen is None
                else replace(
                    seen,
                    mention_count=seen.mention_count + place.mention_count,
                    article_count=seen.article_count + place.article_count,
                    spellings=tuple(sorted({*seen.spellings, *place.spellings})),
                )
            )
    return [merged[k] for k in sorted(merged)]


_PRECISION = {"city": "populated_place", "admin1": "region", "country": "country", "feature": "feature"}


def _rows_for(gaz: Gazetteer, place_ids: Iterable[str]) -> list[int]:
    """Gazetteer rows of the given place ids (one scan of the index)."""
    wanted = set(place_ids)
    return [r for r, pid in enumerate(gaz.place_ids) if pid in wanted]


def places_geojson(places: Sequence[Place]) -> dict[str, Any]:
    """A GeoJSON FeatureCollection of places with their mention counts.

    Args:
        places: Place records (``PlacesResult.places`` or the store's ``places`` table).
    Returns:
        a dict ready for ``json.dumps``: one Point feature per place (lon, lat order).
    Example:
        json.dump(places_geojson(store.load(Place)), open("places.geojson", "w"))
    """
    features = []
    for place in places:
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [place.lon, place.lat]},
                "properties": {
                    "place_id": place.place_id,
                    "geonames_id": place.geonames_id,
                    "name": place.name,
                    "kind": place.kind,
                    "country_code": place.country_code,
                    "admin1_name": place.admin1_name,
                    "precision": place.precision,
                    "mention_count": place.mention_count,
                    "article_count": place.article_count,
                    "spellings": list(place.spellings),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}

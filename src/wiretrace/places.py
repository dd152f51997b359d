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
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from wiretrace import toponyms
from wiretrace.config import PlacesSettings
from wiretrace.gazetteer import Gazetteer, distance_km, get_gazetteer
from wiretrace.records import Article, Place, PlaceMention, Sentence
from wiretrace.toponyms import Span

_CONTEXT_RADIUS_KM = 150.0
_SUPPORT_RADIUS_KM = 200.0  # a weakly evidenced name is kept when a candidate lies this near a named place


@dataclass
class _Resolution:
    """The resolution of one name in one article."""

    row: int | None
    status: str
    confidence: float
    reason: str
    match: str
    candidates: tuple[str, ...]
    top_rows: tuple[int, ...] = ()
    score: float = 0.0


@dataclass(frozen=True)
class PlacesResult:
    """What ``resolve_places`` found: every mention and the distinct places they resolve to."""

    mentions: list[PlaceMention]
    places: list[Place]
    notes: list[str] = field(default_factory=list)


def _supported(rows: list[int], ctx: _Context, gaz: Gazetteer) -> bool:
    """True when a candidate lies in a country the article names or near a place it names."""
    for r in rows:
        if set(gaz.countries[r].split("|")) & (ctx.countries | ctx.demonym_countries):
            return True
        if any(
            distance_km(gaz.lat[r], gaz.lon[r], lat, lon) < _SUPPORT_RADIUS_KM
            for lat, lon, _w, _k in ctx.anchors
        ):
            return True
    return False


def _likely_points(
    spans: Sequence[Span],
    rows_of: Mapping[tuple[str, str, str], tuple[list[int], dict[int, str]]],
    gaz: Gazetteer,
) -> list[tuple[float, float, float, str]]:
    """The most populous city each accepted name may denote, as (lat, lon, weight, key) points."""
    points = []
    for span in spans:
        cities = [r for r in rows_of[(span.key, span.designator, "")][0] if gaz.kinds[r] == "city"]
        if cities:
            best = max(cities, key=lambda r: gaz.population[r])
            points.append((gaz.lat[best], gaz.lon[best], 1.0, span.key))
    return points


@dataclass
class _Context:
    """What an article (and its story) says about where it is."""

    countries: set[str] = field(default_factory=set)
    demonym_countries: set[str] = field(default_factory=set)
    regions: set[str] = field(default_factory=set)  # "CC.A1"
    anchors: list[tuple[float, float, float, str]] = field(default_factory=list)  # lat, lon, weight, key
    # the likely candidates of every other name in the article: places named together lie together
    neighbours: dict[str, list[tuple[float, float]]] = field(default_factory=dict)
    neighbour_regions: dict[str, set[str]] = field(
        default_factory=dict
    )  # name key -> "CC.A1" of its candidates
    # countries named right before a name ("the Greek island of X"): name key -> country codes
    local: dict[str, set[str]] = field(default_factory=dict)


def _score(
    row: int, match: str, key: str, ctx: _Context, gaz: Gazetteer, designator: str
) -> tuple[float, list[str]]:
    """Score of one candidate and the reasons that contributed."""
    reasons = []
    if match == "exact":
        base = 1.0 if gaz.is_main_name(row, key) else 0.85
        reasons.append("exact name" if base == 1.0 else "alternate name")
    else:
        base = {
            "variant": 0.7,
            "skeleton": 0.6,
            "prefix_dropped": 0.45,
            "consonants": 0.4,
            "feature": 1.0,
        }.get(match, 0.4)
        reasons.append(f"{match.replace('_', ' ')} match")
    score = base
    kind = gaz.kinds[row]
    score += 0.6 * math.log10(gaz.population[row] + 10) / 7.0
    if kind == "country":
        score += 0.8
    elif kind == "admin1":
        score += 0.3
    elif kind == "feature" and designator == "feature":
        score += 0.5
    countries = set(gaz.countries[row].split("|"))
    local = ctx.local.get(key, set())
    if gaz.admin1[row] and f"{gaz.countries[row].split('|')[0]}.{gaz.admin1[row]}" in local:
        score += 0.6
        reasons.append("its region is named beside it")
    if countries & local:
        score += 0.5
        reasons.append("its country is named beside it")
    if countries & ctx.countries:
        score += 0.6
        reasons.append("country named in article")
    elif countries & ctx.demonym_countries:
        score += 0.25
        reasons.append("country adjective in article")
    region = f"{gaz.countries[row].split('|')[0]}.{gaz.admin1[row]}"
    if gaz.admin1[row] and region in ctx.regions and kind != "admin1":
        score += 0.7
        reasons.append(f"in the region named ({gaz.names[gaz.admin1_rows[region]]})")
    best, best_key = 0.0, ""
    for lat, lon, weight, anchor_key in ctx.anchors:
        if anchor_key == key:
            continue
        d = distance_km(gaz.lat[row], gaz.lon[row], lat, lon)
        if d < 1.0:
            continue  # the very place another name resolved to: two names, two places
        closeness = weight * math.exp(-d / _CONTEXT_RADIUS_KM)
        if closeness > best:
            best, best_key = closeness, f"{anchor_key} at {d:.0f} km"
    if best > 0.05:
        score += 0.8 * best
        reasons.append(f"near {best_key}")
    if kind in ("city", "feature"):
        near, near_key = 0.0, ""
        for other, points in ctx.neighbours.items():
            if other == key or not points:
                continue
            d = min((distance_km(gaz.lat[row], gaz.lon[row], lat, lon) for lat, lon in points), default=1e9)
            if d < 1.0:
                continue
            if math.exp(-d / _CONTEXT_RADIUS_KM) > near:
                near, near_key = math.exp(-d / _CONTEXT_RADIUS_KM), f"{other} ({d:.0f} km)"
        if near > 0.05:
            score += 0.5 * near
            reasons.append(f"close to a place named {near_key}")
    elif kind == "admin1":
        region = f"{gaz.countries[row]}.{gaz.admin1[row]}"
        inside = sorted(
            other for other, codes in ctx.neighbour_regions.items() if other != key and region in codes
        )
        if inside:
            # "Amarillo, Texas": the region that holds the article's other places
            score += 0.5
            reasons.append(f"holds a place named {inside[0]}")
    return score, reasons


def _resolve(
    key: str,
    rows: list[int],
    matches: Mapping[int, str],
    ctx: _Context,
    gaz: Gazetteer,
    designator: str,
    settings: PlacesSettings,
) -> _Resolution:
    """Choose among candidate rows for one name."""
    if designator == "region":
        # "X region": resolve X among places first, then take the region that contains it
        named = _resolve(
            key, [r for r in rows if gaz.kinds[r] in ("city", "admin1")], matches, ctx, gaz, "", settings
        )
        if named.row is None:
            return named
        region = named.row if gaz.kinds[named.row] == "admin1" else gaz.admin1_row(named.row)
        if region is None:
            return _Resolution(
                None,
                "unresolved",
                0.0,
                f"the region of {gaz.names[named.row]} is unknown",
                "region_of",
                named.candidates,
            )
        named_countries = ctx.countries | ctx.demonym_countries | ctx.local.get(key, set())
        if named_countries and gaz.countries[region] not in named_countries:
            # "Imo State" in a Nigerian story is not the region of a Chinese city with that alias
            found = f"{gaz.names[region]}, {gaz.countries[region]}"
            why = f"the region found ({found}) is outside the countries the article names"
            return _Resolution(None, "unresolved", 0.0, why, "region_of", named.candidates)
        return replace(
            named, row=region, match="region_of", reason=f"region of {gaz.names[named.row]} ({named.reason})"
        )
    if not rows:
        why = (
            "no curated feature has this name (add it to data/features.csv)"
            if designator == "feature"
            else "no gazetteer place has this name or a variant of it"
        )
        return _Resolution(None, "unresolved", 0.0, why, "none", ())
    scored = sorted(
        ((_score(r, matches.get(r, "exact"), key, ctx, gaz, designator), r) for r in rows),
        key=lambda item: (-item[0][0], -gaz.population[item[1]], gaz.place_ids[item[1]]),
    )
    top = scored[: settings.max_candidates]
    weights = [math.exp(settings.sharpness * (s[0][0] - top[0][0][0])) for s in top]
    confidence = weights[0] / sum(weights)
    (best_score, reasons), best = top[0]
    candidates = tuple(f"{_describe(r, gaz)} score={s[0]:.2f}" for s, r in top)
    if best_score < settings.min_score:
        return _Resolution(
            None,
            "unresolved",
            round(confidence, 3),
            f"best candidate too weak (score {best_score:.2f})",
            matches.get(best, "exact"),
            candidates,
        )
    if matches.get(best) == "consonants":
        # vowel-blind matches are leads, not resolutions: never above "ambiguous"
        confidence = min(confidence, settings.min_confidence * 0.9)
    status = "resolved" if confidence >= settings.min_confidence else "ambiguous"
    if len(rows) > 1:
        reasons.append(f"{len(rows)} candidates")
    return _Resolution(
        best,
        status,
        round(confidence, 3),
        "; ".join(reasons),
        matches.get(best, "exact"),
        candidates,
        tuple(r for _s, r in scored[:8]),
        best_score,
    )


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


def _describe(row: int, gaz: Gazetteer) -> str:
    """ "place_id name (CC.admin1)" of one gazetteer row, for candidate lists."""
    admin1 = f".{gaz.admin1[row]}" if gaz.admin1[row] else ""
    return f"{gaz.place_ids[row]} {gaz.names[row]} ({gaz.countries[row]}{admin1})"


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
    contexts: dict[str, _Context] = {}
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
        ctx = _base_context(sure, article.text, rows_of, gaz)
        persons_multi = _multiword_persons(found.get(article.article_id, []))
        changed = True
        while changed:  # each name supported brings its neighbours in ("fled X for Y and Z")
            changed = False
            for point in _likely_points(sure, rows_of, gaz):
                if point not in ctx.anchors:
                    ctx.anchors.append(point)
            for span in maybe:
                if span in sure or (span.ner_label == "PERSON" and span.key in persons_multi):
                    continue
                if _supported(rows_of[(span.key, span.designator, "")][0], ctx, gaz):
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
        contexts[article.article_id] = _base_context(accepted[article.article_id], article.text, rows_of, gaz)
    resolutions: dict[str, dict[tuple[str, str], _Resolution]] = {}
    # pass 1: names that resolve on their own become anchors for the rest
    for article in articles:
        ctx = contexts[article.article_id]
        first: dict[tuple[str, str], _Resolution] = {}
        for span in accepted[article.article_id]:
            name = (span.key, span.designator)
            if name not in first:
                rows, matches = rows_of[(span.key, span.designator, "")]
                first[name] = _resolve(span.key, rows, matches, ctx, gaz, span.designator, settings)
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
        final: dict[tuple[str, str], _Resolution] = {}
        for span in accepted[article.article_id]:
            name = (span.key, span.designator)
            if name not in final:
                rows, matches = rows_of[(span.key, span.designator, "")]
                final[name] = _resolve(span.key, rows, matches, ctx, gaz, span.designator, settings)
        _unify_spellings(final, rows_of, gaz)
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


def _unify_spellings(
    final: dict[tuple[str, str], _Resolution],
    rows_of: Mapping[tuple[str, str, str], tuple[list[int], dict[int, str]]],
    gaz: Gazetteer,
) -> None:
    """Spellings of one name in one article (Odesa, Odessa) resolve to the best-supported place."""
    groups: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for key, designator in final:
        groups[(gaz.skeleton_of(key), designator)].append((key, designator))
    for members in groups.values():
        if len(members) < 2:
            continue
        winner = max((final[m] for m in members), key=lambda res: (res.row is not None, res.score))
        for key, designator in members:
            if final[(key, designator)].row != winner.row and winner.row in rows_of[(key, designator, "")][0]:
                final[(key, designator)] = replace(
                    winner, reason=winner.reason + "; same name as another spelling"
                )


def _base_context(
    spans: Sequence[Span],
    text: str,
    rows_of: Mapping[tuple[str, str, str], tuple[list[int], dict[int, str]]],
    gaz: Gazetteer,
) -> _Context:
    """Countries, regions and country adjectives an article names."""
    ctx = _Context()
    for span in spans:
        rows, matches = rows_of[(span.key, span.designator, "")]
        for r in rows:
            if gaz.kinds[r] == "country":
                ctx.countries.add(gaz.countries[r])
            elif gaz.kinds[r] == "admin1" and gaz.place_ids[r].startswith("admin1:US."):
                ctx.regions.add(gaz.place_ids[r][len("admin1:") :])
        if span.designator == "region" and rows:
            # "X region": the region of the largest place named exactly X counts as named
            exact = [r for r in rows if matches.get(r) == "exact"] or rows
            best = max(exact, key=lambda r: gaz.population[r])
            a1 = gaz.admin1_row(best)
            if a1 is not None:
                ctx.regions.add(gaz.place_ids[a1][len("admin1:") :])
    for span in spans:
        if span.local_countries:
            ctx.local.setdefault(span.key, set()).update(span.local_countries)
    for word in set(re.findall(r"\b[A-Z][a-z]+\b", text)):
        country = gaz.demonyms.get(word.lower())
        if country:
            ctx.demonym_countries.add(country)
    return ctx


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

"""Resolution of one place name to one gazetteer place from its context: the article's other places,
the region named beside it, population as a prior only; or the reason it stays unresolved."""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

from wiretrace.config import PlacesSettings
from wiretrace.places.gazetteer import Gazetteer, distance_km
from wiretrace.places.toponyms import Span

_CONTEXT_RADIUS_KM = 150.0


_SUPPORT_RADIUS_KM = 200.0  # a weakly evidenced name is kept when a candidate lies this near a named place


@dataclass
class Resolution:
    """The resolution of one name in one article."""

    row: int | None
    status: str
    confidence: float
    reason: str
    match: str
    candidates: tuple[str, ...]
    top_rows: tuple[int, ...] = ()
    score: float = 0.0


def supported(rows: list[int], ctx: Context, gaz: Gazetteer) -> bool:
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


def likely_points(
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
class Context:
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
    row: int, match: str, key: str, ctx: Context, gaz: Gazetteer, designator: str
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


def resolve_name(
    key: str,
    rows: list[int],
    matches: Mapping[int, str],
    ctx: Context,
    gaz: Gazetteer,
    designator: str,
    settings: PlacesSettings,
) -> Resolution:
    """Choose among candidate rows for one name."""
    if designator == "region":
        # "X region": resolve X among places first, then take the region that contains it
        named = resolve_name(
            key, [r for r in rows if gaz.kinds[r] in ("city", "admin1")], matches, ctx, gaz, "", settings
        )
        if named.row is None:
            return named
        region = named.row if gaz.kinds[named.row] == "admin1" else gaz.admin1_row(named.row)
        if region is None:
            return Resolution(
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
            return Resolution(None, "unresolved", 0.0, why, "region_of", named.candidates)
        return replace(
            named, row=region, match="region_of", reason=f"region of {gaz.names[named.row]} ({named.reason})"
        )
    if not rows:
        why = (
            "no curated feature has this name (add it to data/features.csv)"
            if designator == "feature"
            else "no gazetteer place has this name or a variant of it"
        )
        return Resolution(None, "unresolved", 0.0, why, "none", ())
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
        return Resolution(
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
    return Resolution(
        best,
        status,
        round(confidence, 3),
        "; ".join(reasons),
        matches.get(best, "exact"),
        candidates,
        tuple(r for _s, r in scored[:8]),
        best_score,
    )


def _describe(row: int, gaz: Gazetteer) -> str:
    """ "place_id name (CC.admin1)" of one gazetteer row, for candidate lists."""
    admin1 = f".{gaz.admin1[row]}" if gaz.admin1[row] else ""
    return f"{gaz.place_ids[row]} {gaz.names[row]} ({gaz.countries[row]}{admin1})"


def unify_spellings(
    final: dict[tuple[str, str], Resolution],
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


def base_context(
    spans: Sequence[Span],
    text: str,
    rows_of: Mapping[tuple[str, str, str], tuple[list[int], dict[int, str]]],
    gaz: Gazetteer,
) -> Context:
    """Countries, regions and country adjectives an article names."""
    ctx = Context()
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

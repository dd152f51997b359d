"""The source registry: outlets, agencies and official bodies, with country, ownership and kind.

The registry ships as data files in ``wiretrace/data`` (``sources.csv``, ``countries.csv``,
``bodies.csv``) and users extend or override it with their own CSV or TOML file (the
``[sources] sources_file`` setting): a row whose ``id`` is already known replaces the shipped
row, any other row is added.

Official bodies are also recognised structurally, so that "Russian Ministry of Defense",
"Ministry of Defence of Russia", "Russia's defence ministry" and "Минобороны России" all
resolve to one source without listing every form: a country name, adjective or alias plus
a body phrase from ``bodies.csv``. When no row exists for that country and body, a source
is synthesised (kind ``official_body``, ownership ``state``) so that every government is
treated alike.

Example:
    registry = get_registry()
    registry.lookup("ITAR-TASS").name            # 'TASS'
    registry.by_domain("https://www.tass.com/x").source_id   # 'tass'
    [(m.start, m.end, m.source.name) for m in registry.find_in_text("told RIA Novosti")]
"""

from __future__ import annotations

import csv
import functools
import re
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit

from wiretrace.provenance.names import case_compatible, compound_prefix, normalise, normalise_with_offsets

DATA_DIR = Path(__file__).parents[1] / "data"

KINDS = (
    "wire_agency",
    "state_agency",
    "official_body",
    "newspaper",
    "broadcaster",
    "aggregator",
    "research_body",
    "international_body",
    "armed_group",
    "unknown_site",
)
OWNERSHIPS = ("state", "public_service", "private", "intergovernmental", "party", "unknown")
SOURCE_COLUMNS = ("id", "name", "aliases", "country", "ownership", "kind", "body", "domains", "parent")

# Aliases written "~Name" are used by lookup() only, never matched in free text: they are
# common words or short acronyms ("Time", "AA", "WHO") that would produce false mentions.
_LOOKUP_ONLY = "~"
_TITLES = set(
    "president prime minister premier chancellor defence defense foreign secretary general gen colonel col "
    "commander chief spokesman spokeswoman spokesperson mr mrs ms dr sir king queen leader supreme field "
    "marshal admiral ayatollah sheikh vice deputy".split()
)


class SourceRegistryError(Exception):
    """A registry file is unreadable or malformed; the message names the file, row and fix."""


@dataclass(frozen=True)
class Source:
    """One outlet, agency or official body.

    ``country`` is an ISO 3166 alpha-2 code ("" for international bodies); ``body`` names
    the kind of official body (``defence_ministry``, ``general_staff`` ...) or is "";
    ``parent`` is the id of the owning source ("" for none); ``synthesized`` is True for an
    official body recognised from country + body words but not listed in any file.
    """

    source_id: str
    name: str
    aliases: tuple[str, ...]
    country: str
    country_name: str
    ownership: str
    kind: str
    body: str
    domains: tuple[str, ...]
    parent: str
    synthesized: bool = False


@dataclass(frozen=True)
class Country:
    """A country and the words that name it."""

    code: str
    name: str
    adjective: str
    aliases: tuple[str, ...]
    not_speakers: tuple[str, ...] = ()  # names that, said alone, do not stand for the government


class SourceMention(NamedTuple):
    """A span of text that names a source; unpacks as ``(start, end, source)``."""

    start: int
    end: int
    source: Source


def _split(value: str | list[str] | tuple[str, ...] | None) -> tuple[str, ...]:
    """A "|"-separated cell (or a TOML list) as a tuple of stripped, non-empty strings."""
    if value is None:
        return ()
    items = value if isinstance(value, list | tuple) else str(value).split("|")
    return tuple(item.strip() for item in items if item and item.strip())


def _alternation(phrases: Iterable[str]) -> str:
    """A regex alternation of normalised phrases, longest first so the longest form wins."""
    unique = sorted({p for p in phrases if p}, key=lambda p: (-len(p), p))
    return "|".join(re.escape(p) for p in unique)


def _read_csv(path: Path) -> Iterator[dict[str, str]]:
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            yield from csv.DictReader(handle)
    except OSError as error:
        raise SourceRegistryError(
            f"cannot read the source registry {path}: {error}. Check the path."
        ) from error


def _rows_from_file(path: Path) -> list[dict[str, object]]:
    """Rows of a user registry file: CSV with the shipped header, or TOML ``[[source]]`` tables."""
    if path.suffix.lower() == ".toml":
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as error:
            raise SourceRegistryError(
                f"cannot read the source registry {path}: {error}. Fix the file or the sources_file setting."
            ) from error
        rows = data.get("source", [])
        if not isinstance(rows, list):
            raise SourceRegistryError(f"{path}: expected [[source]] tables, each with id and name")
        return [dict(row) for row in rows]
    return [dict(row) for row in _read_csv(path)]


def _source_from_row(row: dict[str, object], where: str, countries: dict[str, Country]) -> Source:
    """One registry row as a Source, validated; errors name the row and the valid values."""
    source_id = str(row.get("id") or "").strip()
    name = str(row.get("name") or "").strip()
    if not source_id or not name:
        raise SourceRegistryError(f"{where}: every source needs an id and a name (got {row!r})")
    kind = str(row.get("kind") or "unknown_site").strip()
    ownership = str(row.get("ownership") or "unknown").strip()
    if kind not in KINDS:
        raise SourceRegistryError(
            f"{where}: source {source_id!r} has kind {kind!r}; valid: {', '.join(KINDS)}"
        )
    if ownership not in OWNERSHIPS:
        raise SourceRegistryError(
            f"{where}: source {source_id!r} has ownership {ownership!r}; valid: {', '.join(OWNERSHIPS)}"
        )
    code = str(row.get("country") or "").strip().upper()
    country = countries.get(code)
    return Source(
        source_id=source_id,
        name=name,
        aliases=_split(row.get("aliases")),  # type: ignore[arg-type]
        country=code,
        country_name=country.name if country else code,
        ownership=ownership,
        kind=kind,
        body=str(row.get("body") or "").strip(),
        domains=tuple(d.lower().removeprefix("www.") for d in _split(row.get("domains"))),  # type: ignore[arg-type]
        parent=str(row.get("parent") or "").strip(),
    )


class SourceRegistry:
    """Outlets, agencies and official bodies, looked up by name, domain or mention in text.

    Build it with ``get_registry()`` (cached once per process and per user file).
    """

    def __init__(
        self, sources: Iterable[Source], countries: Iterable[Country], bodies: dict[str, tuple[str, ...]]
    ):
        self.countries = {c.code: c for c in countries}
        self.body_labels = {body: phrases[0] for body, phrases in bodies.items()}
        self._sources: dict[str, Source] = {}
        for source in sources:
            self._sources[source.source_id] = source
        self._by_alias: dict[str, Source] = {}
        self._by_domain: dict[str, Source] = {}
        self._by_country_body: dict[tuple[str, str], Source] = {}
        self._text_aliases: dict[str, list[tuple[str, Source]]] = {}
        for source in self._sources.values():
            self._index(source)
        self._not_speakers = {
            c.code: frozenset(normalise(n) for n in c.not_speakers) for c in self.countries.values()
        }
        self._country_by_alias: dict[str, tuple[Country, str]] = {}
        for country in self.countries.values():
            for written in (country.name, country.adjective, *country.aliases):
                self._country_by_alias.setdefault(normalise(written), (country, written))
        self._body_by_phrase: dict[str, str] = {}
        for body, phrases in bodies.items():
            for phrase in phrases[1:]:
                self._body_by_phrase.setdefault(normalise(phrase), body)
        self._build_patterns()
        self._people: dict[str, tuple[str, str]] = {}  # normalised name -> (country, body)
        self._terms: dict[str, tuple[tuple[str, str], ...]] = {}  # normalised name -> terms of office

    def add_people(self, rows: Iterable[dict[str, str]]) -> None:
        """Index well-known officials (name, aliases, country, body) so their words map to their body.

        Only the full name and the aliases listed count: a bare surname is listed as an alias
        only where it is unambiguous in the news ("Putin", not "Singh").
        """
        for row in rows:
            value = (row["country"].strip().upper(), row["body"].strip())
            for name in (row["name"], *_split(row.get("aliases"))):
                self._people.setdefault(normalise(name), value)
                self._terms.setdefault(normalise(name), _terms(row.get("terms")))

    def person(self, name: str | None, on_date: str | None = None) -> Source | None:
        """The official body a listed official speaks for ("Vladimir Putin" -> Presidency of Russia).

        ``on_date`` (ISO, the article's publication date): a person listed with terms of office
        speaks for the body only inside one of them; a candidate, an opposition leader or a
        former official does not speak for the state. Without a date the listing holds only for
        someone in office without a break since the one term listed.
        """
        if not name:
            return None
        key = normalise(name)
        found = self._people.get(key)
        while found is None and " " in key and key.split(" ", 1)[0] in _TITLES:
            key = key.split(" ", 1)[1]  # "President Putin", "Defence Minister Andrei Belousov"
            found = self._people.get(key)
        if found is None:
            return None
        terms = self._terms.get(key, ())
        day = (on_date or "")[:10]
        if terms and len(day) == 10:
            if not any(start <= day and (not end or day < end) for start, end in terms):
                return None
        elif len(terms) > 1 or any(end for _start, end in terms):
            return None  # no date and a broken record of office: saying less beats a wrong party
        return self.official_body(*found)

    @property
    def sources(self) -> list[Source]:
        """Every registered source, in file order."""
        return list(self._sources.values())

    def get(self, source_id: str) -> Source | None:
        """The source with this id, or None."""
        return self._sources.get(source_id)

    def _index(self, source: Source) -> None:
        lookup_only = {a[1:] for a in source.aliases if a.startswith(_LOOKUP_ONLY)}
        for written in (source.name, *(a.lstrip(_LOOKUP_ONLY) for a in source.aliases)):
            key = normalise(written)
            if not key:
                continue
            # the first source listed keeps a shared alias; user rows are listed first (see load)
            self._by_alias.setdefault(key, source)
            if written not in lookup_only and self._by_alias[key] is source:
                self._text_aliases.setdefault(key, []).append((written, source))
        for domain in source.domains:
            self._by_domain.setdefault(domain, source)
        if source.body and source.country:
            self._by_country_body.setdefault((source.country, source.body), source)

    def _build_patterns(self) -> None:
        aliases = _alternation(self._text_aliases)
        self._alias_pattern = re.compile(rf"(?<![^ ])(?:{aliases})(?![^ ])") if aliases else None
        countries = _alternation(self._country_by_alias)
        bodies = _alternation(self._body_by_phrase)
        cyrillic_bodies = _alternation(p for p in self._body_by_phrase if re.search("[а-яіїєґ]", p))
        structural = [
            rf"(?P<c1>{countries}) (?P<b1>{bodies})",
            rf"(?P<b2>{bodies}) of (?:the )?(?P<c2>{countries})",
        ]
        if cyrillic_bodies:
            # Russian and Ukrainian put the country after the body in the genitive, with no "of"
            structural.append(rf"(?P<b3>{cyrillic_bodies}) (?P<c3>{countries})")
        self._structural_pattern = re.compile(
            "(?<![^ ])(?:" + "|".join(f"(?:{p})" for p in structural) + ")(?![^ ])"
        )
        self._structural_exact = re.compile("^(?:" + "|".join(f"(?:{p})" for p in structural) + ")$")

    def countries_in(self, text: str) -> list[Country]:
        """Countries a text names by name, adjective or capital ("the Russian BPL group"), in order."""
        words = re.findall(r"[\w'’-]+", text)
        found: list[Country] = []
        for size in (3, 2, 1):
            for start in range(len(words) - size + 1):
                hit = self._country_by_alias.get(normalise(" ".join(words[start : start + size])))
                if hit is not None and not (hit[1].isupper() and len(hit[1]) <= 3):  # "US", "RF" as words
                    if hit[0] not in found:
                        found.append(hit[0])
        return found

    def country_named(self, name: str | None) -> Country | None:
        """The country a name alone denotes ("Russia", "Moscow", "the United States"), else None.

        Adjectives ("Russian") do not count: alone they name no one who can speak.
        """
        if not name:
            return None
        found = self._country_by_alias.get(normalise(name))
        if found is None:
            return None
        country, written = found
        if written == country.adjective or (written.isupper() and name.strip() != written):
            return None  # "us" is not the US
        if normalise(written) in self._not_speakers.get(country.code, ()):
            return None  # "Georgia" is also a US state and a sports team; "Jordan" a first name
        return country

    def official_body(self, country_code: str, body: str) -> Source | None:
        """The source for one country's official body, synthesised when no row lists it."""
        listed = self._by_country_body.get((country_code, body))
        if listed:
            return listed
        country = self.countries.get(country_code)
        if country is None or body not in self.body_labels:
            return None
        return Source(
            source_id=f"{country_code.lower()}_{body}",
            name=f"{self.body_labels[body]} of {country.name}",
            aliases=(),
            country=country_code,
            country_name=country.name,
            ownership="state",
            kind="official_body",
            body=body,
            domains=(),
            parent="",
            synthesized=True,
        )

    def _structural(self, match: re.Match[str], original: str | None) -> Source | None:
        """The official body named by a structural match; ``original`` is checked for case."""
        groups = match.groupdict()
        for number in "123":
            country_key = groups.get(f"c{number}")
            body_key = groups.get(f"b{number}")
            if country_key and body_key:
                country, written = self._country_by_alias[country_key]
                if original is not None and written.isupper() and len(written) > 1:
                    # "US"/"UK"/"PA" only as capitals, so "told us" never names a government
                    if not re.search(
                        r"(?<!\w)" + r"\W*".join(re.escape(c) for c in written if c.isalnum()), original
                    ):
                        return None
                return self.official_body(country.code, self._body_by_phrase[body_key])
        return None

    def lookup(self, name: str | None) -> Source | None:
        """The source a name denotes, or None when unknown.

        Args:
            name: an outlet, agency or body name as written ("ITAR-TASS", "the Kremlin",
                "Russia's defence ministry", "Ministry of Defence of Ukraine").
        Returns:
            the registered (or synthesised official-body) Source, or None.
        Example:
            get_registry().lookup("Ministry of Defense of Russia").source_id   # 'ru_mod'
        """
        if not name:
            return None
        key = normalise(name)
        if not key:
            return None
        found = self._by_alias.get(key)
        if found:
            return found
        match = self._structural_exact.match(key)
        if match:
            return self._structural(match, None)
        if "." in name and " " not in name.strip():
            return self.by_domain(name)
        return None

    def by_domain(self, url: str | None) -> Source | None:
        """The source whose web domain serves ``url`` (subdomains included), or None.

        Example:
            get_registry().by_domain("https://edition.cnn.com/2024/x.html").source_id   # 'cnn'
        """
        if not url:
            return None
        text = url.strip().lower()
        host = urlsplit(text if "//" in text else "//" + text).hostname or ""
        labels = host.removeprefix("www.").split(".")
        for first in range(len(labels) - 1):
            found = self._by_domain.get(".".join(labels[first:]))
            if found:
                return found
        return None

    def find_in_text(self, text: str) -> list[SourceMention]:
        """Every span of ``text`` that names a registered source or a country's official body.

        Overlapping candidates resolve to the longest ("Russian Ministry of Defence" wins
        over "Russian"); mentions include armed forces and presidencies ("Ukrainian forces",
        "Russian President"), so filter on ``source.kind`` when only outlets are wanted.

        Returns:
            mentions ordered by start offset, as ``(start, end, source)`` named tuples.
        Example:
            get_registry().find_in_text("he told TASS")   # [SourceMention(8, 12, <TASS>)]
        """
        if not text:
            return []
        normalised, offsets = normalise_with_offsets(text)
        candidates: list[tuple[int, int, int, Source]] = []  # start, end, priority, source
        if self._alias_pattern is not None:
            for match in self._alias_pattern.finditer(normalised):
                start, end = offsets[match.start()], offsets[match.end() - 1] + 1
                found = text[start:end]
                if compound_prefix(text, end):
                    continue
                for written, source in self._text_aliases.get(match.group(0), []):
                    if case_compatible(written, found):
                        candidates.append((start, end, 1, source))
                        break
        for match in self._structural_pattern.finditer(normalised):
            start, end = offsets[match.start()], offsets[match.end() - 1] + 1
            structural = self._structural(match, text[start:end])
            if structural is not None and not compound_prefix(text, end):
                candidates.append((start, end, 0, structural))
        candidates.sort(key=lambda c: (-(c[1] - c[0]), -c[2], c[0]))
        chosen: list[SourceMention] = []
        for start, end, _, source in candidates:
            if all(end <= m.start or start >= m.end for m in chosen):
                chosen.append(SourceMention(start, end, source))
        return sorted(chosen, key=lambda m: m.start)

    def root(self, source: Source) -> Source:
        """The top of a source's ownership chain (RIA Novosti -> Rossiya Segodnya)."""
        seen = {source.source_id}
        while source.parent and source.parent in self._sources and source.parent not in seen:
            source = self._sources[source.parent]
            seen.add(source.source_id)
        return source

    def affiliation(self, source: Source) -> str:
        """The grouping key for independence: one key per government, else per owner.

        State outlets and official bodies of one country share ``"<CC>:state"``; anything
        else is grouped by the top of its ownership chain.
        """
        if source.ownership == "state" and source.country:
            return f"{source.country}:state"
        return f"source:{self.root(source).source_id}"

    def affiliation_label(self, source: Source) -> str:
        """A reader's name for the affiliation ("Russian state", "BBC")."""
        if source.ownership == "state" and source.country:
            country = self.countries.get(source.country)
            return f"{country.adjective if country else source.country} state"
        return self.root(source).name


def _terms(value: str | None) -> tuple[tuple[str, str], ...]:
    """``"2017-01-20..2021-01-20|2025-01-20.."`` -> ((start, end), ...); an open end is ""."""
    terms = []
    for term in _split(value):
        start, _, end = term.partition("..")
        terms.append((start.strip(), end.strip()))
    return tuple(terms)


def _load_countries() -> list[Country]:
    return [
        Country(
            row["code"].strip().upper(),
            row["name"].strip(),
            row["adjective"].strip(),
            _split(row["aliases"]),
            _split(row.get("not_speakers")),
        )
        for row in _read_csv(DATA_DIR / "countries.csv")
    ]


def _load_bodies() -> dict[str, tuple[str, ...]]:
    """Body id -> (label, phrase, phrase ...)."""
    return {
        row["body"].strip(): (row["label"].strip(), *_split(row["phrases"]))
        for row in _read_csv(DATA_DIR / "bodies.csv")
    }


def load_registry(sources_file: str | Path | None = None) -> SourceRegistry:
    """Read the shipped registry and, when given, a user file that extends or overrides it.

    Args:
        sources_file: a CSV with the columns of ``data/sources.csv`` or a TOML file of
            ``[[source]]`` tables (id, name, aliases, country, ownership, kind, body,
            domains, parent); a row with a shipped id replaces that row.
    Returns:
        a new SourceRegistry (prefer the cached ``get_registry``).
    Example:
        registry = load_registry("my_outlets.toml")
    """
    countries = _load_countries()
    by_code = {c.code: c for c in countries}
    shipped = [
        _source_from_row(dict(row), f"{DATA_DIR / 'sources.csv'} row {n}", by_code)
        for n, row in enumerate(_read_csv(DATA_DIR / "sources.csv"), start=2)
    ]
    user: list[Source] = []
    if sources_file:
        path = Path(sources_file).expanduser()
        if not path.exists():
            raise SourceRegistryError(
                f"the sources_file {path} does not exist; fix the [sources] sources_file setting or remove it"
            )
        user = [
            _source_from_row(row, f"{path} entry {n}", by_code)
            for n, row in enumerate(_rows_from_file(path), start=1)
        ]
    user_ids = {s.source_id for s in user}
    # user rows first, so an alias a user redefines points at the user's source
    merged = user + [s for s in shipped if s.source_id not in user_ids]
    registry = SourceRegistry(merged, countries, _load_bodies())
    registry.add_people(_read_csv(DATA_DIR / "people.csv"))
    return registry


@functools.lru_cache(maxsize=8)
def _cached(sources_file: str) -> SourceRegistry:
    return load_registry(sources_file or None)


def get_registry(sources_file: str | Path | None = None) -> SourceRegistry:
    """The registry for this process (loaded once per user file).

    Example:
        get_registry().lookup("the Associated Press").source_id   # 'ap'
    """
    return _cached(str(Path(sources_file).expanduser().resolve()) if sources_file else "")

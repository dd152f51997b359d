"""Mirror a text between two countries: their names, adjectives, capitals, outlets and officials swapped.

Used by the symmetry tests: the same rules must give the same labels to both sides of a conflict,
so a corpus and its mirror must come out alike, with the two sides' names exchanged. The pairs
come from the packaged registry, for any two countries: outlets pair by registry order within
each country, officials by the body they speak for (else the other side's first official).
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from wiretrace.provenance.sources import DATA_DIR, get_registry


def _english(written: str) -> bool:
    return bool(re.fullmatch(r"[A-Z][A-Za-z.'\- ]+", written))


def _pair(side_a: list, side_b: list, key) -> list[tuple]:
    """A one-to-one pairing: each of ``side_a`` with the first unused of ``side_b`` of the same key,
    else the first unused one; leftovers stay unpaired (a bijection, so mirroring twice is identity)."""
    unused = list(side_b)
    pairs = []
    for item in side_a:
        match = next((b for b in unused if key(b) == key(item)), unused[0] if unused else None)
        if match is None:
            break
        unused.remove(match)
        pairs.append((item, match))
    return pairs


def swap_pairs(first: str, second: str) -> dict[str, str]:
    """Written form -> its counterpart, both ways: names, adjectives, capitals, outlets, officials."""
    registry = get_registry()
    a, b = registry.countries[first], registry.countries[second]
    pairs = [(a.name, b.name), (a.adjective, b.adjective)]

    def capital(country) -> list[str]:
        return [
            w
            for w in country.aliases
            if re.fullmatch(r"[A-Z][a-z]+", w) and w not in (country.name, country.adjective)
        ]

    pairs += list(zip(capital(a)[:1], capital(b)[:1], strict=False))
    outlets = ("wire_agency", "state_agency", "newspaper", "broadcaster", "aggregator")
    side_a = [s for s in registry.sources if s.country == first and s.kind in outlets]
    side_b = [s for s in registry.sources if s.country == second and s.kind in outlets]
    pairs += [(x.name, y.name) for x, y in _pair(side_a, side_b, lambda s: (s.kind, s.ownership))]
    people = list(csv.DictReader((Path(DATA_DIR) / "people.csv").open(encoding="utf-8")))
    people_a = [p for p in people if p["country"] == first]
    people_b = [p for p in people if p["country"] == second]
    for x, y in _pair(people_a, people_b, lambda p: p["body"]):
        pairs += [(x["name"], y["name"]), (x["name"].split()[-1], y["name"].split()[-1])]
    mapping: dict[str, str] = {}
    for x, y in pairs:
        mapping.setdefault(x, y)
        mapping.setdefault(y, x)
    return mapping


def mirror(text: str, first: str, second: str) -> str:
    """``text`` with every name of ``first`` and ``second`` exchanged, in one pass (any case: a
    rewrite that writes "Ria Novosti" names the same outlet)."""
    pairs = {k.lower(): v for k, v in swap_pairs(first, second).items()}
    alternation = "|".join(re.escape(k) for k in sorted(pairs, key=len, reverse=True))
    pattern = re.compile(r"\b(?:" + alternation + r")\b", re.IGNORECASE)
    return pattern.sub(lambda m: pairs[m.group(0).lower()], text)

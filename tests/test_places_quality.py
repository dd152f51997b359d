"""Quality gate for place resolution: the seed gold and a labelled set from other regions.

Floors are pinned: they may go up, never silently down.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from places_cases import CASES, HELDOUT, HELDOUT_2, TOLERANCE_KM

from wiretrace.ingest import segment
from wiretrace.places.gazetteer import distance_km
from wiretrace.places.stage import resolve_places
from wiretrace.records import Article

SHARED = (Path(__file__).parents[1] / ".." / "shared").resolve()
GOLD = SHARED / "gold" / "seeds.json"
SEEDS = SHARED / "corpus" / "seeds"

# measured 1.00 on CASES (89 mentions, 50 texts) and on HELDOUT (46 mentions, 25 texts; 0.83 when
# first scored, before the fixes it prompted) and HELDOUT_2 (28 mentions; 0.96 blind) when pinned
CASES_ACCURACY_FLOOR = 0.95
GOLD_TOLERANCE_KM = 5.0


def _article(article_id: str, text: str) -> Article:
    return Article(article_id, text, None, None, None, None, None, f"{article_id}.txt", None, "txt")


def test_every_seed_gold_place_resolves_to_the_listed_geonames_place() -> None:
    if not GOLD.exists() or not SEEDS.is_dir():
        pytest.skip(f"shared data not found at {SHARED}")
    gold = json.loads(GOLD.read_text(encoding="utf-8"))["places"]
    articles = [_article(p.stem, p.read_text(encoding="utf-8")) for p in sorted(SEEDS.glob("*.txt"))]
    result = resolve_places(articles, segment.segment_all(articles))
    places = {p.place_id: p for p in result.places}
    failures = []
    for item in gold:
        mentions = [m for m in result.mentions if m.text == item["mention"]]
        if not mentions:
            failures.append(f"{item['mention']}: not detected")
            continue
        for mention in mentions:
            place = places.get(mention.place_id)
            if (
                place is None
                or place.name != item["geonames_name"]
                or distance_km(place.lat, place.lon, item["lat"], item["lon"]) > GOLD_TOLERANCE_KM
            ):
                failures.append(f"{item['mention']} in {mention.article_id}: {place} ({mention.reason})")
    assert not failures, failures


def test_accuracy_on_places_from_other_regions_stays_above_floor() -> None:
    cases = CASES + HELDOUT + HELDOUT_2
    articles = [_article(f"case{i:03d}", text) for i, (text, _) in enumerate(cases)]
    result = resolve_places(articles, segment.segment_all(articles))
    places = {p.place_id: p for p in result.places}
    correct = total = 0
    wrong = []
    for i, (_text, expected) in enumerate(cases):
        mentions = [m for m in result.mentions if m.article_id == f"case{i:03d}"]
        for written, name, lat, lon in expected:
            total += 1
            hit = next((m for m in mentions if m.text.startswith(written)), None)
            place = places.get(hit.place_id) if hit else None
            if place and (
                distance_km(place.lat, place.lon, lat, lon) <= TOLERANCE_KM
                or (place.kind != "city" and place.name == name)
            ):
                correct += 1
            else:
                wrong.append((written, place.name if place else None))
    accuracy = correct / total
    print(f"place accuracy {accuracy:.3f} ({correct}/{total}); wrong: {wrong}")
    assert accuracy >= CASES_ACCURACY_FLOOR, wrong

"""Places and events speed: gazetteer build and load time, articles per second.

Run: PYTHONPATH=src python bench/places_speed.py [--articles 500] [--no-ner]
Prints figures; asserts nothing. The corpus is the example corpus plus the seed articles
(when ../shared exists), cycled to the requested size with distinct ids.
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from wiretrace.config import PlacesSettings
from wiretrace.ingest import segment
from wiretrace.ingest.stage import ingest_paths
from wiretrace.places import gazetteer
from wiretrace.places.events import build_events
from wiretrace.places.stage import resolve_places
from wiretrace.records import Article
from wiretrace.store import Store

ROOT = Path(__file__).resolve().parents[1]


def corpus(size: int) -> list[Article]:
    """The example and seed articles, cycled to ``size`` with distinct ids."""
    paths = [str(ROOT / "examples" / "corpus")]
    seeds = (ROOT / ".." / "shared" / "corpus" / "seeds").resolve()
    if seeds.is_dir():
        paths.append(str(seeds))
    with tempfile.TemporaryDirectory() as tmp, Store(Path(tmp) / "b.duckdb") as store:
        from wiretrace.config import load_settings

        ingest_paths(paths, store, load_settings().ingest)
        base = store.load(Article)
    return [
        replace(base[i % len(base)], article_id=f"{base[i % len(base)].article_id}-{i}") for i in range(size)
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=500)
    parser.add_argument("--no-ner", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as cache:
        os.environ["WIRETRACE_CACHE"] = cache
        start = time.perf_counter()
        gazetteer.load_gazetteer()
        built = time.perf_counter() - start
        start = time.perf_counter()
        gaz = gazetteer.load_gazetteer()
        cached = time.perf_counter() - start
    print(f"gazetteer: {len(gaz)} places, {len(gaz.exact)} name keys, {len(gaz.skeletons)} skeletons")
    print(f"gazetteer build (first use, no cache): {built:.1f} s; load from cache: {cached:.2f} s")
    articles = corpus(args.articles)
    words = sum(len(a.text.split()) for a in articles)
    settings = PlacesSettings(use_ner=not args.no_ner)
    sentences = segment.segment_all(articles)
    resolve_places(articles[:5], sentences, settings)  # warm: gazetteer, NER model, word lists
    start = time.perf_counter()
    result = resolve_places(articles, sentences, settings)
    places_s = time.perf_counter() - start
    start = time.perf_counter()
    ledger = build_events(articles, sentences, result.mentions, result.places)
    events_s = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{len(articles)} articles ({words / len(articles):.0f} words each), "
        f"NER {'on' if settings.use_ner else 'off'}"
    )
    print(
        f"places: {places_s:.1f} s = {len(articles) / places_s:.1f} articles/s; "
        f"{len(result.mentions)} mentions, {len(result.places)} places"
    )
    print(
        f"events: {events_s:.2f} s = {len(articles) / events_s:.0f} articles/s; {len(ledger.events)} events"
    )
    print(f"peak memory: {peak:.0f} MiB")


if __name__ == "__main__":
    main()

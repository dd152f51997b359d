"""Story page server time on a store of 100k synthetic articles (target: under 200 ms).

Builds a DuckDB store with every table the pages read (articles, sentences, pairs, alignments,
stories, claims, claim groups, provenance, independence, divergences, places, mentions,
events), with story sizes skewed like real news (most stories small, a few large, one of 200
articles), then times requests to the app in-process (FastAPI TestClient) by the app's own
Server-Timing header: routing, queries, view assembly and template rendering, no network.
Prints median / p95 / max per page kind.

Usage: python bench/web_speed.py [--articles 100000] [--db /tmp/web_speed.duckdb] [--keep]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))  # record_factory: the records the tests invent, filled alike

from record_factory import article, make, sentences  # noqa: E402

from wiretrace import records  # noqa: E402
from wiretrace.store import TABLES, Store  # noqa: E402

WORDS = (
    "port officials said ministry water river barge council vote court trial police report prices market "
    "inflation storm bridge ferry minister agency statement spokesman tonnes residents hospital workers "
    "election mayor budget strike union company shares deal talks border army unit village town region"
).split()
OUTLETS = [f"Outlet {i}" for i in range(400)]
SPEAKERS = [f"Speaker {i}" for i in range(3000)]


def story_sizes(total: int, rng: random.Random) -> list[int]:
    sizes = [200]  # the worst case a user opens
    left = total - 200
    while left > 0:
        size = min(left, 1 if rng.random() < 0.6 else min(int(rng.paretovariate(1.3)) + 1, 60))
        sizes.append(size)
        left -= size
    return sizes


def build(db: Path, total: int, seed: int = 7) -> dict[str, int]:
    """Write the synthetic store; returns row counts per table."""
    rng = random.Random(seed)
    rows: dict[type, list[Any]] = {t: [] for t in TABLES}
    next_article = 0
    for story_index, size in enumerate(story_sizes(total, rng)):
        story_id = f"story-{story_index:06d}"
        ids = []
        topic = rng.sample(WORDS, 6)
        day = f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        for _ in range(size):
            article_id = f"{next_article:016x}"
            next_article += 1
            ids.append(article_id)
            texts = []
            for _s in range(10):
                words = topic + rng.choices(WORDS, k=14)
                rng.shuffle(words)
                texts.append(" ".join(words).capitalize() + ".")
            record = article(
                article_id,
                " ".join(texts),
                rng.choice(OUTLETS),
                day,
                title=texts[0][:60],
                source_path="synthetic",
            )
            rows[records.Article].append(record)
            cut = sentences(record)  # the words hold no full stop, so these are the ten texts
            rows[records.Sentence].extend(cut)
            for sentence in cut[:3]:  # three claims an article, each one sentence
                speaker = SPEAKERS[(story_index * 3 + sentence.index) % len(SPEAKERS)]
                rows[records.Claim].append(
                    make(
                        records.Claim,
                        claim_id=f"{article_id}-c{sentence.index}",
                        article_id=article_id,
                        sentence_index=sentence.index,
                        content_start=sentence.start,
                        content_end=sentence.end,
                        content=sentence.text,
                        cue="said",
                        speaker=speaker,
                        speaker_canonical=speaker,
                        via_outlet=rng.choice(OUTLETS),
                        sourcing="named",
                        quote_kind=rng.choice(["direct", "indirect"]),
                    )
                )
        original = ids[0]
        for other in ids[1:]:
            rows[records.Pair].append(make(records.Pair, article_a=original, article_b=other, kind="rewrite"))
            for index in range(10):
                rows[records.Alignment].append(
                    make(
                        records.Alignment,
                        article_a=original,
                        sentence_a=index,
                        article_b=other,
                        sentence_b=index,
                        score=0.8,
                    )
                )
        rows[records.Story].append(
            make(
                records.Story,
                story_id=story_id,
                article_ids=tuple(ids),
                size=len(ids),
                headline=" ".join(topic),
                date_start=day,
                date_end=day,
                likely_original=original,
            )
        )
        for index in range(3):
            rows[records.ClaimGroup].append(
                make(
                    records.ClaimGroup,
                    group_id=f"{story_id}-g{index}",
                    story_id=story_id,
                    canonical=" ".join(topic),
                    speaker=SPEAKERS[index],
                    claim_ids=tuple(f"{a}-c{index}" for a in ids),
                    article_ids=tuple(ids),
                )
            )
        for article_id in ids:
            rows[records.ProvenanceChain].append(
                make(
                    records.ProvenanceChain,
                    claim_id=f"{article_id}-c0",
                    group_id=f"{story_id}-g0",
                    story_id=story_id,
                    article_id=article_id,
                    speaker=SPEAKERS[0],
                    affiliation="Ministry",
                )
            )
        rows[records.Independence].append(
            make(
                records.Independence,
                scope="story",
                scope_id=story_id,
                story_id=story_id,
                label=rng.choice(["single_source", "one_party", "independently_corroborated"]),
                summary=f"{len(ids)} articles, {3 * len(ids)} claims.",
            )
        )
        if len(ids) > 1:
            rows[records.Divergence].append(
                make(
                    records.Divergence,
                    divergence_id=f"{story_id}-d",
                    story_id=story_id,
                    kind="number",
                    conflict=True,
                    article_a=ids[0],
                    start_a=0,
                    end_a=20,
                    article_b=ids[1],
                    start_b=0,
                    end_b=20,
                    explanation="numbers differ",
                )
            )
        place_id = f"gn:{story_index % 5000}"
        if story_index < 5000:
            rows[records.Place].append(
                make(
                    records.Place,
                    place_id=place_id,
                    name=f"Town {story_index}",
                    lat=rng.uniform(-50, 65),
                    lon=rng.uniform(-120, 140),
                    precision="populated_place",
                )
            )
        for article_id in ids[:20]:
            rows[records.PlaceMention].append(
                make(
                    records.PlaceMention,
                    mention_id=f"{article_id}-m",
                    article_id=article_id,
                    start=0,
                    end=8,
                    text="Town",
                    place_id=place_id,
                    status="resolved",
                )
            )
        rows[records.Event].append(
            make(
                records.Event,
                event_id=f"{story_id}-e",
                article_id=ids[0],
                start=0,
                end=30,
                event_type="statement",
                date=day,
                claimant=SPEAKERS[0],
                status="claimed",
            )
        )
    with Store(db) as store:
        store.insert_new(records.Article, rows[records.Article])
        store.replace_many(
            {t: r for t, r in rows.items() if t is not records.Article and t is not records.Rejection}
        )
        return {TABLES[t][0]: store.count(t) for t in TABLES}


def timed(client: Any, url: str, repeat: int = 1) -> list[float]:
    out = []
    for _ in range(repeat):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        # server time as the app measures it (Server-Timing), without the test client's overhead
        out.append(float(response.headers["server-timing"].partition("dur=")[2]))
    return out


def report(name: str, millis: list[float]) -> None:
    ordered = sorted(millis)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    print(
        f"{name:<34} n={len(millis):<4} median {statistics.median(millis):7.1f} ms  p95 {p95:7.1f} ms  "
        f"max {max(millis):7.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--db", type=Path, default=Path("/tmp/web_speed.duckdb"))
    parser.add_argument("--keep", action="store_true", help="reuse an existing store at --db")
    args = parser.parse_args()
    if not (args.keep and args.db.exists()):
        args.db.unlink(missing_ok=True)
        started = time.perf_counter()
        counts = build(args.db, args.articles)
        print(
            f"built {args.db} in {time.perf_counter() - started:.0f} s: "
            + ", ".join(f"{v} {k}" for k, v in counts.items() if v)
        )
    from fastapi.testclient import TestClient

    from wiretrace.present.web import create_app

    client = TestClient(create_app(args.db))
    with Store(args.db, read_only=True) as store:
        rows = store.connection.execute(
            "SELECT story_id, len(article_ids) FROM stories ORDER BY story_id"
        ).fetchall()
        article_ids = [
            r[0]
            for r in store.connection.execute(
                "SELECT article_id FROM articles USING SAMPLE 30 ROWS"
            ).fetchall()
        ]
    rng = random.Random(1)
    sample = rng.sample(rows, 60)
    biggest = max(rows, key=lambda r: r[1])
    timed(client, f"/stories/{sample[0][0]}")  # warm-up: templates compiled, base map parsed
    story_ms = [timed(client, f"/stories/{sid}")[0] for sid, _n in sample]
    sizes = sorted(n for _sid, n in sample)
    print(f"store: {len(rows)} stories; sampled sizes median {statistics.median(sizes)}, max {max(sizes)}")
    report("story page (60 random stories)", story_ms)
    largest = timed(client, f"/stories/{biggest[0]}", 5)
    report(f"story page (largest, {biggest[1]} articles), first", largest[:1])
    report("story page (largest), revisits", largest[1:])
    report(
        "story JSON /api/stories/{id}", [timed(client, f"/api/stories/{sid}")[0] for sid, _n in sample[:20]]
    )
    report("article page", [timed(client, f"/articles/{a}")[0] for a in article_ids])
    report("story list /", timed(client, "/", 5))
    report("story list ?q=port&min_articles=5", timed(client, "/?q=port&min_articles=5", 5))
    report("story list ?outlet=Outlet 7", timed(client, "/?outlet=Outlet%207", 5))
    report("claim search ?q=ferry minister", timed(client, "/search?q=ferry+minister", 5))
    report("speaker page", timed(client, "/speakers/Speaker%2012", 5))


if __name__ == "__main__":
    main()

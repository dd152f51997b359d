"""Divergences on real same-story article pairs from SemEval-2022 Task 8 (prints them; not a test).

    python bench/divergences_semeval.py [--all]

Pairs with Overall <= 1.5 report one story from two outlets (independent reports: pair kind
``same_event``). Every divergence printed is one a reader should be able to confirm by reading
both texts; the counts per kind show how chatty the stage is on real text. Texts are truncated
to about 1,000 characters by the data source.
"""

from __future__ import annotations

import csv
import sys
import time
from collections import Counter
from dataclasses import fields
from pathlib import Path

from wiretrace.divergences.stage import DivergenceInput, find_divergences
from wiretrace.ingest import segment
from wiretrace.records import Article, Pair, Story

DATA = (
    Path(__file__).resolve().parents[1] / ".." / "shared" / "bench" / "semeval2022-t8" / "train-en.csv"
).resolve()


def _blank(record_type: type, **values: object) -> object:
    defaults = {
        f.name: (
            () if "tuple" in str(f.type) else -1 if f.type == "int" else None if "None" in str(f.type) else ""
        )
        for f in fields(record_type)
    }
    defaults.update(values)
    return record_type(**defaults)


def main() -> None:
    if not DATA.exists():
        print(f"not found: {DATA}")
        return
    threshold = 4.0 if "--all" in sys.argv else 1.5
    rows = [r for r in csv.DictReader(DATA.open(encoding="utf-8")) if float(r["Overall"]) <= threshold]
    articles, stories, pairs = [], [], []
    for row in rows:
        ids = []
        for side in ("1", "2"):
            article_id = f"{row['pair_id']}-{side}"
            articles.append(
                _blank(
                    Article,
                    article_id=article_id,
                    text=row[f"text{side}"].strip(),
                    source_path="semeval",
                    source_format="csv",
                )
            )
            ids.append(article_id)
        stories.append(
            _blank(Story, story_id=f"pair-{row['pair_id']}", article_ids=tuple(ids), likely_original=ids[0])
        )
        pairs.append(_blank(Pair, article_a=ids[0], article_b=ids[1], kind="same_event"))
    sentences = [s for a in articles for s in segment.segment(a)]
    started = time.perf_counter()
    found = find_divergences(DivergenceInput(articles, sentences, stories, pairs)).divergences
    elapsed = time.perf_counter() - started
    print(
        f"{len(rows)} same-story pairs, {len(found)} divergences in {elapsed:.1f}s: "
        f"{dict(Counter(d.kind for d in found))}"
    )
    for d in found:
        print(f"- {d.kind}: {d.text_a[:70]!r} | {d.text_b[:70]!r} ({d.explanation[:80]})")


if __name__ == "__main__":
    main()

"""Provenance figures on the example corpus and the seeds (prints numbers; not a test).

    python bench/provenance_quality.py

Example corpus: for each hand-annotated claim with instances in several articles, whether its
instances land in one claim group (cohesion), whether groups mix annotated claims (purity), and
whether the group's independent-source count equals the annotation. Seeds: the story summaries
and the parties named as upstream.
"""

from __future__ import annotations

import json
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from wiretrace.config import Settings
from wiretrace.engine import pipeline
from wiretrace.records import Article, Claim, ClaimGroup, Independence, ProvenanceChain

REPO = Path(__file__).resolve().parents[1]
SHARED = (REPO / ".." / "shared").resolve()


def _articles(folder: Path, names: dict[str, Any]) -> tuple[list[Article], dict[str, str]]:
    """Articles read with the ingest stage (so headers and formats are handled), keyed back to gold ids."""
    import tempfile

    from wiretrace.ingest.stage import ingest_paths
    from wiretrace.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        with Store(Path(tmp) / "bench.duckdb") as store:
            ingest_paths([str(folder)], store, Settings().ingest)
            articles = store.load(Article)
    key_of = {}
    for article in articles:
        name = Path(article.source_path).name
        for key, spec in names.items():
            # gold names a file, or (examples) {"file": ..., "line": n} for one line of a jsonl file
            file_name = spec if isinstance(spec, str) else spec["file"]
            line = None if isinstance(spec, str) else spec.get("line")
            if name == file_name and (line is None or str(line) in (article.source_record or "")):
                key_of[article.article_id] = key
    return articles, key_of


def _run(articles: list[Article]) -> dict[type, list]:
    settings = Settings()
    outputs = pipeline.article_stages(articles, settings)
    outputs.update(pipeline.corpus_stages(articles, outputs, settings))
    return outputs


def examples() -> None:
    gold = json.loads((REPO / "examples" / "expected.json").read_text(encoding="utf-8"))
    names = {k: v for k, v in gold["articles"].items()}
    articles, key_of = _articles(REPO / "examples" / "corpus", names)
    started = time.perf_counter()
    outputs = _run(articles)
    elapsed = time.perf_counter() - started
    claims: list[Claim] = outputs.get(Claim, [])
    groups = {g.group_id: g for g in outputs.get(ClaimGroup, [])}
    group_of = {c: g.group_id for g in groups.values() for c in g.claim_ids}
    independence = {r.scope_id: r for r in outputs.get(Independence, [])}
    print(
        f"examples: {len(articles)} articles, {len(claims)} claims, {len(groups)} groups, "
        f"{elapsed:.1f}s all stages"
    )
    if not claims:
        print("  no claims: the claims stage is not wired; nothing to score")
        return
    cohesive = multi = right_count = scored = 0
    gold_of_group: dict[str, set[str]] = defaultdict(set)
    for item in gold["claims"]:
        found_groups = set()
        for key, anchor in item["instances"].items():
            ids = [a for a, k in key_of.items() if k == key]
            for claim in claims:
                if claim.article_id in ids and fuzz.partial_ratio(anchor, claim.content) >= 85:
                    found_groups.add(group_of[claim.claim_id])
                    gold_of_group[group_of[claim.claim_id]].add(item["id"])
        if len(item["instances"]) > 1:
            multi += 1
            cohesive += len(found_groups) == 1
        if found_groups and "independent_sources" in item:
            scored += 1
            counts = {independence[g].independent_sources for g in found_groups if g in independence}
            right_count += counts == {item["independent_sources"]}
    mixed = sum(1 for ids in gold_of_group.values() if len(ids) > 1)
    print(f"  cohesion: {cohesive}/{multi} multi-article annotated claims fall in one group")
    print(f"  purity: {mixed}/{len(gold_of_group)} groups mix two annotated claims")
    print(f"  independent sources equal to the annotation: {right_count}/{scored}")
    for row in independence.values():
        if row.scope == "story":
            print(f"  {row.scope_id}: {row.label}: {row.summary}")


def seeds() -> None:
    folder = SHARED / "corpus" / "seeds"
    if not folder.is_dir():
        print(f"seeds: not found at {folder}")
        return
    gold = json.loads((SHARED / "gold" / "seeds.json").read_text(encoding="utf-8"))
    articles, _ = _articles(folder, gold["articles"])
    outputs = _run(articles)
    chains: list[ProvenanceChain] = outputs.get(ProvenanceChain, [])
    print(f"seeds: {len(outputs.get(Claim, []))} claims, {len(outputs.get(ClaimGroup, []))} groups")
    for row in outputs.get(Independence, []):
        if row.scope == "story":
            print(f"  {row.scope_id}: {row.label}: {row.summary}")
    parties = defaultdict(int)
    for chain in chains:
        if chain.origin and chain.sourcing == "named":
            parties[chain.party_label] += 1
    print("  named claims by party:", dict(sorted(parties.items(), key=lambda kv: -kv[1])))


if __name__ == "__main__":
    examples()
    seeds()
    sys.exit(0)

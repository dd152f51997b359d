"""Derived-pair precision and recall on hand-labelled SemEval-2022 Task 8 pairs.

Usage: python bench/derivation_semeval.py [--part tune|held_out|all]

Labels: bench/labels/semeval_derivation.json (241 pairs read by a helper session: derived from one
upstream, independent report, unrelated, unsure; English pairs and 80 pairs with an English side).
Every text of the English pairs is ingested into one temporary store and analysed; a labelled
pair counts as found derived when the derivation graph (``derivations`` table) joins its two
articles, directly or through other articles ("graph"), and "text" counts only the stories stage's
copy, near-copy and rewrite pairs (what independence counted before the derivation graph).
Unsure pairs are left out. The texts are cut to about 1,000 characters by the data set's source,
which leaves few claims per article: a weak test of evidence that rests on ordered claims.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from wiretrace.config import Settings  # noqa: E402
from wiretrace.engine.pipeline import analyze  # noqa: E402
from wiretrace.ingest.stage import ingest_paths  # noqa: E402
from wiretrace.provenance.upstream import UnionFind  # noqa: E402
from wiretrace.records import Article, Derivation, Pair  # noqa: E402
from wiretrace.store import Store  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SEMEVAL = (ROOT / ".." / "shared" / "bench" / "semeval2022-t8").resolve()
LABELS = ROOT / "bench" / "labels" / "semeval_derivation.json"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--part", default="all", choices=["tune", "held_out", "all"])
    args = parser.parse_args()
    labels = [
        p
        for p in json.loads(LABELS.read_text(encoding="utf-8"))["pairs"]
        if p["file"] == "train-en.csv" and p["label"] != "unsure" and args.part in ("all", p["part"])
    ]
    rows = {r["pair_id"]: r for r in csv.DictReader((SEMEVAL / "train-en.csv").open(encoding="utf-8"))}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "pairs.jsonl"
        with path.open("w", encoding="utf-8") as out:
            for pair in labels:
                for side, text in zip(
                    pair["pair_id"].split("_"),
                    (rows[pair["pair_id"]]["text1"], rows[pair["pair_id"]]["text2"]),
                    strict=True,
                ):
                    out.write(json.dumps({"text": text, "url": f"https://semeval.example/{side}"}) + "\n")
        with Store(Path(folder) / "s.duckdb") as store:
            ingest_paths([str(path)], store, Settings().ingest)
            analyze(store, Settings())
            id_of = {a.url: a.article_id for a in store.load(Article)}
            graph, text = UnionFind(), UnionFind()
            for edge in store.load(Derivation):
                graph.union(edge.article_a, edge.article_b)
            for pair in store.load(Pair):
                if pair.kind in ("copy", "near_copy", "rewrite"):
                    text.union(pair.article_a, pair.article_b)
    for name, sets in (("text", text), ("graph", graph)):
        tp = fp = fn = 0
        for pair in labels:
            a, b = (id_of.get(f"https://semeval.example/{side}") for side in pair["pair_id"].split("_"))
            found = a is not None and b is not None and a != b and sets.find(a) == sets.find(b)
            derived = pair["label"] == "derived"
            tp += found and derived
            fp += found and not derived
            fn += derived and not found
        precision = tp / (tp + fp) if tp + fp else float("nan")
        recall = tp / (tp + fn) if tp + fn else float("nan")
        print(
            f"{args.part} {name}: {len(labels)} pairs, {tp + fn} derived; found {tp + fp}, right {tp}: "
            f"precision {precision:.2f} recall {recall:.2f}"
        )


if __name__ == "__main__":
    main()

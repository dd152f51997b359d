"""Precision of each rewrite signal on the hand-labelled sample (bench/labels/signals_precision.json).

Usage: python bench/signals_precision.py

The sample: up to 12 signals of each kind raised on PolNeAR train (human-written news) and on the
seeds plus the example corpus, each judged correct or wrong by a helper session (85 in all). This
re-runs ``analyze`` on both corpora and scores the labelled signals the current rules still raise
(a signal id names its kind, article and spans, so a rule that stops raising one drops it), per
kind and corpus. The rules were changed after reading these labels: the figures are on tuning
data, not a held-out part.
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from wiretrace.config import Settings  # noqa: E402
from wiretrace.engine.pipeline import analyze  # noqa: E402
from wiretrace.ingest.stage import ingest_paths  # noqa: E402
from wiretrace.records import Signal  # noqa: E402
from wiretrace.store import Store  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SHARED = (ROOT / ".." / "shared").resolve()
CORPORA = {
    "polnear_train": [SHARED / "bench" / "polnear" / "train" / "text"],
    "seeds_and_examples": [SHARED / "corpus" / "seeds", ROOT / "examples" / "corpus"],
}


def main() -> None:
    labels = json.loads((ROOT / "bench" / "labels" / "signals_precision.json").read_text(encoding="utf-8"))
    raised: set[str] = set()
    with tempfile.TemporaryDirectory() as folder:
        for name, paths in CORPORA.items():
            with Store(Path(folder) / f"{name}.duckdb") as store:
                ingest_paths([str(p) for p in paths], store, Settings().ingest)
                analyze(store, Settings())
                raised |= {s.signal_id for s in store.load(Signal)}
    kept, right, before, before_right = Counter(), Counter(), Counter(), Counter()
    for label in labels["labels"]:
        key = (label["corpus"], label["kind"])
        before[key] += 1
        before_right[key] += label["verdict"] == "correct"
        if label["signal_id"] in raised:
            kept[key] += 1
            right[key] += label["verdict"] == "correct"
    for key in sorted(before):
        now = f"{right[key]}/{kept[key]} = {right[key] / kept[key]:.2f}" if kept[key] else "none raised"
        print(
            f"{key[0]:20s} {key[1]:22s} labelled {before_right[key]}/{before[key]} correct; "
            f"still raised: {now}"
        )


if __name__ == "__main__":
    main()

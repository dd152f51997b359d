"""Synthetic JSONL corpora for the scale benchmark and the Ray equivalence test.

Texts come from ``synthetic.make_corpus`` (planted copies, near-copies, rewrites and
distractors). Each family gets one attributed statement shared by its texts, so that the
claims, provenance and divergence stages have work, plus an outlet, a date and a title.

Usage: python bench/scale_corpus.py 10000 /tmp/corpus-10k.jsonl
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from synthetic import make_corpus  # noqa: E402

_CUES = ("said", "told reporters", "said in a statement", "according to")


def _statement(rng: np.random.Generator, words: list[str]) -> str:
    """One attributed sentence made of corpus words: a quote and a made-up speaker."""
    picks = rng.choice(len(words), size=9, replace=False)
    quote = " ".join(words[i] for i in picks[:6]).capitalize()
    speaker = " ".join(words[i].capitalize() for i in picks[6:8])
    cue = _CUES[int(rng.integers(0, len(_CUES)))]
    if cue == "according to":
        return f"{quote.rstrip('.')}, according to {speaker}."
    return f'"{quote}," {speaker} {cue}.'


def write_corpus(size: int, path: str | Path, seed: int = 1, chunk_files: int = 1) -> list[Path]:
    """Write ``size`` articles as JSONL (``chunk_files`` files) and return the paths.

    Args:
        size: number of articles.
        path: the output file; with ``chunk_files`` > 1, files ``<stem>-<n>.jsonl`` beside it.
        seed: random seed (same seed, same corpus).
        chunk_files: how many files to split the corpus into (Ray reads files in parallel).
    Returns:
        the files written.
    """
    corpus = make_corpus(size, seed=seed)
    rng = np.random.default_rng(seed + 1)
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    paths = (
        [target]
        if chunk_files <= 1
        else [target.with_name(f"{target.stem}-{n:03d}.jsonl") for n in range(chunk_files)]
    )
    handles = [p.open("w", encoding="utf-8") for p in paths]
    statements: dict[int, str | None] = {}
    try:
        for row, text in enumerate(corpus.texts):
            family = int(corpus.family[row])
            if family not in statements:
                words = text.replace(".", "").lower().split()
                wanted = rng.random() < 0.6 and len(words) > 12
                statements[family] = _statement(rng, words) if wanted else None
            statement = statements[family]
            if statement and corpus.kind[row] != "distractor":
                # first, so that copies stay copies after case and spacing are normalised
                text = f"{statement} {text}"
            record = {
                "text": text,
                "title": " ".join(text.split()[:6]).rstrip(".,"),
                "outlet": f"outlet-{int(rng.integers(0, 300))}.example",
                "date": f"2026-03-{1 + (family % 28):02d}",
                "url": f"https://outlet-{row % 300}.example/{row}",
            }
            handles[row % len(handles)].write(json.dumps(record) + "\n")
    finally:
        for handle in handles:
            handle.close()
    return paths


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    out = sys.argv[2] if len(sys.argv) > 2 else f"/tmp/wiretrace-synthetic-{n}.jsonl"
    written = write_corpus(n, out)
    print(f"wrote {n} articles to {', '.join(map(str, written))}")

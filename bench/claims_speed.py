"""Speed and peak memory of the claims stage on news-length articles.

Usage: python bench/claims_speed.py [--sizes 1000 10000] [--processes 0] [--stance] [--span-model]

Articles are the PolNeAR texts (2016 US election news, about 720 words each) from
../shared/bench/polnear, repeated under new ids up to each size. Each size runs in a fresh
process so that its peak memory is its own; the model load is timed apart from extraction.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
POLNEAR = (ROOT / ".." / "shared" / "bench" / "polnear").resolve()


def _articles(count: int) -> list:
    from wiretrace.records import Article

    texts = [
        p.read_text(encoding="utf-8")
        for c in ("train", "dev")
        for p in sorted((POLNEAR / c / "text").glob("*.txt"))
    ]
    if not texts:
        raise SystemExit(f"no texts under {POLNEAR}")
    return [
        Article(f"bench-{i:06d}", texts[i % len(texts)], None, None, None, None, None, "bench", None, "txt")
        for i in range(count)
    ]


def _cpu() -> float:
    """CPU seconds of this process and its finished workers (the machine's load does not skew it)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _one(count: int, processes: int, stance: bool, span_model: bool = False) -> dict:
    """Run one size in this process and return its figures."""
    from wiretrace.claims.stage import extract_claims, load_model
    from wiretrace.config import ClaimsSettings
    from wiretrace.ingest.segment import segment_all

    settings = ClaimsSettings(processes=processes, stance_cues=stance, span_model=span_model)
    articles = _articles(count)
    words = sum(len(a.text.split()) for a in articles)
    started = time.perf_counter()
    load_model(settings.model, settings.exclude_components)
    loaded = time.perf_counter() - started
    cpu_before = _cpu()
    started = time.perf_counter()
    sentences = segment_all(articles)
    result = extract_claims(articles, sentences, settings)
    elapsed = time.perf_counter() - started
    cpu = _cpu() - cpu_before
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {
        "articles": count,
        "words_per_article": round(words / count),
        "claims": len(result.claims),
        "model_load_s": round(loaded, 1),
        "seconds": round(elapsed, 1),
        "articles_per_s": round(count / elapsed, 1),
        "articles_per_cpu_s": round(count / cpu, 1),
        "peak_mb_main": round(own),
        "peak_mb_worker": round(children),
        "load_average": os.getloadavg()[0],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--processes", type=int, default=0, help="0: the stage's default (2 for big batches)")
    parser.add_argument("--stance", action="store_true")
    parser.add_argument(
        "--span-model", action="store_true", help="also the span tagger ([claims] span_model)"
    )
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(_one(args.one, args.processes, args.stance, args.span_model)))
        return
    print(
        f"claims stage on {os.cpu_count()} cores, "
        f"processes={args.processes or 'default'}, stance={args.stance}, span_model={args.span_model}"
    )
    for size in args.sizes:
        command = [sys.executable, __file__, "--one", str(size), "--processes", str(args.processes)]
        if args.stance:
            command.append("--stance")
        if args.span_model:
            command.append("--span-model")
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
        figures = json.loads(output.strip().splitlines()[-1])
        print(
            f"{figures['articles']:6d} articles ({figures['words_per_article']} words each): "
            f"{figures['articles_per_s']:6.1f} articles/s ({figures['articles_per_cpu_s']} per CPU-second), "
            f"{figures['seconds']}s "
            f"(+{figures['model_load_s']}s model load), {figures['claims']} claims, peak memory "
            f"{figures['peak_mb_main']} MB main + {figures['peak_mb_worker']} MB largest worker, "
            f"load average {figures['load_average']:.1f}"
        )


if __name__ == "__main__":
    main()

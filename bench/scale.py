"""Embedded vs Ray-local on synthetic corpora: articles/s per stage and end to end, peak memory.

Each run is a child process that samples the resident memory of its whole process tree (the
Ray driver, raylet and workers, or the embedded path and its claims workers) every 0.2 s, so
the peak includes everything the run started. RSS counts a page shared by forked workers once in
each of them; the PSS figure (proportional set size) splits it between them. Corpora come from
``scale_corpus`` (synthetic texts with planted copies and rewrites, plus one attributed
statement per story family).

Usage:
    python bench/scale.py --sizes 10000 100000 --cpus 2
    python bench/scale.py --sizes 1000000 --engines embedded --article-stages-only
    python bench/scale.py --sizes 1000000 --engines embedded --stories-only   # ingest, sentences, stories
Prints one row per (engine, size) and writes the figures as JSON (--json FILE).
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))

# (module, attribute, stage name): the functions the embedded pipeline calls, timed in place
STAGES = [
    ("ingest.segment", "segment_all", "segment"),
    ("claims.stage", "extract_claims", "claims"),
    ("stories.stage", "stream_stories", "stories"),
    ("provenance.stage", "stage_outputs", "provenance"),
    ("divergences.stage", "stage_outputs", "divergences"),
    ("places.events", "Ledger.add", "places_events"),
    ("places.events", "Ledger.finish", "places_events"),
]


class PeakMemory:
    """Peak resident memory and CPU seconds of this process and its descendants (Linux /proc).

    CPU time is what makes figures comparable on a shared machine: wall time there depends on
    what else runs, CPU-seconds much less.
    """

    def __init__(self, every: float = 0.2) -> None:
        self.root = os.getpid()
        self.peak = 0
        self.cpu: dict[int, float] = {}  # pid -> user+system seconds, last seen
        self.every = every
        self.peak_pss = 0  # proportional set size: a page shared by n processes counts 1/n in each
        self.phase = "other"  # the stage running now (set by the timed wrappers)
        self.phase_peaks: dict[str, int] = {}
        self.running = True
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()

    def _tree_rss(self) -> int:
        parents: dict[int, int] = {}
        rss: dict[int, int] = {}
        cpu: dict[int, float] = {}
        page = os.sysconf("SC_PAGE_SIZE")
        ticks = os.sysconf("SC_CLK_TCK")
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
                fields = stat[stat.rindex(")") + 2 :].split()
                parents[int(entry)] = int(fields[1])
                rss[int(entry)] = int(fields[21]) * page
                cpu[int(entry)] = (int(fields[11]) + int(fields[12])) / ticks
            except (OSError, ValueError, IndexError):
                continue
        tree, frontier = {self.root}, [self.root]
        children: dict[int, list[int]] = {}
        for pid, parent in parents.items():
            children.setdefault(parent, []).append(pid)
        while frontier:
            for child in children.get(frontier.pop(), []):
                if child not in tree:
                    tree.add(child)
                    frontier.append(child)
        for pid in tree:
            self.cpu[pid] = max(self.cpu.get(pid, 0.0), cpu.get(pid, 0.0))
        self.peak_pss = max(self.peak_pss, sum(_pss(pid) for pid in tree))
        return sum(rss.get(pid, 0) for pid in tree)

    def _sample(self) -> None:
        while self.running:
            rss = self._tree_rss()
            self.peak = max(self.peak, rss)
            self.phase_peaks[self.phase] = max(self.phase_peaks.get(self.phase, 0), rss)
            time.sleep(self.every)

    def stop(self) -> int:
        self.running = False
        self.thread.join()
        return self.peak


def _pss(pid: int) -> int:
    """Proportional set size of one process in bytes (0 where the kernel does not say)."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _timed_stages(seconds: dict[str, float], memory: PeakMemory | None = None) -> None:
    """Wrap each stage function so the pipeline's calls to it are timed (embedded path only);
    ``memory`` then keeps the peak of each stage apart."""
    import importlib

    for module_name, attribute, stage in STAGES:
        owner: Any = importlib.import_module(f"wiretrace.{module_name}")
        *path, function_name = attribute.split(".")
        for name in path:
            owner = getattr(owner, name)
        original = getattr(owner, function_name)

        def timed(*args: Any, _f: Any = original, _name: str = stage, **kwargs: Any) -> Any:
            start = time.perf_counter()
            before = memory.phase if memory else ""
            if memory:
                memory.phase = _name
            try:
                return _f(*args, **kwargs)
            finally:
                seconds[_name] = seconds.get(_name, 0.0) + time.perf_counter() - start
                if memory:
                    memory.phase = before

        setattr(owner, function_name, functools.wraps(original)(timed))


def child_embedded(
    files: list[str],
    work: Path,
    article_stages_only: bool,
    memory: PeakMemory | None = None,
    stories_only: bool = False,
) -> dict[str, Any]:
    """Ingest and analyze in a fresh store; per-stage seconds."""
    from wiretrace.config import Settings
    from wiretrace.engine import pipeline
    from wiretrace.ingest import segment
    from wiretrace.ingest.stage import ingest_paths
    from wiretrace.records import Article, Sentence
    from wiretrace.store import Store

    seconds: dict[str, float] = {}
    _timed_stages(seconds, memory)
    settings = Settings()
    with Store(work / "embedded.duckdb") as store:
        start = time.perf_counter()
        ingest_paths(files, store, settings.ingest)
        seconds["ingest"] = time.perf_counter() - start
        start = time.perf_counter()
        if article_stages_only:  # as ``analyze`` runs them: batch by batch, records written to the store
            store.clear(pipeline.DERIVED)
            pipeline.write_article_stages(store, settings)
            count = store.count(Article)
        elif stories_only:  # sentences batch by batch, then the stories stage as ``analyze`` runs it
            store.clear(pipeline.DERIVED)
            for first, last in store.article_id_bounds(pipeline.BATCH_ARTICLES):
                batch = store.load(Article, "article_id BETWEEN ? AND ?", [first, last])
                sentences = segment.segment_all(batch)
                store.append(Sentence, [s for article in batch for s in sentences[article.article_id]])
            pipeline.write_story_stage(store, settings)
            count = store.count(Article)
        else:
            count = pipeline.analyze(store, settings).counts["articles"]
        seconds["analyze"] = time.perf_counter() - start
    seconds["total"] = seconds["ingest"] + seconds["analyze"]
    return {"articles": count, "seconds": seconds}


def child_ray(files: list[str], work: Path, cpus: int) -> dict[str, Any]:
    """Analyze on a local Ray cluster, then import into a store; per-phase seconds."""
    from wiretrace.config import Settings
    from wiretrace.engine.importer import import_parquet
    from wiretrace.engine.scale import ScaleOptions, analyze_ray
    from wiretrace.store import Store

    start = time.perf_counter()
    result = analyze_ray(files, str(work / "tables"), Settings(), ScaleOptions(num_cpus=cpus))
    total = time.perf_counter() - start
    seconds = dict(result.seconds)
    phases = {k: v for k, v in result.seconds.items() if k != "article_stages_in_actors"}  # overlaps
    seconds["startup_and_shutdown"] = total - sum(phases.values())
    start = time.perf_counter()
    with Store(work / "ray.duckdb") as store:
        import_parquet(work / "tables", store)
    seconds["import"] = time.perf_counter() - start
    seconds["total"] = total + seconds["import"]
    return {"articles": result.counts["articles"], "seconds": seconds}


def run_child(engine: str, files: list[str], work: Path, args: argparse.Namespace) -> dict[str, Any]:
    """One measured run in a fresh Python process."""
    command = [sys.executable, __file__, "--child", engine, "--work", str(work), "--cpus", str(args.cpus)]
    if args.article_stages_only:
        command.append("--article-stages-only")
    if args.stories_only:
        command.append("--stories-only")
    command += ["--part-processes", str(args.part_processes), "--part-articles", str(args.part_articles)]
    done = subprocess.run([*command, "--files", *files], capture_output=True, text=True, check=False)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode or not lines:
        return {"error": done.stderr[-2000:]}
    return json.loads(lines[-1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000])
    parser.add_argument("--engines", nargs="+", default=["embedded", "ray"], choices=["embedded", "ray"])
    parser.add_argument("--cpus", type=int, default=2, help="CPUs of the local Ray cluster")
    parser.add_argument("--files", nargs="*", help=argparse.SUPPRESS)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--work", help=argparse.SUPPRESS)
    parser.add_argument(
        "--article-stages-only", action="store_true", help="embedded: ingest and per-article stages only"
    )
    parser.add_argument(
        "--stories-only", action="store_true", help="embedded: ingest, sentences and the stories stage only"
    )
    parser.add_argument("--part-processes", type=int, default=0, help="embedded: workers for the story parts")
    parser.add_argument("--part-articles", type=int, default=0, help="articles per story part (0: default)")
    parser.add_argument("--json", help="write the figures to this file")
    args = parser.parse_args()

    if args.child:
        from wiretrace.engine import pipeline

        pipeline.PART_PROCESSES = args.part_processes or pipeline.PART_PROCESSES
        pipeline.PART_ARTICLES = args.part_articles or pipeline.PART_ARTICLES
        memory = PeakMemory()
        work = Path(args.work)
        if args.child == "embedded":
            figures = child_embedded(args.files, work, args.article_stages_only, memory, args.stories_only)
        else:
            figures = child_ray(args.files, work, args.cpus)
        figures["peak_rss_mb"] = round(memory.stop() / 2**20)
        figures["peak_pss_mb"] = round(memory.peak_pss / 2**20)
        figures["stage_peak_mb"] = {k: round(v / 2**20) for k, v in memory.phase_peaks.items()}
        figures["cpu_seconds"] = round(sum(memory.cpu.values()), 1)
        print(json.dumps(figures))
        return

    from scale_corpus import write_corpus

    results = []
    for size in args.sizes:
        with tempfile.TemporaryDirectory(prefix="wiretrace-scale-") as folder:
            work = Path(folder)
            start = time.perf_counter()
            chunks = max(4, size // 25_000)  # Ray reads files in parallel
            files = [str(p) for p in write_corpus(size, work / "corpus.jsonl", chunk_files=chunks)]
            print(f"{size:,} articles written in {time.perf_counter() - start:.1f} s", flush=True)
            for engine in args.engines:
                run_work = work / engine
                run_work.mkdir()
                figures = run_child(engine, files, run_work, args)
                figures.update({"engine": engine, "size": size})
                results.append(figures)
                _print_row(figures)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))


def _print_row(figures: dict[str, Any]) -> None:
    if "error" in figures:
        print(f"{figures['engine']:9} {figures['size']:>9,}  failed: {figures['error'][-600:]}", flush=True)
        return
    seconds = figures["seconds"]
    n = figures["articles"]
    rates = ", ".join(
        f"{name} {n / value:,.0f}/s ({value:.1f} s)" for name, value in seconds.items() if value > 0.05
    )
    print(
        f"{figures['engine']:9} {figures['size']:>9,} articles={n:,} end-to-end {n / seconds['total']:,.0f}"
        f" articles/s, {figures['cpu_seconds']:,.0f} CPU-s, peak {figures['peak_rss_mb']:,} MB"
        f" (PSS {figures.get('peak_pss_mb', 0):,} MB) | {rates}",
        flush=True,
    )
    if figures.get("stage_peak_mb"):
        peaks = ", ".join(f"{k} {v:,} MB" for k, v in figures["stage_peak_mb"].items())
        print(f"{'':9} peak RSS of the tree during each stage: {peaks}", flush=True)


if __name__ == "__main__":
    main()

"""Copy and near-copy detection speed, side by side with datasketch, and the whole story stage.

End to end means: texts in memory -> labelled pairs (copy / near_copy). Both systems use the
same normalisation (case-folded words), 4-word shingles, 128 permutations and a 0.5 Jaccard
threshold, and are scored against the same planted pairs (bench/synthetic.py).

Usage:
    python bench/stories_speed.py --sizes 10000 100000 1000000 --datasketch-max 100000
    python bench/stories_speed.py --sizes 10000 --stage 2000      # plus the whole story stage
Prints one line per measurement; nothing is asserted.
"""

from __future__ import annotations

import argparse
import gc
import re
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parents[1] / "src"))

from synthetic import Corpus, make_corpus  # noqa: E402

from wiretrace import fingerprint  # noqa: E402

THRESHOLD = 0.5
_WORDS = re.compile(r"[^\W_]+")


def _status(field: str) -> int:
    """A VmRSS/VmHWM figure of this process in bytes (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    return 0


def _reset_peak() -> None:
    """Reset the peak-RSS counter so VmHWM measures from here (Linux >= 4.0)."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def score(predicted: set[tuple[int, int]], truth: set[tuple[int, int]]) -> tuple[float, float]:
    """Precision and recall of predicted pairs."""
    hits = len(predicted & truth)
    return hits / max(len(predicted), 1), hits / max(len(truth), 1)


def ours(texts: list[str], threads: int) -> set[tuple[int, int]]:
    """wiretrace.stories.fingerprint: labelled copy/near-copy pairs."""
    found = fingerprint.near_duplicates(texts, fingerprint.FingerprintOptions(threads=threads))
    keep = found.exact | (found.jaccard >= THRESHOLD)
    return set(zip(found.left[keep].tolist(), found.right[keep].tolist(), strict=True))


def datasketch_pairs(texts: list[str]) -> set[tuple[int, int]]:
    """datasketch MinHash.bulk + MinHashLSH, verified by estimated Jaccard."""
    from datasketch import MinHash, MinHashLSH

    shingle_lists = []
    for text in texts:
        words = _WORDS.findall(text.lower())
        shingles = {" ".join(words[i : i + 4]).encode() for i in range(max(len(words) - 3, 1))}
        shingle_lists.append(list(shingles))
    hashes = MinHash.bulk(shingle_lists, num_perm=128)
    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=128)
    with lsh.insertion_session() as session:
        for key, minhash in enumerate(hashes):
            session.insert(key, minhash)
    pairs = set()
    for key, minhash in enumerate(hashes):
        for other in lsh.query(minhash):
            if other != key and minhash.jaccard(hashes[other]) >= THRESHOLD:
                pairs.add((min(key, other), max(key, other)))
    return pairs


def signature_step(texts: list[str]) -> None:
    """The signature step alone: our numpy one-permutation MinHash vs rensa on the same shingles."""
    import rensa

    words, counts = fingerprint._hash_batch(texts)
    shingled, shingle_counts = fingerprint._shingles(words, counts, 4)
    start = time.perf_counter()
    fingerprint._signatures(shingled, shingle_counts, 128, 7)
    numpy_s = time.perf_counter() - start
    offsets = np.concatenate(([0], np.cumsum(shingle_counts))).astype(np.uint64)
    start = time.perf_counter()
    matrix = rensa.RMinHash.digest_matrix_from_flat_token_hashes(shingled, offsets, 128, 7)
    rensa_s = time.perf_counter() - start
    start = time.perf_counter()
    rows = np.array(matrix.to_rows(), dtype=np.uint64)
    export_s = time.perf_counter() - start
    print(
        f"signature step, {len(texts)} texts, {shingled.size} shingles: numpy OPH {numpy_s:.3f}s, "
        f"rensa RMinHash {rensa_s:.3f}s + {export_s:.3f}s to get the matrix out ({rows.shape})"
    )


def run_size(corpus: Corpus, size: int, datasketch_max: int, threads: int) -> None:
    texts = corpus.texts[:size]
    truth = {(a, b) for a, b in corpus.near_duplicate_pairs() if b < size}
    gc.collect()
    base = _status("VmRSS")
    _reset_peak()
    start, cpu = time.perf_counter(), time.process_time()
    predicted = ours(texts, threads)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak = _status("VmHWM")
    precision, recall = score(predicted, truth)
    print(
        f"wiretrace  n={size:>8} {elapsed:7.2f}s {size / elapsed:9.0f} articles/s"
        f"  P={precision:.4f} R={recall:.4f}"
        f"  pairs={len(predicted)}  peak RSS {peak / 2**30:.2f} GiB (texts alone {base / 2**30:.2f} GiB)"
        f"  CPU {cpu:.1f}s ({size / cpu:.0f} articles per CPU-second)",
        flush=True,
    )
    if size <= datasketch_max:
        start, cpu = time.perf_counter(), time.process_time()
        baseline = datasketch_pairs(texts)
        slow, cpu = time.perf_counter() - start, time.process_time() - cpu
        precision, recall = score(baseline, truth)
        print(
            f"datasketch n={size:>8} {slow:7.2f}s {size / slow:9.0f} articles/s"
            f"  P={precision:.4f} R={recall:.4f}"
            f"  pairs={len(baseline)}  CPU {cpu:.1f}s  -> wiretrace is {slow / elapsed:.1f}x faster",
            flush=True,
        )


def run_stage(corpus: Corpus, size: int) -> None:
    """The whole story stage (embeddings, alignment, clustering) on the first ``size`` texts."""
    from wiretrace.config import StoriesSettings
    from wiretrace.ingest import segment
    from wiretrace.records import Article
    from wiretrace.stories.stage import build_stories

    articles = [
        Article(f"a{i:07d}", t, None, None, None, None, None, "bench", None, "txt")
        for i, t in enumerate(corpus.texts[:size])
    ]
    start = time.perf_counter()
    sentences = segment.segment_all(articles)
    result = build_stories(articles, sentences, StoriesSettings())
    elapsed = time.perf_counter() - start
    print(
        f"story stage n={size}: {elapsed:.1f}s, {size / elapsed:.0f} articles/s "
        f"({len(result.stories)} stories, {len(result.pairs)} pairs, {len(result.alignments)} alignment rows)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--datasketch-max", type=int, default=100_000)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--stage", type=int, default=0, help="also time the whole story stage on this many texts"
    )
    parser.add_argument("--signature-step", action="store_true", help="compare numpy OPH with rensa")
    args = parser.parse_args()
    start = time.perf_counter()
    corpus = make_corpus(max(args.sizes + [args.stage]))
    print(f"generated {len(corpus.texts)} texts in {time.perf_counter() - start:.1f}s", flush=True)
    fingerprint.near_duplicates(corpus.texts[:2000])  # warm up imports and caches
    if args.signature_step:
        signature_step(corpus.texts[: min(20_000, len(corpus.texts))])
    for size in args.sizes:
        run_size(corpus, size, args.datasketch_max, args.threads)
    if args.stage:
        run_stage(corpus, args.stage)


if __name__ == "__main__":
    main()

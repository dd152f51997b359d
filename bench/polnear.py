"""Score the claims stage on PolNeAR (../shared/bench/polnear): source, cue and content spans.

Usage: python bench/polnear.py [--compartment dev|train] [--limit N] [--stance] [--span-model]
       [--errors N] [--agreement]

For each article the first annotator's file (sorted by name) is the reference. Spans are
compared per kind (source, cue, content) over the whole article:
- exact: the spans are equal after trimming whitespace, quote marks and edge punctuation
  (the claims stage reports a direct quote without its marks; PolNeAR includes them);
- overlap: the spans share at least one character.
Precision counts predicted spans that match some gold span, recall gold spans matched by
some prediction. Unsourced assertions (sourcing "none") are not attributions and are left out.

``--agreement`` scores the annotators against each other instead (no claims are extracted): on
every article with several annotation files, each ordered pair (reference, other) is scored as
above with the other annotator's spans as the predictions; this is the ceiling a system can be
expected to reach.
"""

from __future__ import annotations

import argparse
import itertools
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from wiretrace.claims.stage import extract_claims  # noqa: E402
from wiretrace.config import ClaimsSettings  # noqa: E402
from wiretrace.ingest.segment import segment_all  # noqa: E402
from wiretrace.records import Article  # noqa: E402

POLNEAR = (Path(__file__).resolve().parents[1] / ".." / "shared" / "bench" / "polnear").resolve()
_TRIM = " \t\n\r\u00a0\"'\u201c\u201d\u2018\u2019\u00ab\u00bb,.;:\u2015\u2014-"
Span = tuple[int, int]


@dataclass
class Counts:
    """Matched and total spans of one kind."""

    predicted: int = 0
    gold: int = 0
    exact_p: int = 0
    exact_r: int = 0
    overlap_p: int = 0
    overlap_r: int = 0

    def prf(self, kind: str) -> tuple[float, float, float]:
        p_hits, r_hits = (self.exact_p, self.exact_r) if kind == "exact" else (self.overlap_p, self.overlap_r)
        precision = p_hits / self.predicted if self.predicted else 0.0
        recall = r_hits / self.gold if self.gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return precision, recall, f1


def trim(text: str, span: Span) -> Span:
    """The span without edge whitespace, quote marks and punctuation."""
    start, end = span
    while start < end and text[start] in _TRIM:
        start += 1
    while end > start and text[end - 1] in _TRIM:
        end -= 1
    return start, end


def read_gold(path: Path) -> dict[str, list[list[Span]]]:
    """Gold spans per kind (each a list of fragments) from one brat file."""
    spans: dict[str, list[list[Span]]] = {"Source": [], "Cue": [], "Content": []}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("T"):
            continue
        parts = line.split("\t")
        if len(parts) < 2:
            continue
        label, _, offsets = parts[1].partition(" ")
        if label not in spans:
            continue
        fragments = []
        for piece in offsets.split(";"):
            numbers = re.findall(r"\d+", piece)
            if len(numbers) == 2:
                fragments.append((int(numbers[0]), int(numbers[1])))
        if fragments:
            spans[label].append(fragments)
    return spans


def score_kind(text: str, gold: list[list[Span]], predicted: list[Span], counts: Counts) -> list[str]:
    """Add one article's matches of one kind to ``counts``; return the missed gold texts."""
    # a discontinuous gold span ("A," he said. "B.") matches as a whole or fragment by fragment
    gold_exact = {trim(text, (g[0][0], g[-1][1])) for g in gold} | {trim(text, f) for g in gold for f in g}
    pred_exact = [trim(text, p) for p in predicted]
    pred_set = set(pred_exact)
    counts.predicted += len(predicted)
    counts.gold += len(gold)

    def overlaps(p: Span, fragments: list[Span]) -> bool:
        return any(p[0] < e and s < p[1] for s, e in fragments)

    def exact(g: list[Span]) -> bool:
        return trim(text, (g[0][0], g[-1][1])) in pred_set or all(trim(text, f) in pred_set for f in g)

    counts.exact_p += sum(1 for p in pred_exact if p in gold_exact)
    counts.exact_r += sum(1 for g in gold if exact(g))
    counts.overlap_p += sum(1 for p in predicted if any(overlaps(p, g) for g in gold))
    missed = [g for g in gold if not any(overlaps(p, g) for p in predicted)]
    counts.overlap_r += len(gold) - len(missed)
    return [text[g[0][0] : g[-1][1]][:90] for g in missed]


def annotation_files(folder: Path) -> dict[str, list[Path]]:
    """Every annotator's file of each article, by article name (files sorted by name)."""
    files: dict[str, list[Path]] = {}
    for path in sorted((folder / "attributions").glob("*.ann")):
        files.setdefault(path.stem.rsplit("_", 1)[0], []).append(path)
    return files


def read_text(folder: Path, name: str) -> str:
    """The text of one article."""
    return (folder / "text" / f"{name}.txt").read_text(encoding="utf-8")


def score_agreement(folder: Path, limit: int = 0) -> tuple[int, int, dict[str, Counts]]:
    """Annotators scored against each other: (articles, ordered pairs, counts per kind).

    Only articles with several annotation files count; ``limit`` keeps the first N of them.
    """
    several = {name: paths for name, paths in annotation_files(folder).items() if len(paths) > 1}
    names = sorted(several)[: limit or None]
    totals = {kind: Counts() for kind in ("Source", "Cue", "Content")}
    pairs = 0
    for name in names:
        text = read_text(folder, name)
        golds = [read_gold(path) for path in several[name]]
        for reference, other in itertools.permutations(golds, 2):
            pairs += 1
            for kind, counts in totals.items():
                # the other annotator's span as one prediction, from its first to its last fragment
                predicted = [(spans[0][0], spans[-1][1]) for spans in other[kind]]
                score_kind(text, reference[kind], predicted, counts)
    return len(names), pairs, totals


def print_table(totals: dict[str, Counts]) -> None:
    """Exact and overlap precision, recall and F1 per kind."""
    print(f"{'span':8} {'gold':>5} {'pred':>5}   exact P/R/F1        overlap P/R/F1")
    for kind, counts in totals.items():
        ep, er, ef = counts.prf("exact")
        op, orc, of = counts.prf("overlap")
        print(
            f"{kind:8} {counts.gold:5d} {counts.predicted:5d}   {ep:.3f} {er:.3f} {ef:.3f}   "
            f"{op:.3f} {orc:.3f} {of:.3f}"
        )


def use_tagger(path: Path) -> None:
    """Make the span-model mode read the tagger saved at ``path``."""
    import spacy
    from thinc.api import NumpyOps, set_current_ops

    from wiretrace.claims import span_model

    set_current_ops(NumpyOps(use_blis=False))
    tagger = spacy.load(path)
    span_model.load_tagger = lambda: tagger  # type: ignore[assignment]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compartment", default="dev", choices=["dev", "train"])
    parser.add_argument("--limit", type=int, default=0, help="first N articles only")
    parser.add_argument("--stance", action="store_true", help="stance verbs as cues ([claims] stance_cues)")
    parser.add_argument(
        "--span-model", action="store_true", help="add the span tagger's cues ([claims] span_model)"
    )
    parser.add_argument(
        "--tagger",
        type=Path,
        help="with --span-model: a tagger saved by polnear_train.py, not the packaged one",
    )
    parser.add_argument("--errors", type=int, default=0, help="print N missed gold spans of each kind")
    parser.add_argument(
        "--agreement",
        action="store_true",
        help="score the annotators against each other (articles with several annotation files)",
    )
    args = parser.parse_args()
    folder = POLNEAR / args.compartment
    if not folder.exists():
        raise SystemExit(f"{folder} not found: PolNeAR is expected in ../shared/bench/polnear")
    if args.agreement:
        count, pairs, agreement = score_agreement(folder, args.limit)
        print(f"PolNeAR {args.compartment}, annotator agreement: {count} articles, {pairs} ordered pairs")
        print_table(agreement)
        return
    if args.tagger:
        use_tagger(args.tagger)
    annotations = {name: paths[0] for name, paths in annotation_files(folder).items()}
    names = sorted(annotations)[: args.limit or None]
    articles = [
        Article(name, read_text(folder, name), None, None, None, None, None, name, None, "txt")
        for name in names
    ]
    started = time.perf_counter()
    result = extract_claims(
        articles,
        segment_all(articles),
        ClaimsSettings(include_unsourced=False, stance_cues=args.stance, span_model=args.span_model),
    )
    elapsed = time.perf_counter() - started
    by_article: dict[str, list] = {name: [] for name in names}
    for claim in result.claims:
        if claim.sourcing != "none":
            by_article[claim.article_id].append(claim)
    totals = {kind: Counts() for kind in ("Source", "Cue", "Content")}
    missed: dict[str, list[str]] = {kind: [] for kind in totals}
    for article in articles:
        gold = read_gold(annotations[article.article_id])
        claims = by_article[article.article_id]
        predicted = {
            "Source": [(c.speaker_start, c.speaker_end) for c in claims if c.speaker_start >= 0],
            "Cue": [(c.cue_start, c.cue_end) for c in claims if c.cue_start >= 0],
            "Content": [(c.content_start, c.content_end) for c in claims if c.content_start >= 0],
        }
        for kind, counts in totals.items():
            missed[kind] += score_kind(article.text, gold[kind], predicted[kind], counts)
    print(
        f"PolNeAR {args.compartment}: {len(articles)} articles, {len(result.claims)} claims, "
        f"{elapsed:.1f}s ({len(articles) / elapsed:.1f} articles/s)"
    )
    print_table(totals)
    if args.errors:
        for kind, texts in missed.items():
            print(f"\nmissed {kind} (first {args.errors}):")
            for text in texts[: args.errors]:
                print("  ", repr(text))


if __name__ == "__main__":
    main()

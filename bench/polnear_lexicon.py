"""Learn the verb forms that PolNeAR's annotators mark as attribution cues, from its train compartment.

Usage: python bench/polnear_lexicon.py [--min-count 4] [--min-rate 0.4] [--write]

PolNeAR annotates attribution broadly: besides verbs of saying, a source taking a position,
deciding or pushing for something ("railed against", "pleaded", "balked") is attributed
material. This script counts, for every verb form the tagger finds in the train texts, how
often it lies inside a gold Cue span, and keeps the forms that are cues at least
``min_rate`` of the time and at least ``min_count`` times, leaving out forms the packaged
lexicon already has. ``--write`` saves them to ``src/wiretrace/data/cues_learned.toml``,
which the claims stage adds to its cues when ``[claims] stance_cues = true``.
Only the train compartment is read: the dev compartment stays for measuring.
"""

from __future__ import annotations

import argparse
import sys
import tomllib
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from polnear import POLNEAR, read_gold  # noqa: E402

from wiretrace.claims.lexicon import load_lexicon  # noqa: E402
from wiretrace.claims.stage import load_model  # noqa: E402
from wiretrace.config import ClaimsSettings  # noqa: E402

OUTPUT = ROOT / "src" / "wiretrace" / "data" / "cues_learned.toml"


def count_forms() -> tuple[Counter[str], Counter[str]]:
    """Per lower-case verb form: occurrences inside a gold cue, and all occurrences."""
    folder = POLNEAR / "train"
    annotations: dict[str, Path] = {}
    for path in sorted((folder / "attributions").glob("*.ann")):
        annotations.setdefault(path.stem.rsplit("_", 1)[0], path)
    settings = ClaimsSettings()
    nlp = load_model(settings.model, settings.exclude_components)
    in_cue: Counter[str] = Counter()
    total: Counter[str] = Counter()
    texts = [(folder / "text" / f"{name}.txt").read_text(encoding="utf-8") for name in annotations]
    with nlp.select_pipes(enable=["tok2vec", "tagger"]):
        for name, doc in zip(annotations, nlp.pipe(texts, batch_size=16), strict=True):
            marked = [f for group in read_gold(annotations[name])["Cue"] for f in group]
            for token in doc:
                if not token.tag_.startswith("VB"):
                    continue
                form = token.lower_
                total[form] += 1
                if any(s <= token.idx < e for s, e in marked):
                    in_cue[form] += 1
    return in_cue, total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min-count", type=int, default=4)
    parser.add_argument("--min-rate", type=float, default=0.4)
    parser.add_argument("--write", action="store_true", help=f"write {OUTPUT.name}")
    args = parser.parse_args()
    previous = tomllib.loads(OUTPUT.read_text(encoding="utf-8"))["forms"] if OUTPUT.exists() else []
    known = set(load_lexicon("", True).form_lemma) - set(previous)
    in_cue, total = count_forms()
    kept = sorted(
        form
        for form, hits in in_cue.items()
        if hits >= args.min_count
        and hits / total[form] >= args.min_rate
        and form not in known
        and form.isalpha()
        and form != "according"  # "according to" is a phrase cue of its own
    )
    print(
        f"{len(kept)} verb forms kept (cue in >= {args.min_count} cases and >= {args.min_rate:.0%} of uses)"
    )
    for form in kept:
        print(f"  {form:18} {in_cue[form]:4d} / {total[form]:4d}")
    if args.write:
        lines = [
            "# Verb forms PolNeAR's annotators mark as attribution cues, learned from its train",
            f"# compartment by bench/polnear_lexicon.py (--min-count {args.min_count} "
            f"--min-rate {args.min_rate}). Used with [claims] stance_cues = true.",
            "forms = [",
            *(f'  "{form}",' for form in kept),
            "]",
            "",
        ]
        OUTPUT.write_text("\n".join(lines), encoding="utf-8")
        print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()

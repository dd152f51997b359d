"""Train the attribution-span tagger (``span_model.py``) on PolNeAR's train compartment.

Usage: python bench/polnear_train.py [--epochs 6] [--out DIR] [--install]

A blank English spaCy pipeline gets its own tok2vec (hash embeddings of norm, prefix, suffix
and shape, a 4-layer CNN, width 96; no vectors) and one entity tagger with the labels SOURCE,
CUE and CONTENT. Every non-blank line of a train article is one example; gold spans are trimmed
of edge whitespace and punctuation, and where spans overlap (an attribution nested in another's
content) the longest is kept, as spaCy entities cannot overlap. After each epoch the model is
saved to ``DIR/epoch<N>``; ``--install`` copies the last epoch to
``src/wiretrace/data/attribution_spans`` without the train vocabulary. Only train is read; dev
stays for measuring (``bench/polnear.py --span-model``). One epoch takes 6 to 10 minutes on one
core of this machine. Dropout makes runs differ slightly even with the seed fixed.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from polnear import POLNEAR, read_gold, trim  # noqa: E402

LABELS = {"Source": "SOURCE", "Cue": "CUE", "Content": "CONTENT"}
INSTALLED = ROOT / "src" / "wiretrace" / "data" / "attribution_spans"


def examples(nlp: object) -> list:
    """One spaCy Example per non-blank line of every train article."""
    from spacy.tokens import Span
    from spacy.training import Example
    from spacy.util import filter_spans

    folder = POLNEAR / "train"
    annotations: dict[str, Path] = {}
    for path in sorted((folder / "attributions").glob("*.ann")):
        annotations.setdefault(path.stem.rsplit("_", 1)[0], path)
    result = []
    for name, path in annotations.items():
        text = (folder / "text" / f"{name}.txt").read_text(encoding="utf-8")
        doc = nlp.make_doc(text)  # type: ignore[attr-defined]
        gold = read_gold(path)
        spans = []
        for kind, label in LABELS.items():
            for fragments in gold[kind]:
                for fragment in fragments:
                    a, b = trim(text, fragment)
                    span = doc.char_span(a, b, alignment_mode="expand") if b > a else None
                    tokens = list(span) if span is not None else []
                    while tokens and (tokens[0].is_space or tokens[0].is_punct):
                        tokens = tokens[1:]
                    while tokens and (tokens[-1].is_space or tokens[-1].is_punct):
                        tokens = tokens[:-1]
                    if tokens:
                        spans.append(Span(doc, tokens[0].i, tokens[-1].i + 1, label=label))
        kept = filter_spans(spans)  # over the whole article, then cut into lines
        position = 0
        for line in text.split("\n"):
            start, end = position, position + len(line)
            position = end + 1
            if not line.strip():
                continue
            reference = nlp.make_doc(line)  # type: ignore[attr-defined]
            ents = [
                reference.char_span(s.start_char - start, s.end_char - start, label=s.label_)
                for s in kept
                if s.start_char >= start and s.end_char <= end
            ]
            reference.ents = [e for e in ents if e is not None]
            result.append(Example(nlp.make_doc(line), reference))  # type: ignore[attr-defined]
    return result


def main() -> None:
    import spacy
    from spacy.util import fix_random_seed, minibatch
    from thinc.api import NumpyOps, set_current_ops

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--out", type=Path, default=Path("polnear-tagger"))
    parser.add_argument("--install", action="store_true", help=f"copy the last epoch to {INSTALLED}")
    args = parser.parse_args()
    set_current_ops(NumpyOps(use_blis=False))
    fix_random_seed(0)
    nlp = spacy.blank("en")
    nlp.add_pipe("tok2vec")
    listener = {"@architectures": "spacy.Tok2VecListener.v1", "width": 96, "upstream": "*"}
    model = {
        "@architectures": "spacy.TransitionBasedParser.v2",
        "state_type": "ner",
        "extra_state_tokens": False,
        "hidden_width": 64,
        "maxout_pieces": 2,
        "use_upper": True,
        "nO": None,
        "tok2vec": listener,
    }
    tagger = nlp.add_pipe("ner", config={"model": model})
    for label in LABELS.values():
        tagger.add_label(label)  # type: ignore[attr-defined]
    train = examples(nlp)
    print(f"{len(train)} lines, {sum(len(e.reference.ents) for e in train)} spans", flush=True)
    optimizer = nlp.initialize(lambda: train[:100])
    for epoch in range(args.epochs):
        started = time.perf_counter()
        random.seed(epoch)
        random.shuffle(train)
        losses: dict[str, float] = {}
        for batch in minibatch(train, size=16):
            nlp.update(batch, sgd=optimizer, losses=losses, drop=0.2)
        nlp.to_disk(args.out / f"epoch{epoch}")
        print(f"epoch {epoch}: loss {losses['ner']:.0f}, {time.perf_counter() - started:.0f}s", flush=True)
    if args.install:
        shutil.rmtree(INSTALLED, ignore_errors=True)
        shutil.copytree(args.out / f"epoch{args.epochs - 1}", INSTALLED)
        # the word list of the train texts is not needed (the tok2vec hashes each word itself,
        # predictions are identical without it) and is not shipped: only the labels stay
        (INSTALLED / "vocab" / "strings.json").write_text(
            json.dumps(sorted(LABELS.values())), encoding="utf-8"
        )
        print(f"installed in {INSTALLED}")


if __name__ == "__main__":
    main()

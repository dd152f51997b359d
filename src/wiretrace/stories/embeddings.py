"""Static sentence embeddings from the weights shipped inside the wordllama wheel.

wordllama's own ``WordLlama.load`` looks for its tokenizer in ``wordllama/tokenizer/`` while
the wheel ships it in ``wordllama/tokenizers/``, and then falls back to a network download.
We open both files straight from the installed package folder (no network, ever) and pool
token vectors ourselves: an embedding is the mean of its token vectors, L2-normalised.
The model loads once per process.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

F32 = NDArray[np.float32]


class EmbeddingsUnavailable(RuntimeError):
    """The wordllama package or its bundled weights are missing."""


@dataclass(frozen=True)
class StaticModel:
    """A token embedding table and the tokenizer that indexes it."""

    table: F32
    tokenizer: Any
    weights_path: str
    columns: F32  # the table transposed, one contiguous row per dimension


def package_files() -> tuple[Path, Path]:
    """(weights .safetensors, tokenizer .json) inside the installed wordllama package."""
    try:
        import wordllama
    except ImportError as error:
        raise EmbeddingsUnavailable("wordllama is not installed: pip install wordllama") from error
    folder = Path(wordllama.__file__).parent
    weights = sorted((folder / "weights").glob("*.safetensors"))
    # prefer the full-precision (non-binary) table
    weights = [w for w in weights if "binary" not in w.name] or weights
    tokenizers = [p for sub in ("tokenizers", "tokenizer") for p in sorted((folder / sub).glob("*.json"))]
    if not weights or not tokenizers:
        raise EmbeddingsUnavailable(
            f"no bundled weights/tokenizer under {folder}; "
            "reinstall wordllama (pip install --force-reinstall wordllama)"
        )
    return weights[0], tokenizers[0]


@functools.cache
def load_model() -> StaticModel:
    """The bundled wordllama model, loaded once per process, offline."""
    from safetensors import safe_open
    from tokenizers import Tokenizer

    weights, tokenizer_file = package_files()
    with safe_open(str(weights), framework="np", device="cpu") as handle:
        key = "embedding.weight" if "embedding.weight" in handle.keys() else next(iter(handle.keys()))
        table = np.ascontiguousarray(handle.get_tensor(key).astype(np.float32))
    tokenizer = Tokenizer.from_file(str(tokenizer_file))
    tokenizer.no_padding()
    tokenizer.no_truncation()
    return StaticModel(table, tokenizer, str(weights), np.ascontiguousarray(table.T))


def token_sums(texts: Sequence[str], max_words: int = 400) -> F32:
    """Sum of token vectors per text (not normalised), so groups of texts can be pooled too.

    The tokenizer splits on spaces before anything else (SentencePiece metaspace), so a text's
    tokens are its space-separated words' tokens: each distinct word is tokenized and summed
    once, and a text's sum adds up its words' sums. Identical to tokenizing the text (except
    for runs of spaces, which carry nothing) and several times faster on a corpus.
    """
    model = load_model()
    dim = model.table.shape[1]
    sums = np.zeros((len(texts), dim), dtype=np.float32)
    vocabulary: dict[str, int] = {}
    occurrences: list[int] = []
    lengths = np.zeros(len(texts), dtype=np.int64)
    for row, text in enumerate(texts):
        words = text.split()[:max_words]
        lengths[row] = len(words)
        occurrences.extend([vocabulary.setdefault(w, len(vocabulary)) for w in words])
    if not vocabulary:
        return sums
    # lone surrogates (from badly decoded input) make the tokenizer raise: replace them
    distinct = [w if w.isascii() else w.encode("utf-8", "replace").decode("utf-8") for w in vocabulary]
    id_lists = [e.ids for e in model.tokenizer.encode_batch_fast(distinct, add_special_tokens=False)]
    token_counts = np.fromiter(map(len, id_lists), dtype=np.int64, count=len(id_lists))
    ids = np.fromiter(itertools.chain.from_iterable(id_lists), dtype=np.int64, count=int(token_counts.sum()))
    np.clip(ids, 0, model.table.shape[0] - 1, out=ids)
    word_of_token = np.repeat(np.arange(len(distinct)), token_counts)
    word_index = np.array(occurrences, dtype=np.int64)
    text_of_word = np.repeat(np.arange(len(texts)), lengths)
    # one weighted bincount per dimension: words from their tokens, then texts from their words
    for dimension, column in enumerate(model.columns):
        word_sums = np.bincount(word_of_token, weights=column[ids], minlength=len(distinct))
        sums[:, dimension] = np.bincount(text_of_word, weights=word_sums[word_index], minlength=len(texts))
    return sums


def normalise(rows: F32) -> F32:
    """Rows scaled to unit length (zero rows stay zero)."""
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return np.divide(rows, norms, out=np.zeros_like(rows), where=norms > 0)


def embed(texts: Sequence[str], max_tokens: int = 512) -> F32:
    """Unit-length embeddings (rows) of texts; an empty text gets a zero row.

    Args:
        texts: sentences or whole articles.
        max_tokens: tokens kept per text (static pooling: more adds little).
    Returns:
        float32 array of shape (len(texts), dim).
    Example:
        >>> vectors = embed(["Troops entered the city.", "Soldiers moved into the town.", "Bake at 200C."])
        >>> bool(vectors[0] @ vectors[1] > vectors[0] @ vectors[2])
        True
    """
    return normalise(token_sums(texts, max_tokens))

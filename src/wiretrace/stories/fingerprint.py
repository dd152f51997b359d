"""Copies and near-copies at scale: word hashing, MinHash signatures and LSH, all in numpy.

Every step works on whole batches of arrays so that Python is crossed once per batch, never
once per word or shingle: texts are joined into one byte buffer, words are found and hashed
with vectorised byte operations, shingles are combined word hashes, and signatures use
one-permutation hashing (one hash per shingle, not one per permutation) with rotation
densification. LSH banding sorts band keys and emits the pairs of each bucket. See
docs/decisions.md for the measurements against rensa and datasketch.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

U64 = NDArray[np.uint64]
I64 = NDArray[np.int64]

_EMPTY = np.uint32(0xFFFFFFFF)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_SHINGLE_MULT = np.uint64(0x100000001B3)

# bytes that belong to words: ASCII letters and digits, and every non-ASCII byte (letters
# of other scripts), except the punctuation handled in ``_word_mask``
_IS_WORD = np.zeros(256, dtype=bool)
for _lo, _hi in ((48, 58), (65, 91), (97, 123), (128, 256)):
    _IS_WORD[_lo:_hi] = True
_LOWER = np.arange(256, dtype=np.uint8)
_LOWER[65:91] += 32
# masks keeping the first n bytes of a little-endian 8-byte window, n = 0..8
_KEEP = np.array([(1 << (8 * n)) - 1 for n in range(8)] + [(1 << 64) - 1], dtype=np.uint64)


@dataclass(frozen=True)
class FingerprintOptions:
    """How texts are shingled and sketched."""

    shingle_words: int = 4
    num_perm: int = 128
    bands: int = 32
    seed: int = 7
    max_bucket: int = 64  # buckets larger than this link their members to one member only
    batch_docs: int = 10_000
    threads: int = 2


@dataclass(frozen=True)
class Sketches:
    """Per text: MinHash signature row, normalised-text key (equal = copy) and word count."""

    signatures: NDArray[np.uint16]  # low 16 bits of each minimum (b-bit MinHash): half the memory
    keys: U64
    word_counts: I64


@dataclass(frozen=True)
class NearDuplicates:
    """Candidate pairs (row indices, a < b) with their estimated Jaccard and exact-copy flag."""

    left: I64
    right: I64
    jaccard: NDArray[np.float32]
    exact: NDArray[np.bool_]
    sketches: Sketches


def mix64(values: U64) -> U64:
    """splitmix64 finaliser, vectorised (uint64 arithmetic wraps, as intended)."""
    z = values ^ (values >> np.uint64(30))
    z = z * _MIX1
    z ^= z >> np.uint64(27)
    z *= _MIX2
    z ^= z >> np.uint64(31)
    return z


# byte -> its lower-cased form inside words, 0 for bytes that separate words
_FOLD = np.where(_IS_WORD, _LOWER, 0).astype(np.uint8)


def _encode(texts: Sequence[str]) -> tuple[NDArray[np.uint8], I64]:
    """All texts as one UTF-8 byte array joined by NUL, and the byte offset where each starts."""
    joined = "\x00".join(texts)
    codes = np.frombuffer(joined.encode("utf-8", "replace"), dtype=np.uint8)
    separators = np.flatnonzero(codes == 0)
    if separators.size != len(texts) - 1:
        # a text holds NUL bytes itself: find the boundaries text by text instead
        parts = [t.replace("\x00", " ").encode("utf-8", "replace") for t in texts]
        codes = np.frombuffer(b"\x00".join(parts), dtype=np.uint8)
        separators = np.flatnonzero(codes == 0)
    starts = np.zeros(len(texts), dtype=np.int64)
    starts[1:] = separators + 1
    return codes, starts


def _hash_batch(texts: Sequence[str]) -> tuple[U64, I64]:
    """Word hashes and per-text word counts for one batch of texts."""
    codes, text_starts = _encode(texts)
    folded = np.zeros(codes.size + 9, dtype=np.uint8)  # one leading 0, eight trailing for windows
    np.take(_FOLD, codes, out=folded[1 : codes.size + 1])
    if codes.size >= 3:
        # E2 80 xx / E2 81 xx: general punctuation (curly quotes, dashes, ellipsis) separates words
        lead = np.flatnonzero((codes[:-2] == 0xE2) & ((codes[1:-1] == 0x80) | (codes[1:-1] == 0x81)))
        for shift in range(1, 4):
            folded[lead + shift] = 0
        nbsp = np.flatnonzero((codes[:-1] == 0xC2) & (codes[1:] == 0xA0))
        folded[nbsp + 1] = 0
        folded[nbsp + 2] = 0
    inside = folded[: codes.size + 2] != 0
    bounds = np.flatnonzero(inside[1:] != inside[:-1])
    del inside
    starts, ends = bounds[0::2], bounds[1::2]  # byte offsets into codes (folded is shifted by one)
    # every byte offset seen as the start of an unaligned little-endian 8-byte window
    windows = np.ndarray(shape=(codes.size + 1,), dtype="<u8", buffer=folded.data, offset=1, strides=(1,))
    length = ends - starts
    words = windows[starts]
    short = np.flatnonzero(length < 8)
    words[short] &= _KEEP[length[short]]
    words *= _MIX1
    long_words = np.flatnonzero(length > 8)
    words[long_words] += windows[ends[long_words] - 8] * _MIX2
    words += length.astype(np.uint64)
    first_word = np.searchsorted(starts, text_starts)
    counts = np.diff(np.append(first_word, starts.size)).astype(np.int64)
    return words, counts


def _shingles(words: U64, counts: I64, width: int) -> tuple[U64, I64]:
    """Mixed hashes of every run of ``width`` words inside one text, and shingles per text.

    A text shorter than ``width`` words gets one shingle: the hash of all its words.
    """
    ends = np.cumsum(counts)
    starts = ends - counts
    span = max(words.size - width + 1, 0)
    combined = words[:span].copy()
    for step in range(1, width):
        combined *= _SHINGLE_MULT
        combined += words[step : step + span]
    valid = np.ones(span, dtype=bool)
    # the last width-1 start positions of each text would cross into the next text
    for back in range(1, width):
        position = ends - back
        valid[position[(position >= starts) & (position < span)]] = False
    shingle_counts = np.maximum(counts - width + 1, 0)
    short = np.flatnonzero((counts > 0) & (counts < width))
    if short.size == 0:
        return mix64(combined[valid]), shingle_counts
    # rare path (texts of a few words): rebuild per text to keep the order of texts
    out: list[U64] = []
    kept = combined[valid]
    offsets = np.concatenate(([0], np.cumsum(shingle_counts)))
    for text in range(counts.size):
        if 0 < counts[text] < width:
            value = 0
            for word in words[starts[text] : ends[text]].tolist():
                value = (value * int(_SHINGLE_MULT) + word) & 0xFFFFFFFFFFFFFFFF
            out.append(np.array([value], dtype=np.uint64))
        else:
            out.append(kept[offsets[text] : offsets[text + 1]])
    shingle_counts[short] = 1
    return mix64(np.concatenate(out)), shingle_counts


def _signatures(shingled: U64, counts: I64, num_perm: int, seed: int) -> NDArray[np.uint32]:
    """One-permutation MinHash with rotation densification: (texts, num_perm) uint32.

    Rows of texts without any shingle are all 0xFFFFFFFF and match nothing in ``lsh_pairs``.
    """
    n_texts = counts.size
    bits = num_perm.bit_length() - 1
    owner = np.repeat(np.arange(n_texts, dtype=np.int64), counts)
    hashed = shingled if seed == 0 else mix64(shingled ^ np.uint64(seed))
    slot = owner * num_perm
    if bits:
        slot += (hashed >> np.uint64(64 - bits)).astype(np.int64)
    flat = np.full(n_texts * num_perm, _EMPTY, dtype=np.uint32)
    np.minimum.at(flat, slot, (hashed & np.uint64(0xFFFFFFFF)).astype(np.uint32))
    return _densify(flat.reshape(n_texts, num_perm))


def _segment_sums(values: U64, counts: I64) -> U64:
    """Wrapping per-segment sums (reduceat is wrong for empty segments, so those stay 0)."""
    out = np.zeros(counts.size, dtype=np.uint64)
    nonempty = counts > 0
    if values.size:
        starts = np.cumsum(counts) - counts
        out[nonempty] = np.add.reduceat(values, starts[nonempty])
    return out


def _sketch_batch(
    texts: Sequence[str], options: FingerprintOptions, sig: NDArray[np.uint16]
) -> tuple[U64, I64]:
    """Fill ``sig`` (this batch's rows) and return the batch's copy keys and word counts."""
    words, counts = _hash_batch(texts)
    shingled, shingle_counts = _shingles(words, counts, options.shingle_words)
    del words
    # b-bit MinHash: a false match of 16-bit values has probability 2^-16 per slot
    sig[:] = _signatures(shingled, shingle_counts, options.num_perm, options.seed)
    # order-free sum of the (order-aware) shingles: equal for texts equal after normalisation
    keys = mix64(_segment_sums(shingled, shingle_counts) ^ counts.astype(np.uint64))
    return keys, counts


def sketch(texts: Sequence[str], options: FingerprintOptions | None = None) -> Sketches:
    """MinHash signatures, normalised-text keys and word counts of every text.

    Args:
        texts: the texts, in memory.
        options: shingle width, signature size, batch size, threads.
    Returns:
        one signature row, copy key and word count per text, in input order.
    Example:
        >>> s = sketch(["The cat sat on the mat.", "the CAT sat on  the mat", "Dogs bark loudly at night."])
        >>> bool(s.keys[0] == s.keys[1]), bool(s.keys[0] == s.keys[2])
        (True, False)
    """
    options = options or FingerprintOptions()
    if options.num_perm < 1 or options.num_perm & (options.num_perm - 1):
        raise ValueError(f"num_perm must be a power of two, got {options.num_perm}")
    n = len(texts)
    sig = np.empty((n, options.num_perm), dtype=np.uint16)
    keys = np.zeros(n, dtype=np.uint64)
    counts = np.zeros(n, dtype=np.int64)
    starts = list(range(0, n, options.batch_docs))

    def run(begin: int) -> None:
        end = min(begin + options.batch_docs, n)
        keys[begin:end], counts[begin:end] = _sketch_batch(texts[begin:end], options, sig[begin:end])

    if options.threads > 1 and len(starts) > 1:
        # numpy releases the GIL inside its loops, so batches overlap on several cores
        with ThreadPoolExecutor(options.threads) as pool:
            list(pool.map(run, starts))
    else:
        for begin in starts:
            run(begin)
    return Sketches(sig, keys, counts)


def _densify(sig: NDArray[np.uint32]) -> NDArray[np.uint32]:
    """Fill each empty bucket from the next non-empty one (circularly), offset by the distance."""
    empty = sig == _EMPTY
    rows = np.flatnonzero(empty.any(axis=1) & ~empty.all(axis=1))
    if rows.size == 0:
        return sig
    k = sig.shape[1]
    part = sig[rows]
    doubled = np.concatenate([part, part], axis=1)
    index = np.where(doubled == _EMPTY, 2 * k, np.arange(2 * k))
    nearest = np.minimum.accumulate(index[:, ::-1], axis=1)[:, ::-1][:, :k]
    distance = (nearest - np.arange(k)).astype(np.uint32)
    filled = np.take_along_axis(doubled, nearest, axis=1) + distance * np.uint32(0x9E3779B1)
    sig[rows] = np.where(part == _EMPTY, filled, part)
    return sig


def lsh_pairs(
    sig: NDArray[np.uint16], bands: int, max_bucket: int = 64, usable: NDArray[np.bool_] | None = None
) -> tuple[I64, I64]:
    """Candidate pairs (a < b) of rows that share at least one LSH band.

    Buckets larger than ``max_bucket`` (boilerplate, mass copies) link every member to the
    bucket's first member instead of emitting all pairs, so time stays linear. Rows not
    ``usable`` (texts without words) pair with nothing.
    """
    n, k = sig.shape
    if n < 2:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    rows_per_band = k // bands
    members = np.flatnonzero(usable) if usable is not None else np.arange(n)
    found: list[U64] = []
    for band in range(bands):
        key = _band_key(sig, band, rows_per_band)
        order = members[np.argsort(key[members], kind="stable")]
        keys = key[order]
        found.extend(_bucket_pairs(order, keys, max_bucket, n))
    if not found:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    unique = np.unique(np.concatenate(found))
    return (unique // np.uint64(n)).astype(np.int64), (unique % np.uint64(n)).astype(np.int64)


def _band_key(sig: NDArray[np.uint16], band: int, rows_per_band: int) -> U64:
    """The LSH key of one band of every row: its slots hashed with the band number as salt."""
    salt = mix64(np.array([band], np.uint64))[0]
    if rows_per_band * sig.itemsize == 8 and sig.flags.c_contiguous:
        # four 16-bit slots are one 64-bit word: the band key without any hashing loop
        return mix64(sig.view(np.uint64)[:, band] ^ salt)
    block = sig[:, band * rows_per_band : (band + 1) * rows_per_band].astype(np.uint64)
    key = np.full(sig.shape[0], salt, dtype=np.uint64)
    for column in range(rows_per_band):
        key = mix64(key ^ block[:, column])
    return key


def _bucket_pairs(order: I64, keys: U64, max_bucket: int, n: int) -> list[U64]:
    """Pair codes a*n+b for rows in equal-key runs of a sorted key array."""
    if keys.size < 2:
        return []
    new_run = np.empty(keys.size, dtype=bool)
    new_run[0] = True
    np.not_equal(keys[1:], keys[:-1], out=new_run[1:])
    return _run_pairs(order, new_run, max_bucket, n)


def _run_pairs(order: I64, new_run: NDArray[np.bool_], max_bucket: int, n: int) -> list[U64]:
    """Pair codes a*n+b for rows in runs (``new_run`` marks each run's first row)."""
    if order.size < 2:
        return []
    run_id = np.cumsum(new_run) - 1
    run_start = np.flatnonzero(new_run)
    run_size = np.diff(np.append(run_start, order.size))
    size_of = run_size[run_id]
    out: list[U64] = []
    big = size_of > max_bucket
    if big.any():
        member = np.flatnonzero(big & ~new_run)
        out.append(_codes(order[run_start[run_id[member]]], order[member], n))
    small_multi = (size_of > 1) & ~big
    positions = np.flatnonzero(small_multi)
    step = 1
    while positions.size:
        later = positions + step
        later = later[later < order.size]
        first = later - step
        same = run_id[later] == run_id[first]
        if not same.any():
            break
        out.append(_codes(order[first[same]], order[later[same]], n))
        positions = first[same]
        step += 1
    return out


def _codes(a: I64, b: I64, n: int) -> U64:
    """Order-free pair code min*n+max."""
    low = np.minimum(a, b).astype(np.uint64)
    high = np.maximum(a, b).astype(np.uint64)
    return low * np.uint64(n) + high


def estimated_jaccard(
    sig: NDArray[np.uint16], left: I64, right: I64, chunk: int = 200_000
) -> NDArray[np.float32]:
    """Share of equal signature slots for each pair (the MinHash Jaccard estimate)."""
    out = np.empty(left.size, dtype=np.float32)
    for begin in range(0, left.size, chunk):
        a = sig[left[begin : begin + chunk]]
        b = sig[right[begin : begin + chunk]]
        out[begin : begin + chunk] = (a == b).mean(axis=1)
    return out


def near_duplicates(texts: Sequence[str], options: FingerprintOptions | None = None) -> NearDuplicates:
    """Candidate copy/near-copy pairs of a batch of texts, with Jaccard estimates.

    Args:
        texts: article texts in memory.
        options: shingle width, signature size, bands.
    Returns:
        pairs (row indices) that share an LSH band or are exact copies, with their
        estimated Jaccard and whether the normalised texts are identical.
    Example:
        >>> d = near_duplicates(["a b c d e f g h", "A b c d, e f g h!", "x y z w v u t s"])
        >>> list(zip(d.left.tolist(), d.right.tolist(), d.exact.tolist()))
        [(0, 1, True)]
    """
    options = options or FingerprintOptions()
    return sketched_near_duplicates(sketch(texts, options), options)


def sketched_near_duplicates(sketches: Sketches, options: FingerprintOptions) -> NearDuplicates:
    """``near_duplicates`` of texts already sketched (in batches, say) with ``options``."""
    usable = sketches.word_counts > 0
    left, right = lsh_pairs(sketches.signatures, options.bands, options.max_bucket, usable)
    # exact copies always pair, even when the band cap turned their bucket into a star
    copy_left, copy_right = _equal_key_pairs(sketches.keys, usable, options.max_bucket)
    return with_estimates(sketches, np.concatenate([left, copy_left]), np.concatenate([right, copy_right]))


def with_estimates(sketches: Sketches, left: I64, right: I64) -> NearDuplicates:
    """Candidate pairs (row indices, repeats and either order allowed) as ``near_duplicates`` gives them.

    Each pair once, a < b, in order, with its estimated Jaccard and exact-copy flag.
    """
    n = max(sketches.keys.size, 1)
    codes = np.unique(_codes(left.astype(np.int64), right.astype(np.int64), n))
    left = (codes // np.uint64(n)).astype(np.int64)
    right = (codes % np.uint64(n)).astype(np.int64)
    jaccard = estimated_jaccard(sketches.signatures, left, right)
    exact = sketches.keys[left] == sketches.keys[right]
    return NearDuplicates(left, right, jaccard, exact, sketches)


COPY_BAND = -1  # the band number of the rows that carry a text's copy key, not an LSH band key


@dataclass(frozen=True)
class BucketRows:
    """One row per LSH band of each text with words, plus one with its copy key (``COPY_BAND``)."""

    band: NDArray[np.int16]
    key: U64
    row: I64  # the text's index in the sketched batch


def bucket_rows(sketches: Sketches, bands: int) -> BucketRows:
    """The buckets each text falls into: the distributed form of ``near_duplicates``.

    Grouping the rows of every batch by (band, key), wherever the batches were sketched, and
    pairing each group with ``bucket_pairs`` gives the pairs ``lsh_pairs`` and the copy-key
    step of ``near_duplicates`` give. Texts without words fall into no bucket.
    """
    sig = sketches.signatures
    usable = np.flatnonzero(sketches.word_counts > 0)
    rows_per_band = sig.shape[1] // bands
    keys = [_band_key(sig, band, rows_per_band)[usable] for band in range(bands)]
    keys.append(sketches.keys[usable])
    band_numbers = np.append(np.arange(bands, dtype=np.int16), np.int16(COPY_BAND))
    return BucketRows(
        band=np.repeat(band_numbers, usable.size),
        key=np.concatenate(keys) if keys else np.zeros(0, np.uint64),
        row=np.tile(usable.astype(np.int64), len(keys)),
    )


def bucket_pairs(band: NDArray[np.int16], key: U64, rank: I64, max_bucket: int) -> tuple[I64, I64]:
    """Candidate pairs (ranks, a < b, each once) of rows in the same (band, key) bucket.

    ``rank`` numbers the texts in the order ``near_duplicates`` keeps them (its row index, or
    any order-preserving stand-in): a bucket over ``max_bucket`` links each member to its
    lowest-ranked one, as ``lsh_pairs`` does. Rows may come in any order, but every row of a
    bucket must be there.
    """
    if rank.size < 2:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    order = np.lexsort((rank, key, band))
    band, key, rank = band[order], key[order], rank[order].astype(np.int64)
    new_run = np.ones(rank.size, dtype=bool)
    new_run[1:] = (band[1:] != band[:-1]) | (key[1:] != key[:-1])
    n = int(rank.max()) + 1
    codes = _run_pairs(rank, new_run, max_bucket, n)
    if not codes:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    unique = np.unique(np.concatenate(codes))
    return (unique // np.uint64(n)).astype(np.int64), (unique % np.uint64(n)).astype(np.int64)


def _equal_key_pairs(keys: U64, usable: NDArray[np.bool_], max_bucket: int) -> tuple[I64, I64]:
    """Pairs of rows with equal text keys."""
    members = np.flatnonzero(usable)
    order = members[np.argsort(keys[members], kind="stable")]
    codes = _bucket_pairs(order, keys[order], max_bucket, max(keys.size, 1))
    if not codes:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    joined = np.concatenate(codes)
    n = np.uint64(max(keys.size, 1))
    return (joined // n).astype(np.int64), (joined % n).astype(np.int64)

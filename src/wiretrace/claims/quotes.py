"""Quotation spans in an article: pairing quote marks across sentences and paragraphs.

Double and single marks are paired on two independent channels so that a quote inside a
quote of the other kind nests naturally. A mark that cannot be paired drops only its own
quote, with a reason, never the rest of the article (textacy loses all of them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_DOUBLE_OPEN = "\u201c\u00ab\u201e"
_DOUBLE_CLOSE = "\u201d\u00bb"
_SINGLE_OPEN = "\u2018\u2039"
_SINGLE_CLOSE = "\u2019\u203a"
_OPENING_CONTEXT = " \t\n([{\u2014\u2013-:;/" + _DOUBLE_OPEN + _SINGLE_OPEN + '"'
_PARAGRAPH = re.compile(r"[^\n]+")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Quote:
    """A paired quotation: ``start``/``end`` include the marks, ``inner_*`` exclude them."""

    start: int
    end: int
    inner_start: int
    inner_end: int
    words: int
    nested: bool  # inside another quotation of the other channel


@dataclass(frozen=True)
class QuoteProblem:
    """A quote mark left unpaired: only this quote is dropped."""

    start: int
    end: int
    reason: str


@dataclass(frozen=True)
class QuoteScan:
    """Quotes found in one text, and the marks that could not be paired."""

    quotes: list[Quote]
    problems: list[QuoteProblem]


def _direction(text: str, i: int, channel: str) -> str | None:
    """'open', 'close' or None (not a quote mark here, e.g. an apostrophe)."""
    mark = text[i]
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    if channel == "double":
        if mark in _DOUBLE_OPEN:
            return "open"
        if mark in _DOUBLE_CLOSE:
            return "close"
        # straight mark: decided by what touches it
        if before in _OPENING_CONTEXT and not after.isspace():
            return "open"
        if not before.isspace():
            return "close"
        return None
    if mark in _SINGLE_OPEN or mark == "'":
        if before in _OPENING_CONTEXT and (after.isalnum() or after in '\u201c".'):
            return "open"
        if mark in _SINGLE_OPEN:
            return None
    # closing single mark, or an apostrophe inside or at the end of a word
    if after.isalnum():
        return None  # "military’s", "don't"
    if before.isspace():
        return None
    return "close"


def _paragraphs(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _PARAGRAPH.finditer(text)]


def _pair_channel(text: str, channel: str) -> tuple[list[tuple[int, int]], list[QuoteProblem]]:
    """(open index, close index) pairs of one channel, plus unpaired marks."""
    marks = _DOUBLE_OPEN + _DOUBLE_CLOSE + '"' if channel == "double" else _SINGLE_OPEN + _SINGLE_CLOSE + "'"
    pairs: list[tuple[int, int]] = []
    problems: list[QuoteProblem] = []
    paragraphs = _paragraphs(text)
    pending: int | None = None
    carried = False  # a quote left open at the end of the previous paragraph
    for number, (p_start, p_end) in enumerate(paragraphs):
        first = _first_visible(text, p_start)
        for i in range(p_start, p_end):
            if text[i] not in marks:
                continue
            direction = _direction(text, i, channel)
            if text[i] == '"' and direction is not None:
                direction = "close" if pending is not None and not carried else "open"
            if direction == "open":
                if carried and i == first:
                    carried = False  # the mark re-opens a quote carried over a paragraph break
                    continue
                if pending is not None:
                    problems.append(QuoteProblem(pending, i, "opening quote mark never closed"))
                pending = i
                carried = False
            elif direction == "close":
                if pending is not None:
                    pairs.append((pending, i))
                    pending = None
                elif channel == "double":
                    problems.append(QuoteProblem(i, i + 1, "closing quote mark without an opening one"))
                carried = False
        if pending is not None:
            nxt = paragraphs[number + 1] if number + 1 < len(paragraphs) else None
            if nxt is not None and _opens_paragraph(text, nxt[0], channel):
                # newspaper convention: a quote running over paragraphs re-opens each one
                carried = True
                continue
            problems.append(QuoteProblem(pending, p_end, "opening quote mark never closed in its paragraph"))
            pending = None
            carried = False
    return pairs, problems


def _first_visible(text: str, start: int) -> int:
    while start < len(text) and text[start].isspace():
        start += 1
    return start


def _opens_paragraph(text: str, start: int, channel: str) -> bool:
    i = _first_visible(text, start)
    marks = _DOUBLE_OPEN + '"' if channel == "double" else _SINGLE_OPEN + "'"
    return i < len(text) and text[i] in marks and _direction(text, i, channel) == "open"


def scan_quotes(text: str) -> QuoteScan:
    """Pair the quote marks of ``text``.

    Args:
        text: an article's text.
    Returns:
        the quotes (outermost and nested) in text order, and the marks left unpaired.
    Example:
        scan_quotes('He said: "We will win."').quotes[0].words  # 3
    """
    # typewriter quotes (`` '' and '' '') read as one double mark; the second character is blanked
    work = text.replace("``", '"\u2060').replace("''", '"\u2060')
    double, problems_d = _pair_channel(work, "double")
    single, problems_s = _pair_channel(work, "single")
    quotes: list[Quote] = []
    for channel_pairs, others in ((double, single), (single, double)):
        for open_at, close_at in channel_pairs:
            nested = any(o < open_at and close_at < c for o, c in others)
            words = len(_WORD.findall(text, open_at + 1, close_at))
            wide_open = work[open_at + 1 : open_at + 2] == "\u2060"
            wide_close = work[close_at + 1 : close_at + 2] == "\u2060"
            quotes.append(
                Quote(open_at, close_at + 1 + wide_close, open_at + 1 + wide_open, close_at, words, nested)
            )
    quotes.sort(key=lambda q: q.start)
    problems = sorted(problems_d + problems_s, key=lambda p: p.start)
    return QuoteScan(quotes, problems)

"""Name normalisation for registry look-ups: case, accents, apostrophes and punctuation folded, with
offsets back into the original text."""

from __future__ import annotations

import re
import unicodedata

_APOSTROPHES = "'’ʼ`´"


def normalise(name: str) -> str:
    """Case-, diacritic- and punctuation-insensitive form of a name, without "the" or a possessive."""
    text, _ = normalise_with_offsets(name)
    if text.startswith("the "):
        text = text[4:]
    return text


def normalise_with_offsets(text: str) -> tuple[str, list[int]]:
    """Normalised text and, for each of its characters, the index of the source character."""
    chars: list[str] = []
    offsets: list[int] = []
    length = len(text)
    index = 0
    while index < length:
        char = text[index]
        # a possessive 's disappears, so "Russia's defence ministry" reads "russia defence ministry"
        if (
            char in _APOSTROPHES
            and index + 1 < length
            and text[index + 1] in "sS"
            and (index + 2 >= length or not text[index + 2].isalnum())
        ):
            index += 2
            continue
        for part in unicodedata.normalize("NFKD", char):
            if unicodedata.combining(part):
                continue
            for folded in part.casefold():
                folded = folded if folded.isalnum() else " "
                if folded == " " and (not chars or chars[-1] == " "):
                    continue
                chars.append(folded)
                offsets.append(index)
        index += 1
    while chars and chars[-1] == " ":
        chars.pop()
        offsets.pop()
    return "".join(chars), offsets


def case_compatible(written: str, found: str) -> bool:
    """Whether text ``found`` has the capitalisation that alias ``written`` requires."""
    written_words = re.findall(r"\w+", re.sub(r"^(?i:the)\s+", "", written))
    found_words = re.findall(r"\w+", found)
    if len(written_words) != len(found_words):
        return True  # tokenisation differs (punctuation inside a word): no reliable check
    for alias_word, text_word in zip(written_words, found_words, strict=True):
        if alias_word.casefold() in CONNECTORS:
            continue
        # a short acronym standing alone ("AP", "UN") must be in capitals; longer ones may be
        # title-cased as many outlets write them ("Tass", "Ria Novosti")
        if len(written_words) == 1 and 1 < len(alias_word) <= 3 and alias_word.isupper():
            if not text_word.isupper():
                return False
        if alias_word[0].isupper() and not text_word[0].isupper():
            return False
    return True


def compound_prefix(text: str, end: int) -> bool:
    """Whether a match ends inside a hyphenated compound: "UN-recognised", "Iran-backed" name no source."""
    return end + 1 < len(text) and text[end] in "-\u2010\u2011" and text[end + 1].isalpha()


CONNECTORS = set("of the and for de des du la le der die del di al el".split())

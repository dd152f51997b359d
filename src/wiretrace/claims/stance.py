"""Stance: how each claim's speaker holds its content: asserts, denies, doubts, or relays.

This is the one place that decides it; claim groups, disputes, independence and the events
ledger read ``Claim.stance``. The rules read the grammar of the claim, not its topic:
- ``relays``: the content holds another speaker's attributed statement ("TASS reported that
  the ministry said ..."): the speaker passes it on, it is not a second source for it;
- ``denies``: a cue of the deny class ("denied", "rejected", "dismissed"), or a cue next to a
  denial word about a statement ("called the reports false", "it is untrue that");
- ``doubts``: a doubt verb ("questioned whether"), a negated confirmation ("could not
  confirm"), or a doubt phrase around the cue ("cast doubt on");
- ``asserts``: everything else, the article's own unsourced assertions included.
Word lists are the ``[stance]`` table of ``data/cues.toml``, which users extend.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path

from wiretrace.claims.lexicon import Lexicon
from wiretrace.records import Claim

STANCES = ("asserts", "denies", "doubts", "relays")
# the stances that dispute what the content says: kept out of its claim group, linked by a dispute
NEGATIVE_STANCES = frozenset({"denies", "doubts"})
# how far around the cue the phrase rules look (characters)
_BEFORE, _AFTER = 60, 120
# a relayed statement opens the content within this many characters ("that", "the agency's")
_RELAY_OPENING = 30


@dataclass(frozen=True)
class StanceRules:
    """The ``[stance]`` word lists, compiled."""

    doubt_verbs: frozenset[str]
    negatable: frozenset[str]
    negated: re.Pattern[str]  # a negator right before the cue (matched on the text before it)
    deny_words: re.Pattern[str]
    statement_nouns: re.Pattern[str]
    deny_that: re.Pattern[str]
    deny_pronoun: re.Pattern[str]  # "said it was fake": the pronoun stands for the statement
    doubt_phrases: re.Pattern[str]


def _alternation(words: Sequence[str]) -> str:
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(set(words), key=len, reverse=True))


@lru_cache(maxsize=8)
def stance_rules(extra_file: str = "") -> StanceRules:
    """The packaged ``[stance]`` lists, extended by a user cues file's ``[stance]`` table."""
    data = tomllib.loads(resources.files("wiretrace").joinpath("data/cues.toml").read_text(encoding="utf-8"))
    table: dict[str, list[str]] = {k: list(v) for k, v in data.get("stance", {}).items()}
    if extra_file:
        extra = tomllib.loads(Path(extra_file).read_text(encoding="utf-8")).get("stance", {})
        for key, values in extra.items():
            table[key] = table.get(key, []) + list(values)
    return StanceRules(
        doubt_verbs=frozenset(w.lower() for w in table.get("doubt_verbs", [])),
        negatable=frozenset(w.lower() for w in table.get("negatable", [])),
        negated=re.compile(
            r"\b(?:"
            + _alternation(table.get("negators", []))
            + r")(?:\s+\w+){0,2}\s*$|n't(?:\s+\w+){0,2}\s*$",
            re.I,
        ),
        deny_words=re.compile(r"\b(?:" + _alternation(table.get("deny_words", [])) + r")\b", re.I),
        statement_nouns=re.compile(r"\b(?:" + _alternation(table.get("statement_nouns", [])) + r")\b", re.I),
        deny_that=re.compile(r"\b(?:" + _alternation(table.get("deny_that", [])) + r")\b", re.I),
        deny_pronoun=re.compile(
            r"\b(?:it|this|that|these|those)\s+(?:is|was|were|are|'s|\u2019s)\s+(?:an?\s+|all\s+|simply\s+|"
            r"just\s+|completely\s+|totally\s+|absolutely\s+)?(?:"
            + _alternation(table.get("deny_words", []))
            + r")\b",
            re.I,
        ),
        doubt_phrases=re.compile(r"\b(?:" + _alternation(table.get("doubt_phrases", [])) + r")\b", re.I),
    )


def _lemma(cue: str, lex: Lexicon) -> str:
    words = re.findall(r"[\w'-]+", cue.lower())
    for word in reversed(words):
        if word in lex.form_lemma:
            return lex.form_lemma[word]
    return words[-1] if words else ""


def _speaker_key(claim: Claim) -> str:
    return (claim.speaker_canonical or claim.speaker).strip().lower()


def _relays(claim: Claim, others: Sequence[Claim]) -> bool:
    """The content is another speaker's attributed statement: that claim's speaker opens the
    content ("reported that the ministry said ...") and its content runs to the content's end.
    A report merely mentioned inside a clause ("when B claimed X, the city was ...") is not a relay."""
    if claim.content_start < 0:
        return False
    key = _speaker_key(claim)
    for other in others:
        if other is claim or other.sourcing == "none" or _speaker_key(other) == key:
            continue
        opens = other.speaker_start if other.speaker_start >= 0 else other.cue_start
        if not claim.content_start <= opens <= claim.content_start + _RELAY_OPENING:
            continue
        if claim.content_start <= other.cue_start < claim.content_end and (
            other.content_end >= claim.content_end - _RELAY_OPENING
        ):
            return True
    return False


_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)]*\s+(?=[\"'\u201c\u2018(]*[A-Z])")


def _window(claim: Claim, text: str) -> str:
    """The claim's own words: cue and content, with the clause before the cue, inside its sentence."""
    start = max(0, claim.cue_start - _BEFORE)
    breaks = [m.end() for m in _SENTENCE_END.finditer(text, start, claim.cue_start)]
    start = breaks[-1] if breaks else start
    content_end = claim.content_end if claim.content_start >= 0 else -1
    after = max(claim.cue_end, claim.content_start)
    end = min(max(claim.cue_end, content_end), after + _AFTER) if content_end >= 0 else after + _AFTER
    if content_end < 0:
        stop = _SENTENCE_END.search(text, claim.cue_end, end)
        end = stop.start() + 1 if stop else end
    return text[start:end]


def _takes_a_claim(claim: Claim, rules: StanceRules) -> bool:
    """What a deny verb takes is a claim: a clause ("denied that ..."), a quote, or a statement noun
    ("rejected the report"); "dismissed the plan" or "derided the bill" reject a thing, not a claim."""
    content = claim.content.strip().lower()
    if claim.quote_kind in ("direct", "mixed") or not content:
        return True
    if re.match(r"(?:that|claims?|reports?|allegations?|suggestions?|accusations?)\b", content):
        return True
    head = " ".join(content.split()[:6])
    return bool(rules.statement_nouns.search(head))


def stance_of(claim: Claim, text: str, lex: Lexicon, rules: StanceRules, others: Sequence[Claim] = ()) -> str:
    """The stance of one claim of an article (``others``: the article's other claims)."""
    if claim.sourcing == "none" or claim.cue_start < 0:
        return "asserts"
    if _relays(claim, others):
        return "relays"
    lemma = _lemma(claim.cue, lex)
    before = text[max(0, claim.cue_start - _BEFORE) : claim.cue_start]
    negated = bool(rules.negated.search(before[-40:]))
    if claim.cue_class == "deny" or lex.verb_class.get(lemma) == "deny":
        if negated:
            return "asserts"  # "did not deny" is no denial (nor a doubt)
        return "denies" if _takes_a_claim(claim, rules) else "asserts"
    if lemma in rules.doubt_verbs:
        return "doubts"
    if negated and lemma in rules.negatable:
        return "doubts"
    window = _window(claim, text)
    if rules.deny_that.search(window) or rules.deny_pronoun.search(window):
        return "denies"
    words = rules.deny_words.search(window)
    if (
        words
        and rules.statement_nouns.search(window)
        and not rules.negated.search(window[: words.start()][-30:])
    ):
        return "denies"
    if rules.doubt_phrases.search(window):
        return "doubts"
    return "asserts"


def with_stances(claims: Sequence[Claim], text: str, lex: Lexicon, extra_file: str = "") -> list[Claim]:
    """The claims of one article, each with its stance set."""
    rules = stance_rules(extra_file)
    return [replace(c, stance=stance_of(c, text, lex, rules, claims)) for c in claims]

"""The attribution lexicon (cue verbs, hedges, source patterns) loaded from ``data/cues.toml``.

The packaged file is data that users extend: a user file given in ``[claims] cues_file``
adds its entries to the packaged lists, it never replaces them.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

CUE_CLASSES = ("claim", "confirm", "deny", "report", "assert")  # most specific first: first class wins


@dataclass(frozen=True)
class Lexicon:
    """Everything the claims stage looks up, as sets and compiled patterns."""

    verb_class: dict[str, str]  # lemma -> cue class
    form_lemma: dict[str, str]  # inflected form -> lemma
    clause_only: frozenset[str]
    quote_only: frozenset[str]
    object_info: frozenset[str]
    info_nouns: frozenset[str]
    evidence_verbs: frozenset[str]
    animate_subject: frozenset[str]
    evidence_subjects: frozenset[str]
    source_carriers: frozenset[str]
    hedge_pattern: re.Pattern[str]
    vague_heads: frozenset[str]
    person_heads: frozenset[str]
    institution_heads: frozenset[str]
    anonymity_pattern: re.Pattern[str]
    alias_pattern: re.Pattern[str]
    outlet_words: frozenset[str]
    unnamed_outlet_nouns: frozenset[str]
    not_outlets: frozenset[str]
    title_pattern: re.Pattern[str]
    title_words: frozenset[str]
    colon_not_speakers: frozenset[str]
    trigger_pattern: re.Pattern[str]  # a sentence worth parsing has a match
    prep_content: frozenset[tuple[str, str]] = frozenset()  # (lemma, preposition) whose object is content
    in_sources: frozenset[str] = frozenset()  # "in a poll": nouns that source the clause they sit in
    in_views: frozenset[str] = frozenset()  # "in his view": the possessor is the source
    in_source_pattern: re.Pattern[str] = re.compile(r"(?!)")  # "in" shortly before one of those nouns


def _inflections(lemma: str) -> set[str]:
    """Regular inflected forms of an English verb (over-generation is harmless)."""
    forms = {lemma}
    if lemma.endswith(("s", "sh", "ch", "x", "z")):
        forms.add(lemma + "es")
    elif lemma.endswith("y") and lemma[-2:-1] not in "aeiou":
        forms.add(lemma[:-1] + "ies")
    else:
        forms.add(lemma + "s")
    if lemma.endswith("e"):
        forms |= {lemma + "d", lemma[:-1] + "ing"}
    elif lemma.endswith("y") and lemma[-2:-1] not in "aeiou":
        forms |= {lemma[:-1] + "ied", lemma + "ing"}
    else:
        forms |= {lemma + "ed", lemma + "ing"}
        if re.search(r"[^aeiou][aeiou][bdgkmnprt]$", lemma):
            forms |= {lemma + lemma[-1] + "ed", lemma + lemma[-1] + "ing"}
    return forms


def _phrase_pattern(phrases: list[str]) -> re.Pattern[str]:
    ordered = sorted({p.strip().lower() for p in phrases if p.strip()}, key=len, reverse=True)
    if not ordered:
        return re.compile(r"(?!x)x")
    return re.compile(
        r"\b(?:" + "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in ordered) + r")\b", re.I
    )


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """Lists in ``extra`` are appended to ``base``'s; tables merge recursively."""
    merged = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        elif isinstance(value, list) and isinstance(merged.get(key), list):
            merged[key] = merged[key] + value
        else:
            merged[key] = value
    return merged


@lru_cache(maxsize=8)
def load_lexicon(extra_file: str = "", stance: bool = False) -> Lexicon:
    """The packaged lexicon, extended by ``extra_file`` when given.

    Args:
        extra_file: path of a user TOML file with the same tables as ``data/cues.toml``.
        stance: also treat stance verbs ("oppose", "support", "want") as cues.
    Returns:
        the compiled lexicon (cached per file).
    Example:
        load_lexicon().verb_class["say"]  # 'assert'
    """
    data = tomllib.loads(resources.files("wiretrace").joinpath("data/cues.toml").read_text(encoding="utf-8"))
    if extra_file:
        data = _merge(data, tomllib.loads(Path(extra_file).read_text(encoding="utf-8")))
    verbs = data["verbs"]
    verb_class: dict[str, str] = {}
    for cue_class in CUE_CLASSES:
        for lemma in verbs.get(cue_class, []):
            verb_class.setdefault(lemma.lower(), cue_class)
    for lemma in verbs.get("quote_only", []):
        verb_class.setdefault(lemma.lower(), "assert")
    learned: list[str] = []
    if stance:
        for lemma in verbs.get("stance", []):
            verb_class.setdefault(lemma.lower(), "assert")
        learned = tomllib.loads(
            resources.files("wiretrace").joinpath("data/cues_learned.toml").read_text(encoding="utf-8")
        )["forms"]
    form_lemma: dict[str, str] = {}
    for lemma in list(verb_class):
        for form in _inflections(lemma):
            form_lemma.setdefault(form, lemma)
    for form in learned:  # learned as inflected forms: each is its own lemma
        if form not in form_lemma:
            form_lemma[form] = form
            verb_class[form] = "assert"
    for lemma, forms in data.get("irregular", {}).items():
        if lemma.lower() in verb_class:
            for form in forms:
                form_lemma[form.lower()] = lemma.lower()
    phrases = data["phrases"]
    hedges = data["hedges"]
    sources = data["sources"]
    outlets = data["outlets"]
    titles = sorted(set(data["titles"]["words"]), key=len, reverse=True)
    title_alt = "|".join(re.escape(t) for t in titles)
    name = r"[A-Z][\w'\u2019.-]*(?:\s+[A-Z][\w'\u2019-]*){0,2}"
    skip = {w.lower() for w in verbs.get("trigger_skip", [])}
    in_sources = sorted({w.lower() for w in verbs.get("in_sources", [])}, key=len, reverse=True)
    in_views = sorted({w.lower() for w in verbs.get("in_views", [])}, key=len, reverse=True)
    triggers = sorted(set(form_lemma) - skip, key=len, reverse=True) + [
        p.lower() for p in phrases["according"]
    ]
    return Lexicon(
        verb_class=verb_class,
        form_lemma=form_lemma,
        clause_only=frozenset(verbs.get("clause_only", [])) | frozenset(verbs.get("quote_only", [])),
        quote_only=frozenset(verbs.get("quote_only", [])),
        object_info=frozenset(verbs.get("object_info", [])),
        info_nouns=frozenset(verbs.get("info_nouns", [])),
        evidence_verbs=frozenset(verbs.get("evidence_verbs", [])),
        animate_subject=frozenset(verbs.get("animate_subject", [])) | frozenset(learned),
        evidence_subjects=frozenset(verbs.get("evidence_subjects", [])),
        source_carriers=frozenset(phrases.get("source_carriers", [])),
        hedge_pattern=_phrase_pattern(hedges["words"] + hedges["phrases"]),
        vague_heads=frozenset(sources["vague_heads"]),
        person_heads=frozenset(sources["person_heads"]),
        institution_heads=frozenset(sources["institution_heads"]),
        anonymity_pattern=_phrase_pattern(sources["anonymity"]),
        alias_pattern=re.compile(
            r"\b(?:" + "|".join(re.escape(a) for a in sources["alias_markers"]) + r")\s+"
            r"[\"'\u2018\u201c]?([\w][\w .'-]*?\w)[\"'\u2019\u201d]?(?=[\s,.;)]|$)",
            re.I,
        ),
        outlet_words=frozenset(w.lower() for w in outlets["name_words"]),
        unnamed_outlet_nouns=frozenset(outlets["unnamed_nouns"]),
        not_outlets=frozenset(w.lower() for w in outlets["not_outlets"]),
        colon_not_speakers=frozenset(w.lower() for w in data.get("colon", {}).get("not_speakers", [])),
        title_words=frozenset(w.lower().rstrip(".") for t in titles for w in t.split())
        | frozenset("mr mrs ms miss dr sir dame lord lady rev mx".split()),
        title_pattern=re.compile(r"\b((?:[A-Z][a-z]+\s+){0,2}(?:" + title_alt + r"))\s+(" + name + r")"),
        # case-sensitive: "States" and "Report" in names must not send a sentence to the parser
        trigger_pattern=re.compile(r"\b(?:" + "|".join(re.escape(t) for t in triggers) + r"|According to)\b"),
        prep_content=frozenset(
            (lemma.lower(), prep.lower())
            for lemma, _, prep in (p.partition(" ") for p in verbs.get("prep_content", []))
        ),
        in_sources=frozenset(in_sources),
        in_views=frozenset(in_views),
        in_source_pattern=re.compile(
            r"\b[Ii]n\s+(?:[\w'\u2019/.&-]+\s+){0,6}?(?:"
            + "|".join(re.escape(w) for w in in_sources + in_views)
            + r")\b"
        ),
    )

"""Attributions in one parsed sentence: cue, speaker, content and via outlet from the dependency parse.

Rules follow the grammar of reported speech, not any topic: the subject (or passive agent)
of a reporting verb is the speaker, its clausal complement is the content, "according to X"
names a source, and "told X" / "in an interview with X" / "reported by X" name an outlet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from spacy.attrs import LOWER

from wiretrace.claims.grammar import (
    LEXICON,
    PRONOUNS,
    RELATIVE,
    SpeakerInfo,
    can_speak,
    canonical_outlet,
    cue_subject,
    known_outlet,
    name_runs,
    source_info,
    speaker_info,
    stranded_subject,
    token_span,
    upos,
)
from wiretrace.claims.lexicon import Lexicon

_WORDS = re.compile(r"\w+")
_DETERMINERS = frozenset("the a an this that these those another one some his her their its our".split())
_INDEFINITE = frozenset("a an another one some".split())


@dataclass
class Draft:
    """A claim under construction inside one sentence."""

    sentence_index: int
    cue_start: int
    cue_end: int
    cue: str
    cue_class: str
    speaker: SpeakerInfo | None
    content_start: int = -1
    content_end: int = -1
    quote_kind: str = "indirect"
    via: str = ""
    via_start: int = -1
    via_end: int = -1
    anonymous_marker: bool = False
    back_reference: bool = False  # "This assertion, reported by X": X is the via of an earlier claim
    window: tuple[int, int] = (0, 0)  # extent of speaker + cue, to attach an adjacent quote
    extra: dict[str, Any] = field(default_factory=dict)


def _content_tokens(verb: Any, lemma: str, lex: Lexicon) -> list[Any]:
    """The reported material of ``verb``: clausal complement, or object for verbs that allow it."""
    for child in verb.children:
        if child.dep_ == "ccomp" or (child.dep_ == "xcomp" and any(c.dep_ == "aux" for c in child.children)):
            return list(child.subtree)
    for child in verb.children:
        # "said in a statement that talks would resume": the parser may hang the clause on the noun
        if child.dep_ == "prep" and child.i > verb.i:
            for noun in child.children:
                for clause in noun.children:
                    if clause.dep_ in ("acl", "relcl") and any(
                        m.dep_ == "mark" and m.lower_ == "that" for m in clause.children
                    ):
                        return list(clause.subtree)
    passive = any(c.dep_ == "auxpass" for c in verb.children)
    if passive:
        for child in verb.children:
            if (
                child.dep_ in ("nsubjpass", "csubjpass")
                and child.lower_ not in RELATIVE
                and child.lower_ != "it"
            ):
                if lemma in lex.object_info and child.lower_ not in lex.info_nouns:
                    return []  # "the prisoners were released": only a statement or a video is published
                return list(child.subtree)
    objects = [c for c in verb.children if c.dep_ == "dobj"]
    complements = [c for c in verb.children if c.dep_ in ("oprd", "xcomp") and c.i > verb.i]
    if objects and complements:
        # "called the plan a disaster": the object and what it is called are the content
        return list(verb.doc[objects[0].left_edge.i : complements[-1].right_edge.i + 1])
    if lemma in lex.clause_only:
        for child in verb.children:
            if child.dep_ == "prep" and (lemma, child.lower_) in lex.prep_content:
                return list(child.subtree)  # "called for an inquiry", "pointed to the polls"
            if (
                lemma == "ask"
                and child.dep_ == "advcl"
                and any(m.lower_ in ("if", "whether") for m in child.children)
            ):
                return list(child.subtree)  # "asked voters if they would come": the parser's advcl
        return []
    for child in verb.children:
        if child.dep_ == "dobj":
            if (
                lemma in lex.object_info
                and child.lemma_.lower() not in lex.info_nouns
                and child.lower_ not in lex.info_nouns
            ):
                return []
            if upos(child) == "PRON" and not any(c.dep_ == "prep" for c in verb.children):
                return []
            if upos(child) != "PRON":
                as_phrase = [
                    c for c in verb.children if c.dep_ == "prep" and c.lower_ == "as" and c.i > child.i
                ]
                if as_phrase:  # "described the field as very good": the object and what it is said to be
                    return list(verb.doc[child.left_edge.i : as_phrase[0].right_edge.i + 1])
                return list(child.subtree)
    for child in verb.children:
        if child.dep_ == "prep" and child.lower_ in ("of", "for", "about", "over", "against"):
            return list(child.subtree)
    return []


def _outlet_like(token: Any, lex: Lexicon, constructional: bool = True) -> bool:
    """True when a noun phrase headed by ``token`` can be a news outlet (not a person).

    In a construction that takes an outlet ("told X", "in an interview with X") any proper
    name that is not a person qualifies; elsewhere the name must read as an outlet.
    """
    span = list(token.subtree)
    text = " ".join(t.text for t in span).lower()
    if text in lex.not_outlets or token.lower_ in lex.not_outlets:
        return False
    if known_outlet(token.doc[span[0].i : span[-1].i + 1].text):
        return True
    if any(kind == "person" and a <= token.i < b for a, b, kind in name_runs(token.doc)):
        return False
    named_outlet = any(t.lower_ in lex.outlet_words and upos(t) == "PROPN" for t in span)
    if not constructional:
        return named_outlet
    if upos(token) == "PROPN" or token.text.isupper() or named_outlet:
        return True
    return token.lower_ in lex.unnamed_outlet_nouns or any(t.lower_ in lex.outlet_words for t in span)


def _outlet_text(token: Any, base: int) -> tuple[str, int, int]:
    """(canonical outlet text, start, end); unnamed outlets read 'unnamed <description>'."""
    tokens = list(token.subtree)
    start, end = token_span(tokens, base)
    words = [t for t in tokens if not t.is_punct]
    if words and words[0].lower_ in _DETERMINERS:
        if words[0].lower_ in _INDEFINITE or upos(token) != "PROPN":
            return "unnamed " + " ".join(t.text for t in words[1:]), start, end
        words = words[1:]
    return " ".join(t.text for t in words).replace(" 's", "'s"), start, end


def _via_of(verb: Any, lemma: str, lex: Lexicon, base: int) -> tuple[str, int, int] | None:
    """Outlet named around a cue: told X / said to X / in an interview with X / reported by X."""
    for child in verb.children:
        if lemma == "tell" and child.dep_ in ("dobj", "dative") and _outlet_like(child, lex):
            return _outlet_text(child, base)
        if child.dep_ in ("prep", "dative") and child.lower_ == "to":
            for pobj in child.children:
                if pobj.dep_ == "pobj" and _outlet_like(pobj, lex) and upos(pobj) == "PROPN":
                    return _outlet_text(pobj, base)
        if child.dep_ == "prep" and child.lower_ in ("in", "during"):
            for pobj in child.children:
                if pobj.lower_ in ("interview", "conversation", "comments", "remarks", "statement"):
                    for prep in pobj.children:
                        if prep.lower_ in ("with", "to"):
                            for outlet in prep.children:
                                if outlet.dep_ == "pobj" and _outlet_like(outlet, lex):
                                    return _outlet_text(outlet, base)
    return None


def _speaking_to(doc: Any, lex: Lexicon, base: int) -> tuple[str, int, int] | None:
    """'Speaking to X, ...' / 'In an interview with X, ...' at sentence level."""
    for token in doc:
        if token.lower_ in ("speaking", "talking", "writing") and token.dep_ in (
            "advcl",
            "csubj",
            "ROOT",
            "xcomp",
        ):
            for prep in token.children:
                if prep.lower_ in ("to", "with", "in", "for"):
                    for pobj in prep.children:
                        if pobj.dep_ == "pobj" and _outlet_like(pobj, lex) and pobj.lower_ not in PRONOUNS:
                            return _outlet_text(pobj, base)
        if token.lower_ == "interview" and token.head.lower_ in ("in", "during"):
            for prep in token.children:
                if prep.lower_ in ("with", "to"):
                    for pobj in prep.children:
                        if pobj.dep_ == "pobj" and _outlet_like(pobj, lex):
                            return _outlet_text(pobj, base)
    return None


def _according(
    doc: Any, lex: Lexicon, base: int, sentence_index: int, sent_start: int, sent_end: int
) -> list[Draft]:
    """Claims from 'according to X' (X may be a report carrying the real source)."""
    drafts = []
    text = doc.text
    for token in doc:
        if token.lower_ != "according" or token.i + 1 >= len(doc) or doc[token.i + 1].lower_ != "to":
            continue
        to = doc[token.i + 1]
        pobj = next((c for c in to.children if c.dep_ == "pobj"), None)
        if pobj is None:
            continue
        source = carrier = pobj
        if pobj.lemma_.lower() in lex.source_carriers or pobj.lower_ in lex.source_carriers:
            inner = next(
                (
                    p
                    for c in pobj.children
                    if c.dep_ == "prep" and c.lower_ in ("from", "by", "of")
                    for p in c.children
                    if p.dep_ == "pobj"
                ),
                None,
            )
            if inner is not None and (
                upos(inner) == "PROPN"
                or inner.lower_ in lex.institution_heads
                or any(a <= inner.i < b for a, b, _ in name_runs(doc))
            ):
                source = inner
            owner = next(
                (c for c in pobj.children if c.dep_ in ("compound", "poss") and upos(c) == "PROPN"), None
            )
            if source is pobj and owner is not None and canonical_outlet(owner.text):
                source = carrier = owner  # "according to the Reuters report": the outlet is the source
        phrase_tokens = [token, to] + list(pobj.subtree)
        p_start = base + token.idx
        p_end = base + phrase_tokens[-1].idx + len(phrase_tokens[-1].text)
        content = _clause_around(p_start, p_end, sent_start, sent_end)
        draft = Draft(
            sentence_index=sentence_index,
            cue_start=p_start,
            cue_end=p_start + len("according to"),
            cue=doc[token.i : to.i + 1].text,
            cue_class="report",
            speaker=source_info(source, carrier, base, text),
            content_start=content[0],
            content_end=content[1],
        )
        draft.extra["according"] = True
        draft.extra["outlet"] = _outlet_like(source, lex) and upos(source) == "PROPN"
        draft.extra["named_outlet"] = _outlet_like(source, lex, False)
        draft.window = (p_start, p_end)
        drafts.append(draft)
    return drafts


def _clause_around(p_start: int, p_end: int, sent_start: int, sent_end: int) -> tuple[int, int]:
    """The content of a source phrase ("according to X", "in a poll"): the rest of the sentence
    when the phrase opens or closes it, else the whole sentence around it."""
    if p_start - sent_start < 3:
        return p_end, sent_end
    if sent_end - p_end < 3:
        return sent_start, p_start
    return sent_start, sent_end


def _around(text: str, base: int, window_start: int, window_end: int) -> tuple[int, int]:
    """The longer side of a sentence around a parenthetical 'X said' ("The plan, he said, will fail")."""
    before = text[: window_start - base].rstrip(" ,;:\u2014-")
    after_start = window_end - base
    after = text[after_start:]
    stripped = after.lstrip(" ,;:\u2014-")
    after_start += len(after) - len(stripped)
    after = stripped.rstrip(" .")
    if len(_WORDS.findall(after)) >= max(3, len(_WORDS.findall(before))):
        return base + after_start, base + after_start + len(after)
    if len(_WORDS.findall(before)) >= 3:
        return base, base + len(before)
    return -1, -1


def _back_reference(token: Any, lemma: str, lex: Lexicon, base: int, sentence_index: int) -> Draft | None:
    """'This assertion, reported by X, ...': X is the outlet of a claim made earlier."""
    if lemma not in ("report", "cite", "quote", "publish", "broadcast", "relay", "carry"):
        return None
    agent = next(
        (p for c in token.children if c.dep_ == "agent" for p in c.children if p.dep_ == "pobj"), None
    )
    if agent is None or not _outlet_like(agent, lex):
        return None
    via, v_start, v_end = _outlet_text(agent, base)
    draft = Draft(
        sentence_index,
        base + token.idx,
        base + token.idx + len(token.text),
        token.text,
        lex.verb_class[lemma],
        None,
        via=via,
        via_start=v_start,
        via_end=v_end,
        back_reference=True,
    )
    return draft


_CUE_HASHES: dict[int, frozenset[int]] = {}


def _cue_candidates(doc: Any, lex: Lexicon) -> list[Any]:
    """Tokens whose lower-case form is a cue form, found on the doc's arrays (no Token per word)."""
    hashes = _CUE_HASHES.get(id(lex))
    if hashes is None:
        strings = doc.vocab.strings
        hashes = frozenset(strings.add(form) for form in lex.form_lemma)
        _CUE_HASHES[id(lex)] = hashes
    lowers = doc.to_array(LOWER).tolist()
    return [doc[i] for i, value in enumerate(lowers) if value in hashes]


def attributions(doc: Any, lex: Lexicon, base: int, sentence_index: int) -> list[Draft]:
    """Every attribution in one parsed sentence ``doc`` whose text starts at article offset ``base``.

    Args:
        doc: a spaCy Doc of one sentence.
        lex: the lexicon.
        base: article offset of the sentence's first character.
        sentence_index: index of the sentence in its article.
    Returns:
        drafts in text order, with article offsets.
    Example:
        attributions(nlp("The plant will close, the company said."), load_lexicon(), 0, 0)[0].cue  # 'said'
    """
    LEXICON[0] = lex
    text = doc.text  # Doc.text is rebuilt from the tokens on every access
    sent_end = base + len(text.rstrip())
    drafts: list[Draft] = []
    lowered = text.lower()
    sentence_via = (
        _speaking_to(doc, lex, base)
        if any(w in lowered for w in ("speaking", "talking", "writing", "interview"))
        else None
    )
    # "who asked not to be named", "who declined to be identified": no report of their own
    anonymity = [m.span() for m in lex.anonymity_pattern.finditer(text)]
    for token in _cue_candidates(doc, lex):
        if upos(token) not in ("VERB", "AUX"):
            continue
        if any(start <= token.idx < end for start, end in anonymity):
            continue
        lemma = lex.form_lemma[token.lower_]
        if lemma not in lex.verb_class:
            continue
        if token.dep_ in ("amod", "acl") and upos(token.head) in ("NOUN", "PROPN"):
            back = _back_reference(token, lemma, lex, base, sentence_index)
            if back is not None:
                drafts.append(back)
            continue  # "the reported attack", "footage confirming": modifiers, not reports
        subject = stranded_subject(token) if token.dep_ == "conj" else None
        subject = subject or cue_subject(token, lex.form_lemma) or stranded_subject(token)
        speaker = speaker_info(subject, base, text) if subject is not None else None
        if (
            lemma in lex.evidence_verbs
            and lemma in lex.animate_subject
            and any(c.dep_ == "auxpass" for c in token.children)
        ):
            continue  # "was shown a red card", "was found dead": evidence verbs in the passive do not report
        if subject is None and any(c.dep_ == "neg" for c in token.children):
            continue  # "could not be independently verified": the article's caveat, nobody's claim
        if subject is not None and not can_speak(subject, lemma, lex):
            continue  # "the efforts suggest", "the video highlights": things do not make claims
        content = _content_tokens(token, lemma, lex)
        c_start, c_end = token_span(content, base) if content else (-1, -1)
        draft = Draft(
            sentence_index=sentence_index,
            cue_start=base + token.idx,
            cue_end=base + token.idx + len(token.text),
            cue=token.text,
            cue_class=lex.verb_class[lemma],
            speaker=speaker,
            content_start=c_start,
            content_end=c_end,
        )
        draft.extra["lemma"] = lemma
        draft.extra["needs_clause"] = lemma in lex.clause_only or lemma in lex.object_info
        via = _via_of(token, lemma, lex, base)
        if (
            via is None
            and lemma in ("report", "cite", "quote", "publish", "broadcast")
            and speaker is not None
        ):
            if (
                any(c.dep_ == "agent" for c in token.children)
                and subject is not None
                and _outlet_like(subject, lex, False)
            ):
                via = _outlet_text(subject, base)  # "reported by X", "cited by X"
                draft.back_reference = not content or (subject is not None and subject.dep_ == "pobj")
        if via is None and speaker is not None and sentence_via is not None:
            via = sentence_via
        if via is not None:
            draft.via, draft.via_start, draft.via_end = via
        # the listener or outlet after the cue belongs to the attribution: 'told X host Y, "..."'
        objects = [
            c
            for c in token.rights
            if c.dep_ in ("dobj", "dative", "npadvmod")
            or (c.dep_ == "prep" and c.lower_ in ("to", "in", "on", "during", "at"))
        ]
        object_end = max((base + c.right_edge.idx + len(c.right_edge.text) for c in objects), default=-1)
        if content and object_end > base + content[0].idx:
            object_end = -1  # the object is the content, not a listener
        if speaker is not None:
            window_start = min(speaker.start, draft.cue_start)
            window_end = max(speaker.end, draft.cue_end, draft.via_end, object_end)
        else:
            window_start, window_end = draft.cue_start, max(draft.cue_end, object_end)
        draft.window = (window_start, window_end)
        # '..., the newspaper X has reported.': the parser may hang a closing report on the
        # noun before it (relcl); with its own subject and nothing after it, it still reports
        closing = (
            token.dep_ == "relcl"
            and subject is not None
            and subject.lower_ not in RELATIVE
            and all(t.is_punct or t.is_space for t in doc[token.i + 1 :])
        )
        if (
            c_start < 0
            and speaker is not None
            and (token.dep_ not in ("relcl", "acl") or closing)
            and not any(c.dep_ in ("dobj", "dative", "attr", "oprd", "acomp") for c in token.children)
        ):
            draft.extra["fallback_content"] = _around(text, base, window_start, window_end)
        if lemma == "cite":  # "the Courier, citing the ministry, said": who the outlet's words come from
            cited = next((c for c in token.children if c.dep_ == "dobj"), None)
            if cited is not None and upos(cited) in ("NOUN", "PROPN"):
                draft.extra["cited"] = speaker_info(cited, base, text)
        draft.extra["subject_dep"] = subject.dep_ if subject is not None else ""
        draft.extra["outlet_subject"] = subject is not None and _outlet_like(subject, lex, False)
        drafts.append(draft)
    if "according" in lowered:
        drafts.extend(_according(doc, lex, base, sentence_index, base, sent_end))
    drafts.sort(key=lambda d: d.cue_start)
    return drafts

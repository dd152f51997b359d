"""Attributions outside verb grammar: "in a poll released Monday", "in his view", Title Case headlines."""

from __future__ import annotations

import re
from typing import Any

from wiretrace.claims.attribution import Draft, _clause_around, _outlet_like
from wiretrace.claims.grammar import SpeakerInfo, source_info, upos
from wiretrace.claims.lexicon import Lexicon
from wiretrace.records import Sentence


def in_source_drafts(doc: Any, lex: Lexicon, base: int, sentence_index: int) -> list[Draft]:
    """Claims from "in <poll/survey/report>" phrases of one parsed sentence ``doc`` at offset ``base``.

    Args:
        doc: a spaCy Doc of one sentence.
        lex: the lexicon (``in_sources`` lists the nouns).
        base: article offset of the sentence's first character.
        sentence_index: index of the sentence in its article.
    Returns:
        drafts flagged ``according`` (they are read like "according to a poll").
    Example:
        in_source_drafts(nlp("In a new poll, 52 percent back the plan."), load_lexicon(), 0, 0)[0].cue  # 'In'
    """
    text = doc.text
    sent_start, sent_end = base, base + len(text.rstrip())
    drafts = []
    for token in doc:
        if token.lower_ != "in" or token.dep_ != "prep":
            continue
        pobj = next((c for c in token.children if c.dep_ == "pobj"), None)
        if pobj is None:
            continue
        source = pobj
        if pobj.lower_ in lex.in_views:
            # "in his view", "in Smith's words": only an owner makes it someone's opinion
            owner = next((c for c in pobj.children if c.dep_ == "poss"), None)
            if owner is None:
                continue
            source = owner
        elif pobj.lower_ not in lex.in_sources:
            continue
        head = token.head
        # "said in a report that ...": the verb's subject is the source, the report only its vehicle
        if head.lower_ in lex.form_lemma and lex.form_lemma[head.lower_] in lex.verb_class:
            continue
        if upos(head) not in ("VERB", "AUX", "NOUN", "ADJ"):
            continue
        phrase = list(token.subtree)
        p_start = base + phrase[0].idx
        p_end = base + phrase[-1].idx + len(phrase[-1].text)
        content = _clause_around(p_start, p_end, sent_start, sent_end)
        if len(text[content[0] - base : content[1] - base].split()) < 3:
            continue  # "in the polls" alone is no claim
        draft = Draft(
            sentence_index=sentence_index,
            cue_start=p_start,
            cue_end=p_start + len(token.text),
            cue=token.text,
            cue_class="report",
            speaker=source_info(source, source, base, text),
            content_start=content[0],
            content_end=content[1],
        )
        draft.extra["according"] = True
        draft.extra["outlet"] = False
        draft.extra["named_outlet"] = source is pobj and _outlet_like(pobj, lex, False)
        draft.window = (p_start, p_end)
        drafts.append(draft)
    return drafts


_HEADLINE_WORD = re.compile(r"[\w'\u2019.&-]+")
_PAST_FORMS = frozenset(
    {"said", "told", "wrote", "spoke", "thought", "knew", "felt", "found", "saw", "sought"}
)


def _is_headline(words: list[str]) -> bool:
    """True for a Title Case line: most words of four letters or more are capitalised."""
    long_words = [w for w in words if len(w) >= 4 and w[0].isalpha()]
    return (
        len(words) >= 3
        and len(long_words) >= 2
        and sum(w[0].isupper() for w in long_words) >= 0.8 * len(long_words)
    )


def headline_drafts(text: str, sentences: list[Sentence], lex: Lexicon) -> list[Draft]:
    """Claims of Title Case headlines, which the parser reads badly: "Smith Says Plan Will Fail".

    Args:
        text: the article text.
        sentences: its sentences (headlines are sentences of their own paragraph).
        lex: the lexicon (cue forms).
    Returns:
        drafts whose speaker is the words before the cue (or after the last comma when the cue ends
        the line: "Plan Will Fail, Smith Says") and whose content is the rest.
    Example:
        headline_drafts("Smith Says Plan Will Fail", segment(...), load_lexicon())[0].cue  # 'Says'
    """
    drafts = []
    for sentence in sentences:
        if len(sentence.text) > 200:
            continue
        matches = list(_HEADLINE_WORD.finditer(sentence.text))
        if not _is_headline([m.group() for m in matches]):
            continue
        for position, match in enumerate(matches[1:], start=1):
            word = match.group()
            lower = word.lower()
            lemma = lex.form_lemma.get(lower)
            if not word[0].isupper() or lemma not in lex.verb_class or lemma in lex.quote_only:
                continue
            if not (lower.endswith(("s", "ed")) or lower in _PAST_FORMS) or lower == lemma + "ing":
                continue
            base = sentence.start
            cue_start, cue_end = base + match.start(), base + match.end()
            line = sentence.text
            if position == len(matches) - 1:  # "Plan Will Fail, Smith Says"
                comma = line.rfind(",", 0, match.start())
                if comma < 0:
                    break
                s_start, s_end = comma + 1, match.start()
                c_start, c_end = 0, comma
            else:
                s_start, s_end = 0, match.start()
                c_start, c_end = match.end(), len(line.rstrip(" ."))
            source = line[s_start:s_end].strip(" \t\"'\u2018\u2019\u201c\u201d")
            if not source or len(source.split()) > 7 or not source[0].isupper():
                break
            s_start = line.index(source, s_start)
            draft = Draft(
                sentence.index,
                cue_start,
                cue_end,
                word,
                lex.verb_class[lemma],
                _name_speaker(text, base + s_start, base + s_start + len(source)),
                base + c_start,
                base + c_end,
            )
            draft.window = (base + s_start, cue_end)
            draft.extra["lemma"] = lemma
            drafts.append(draft)
            break
    return drafts


def _name_speaker(text: str, start: int, end: int) -> SpeakerInfo:
    """A speaker span found by a text pattern, not the parse."""
    words = text[start:end].split()
    return SpeakerInfo(
        start, end, text[start:end], words[-1].lower(), False, "", False, (text[start:end],), True
    )

"""Attributions whose cue is a preposition before an information source: "in a poll released Monday"."""

from __future__ import annotations

from typing import Any

from wiretrace.attribution import Draft, _outlet_like, _source_info, _upos
from wiretrace.lexicon import Lexicon


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
        if _upos(head) not in ("VERB", "AUX", "NOUN", "ADJ"):
            continue
        phrase = list(token.subtree)
        p_start = base + phrase[0].idx
        p_end = base + phrase[-1].idx + len(phrase[-1].text)
        before, after = (sent_start, p_start), (p_end, sent_end)
        if p_start - sent_start < 3:
            content = after
        elif sent_end - p_end < 3:
            content = before
        else:
            content = (sent_start, sent_end)
        if len(text[content[0] - base : content[1] - base].split()) < 3:
            continue  # "in the polls" alone is no claim
        draft = Draft(
            sentence_index=sentence_index,
            cue_start=p_start,
            cue_end=p_start + len(token.text),
            cue=token.text,
            cue_class="report",
            speaker=_source_info(source, source, base, text),
            content_start=content[0],
            content_end=content[1],
        )
        draft.extra["according"] = True
        draft.extra["outlet"] = False
        draft.extra["named_outlet"] = source is pobj and _outlet_like(pobj, lex, False)
        draft.window = (p_start, p_end)
        drafts.append(draft)
    return drafts

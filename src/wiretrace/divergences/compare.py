"""The comparisons of two versions, field by field: units, names, numbers (aligned, rewritten or restated),
acronyms, name variants, framing and unsourced additions, each found divergence kept once."""

from __future__ import annotations

import hashlib
import itertools
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz

from wiretrace.config import DivergencesSettings
from wiretrace.divergences import actors, facts
from wiretrace.divergences.facts import Fact
from wiretrace.records import DERIVED_KINDS, Article, Claim, Divergence, Pair, Sentence

# kinds reported once per changed span; framing is shown per article, variants as a star already
_COLLAPSED = frozenset({"number", "date", "designation", "name", "actor"})


@dataclass(frozen=True)
class Side:
    """One version of a compared unit: article, text and its offset in the article."""

    article_id: str
    offset: int
    text: str


class Collector:
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


def _span(side: Side, fact: Fact) -> tuple[str, int, int, str, str]:
    return side.article_id, side.offset + fact.start, side.offset + fact.end, fact.text, fact.value


def _shared_key(a: Fact, b: Fact) -> bool:
    return bool(a.key) and a.key == b.key


def compare_units(
    a: Side, b: Side, published: Mapping[str, Any], story_id: str, out: Collector, group_id: str = ""
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
    a: Side, b: Side, story_id: str, settings: DivergencesSettings, out: Collector, group_id: str = ""
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


def rewrite_numbers(
    story_id: str, order: list[str], pairs: Sequence[Pair], articles: Mapping[str, Article], out: Collector
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
        if pair.kind not in DERIVED_KINDS or pair.article_a not in members or pair.article_b not in members:
            continue
        side_a = Side(pair.article_a, 0, articles[pair.article_a].text)
        side_b = Side(pair.article_b, 0, articles[pair.article_b].text)
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


def restated_numbers(
    story_id: str,
    order: list[str],
    sentences: Mapping[str, list[Sentence]],
    compared: set[tuple[str, int, str, int]],
    max_members: int,
    out: Collector,
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
                    _span(Side(s_a.article_id, s_a.start, s_a.text), fact_a),
                    _span(Side(s_b.article_id, s_b.start, s_b.text), fact_b),
                    f"{fact_a.text} vs {fact_b.text} ({fact_a.key})",
                )


def acronym_divergences(
    story_id: str, order: list[str], articles: Mapping[str, Article], out: Collector
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


def name_variants(
    story_id: str,
    order: list[str],
    articles: Mapping[str, Article],
    settings: DivergencesSettings,
    out: Collector,
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


def framing_divergences(
    story_id: str,
    order: list[str],
    articles: Mapping[str, Article],
    settings: DivergencesSettings,
    copies: frozenset[frozenset[str]] | None,
    out: Collector,
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


def unsourced_additions(
    story_id: str,
    order: list[str],
    pairs: Sequence[Pair],
    aligned: Sequence[tuple[Sentence, Sentence]],
    sentences: Mapping[str, list[Sentence]],
    claims: Sequence[Claim],
    outlets: Mapping[str, str],
    subjects: actors.Subjects,
    out: Collector,
) -> None:
    """Sentences a copy or rewrite carries that its earlier version lacks, with no source."""
    members = set(order)
    rank = {a: i for i, a in enumerate(order)}
    earlier: dict[str, list[str]] = defaultdict(list)
    for pair in pairs:
        if pair.kind in DERIVED_KINDS and pair.article_a in members and pair.article_b in members:
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


# direct quotes of one speaker that differ beyond punctuation and case, but are one statement
_QUOTE_WORDS = re.compile(r"\w+")


_MIN_CHANGED = 2  # words each version has that the other lacks


def _within(short: list[str], long: list[str]) -> bool:
    """``short`` is ``long`` with words left out at its ends (a quote cut short)."""
    if len(short) > len(long):
        return False
    text, part = " ".join(long), " ".join(short)
    return part in text


def altered_quote(a: Claim, b: Claim, story_id: str, out: Collector, group_id: str) -> None:
    """``quote_altered``: two versions give one speaker's direct quote in different words.

    Presenting a paraphrase as a quotation is a clear sign of a rewrite: both are quotes (direct)
    of one claim group (same speaker, same statement), and their words differ.
    """
    if a.quote_kind != "direct" or b.quote_kind != "direct" or a.article_id == b.article_id:
        return
    if (b.article_id, b.content_start) < (a.article_id, a.content_start):
        a, b = b, a  # one order, whatever order the claims came in: the same row on every engine
    words_a = _QUOTE_WORDS.findall(facts.fold(a.content))
    words_b = _QUOTE_WORDS.findall(facts.fold(b.content))
    if words_a == words_b or not words_a or not words_b:
        return
    if _within(words_a, words_b) or _within(words_b, words_a):
        return  # one quote cut short of the other: shortened, not reworded
    changed_a, changed_b = set(words_a) - set(words_b), set(words_b) - set(words_a)
    if len(changed_a) < _MIN_CHANGED or len(changed_b) < _MIN_CHANGED:
        return  # a word or a spelling apart: too little to call the quotation reworded
    added = sorted(set(words_b) - set(words_a))[:6]
    dropped = sorted(set(words_a) - set(words_b))[:6]
    changes = (
        "; ".join(
            part
            for part in (
                f"words only in the first: {', '.join(dropped)}" if dropped else "",
                f"only in the second: {', '.join(added)}" if added else "",
            )
            if part
        )
        or "the same words in another order"
    )
    speaker = a.speaker_canonical or a.speaker or "the speaker"
    out.add(
        story_id,
        "quote_altered",
        (a.article_id, a.content_start, a.content_end, a.content, ""),
        (b.article_id, b.content_start, b.content_end, b.content, ""),
        f"{speaker}'s direct quote is worded differently ({changes})",
        group_id,
    )


_DETERMINER = re.compile(r"^(?:the|a|an|this|that|our|their|its)\s+", re.I)


def _speakers(claim: Claim) -> set[str]:
    """The names a claim's speaker goes by: as written and as resolved ("the spokesman", "Ana Ruiz")."""
    names = {_DETERMINER.sub("", facts.fold(n).strip()) for n in (claim.speaker, claim.speaker_canonical)}
    return names - {""}


def reworded_quotes(quotes: Sequence[Claim], derived: set[frozenset[str]]) -> list[tuple[Claim, Claim]]:
    """Direct quotes of one speaker in two articles that derive from one upstream, worded alike
    but not the same: the rewrite changed a quotation (grouping may have kept them apart)."""
    found = []
    for i, a in enumerate(quotes):
        for b in quotes[i + 1 :]:
            if a.article_id == b.article_id or frozenset((a.article_id, b.article_id)) not in derived:
                continue
            if not _speakers(a) & _speakers(b):
                continue
            if fuzz.token_set_ratio(facts.fold(a.content), facts.fold(b.content)) >= _REWORDED_SIMILARITY:
                found.append((a, b))
    return found


# a reworded quote still shares most of its words with the original (rapidfuzz token_set_ratio)
_REWORDED_SIMILARITY = 60

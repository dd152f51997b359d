"""Who did it: actors of the same action in two versions of a story (subjects of aligned sentences,
and units credited with one control-of-place event across a storyline).

Used by ``divergences``; the spaCy parser loads lazily, once per process.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from wiretrace.divergences import facts
from wiretrace.divergences.facts import Fact
from wiretrace.provenance.sources import get_registry
from wiretrace.records import Article, Sentence

Span = tuple[str, int, int, str, str]  # article, start, end, text, value


class DivergenceSink(Protocol):
    """Where found divergences go (``divergences._Collector``)."""

    def add(self, story_id: str, kind: str, a: Span, b: Span, explanation: str) -> None: ...


@functools.lru_cache(maxsize=1)
def not_places() -> frozenset[str]:
    """Nationality and country words, which a control verb's object never is."""
    registry = get_registry()
    words = set()
    for country in registry.countries.values():
        for word in (country.adjective, country.name):
            words.add(facts.fold(word))
    return frozenset(words)


_MODEL: dict[str, Any] = {}


def _parser(model: str) -> Any:
    """The spaCy pipeline for subjects, loaded once per process (shared with claims when it is loaded)."""
    if model not in _MODEL:
        try:
            from wiretrace.claims.stage import load_model  # the claims stage's cache, when that module exists

            _MODEL[model] = load_model(model)
        except ImportError:
            import spacy

            _MODEL[model] = spacy.load(model, exclude=["lemmatizer", "ner"])
    return _MODEL[model]


class Subjects:
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

    def prefetch(self, sentences: Iterable[Sentence]) -> None:
        """Parse many sentences in batches (much faster than one at a time) into the cache."""
        todo = [s for s in dict.fromkeys(sentences) if (s.article_id, s.index) not in self.cache]
        if not todo:
            return
        docs = _parser(self.model).pipe((s.text for s in todo), batch_size=128)
        for sentence, doc in zip(todo, docs, strict=True):
            self.cache[(sentence.article_id, sentence.index)] = self._read(sentence, doc)

    def _parse(self, sentence: Sentence) -> tuple[int, int, str, str] | None:
        return self._read(sentence, _parser(self.model)(sentence.text))

    def _read(self, sentence: Sentence, doc: Any) -> tuple[int, int, str, str] | None:
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


_BACK_REFERENCES = frozenset("his her their its our my your this that these those such".split())
_GENERIC_ACTORS = frozenset(
    "official officials authority authorities government forces force troops troop army military people "
    "residents source sources side party country state spokesman spokeswoman spokesperson leadership".split()
)


def _vague_actor(subject: str) -> bool:
    """A subject pointing back ("his administration") or naming nobody in particular ("Russian officials")."""
    words = subject.split()
    if not words or words[0].casefold() in _BACK_REFERENCES or subject[:1] in "@#":
        return True
    if len(words) <= 2 and words[0].casefold() == "the" and not any(w[:1].isupper() for w in words[1:]):
        return True  # "the actor", "the company": a back-reference to someone named elsewhere
    if facts.DATE_RE.fullmatch(subject) or facts.NUMBER_RE.fullmatch(subject):
        return True  # "Wednesday was ...": a time, not an actor
    nationalities = not_places()
    content = [w for w in facts.content_words(subject) if w not in nationalities]
    return all(w in _GENERIC_ACTORS or facts._singular(w) in _GENERIC_ACTORS for w in content)


def may_differ_in_actor(a: Sentence, b: Sentence) -> bool:
    """Cheap test before parsing: two versions that open with the same words have the same subject."""
    if a.text == b.text:
        return False
    opening_a, opening_b = facts.content_words(a.text)[:2], facts.content_words(b.text)[:2]
    return opening_a != opening_b


def actor_in_sentences(
    story_id: str, a: Sentence, b: Sentence, subjects: Subjects, out: DivergenceSink
) -> bool:
    """Report two versions of one sentence whose subjects (who did it) share nothing; True if reported."""
    if not may_differ_in_actor(a, b):
        return False
    first, second = subjects.of(a), subjects.of(b)
    if first is None or second is None:
        return False
    if set(facts.content_words(first[2])) & set(facts.content_words(second[2])):
        return False
    if _vague_actor(first[2]) or _vague_actor(second[2]):
        return False  # "his administration", "Russian officials": a reference, not a rival actor
    if facts.similar(first[3], second[3]) < 0.5:
        return False  # different actions, not one action credited to two actors
    out.add(
        story_id,
        "actor",
        (a.article_id, first[0], first[1], first[2], first[2]),
        (b.article_id, second[0], second[1], second[2], second[2]),
        f"the same action is credited to {first[2]!r} and to {second[2]!r}",
    )
    return True


def _specific(actor: str, not_places: frozenset[str]) -> bool:
    """Whether an actor names a particular unit or body rather than "Russian forces" or "troops"."""
    words = [w.strip("‘’'\"“”()") for w in actor.split()]
    if any(any(c.isdigit() for c in w) for w in words):
        return True
    return any(
        w[:1].isupper() and facts.fold(w) not in not_places and w.casefold() not in ("the", "a", "an")
        for w in words[1:] + ([words[0]] if words and words[0][:1] in "‘'\"“" else [])
    )


def actor_divergences(
    story_id: str,
    events: Mapping[str, list[tuple[str, Fact]]],
    articles: Mapping[str, Article],
    out: DivergenceSink,
) -> None:
    """Two articles crediting different specific actors with one control-of-place event."""
    nationalities = not_places()
    for event, found in events.items():
        actors = []
        for article_id, fact in found:
            text = articles[article_id].text
            span = facts.control_actor(text, fact)
            if span and _specific(text[span[0] : span[1]], nationalities):
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

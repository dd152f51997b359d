"""Facts that divergences compares, found in text with their spans: numbers, dates, acronym
expansions, unit designations, names, framing terms and control-of-place events.

Every extractor is a pure function of a text (and a publication date for relative dates);
offsets are relative to the text given, so callers add the sentence or claim start.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import tomllib
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

DATA_DIR = Path(__file__).parents[1] / "data"

_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "dozen": 12, "dozens": 24,
}  # fmt: skip
_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "hundred": 100}
_STOP = frozenset(
    "the a an of in on at to for from by with and or but as is are was were be been has have had it its this "
    "that these those their his her our some about around nearly almost over more than least at up per cent "
    "percent who which than into after before during while".split()
)
_MONTHS = {
    m: i
    for i, names in enumerate(
        [("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
         ("june", "jun"),
         ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"),
         ("november", "nov"), ("december", "dec")],
        start=1,
    )
    for m in names
}  # fmt: skip
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

_TENS = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
_UNITS = "one|two|three|four|five|six|seven|eight|nine"
NUMBER_RE = re.compile(
    r"(?<![\w.])(?P<value>\d{1,3}(?:[,\u00a0]\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|"
    + rf"(?:{_TENS})[-\s](?:{_UNITS})|"
    + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True))
    + r")(?:\s+(?P<scale>thousand|million|billion|hundred))?(?P<percent>\s*%|\s+per\s?cent)?(?![\w])",
    re.IGNORECASE,
)
DATE_RE = re.compile(
    r"\b(?:(?P<weekday>(?:last\s+|on\s+|this\s+)?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday))"
    r"|(?P<relative>yesterday|today|last night|this morning|tonight|the day before yesterday)"
    r"|(?P<ago>(?P<count>\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten)\s+days?\s+ago)"
    r"|(?P<md>(?P<month1>"
    + "|".join(_MONTHS)
    + r")\.?\s+(?P<day1>\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(?P<year1>\d{4}))?)"
    r"|(?P<dm>(?P<day2>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<month2>" + "|".join(_MONTHS) + r")\.?"
    r"(?:,?\s+(?P<year2>\d{4}))?))\b",
    re.IGNORECASE,
)
ACRONYM_FIRST_RE = re.compile(
    r"(?<![\w-])(?P<acronym>[A-Z][A-Za-z0-9]{0,8}[A-Z0-9])\s*\((?P<expansion>[^()]{3,80})\)"
)
ACRONYM_LAST_RE = re.compile(
    r"(?<![\w-])(?P<expansion>[A-Z][\w-]{0,40}(?:\s+(?:of|for|and|the|on|[A-Z][\w-]{0,40})){1,8})\s*"
    r"\((?P<acronym>[A-Z][A-Z0-9]{1,9})\)"
)
DESIGNATION_RE = re.compile(
    r"\b(?P<number>\d{1,4})(?:st|nd|rd|th|-?(?:я|й|th))?\s+(?P<unit>(?:[A-Z][\w-]*\s+){0,3}"
    r"(?:Army|Corps|Division|Brigade|Regiment|Battalion|Company|Fleet|Squadron|Group|Battery|Unit|Detachment)s?)\b"
)
NAME_RE = re.compile(
    r"(?<![\w’'])(?:[A-Z\u00c0-\u024f][\w\u00c0-\u024f’']+(?:[ -](?:[A-Z\u00c0-\u024f][\w’']+))*)"
)
CUE_RE = re.compile(
    r"\b(said|says|say|told|tells|according to|reported|reports|stated|states|claimed|claims|announced|"
    r"confirmed|denied|added|noted|wrote|posted|quoted|cited|citing|alleged|estimated|believes?)\b",
    re.IGNORECASE,
)
_PRONOUN_ACTORS = frozenset("he she they it we i you this that which who these those".split())


@dataclass(frozen=True)
class Fact:
    """A fact in a text: ``kind``, a comparable ``value``, its ``key`` (what it is about) and its span."""

    kind: str
    value: str
    key: str
    start: int
    end: int
    text: str
    form: str = ""  # control events: active, passive, nominal or intransitive


@functools.lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower-case, accent-free text."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).casefold()


def _singular(word: str) -> str:
    """A crude singular: "workers" -> "worker", "cars" -> "car"; "bus", "crisis", "glass" unchanged."""
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


@functools.lru_cache(maxsize=65536)
def _content_words(text: str) -> tuple[str, ...]:
    """Lower-cased content words, crudely singularised so 'workers' meets 'worker'."""
    words = []
    for word in re.findall(r"[^\W\d_]+", fold(text)):
        if word in _STOP or len(word) < 3:
            continue
        words.append(_singular(word))
    return tuple(words)


def content_words(text: str) -> list[str]:
    """Lower-cased content words, crudely singularised so 'workers' meets 'worker'."""
    return list(_content_words(text))


def _number_value(match: re.Match[str]) -> float:
    raw = match.group("value").lower().replace(",", "").replace("\u00a0", "")
    parts = re.split(r"[-\s]", raw)
    if all(p in _NUMBER_WORDS for p in parts):
        value = float(sum(_NUMBER_WORDS[p] for p in parts))  # "thirty-one"
    else:
        value = float(raw)
    if match.group("scale"):
        value *= _SCALES[match.group("scale").lower()]
    return value


def _head_noun(following: str) -> str:
    """The last word of the run of content words right after a number ("dock workers" -> "worker")."""
    head = ""
    for token in re.findall(r"[^\W\d_]+(?:[.’'][^\W\d_]+)*|[^\w\s]", following)[:5]:
        word = fold(token)
        if not word.isalpha() or word in _STOP or len(word) < 3:
            break
        head = _singular(word)
    return head


def numbers(text: str) -> list[Fact]:
    """Quantities keyed by the noun they count; years, clock times, dates and ordinals left out."""
    found = []
    for match in NUMBER_RE.finditer(text):
        raw = match.group("value")
        after = text[match.end() : match.end() + 40]
        before = text[max(0, match.start() - 12) : match.start()]
        if re.match(r"(st|nd|rd|th)\b|\s*(a\.?m\.?|p\.?m\.?|o’clock|o'clock|GMT|UTC)\b|:\d", after, re.I):
            continue  # ordinals are designations, clock times are times
        if raw.isdigit() and len(raw) == 4 and 1800 <= int(raw) <= 2100:
            continue  # years are dates
        if re.search(r"(?:" + "|".join(_MONTHS) + r")\.?\s*$", before, re.I) or re.match(
            r"\s+(?:" + "|".join(_MONTHS) + r")\b", after, re.I
        ):
            continue  # the day of a date
        if raw.lower() == "one" and not match.group("percent"):
            continue  # "one of the", "one official": rarely a count worth comparing
        value = _number_value(match)
        unit = "%" if match.group("percent") else ""
        head = "percent" if unit else _head_noun(after)
        found.append(Fact("number", f"{value:g}{unit}", head, match.start(), match.end(), match.group(0)))
    return found


def _resolve(match: re.Match[str], published: dt.date | None) -> str:
    """The ISO date an expression denotes, resolved against the publication date ("" if unknown)."""
    groups = match.groupdict()
    if groups["md"] or groups["dm"]:
        month = _MONTHS[(groups["month1"] or groups["month2"]).lower().rstrip(".")]
        day = int(groups["day1"] or groups["day2"])
        year_text = groups["year1"] or groups["year2"]
        year = int(year_text) if year_text else (published.year if published else None)
        if year is None:
            return f"--{month:02d}-{day:02d}"
        try:
            resolved = dt.date(year, month, day)
        except ValueError:
            return ""
        if not year_text and published and resolved > published + dt.timedelta(days=31):
            resolved = resolved.replace(year=year - 1)  # "December 30" read in early January
        return resolved.isoformat()
    if published is None:
        return ""
    if groups["ago"]:
        count = groups["count"].lower()
        days = int(count) if count.isdigit() else _NUMBER_WORDS[count]
        return (published - dt.timedelta(days=days)).isoformat()
    if groups["relative"]:
        word = groups["relative"].lower()
        back = 2 if "before" in word else 1 if word in ("yesterday", "last night") else 0
        return (published - dt.timedelta(days=back)).isoformat()
    weekday = _WEEKDAYS.index(groups["weekday"].lower().split()[-1])
    # news usage: "on Tuesday" is the latest Tuesday up to the publication day
    back = (published.weekday() - weekday) % 7
    if groups["weekday"].lower().startswith("last") and back == 0:
        back = 7
    return (published - dt.timedelta(days=back)).isoformat()


def parse_published(value: str | None) -> dt.date | None:
    """The date part of an ISO publication date, or None."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


_DATELINE = re.compile(r"\s*(?:\([^()]{1,40}\))?\s*[–—-]\s")


def dates(text: str, published: dt.date | None) -> list[Fact]:
    """Date expressions with the ISO date each resolves to (value "" when it cannot be resolved)."""
    found = []
    for match in DATE_RE.finditer(text):
        if (
            match.group("md")
            and match.group("month1").lower() == "may"
            and not match.group("month1")[0].isupper()
        ):
            continue  # the verb "may"
        if _DATELINE.match(text, match.end()):
            continue  # "KYIV, March 2 (Agency) –": when the item was filed, not when things happened
        form = (
            "weekday"
            if match.group("weekday")
            else "relative"
            if match.group("relative") or match.group("ago")
            else "calendar"
        )
        found.append(
            Fact("date", _resolve(match, published), "", match.start(), match.end(), match.group(0), form)
        )
    for match in re.finditer(r"\b(?:in|since|of|by)\s+(1[89]\d\d|20\d\d)\b", text):
        found.append(Fact("date", match.group(1), "year", match.start(1), match.end(1), match.group(1)))
    return found


def acronyms(text: str) -> list[Fact]:
    """Acronym definitions, "ABC (a b c)" or "a b c (ABC)": value = expansion, key = acronym."""
    found = []
    for pattern in (ACRONYM_FIRST_RE, ACRONYM_LAST_RE):
        for match in pattern.finditer(text):
            acronym, expansion = match.group("acronym"), match.group("expansion").strip()
            if (
                sum(c.isupper() for c in acronym) < 2
                or len(acronym) > 6
                or not re.search(r"[a-z]", expansion)
            ):
                continue  # "LOS ANGELES (KABC)" is a dateline, not an acronym with its expansion
            if re.fullmatch(r"[\d\s.,%-]+", expansion) or len(expansion.split()) > 10:
                continue
            found.append(Fact("designation", expansion, acronym, match.start(), match.end(), match.group(0)))
    return found


def designations(text: str) -> list[Fact]:
    """Numbered unit designations ("3rd Army Corps"): value = the number, key = the unit words."""
    return [
        Fact("designation", m.group("number"), m.group("unit").lower(), m.start(), m.end(), m.group(0))
        for m in DESIGNATION_RE.finditer(text)
    ]


_CALENDAR = frozenset(_WEEKDAYS) | frozenset(_MONTHS)
_FUNCTION = frozenset(
    "on in at the a an and but as for by of to from with this that these those it its he she they we i "
    "yet so or nor also however meanwhile when after before if while since although though then now here "
    "there thus still even only just according".split()
)


def names(text: str) -> Iterator[Fact]:
    """Capitalised name mentions (one or more words), without sentence-initial function words.

    ``key`` is "mid" for a mention written mid-sentence (evidence that the word is a name).
    """
    for match in NAME_RE.finditer(text):
        start, name = match.start(), match.group(0)
        while " " in name and name.split(" ", 1)[0].casefold() in _FUNCTION:
            head, name = name.split(" ", 1)
            start += len(head) + 1
        name = re.sub(r"(?:[’']s?)$", "", name)
        words = re.split(r"[ -]", name.casefold())
        if all(w in _CALENDAR or w in _FUNCTION for w in words) or (start > 0 and text[start - 1] in "@#"):
            continue
        prefix = text[:start].rstrip()
        initial = not prefix or prefix[-1] in ".!?\"“‘'«:\n"
        yield Fact("name", name, "" if initial else "mid", start, start + len(name), name)


@dataclass(frozen=True)
class FramingLexicon:
    """Framing families per event, and the variant skeleton rules."""

    # event -> family -> terms
    events: dict[str, dict[str, tuple[str, ...]]]
    needs_place: frozenset[str]
    intransitive: dict[str, tuple[str, ...]]
    skeleton_rules: tuple[tuple[str, str], ...]


@functools.lru_cache(maxsize=4)
def load_lexicon(framing_file: str = "") -> FramingLexicon:
    """The framing families (shipped data/framing.toml, or ``framing_file``) and variant rules."""
    path = Path(framing_file) if framing_file else DATA_DIR / "framing.toml"
    try:
        framing = tomllib.loads(path.read_text(encoding="utf-8"))
        variants = tomllib.loads((DATA_DIR / "variants.toml").read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ValueError(
            f"cannot read framing data {path}: {error}. Fix [divergences] framing_file."
        ) from error
    events = {
        name: {family: tuple(terms) for family, terms in spec.get("families", {}).items()}
        for name, spec in framing.get("event", {}).items()
    }
    needs_place = frozenset(
        name for name, spec in framing.get("event", {}).items() if spec.get("needs_place")
    )
    intransitive = {
        name: tuple(spec.get("intransitive", ())) for name, spec in framing.get("event", {}).items()
    }
    rules = tuple((str(p), str(r)) for p, r in variants.get("skeleton", {}).get("rules", []))
    return FramingLexicon(events, needs_place, intransitive, rules)


def skeleton(name: str, lexicon: FramingLexicon) -> str:
    """A lossy key equal for transliteration variants of one name ("Chernigov" / "Chernihiv")."""
    words = []
    for word in re.split(r"[\s-]+", fold(name).replace("’", "'")):
        for pattern, replacement in lexicon.skeleton_rules:
            word = re.sub(pattern, replacement, word)
        if word:
            words.append(word)
    return " ".join(words)


_PLACE_INTRO = r"(?:(?:the\s+)?(?:city|town|village|settlement|region|district|port|airport|base)\s+of\s+)?"
# a place name starts at a word's start, of bounded words and length: unbounded, a long capitalised
# token or a run of thousands of names made every framing pattern quadratic
_PLACE = r"(?<![\w’'-])(?P<target>[A-Z][\w’'-]{1,40}(?:[ -][A-Z][\w’'-]{1,40}){0,5})(?![\w’'-])"
_PASSIVE = r"\s+(?:has\s+been|had\s+been|have\s+been|was|were|is|are)\s+(?:fully\s+|completely\s+|now\s+)?"


@functools.lru_cache(maxsize=8)
def _framing_patterns(
    framing_file: str,
) -> list[tuple[str, str, str, re.Pattern[str], re.Pattern[str], bool]]:
    """(event, family, form, pattern, term pattern, place-bound) for every framing term and construction."""
    lexicon = load_lexicon(framing_file)
    patterns = []
    for event, families in lexicon.events.items():
        for family, terms in families.items():
            for term in terms:
                words = r"\s+".join(re.escape(w) for w in term.split())
                term_pattern = re.compile(rf"\b{words}\b", re.IGNORECASE)
                if event not in lexicon.needs_place:
                    patterns.append((event, family, "", term_pattern, term_pattern, False))
                    continue
                # "the fall of X", "the liberation of the town of X"
                forms = [("nominal", rf"\b{words}\s+of\s+{_PLACE_INTRO}{_PLACE}")]
                if family in lexicon.intransitive.get(event, ()):
                    forms.append(("intransitive", rf"{_PLACE}\s+(?:has\s+|had\s+)?{words}\b"))  # "X fell"
                else:
                    forms.append(
                        ("active", rf"\b{words}\s+(?:control\s+(?:of|over)\s+)?{_PLACE_INTRO}{_PLACE}")
                    )
                    forms.append(("passive", rf"{_PLACE}{_PASSIVE}{words}\b"))  # "X was captured"
                for form, regex in forms:
                    patterns.append((event, family, form, re.compile(regex), term_pattern, True))
    return patterns


def framing_terms(
    text: str, framing_file: str, not_places: frozenset[str], known_names: frozenset[str]
) -> list[Fact]:
    """Framing terms: kind ``framing``, value = family, key = event (and target place for control).

    A control term counts only when its target is in ``known_names`` (names the article writes
    capitalised mid-sentence) and is not a nationality in ``not_places``.
    """
    found: dict[tuple[int, int], Fact] = {}
    present: dict[re.Pattern[str], bool] = {}  # every construction holds its term: most texts have few
    for event, family, form, pattern, term_pattern, bound in _framing_patterns(framing_file):
        if term_pattern not in present:
            present[term_pattern] = term_pattern.search(text) is not None
        if not present[term_pattern]:
            continue
        for match in pattern.finditer(text):
            target = ""
            if bound:
                target = match.group("target")
                first = fold(target.split()[0])
                if fold(target) in not_places or first in not_places or target not in known_names:
                    continue
            term_match = term_pattern.search(match.group(0))
            start = match.start() + (term_match.start() if term_match else 0)
            end = match.start() + (term_match.end() if term_match else len(match.group(0)))
            key = f"{event}:{fold(target)}" if bound else event
            span = (start, end)
            if span not in found or len(found[span].key) < len(key):
                found[span] = Fact("framing", family, key, start, end, text[start:end], form)
    return sorted(found.values(), key=lambda f: f.start)


_CLAUSE_BOUNDARY = re.compile(r"[,;:!?\n—–]|\.(?=\s)|\b(?:that|and|but|after|when|while|as)\b", re.IGNORECASE)


def control_actor(text: str, fact: Fact) -> tuple[int, int] | None:
    """The actor of a control event: the subject before an active verb, or "by X" after a passive one."""
    if fact.form == "passive":
        match = re.match(
            r"\s+by\s+((?:the\s+)?[^,.;:]{2,60}?)(?=\s+(?:on|in|after|at|and|as|with)\b|[,.;:]|$)",
            text[fact.end :],
        )
        return (fact.end + match.start(1), fact.end + match.end(1)) if match else None
    if fact.form != "active":
        return None
    window_start = max(0, fact.start - 200)
    boundaries = list(_CLAUSE_BOUNDARY.finditer(text, window_start, fact.start))
    clause_start = boundaries[-1].end() if boundaries else window_start
    before = text[clause_start : fact.start]
    before = re.sub(
        r"(?:\s+(?:has|have|had|was|were|is|are|fully|completely|now|reportedly|also|effectively))+\s*$",
        "",
        before.rstrip(),
        flags=re.IGNORECASE,
    )
    words = before.strip(" ‘’'\"“”")
    if not words or words.split()[-1].casefold() in _PRONOUN_ACTORS or len(words.split()) > 8:
        return None
    start = text.index(words, clause_start)
    return start, start + len(words)


_BOILERPLATE = re.compile(
    r"\b(subscribe|follow us|stay (?:with|tuned)|read more|click here|sign up|newsletter|our (?:app|website)|"
    r"all rights reserved|copyright|for more (?:news|updates|breaking news))\b",
    re.IGNORECASE,
)


def is_boilerplate(text: str, outlet: str) -> bool:
    """A site's own filler: mentions the outlet itself or asks the reader to subscribe, follow, read more."""
    if outlet and len(outlet) > 2 and outlet.casefold() in text.casefold():
        return True
    return bool(_BOILERPLATE.search(text))


def similar(text_a: str, text_b: str) -> float:
    """Sentence similarity in [0, 1]: character-level fuzz averaged with content-word overlap (Dice).

    The word overlap keeps two sentences that only share a place name and "the" apart.
    """
    words_a, words_b = set(content_words(text_a)), set(content_words(text_b))
    dice = 2 * len(words_a & words_b) / (len(words_a) + len(words_b)) if words_a and words_b else 0.0
    characters = (fuzz.token_set_ratio(text_a, text_b) + fuzz.token_sort_ratio(text_a, text_b)) / 200.0
    return (characters + dice) / 2


def is_spelling_variant(a: str, b: str, skeleton_a: str, skeleton_b: str, min_ratio: float) -> bool:
    """Whether two different spellings denote one name (transliteration or diacritics).

    Word by word: every word that differs must be a spelling of its counterpart (same
    transliteration skeleton, or one edit apart with the same first letter), never a related
    word ("Russia" / "Russian") or another word ("North" / "South Korea").
    """
    if _plain(a) == _plain(b):
        return False  # the same name in other capitals or quote marks
    fold_a, fold_b = fold(a), fold(b)
    if fold(_plain(a)) == fold(_plain(b)):
        return True  # diacritics only ("Galați" / "Galati")
    if any(c.isdigit() for c in a + b):
        return False  # handles, codes and numbered names are not transliterated
    words_a, words_b = skeleton_a.split(), skeleton_b.split()
    if len(words_a) != len(words_b) or len(skeleton_a) < 5:
        return False
    for word_a, word_b in zip(words_a, words_b, strict=True):
        if word_a == word_b:
            continue
        same_start = word_a[:1] == word_b[:1] or {word_a[:1], word_b[:1]} <= set(
            "ijy"
        )  # Yuri / Iouri / Jurij
        if word_a.startswith(word_b) or word_b.startswith(word_a) or not same_start:
            return False  # "Russia" / "Russian", "Ivanov" / "Ivanova", "North" / "South"
        if min(len(word_a), len(word_b)) < 4 or Levenshtein.distance(word_a, word_b) > 1:
            return False
    return fuzz.ratio(fold_a, fold_b) >= min_ratio


def _plain(name: str) -> str:
    """A name without case or punctuation differences ("New Year’s Eve" = "new year's eve")."""
    return "".join(c for c in name.casefold() if c.isalnum() or c.isspace())


def has_cue(text: str) -> bool:
    """Whether a sentence carries an attribution cue ("said", "according to" ...)."""
    return bool(CUE_RE.search(text))

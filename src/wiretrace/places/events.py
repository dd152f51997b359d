"""The events ledger: what the articles claim happened, where, when, and on whose word.

An event is a sentence that reports a capture, an attack, casualties or an announcement
(triggers in ``data/events.toml``). It is stored as a *claim*: "the ministry says it captured
X" is an event of type territorial_control claimed by the ministry, never a fact. Who claims
it comes from the ``Claim`` records of the claims stage when they exist (the claim whose
content holds the trigger, or an attributed claim in the same sentence); without them, from
attribution patterns in the sentence; failing both, the article itself is the claimant.
Events of one type at one place are grouped across articles; a group is ``disputed`` when
a sentence of it denies or contradicts it, ``independently_corroborated`` when two claimants
with different channels report it, and ``claimed`` otherwise.
"""

from __future__ import annotations

import calendar
import hashlib
import re
import tomllib
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from wiretrace.claims.stance import NEGATIVE_STANCES
from wiretrace.config import Settings
from wiretrace.provenance.independence import corroborated
from wiretrace.records import Article, Claim, Event, Place, PlaceMention, ProvenanceChain, Sentence, Story

_MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DAY_MONTH = re.compile(
    rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTH_RE})\.?(?:,?\s+(\d{{4}}))?\b", re.I
)
_MONTH_DAY = re.compile(rf"\b({_MONTH_RE})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(\d{{4}}))?", re.I)
_MONTH_YEAR = re.compile(rf"\b(?:in\s+)?({_MONTH_RE})\s+(\d{{4}})\b", re.I)
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_WEEKDAY = re.compile(r"\b(?:on|last)\s+(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b", re.I)
_RELATIVE = re.compile(r"\b(yesterday|today|overnight|this morning|last night|earlier today)\b", re.I)
_ACCORDING = re.compile(
    r"\baccording to\s+((?:the\s+)?[^,.;:()]{2,80}?)(?=[,.;:()]|\s+(?:on|in|which|who)\b|$)", re.I
)
_WHO = (
    r"(?:[A-Z][\w'\u2019.-]{0,40}|defen[cs]e|foreign|interior|ministry|military|army|armed|forces|general|staff|office|"
    r"police|government|officials?|spokes(?:wo)?man|spokesperson|governor|authorities|sources?|command|president|"
    r"minister|mayor|regional|local|state)"
)
_SAYS = re.compile(
    # from a word's start only, words of bounded length: a long capitalised token tried from each of its
    # letters made this quadratic
    rf"(?<![\w'\u2019.-])((?:[Tt]he\s+)?{_WHO}(?:\s+(?:(?:of|for)\s+(?:the\s+)?)?{_WHO}){{0,6}})\s+"
    r"(?:has\s+|have\s+|had\s+)?"
    r"(?:said|says|claimed|claims|confirmed|confirms|reported|reports|announced|announces|stated|states|alleged|"
    r"alleges|insisted|denied|denies)\b"
)
_PLACE_ORDER = {"city": 0, "feature": 1, "admin1": 2, "country": 3}
_SAME_EVENT_DAYS = 7  # reports of one type at one place this close in time are one event


class EventsError(Exception):
    """The events rules file cannot be read; the message says which and why."""


@dataclass(frozen=True)
class EventRules:
    """Compiled trigger, negation, dispute and actor patterns."""

    types: tuple[tuple[str, re.Pattern[str]], ...]
    negation: re.Pattern[str]
    dispute: re.Pattern[str]
    actors: re.Pattern[str]


@dataclass(frozen=True)
class EventsResult:
    """The ledger: every event, grouped and with its status."""

    events: list[Event] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _words(patterns: Sequence[str]) -> str:
    return r"\b(?:" + "|".join(patterns) + r")\b"


@lru_cache(maxsize=4)
def load_event_rules(path: str | None = None) -> EventRules:
    """Event rules from ``path`` or the packaged ``data/events.toml``.

    Args:
        path: a TOML file with the packaged file's sections, or None.
    Returns:
        compiled rules.
    Example:
        rules = load_event_rules()
    """
    try:
        raw = (
            Path(path).read_bytes()
            if path
            else resources.files("wiretrace").joinpath("data/events.toml").read_bytes()
        )
        data = tomllib.loads(raw.decode("utf-8"))
        types = tuple(
            (name, re.compile(_words(spec["triggers"]), re.I)) for name, spec in data["types"].items()
        )
        negation = re.compile(
            r"\b(?:" + "|".join(data["negation"]["before"]) + r")\b(?:\W+\w+){0,3}\W*$", re.I
        )
        dispute = re.compile(_words(data["dispute"]["cues"]), re.I)
        heads = "|".join(data["actors"]["heads"])
        actors = re.compile(
            r"\b((?:the\s+)?(?:[A-Z][\w'\u2019-]*\s+){1,4}(?:"
            + heads
            + r"))\b|\b((?:the\s+)?(?:"
            + heads
            + r")\s+of\s+"
            r"(?:[A-Z][\w'\u2019-]*\s*){1,3})"
        )
    except (OSError, tomllib.TOMLDecodeError, KeyError, re.error) as error:
        raise EventsError(
            f"event rules {path or 'data/events.toml'}: {error}. "
            "Fix the file (see the packaged one for its sections)."
        ) from error
    return EventRules(types=types, negation=negation, dispute=dispute, actors=actors)


def _parse_published(published: str | None) -> date | None:
    """The calendar date of a publication timestamp, or None."""
    if not published:
        return None
    match = _ISO.search(published)
    if not match:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def event_date(text: str, published: str | None) -> tuple[str | None, str]:
    """The date a sentence gives for its event, resolved against the publication date.

    Returns:
        (ISO date or partial ISO "YYYY-MM"/"YYYY", precision: day, month, year, reported, none).
    Example:
        event_date("captured the town on November 21st", "2025-11-22")  # ("2025-11-21", "day")
    """
    base = _parse_published(published)

    def year_for(month: int, explicit: str | None) -> int | None:
        if explicit:
            return int(explicit)
        if base is None:
            return None
        # a month after the publication month without a year means last year
        return base.year - 1 if month > base.month + 1 else base.year

    iso = _ISO.search(text)
    if iso:
        return iso.group(0), "day"
    for pattern, day_group, month_group in ((_DAY_MONTH, 1, 2), (_MONTH_DAY, 2, 1)):
        match = pattern.search(text)
        if match:
            month = _MONTHS[match.group(month_group).lower().rstrip(".")]
            year = year_for(month, match.group(3))
            day = int(match.group(day_group))
            if year and 1 <= day <= calendar.monthrange(year, month)[1]:
                return f"{year:04d}-{month:02d}-{day:02d}", "day"
    match = _MONTH_YEAR.search(text)
    if match:
        return f"{int(match.group(2)):04d}-{_MONTHS[match.group(1).lower()]:02d}", "month"
    if base is not None:
        weekday = _WEEKDAY.search(text)
        if weekday:
            target = list(calendar.day_name).index(weekday.group(1).capitalize())
            back = (base.weekday() - target) % 7 or (7 if weekday.group(0).lower().startswith("last") else 0)
            return (base - timedelta(days=back)).isoformat(), "day"
        relative = _RELATIVE.search(text)
        if relative:
            # "overnight" in a report means the night before it was published
            shift = 1 if relative.group(1).lower() in ("yesterday", "last night", "overnight") else 0
            return (base - timedelta(days=shift)).isoformat(), "day"
        return base.isoformat(), "reported"
    return None, "none"


def _claimant_from_text(sentence: str) -> tuple[str, str]:
    """(claimant, kind) from attribution patterns in the sentence, or ("", "")."""
    match = _ACCORDING.search(sentence)
    if match:
        who = match.group(1).strip()
        return who, "named" if any(w[:1].isupper() for w in who.split()) else "vague"
    match = _SAYS.search(sentence)
    if match:
        who = match.group(1).strip()
        return who, "named" if any(w[:1].isupper() for w in who.split()[1:] or who.split()) else "vague"
    return "", ""


def _claim_for(claims: Sequence[Claim], sentence: Sentence, trigger_start: int) -> Claim | None:
    """The claim that carries the trigger: its content holds it, else an attributed claim of the sentence."""
    holding = [c for c in claims if c.content_start <= trigger_start < c.content_end]
    if holding:
        return min(holding, key=lambda c: c.content_end - c.content_start)
    same = [c for c in claims if c.sentence_index == sentence.index and c.sourcing != "none"]
    return same[0] if same else None


@lru_cache(maxsize=4096)
def _affiliation(speaker: str, via: str) -> str:
    """The source registry's independence key for a claimant (or its channel); "" when unknown."""
    try:
        from wiretrace.provenance.sources import get_registry

        registry = get_registry()
    except (ImportError, OSError, ValueError):
        return ""
    for text in (speaker, via):
        if not text:
            continue
        source = registry.lookup(text)
        if source is None:
            found = registry.find_in_text(text)
            source = found[0].source if found else None
        if source is not None:
            return registry.affiliation(source)
    return ""


def _event_id(article_id: str, start: int, event_type: str) -> str:
    return hashlib.sha1(f"{article_id}:{start}:{event_type}".encode()).hexdigest()[:16]


def _pick_place(
    mentions: Sequence[PlaceMention], places: Mapping[str, Place], trigger_end: int
) -> Place | None:
    """The most specific resolved place of the sentence, the nearest after the trigger first."""
    resolved = [m for m in mentions if m.place_id in places and m.status != "unresolved"]
    if not resolved:
        return None
    best = min(
        resolved,
        key=lambda m: (
            _PLACE_ORDER.get(places[m.place_id].kind, 9),
            0 if m.start >= trigger_end else 1,
            abs(m.start - trigger_end),
        ),
    )
    return places[best.place_id]


def build_events(
    articles: Sequence[Article],
    sentences: Mapping[str, Sequence[Sentence]],
    mentions: Sequence[PlaceMention],
    places: Sequence[Place],
    claims: Sequence[Claim] | None = None,
    rules_path: str | None = None,
    chains: Sequence[ProvenanceChain] | None = None,
) -> EventsResult:
    """Build the events ledger from sentences, resolved places and (when present) claims.

    Args:
        articles: the articles.
        sentences: their sentences by article id.
        mentions: place mentions from ``places.resolve_places``.
        places: the places they resolve to.
        claims: Claim records from the claims stage, or None when that stage has not run.
        rules_path: an events TOML file replacing the packaged ``data/events.toml``.
        chains: the claims' provenance chains (their parties); computed here when None.
    Returns:
        the events, each with claimant, source chain, group and status.
    Example:
        ledger = build_events(articles, sentences, result.mentions, result.places, claims)
    """
    if claims and chains is None:
        from wiretrace.provenance.stage import ProvenanceInput, build_provenance

        chains = build_provenance(ProvenanceInput(articles, [], [], [], claims)).chains
    drafts, notes = _drafts(articles, sentences, mentions, places, claims, rules_path, chains)
    return EventsResult(events=_with_status(drafts), notes=notes)


def _drafts(
    articles: Sequence[Article],
    sentences: Mapping[str, Sequence[Sentence]],
    mentions: Sequence[PlaceMention],
    places: Sequence[Place],
    claims: Sequence[Claim] | None,
    rules_path: str | None,
    chains: Sequence[ProvenanceChain] | None = None,
) -> tuple[list[dict[str, object]], list[str]]:
    """Draft events (field dicts, no group or status yet) of every article, and notes."""
    rules = load_event_rules(rules_path)
    chain_of = {c.claim_id: c for c in chains or ()}
    place_by_id = {p.place_id: p for p in places}
    mentions_by_sentence: dict[tuple[str, int], list[PlaceMention]] = defaultdict(list)
    for mention in mentions:
        mentions_by_sentence[(mention.article_id, mention.sentence_index)].append(mention)
    claims_by_article: dict[str, list[Claim]] = defaultdict(list)
    for claim in claims or ():
        claims_by_article[claim.article_id].append(claim)
    drafts: list[dict[str, object]] = []
    notes: list[str] = []
    for article in articles:
        try:
            drafts.extend(
                _article_events(
                    article,
                    sentences.get(article.article_id, ()),
                    rules,
                    place_by_id,
                    mentions_by_sentence,
                    claims_by_article.get(article.article_id, []),
                    chain_of,
                )
            )
        except (ValueError, IndexError, KeyError) as error:  # one article never fails the batch
            notes.append(f"{article.article_id}: events skipped: {error}")
    return drafts, notes


def _article_events(
    article: Article,
    sentences: Sequence[Sentence],
    rules: EventRules,
    place_by_id: Mapping[str, Place],
    mentions_by_sentence: Mapping[tuple[str, int], list[PlaceMention]],
    claims: Sequence[Claim],
    chain_of: Mapping[str, ProvenanceChain],
) -> list[dict[str, object]]:
    """Draft events (field dicts) of one article."""
    out: list[dict[str, object]] = []
    outlet = article.outlet or f"article {article.article_id}"
    for sentence in sentences:
        found = None
        for event_type, pattern in rules.types:
            match = pattern.search(sentence.text)
            if match:
                found = (event_type, match)
                break
        if found is None:
            continue
        event_type, match = found
        sentence_mentions = mentions_by_sentence.get((article.article_id, sentence.index), [])
        place = _pick_place(sentence_mentions, place_by_id, match.end())
        if event_type == "statement" and place is None:
            continue  # an announcement tied to no place is a claim, not a ledger event
        trigger_start = sentence.start + match.start()
        negated = bool(rules.negation.search(sentence.text[: match.start()]))
        claim = _claim_for(claims, sentence, trigger_start)
        if claim is not None and claim.sourcing != "none":
            claimant = claim.speaker_canonical or claim.speaker or "unnamed source"
            claimant_kind, via, claim_id = claim.sourcing, claim.via_outlet, claim.claim_id
            # the one stance relation: a denial or a doubt of the event disputes it
            negated = negated or claim.stance in NEGATIVE_STANCES
        else:
            claimant, claimant_kind = _claimant_from_text(sentence.text)
            via, claim_id = "", claim.claim_id if claim is not None else ""
            if not claimant:
                claimant, claimant_kind = outlet, "article"
        actors = tuple(
            dict.fromkeys((m.group(1) or m.group(2)).strip() for m in rules.actors.finditer(sentence.text))
        )
        when, precision = event_date(sentence.text, article.published)
        chain = tuple(dict.fromkeys(x for x in (claimant, via, outlet) if x))
        speaker_text = claim.speaker if claim is not None and claim.sourcing != "none" else claimant
        sourced = claim is not None and claim.sourcing != "none"
        provenance_chain = chain_of.get(claim.claim_id) if claim is not None and sourced else None
        if provenance_chain is not None:
            # the one party resolution (provenance): a relay backs nothing, an unplaced speaker has none
            affiliation = provenance_chain.party if provenance_chain.stance != "relays" else ""
            upstream = provenance_chain.upstream or article.article_id
        else:  # no claim record: the claimant was read from the sentence, looked up in the registry
            affiliation = _affiliation(speaker_text, via) if claimant_kind == "named" else ""
            upstream = article.article_id
        out.append(
            {
                "event_id": _event_id(article.article_id, sentence.start, event_type),
                "article_id": article.article_id,
                "sentence_index": sentence.index,
                "start": sentence.start,
                "end": sentence.end,
                "text": sentence.text,
                "event_type": event_type,
                "trigger": match.group(0),
                "trigger_start": trigger_start,
                "trigger_end": sentence.start + match.end(),
                "negated": negated,
                "actors": actors,
                "place_id": place.place_id if place else "",
                "place_name": place.name if place else "",
                "lat": place.lat if place else None,
                "lon": place.lon if place else None,
                "geo_precision": place.precision if place else "none",
                "date": when,
                "date_precision": precision,
                "claimant": claimant,
                "claimant_kind": claimant_kind,
                "via_outlet": via,
                "source_chain": chain,
                "claim_id": claim_id,
                "claimant_affiliation": affiliation,
                "disputes": bool(rules.dispute.search(sentence.text)),
                "upstream": upstream,
            }
        )
    return out


def _by_date(members: list[dict[str, object]]) -> list[tuple[str, list[dict[str, object]]]]:
    """Split one type-and-place group where day-precise dates lie more than a week apart.

    A capture of a town reported in March and another in June are two events; reports
    without a day-precise date join the earliest part.
    """
    dated: list[tuple[date, dict[str, object]]] = []
    for member in members:
        text = str(member["date"] or "")
        if member["date_precision"] == "day" and len(text) == 10:
            try:
                dated.append((date.fromisoformat(text), member))
            except ValueError:
                continue  # an impossible date joins the undated
    dated.sort(key=lambda item: item[0])  # stable: reports of one day keep their order
    parts: list[tuple[date, list[dict[str, object]]]] = []
    for day, member in dated:
        if parts and (day - parts[-1][0]).days <= _SAME_EVENT_DAYS:
            parts[-1][1].append(member)
        else:
            parts.append((day, [member]))
    dated_ids = {id(member) for _day, member in dated}
    undated = [m for m in members if id(m) not in dated_ids]
    if not parts:
        return [("", undated)]
    parts[0][1].extend(undated)
    return [(first.isoformat() if i else "", part) for i, (first, part) in enumerate(parts)]


def _with_status(drafts: list[dict[str, object]]) -> list[Event]:
    """Group drafts by type and place, give each group a status, and make the records."""
    groups: dict[tuple[str, str], list[dict[str, object]]] = defaultdict(list)
    for draft in drafts:
        place = str(draft["place_id"]) or f"sentence:{draft['event_id']}"
        groups[(str(draft["event_type"]), place)].append(draft)
    split: dict[tuple[str, str, str], list[dict[str, object]]] = {}
    for (event_type, place), members in groups.items():
        for first_day, part in _by_date(members):
            split[(event_type, place, first_day)] = part
    events: list[Event] = []
    for (event_type, place, first_day), members in sorted(split.items()):
        group_id = hashlib.sha1(f"{event_type}:{place}:{first_day}".encode()).hexdigest()[:12]
        disputing = [m for m in members if m["negated"] or m["disputes"]]
        claimants = {str(m["claimant"]) for m in members if m["claimant_kind"] != "article"}
        upstreams_of: dict[str, set[str]] = defaultdict(set)
        for m in members:
            if m["claimant_affiliation"]:
                upstreams_of[str(m["claimant_affiliation"])].add(str(m["upstream"]))
        affiliations = set(upstreams_of)
        if disputing:
            status = "disputed"
            reason = f"{len(disputing)} of {len(members)} reports deny or contradict it"
        elif corroborated(upstreams_of):
            # independent only when two known parties claim it from articles not derived from each
            # other (the rule independence applies): many officials of one government are one source
            status = "independently_corroborated"
            reason = "named claimants of different affiliations: " + ", ".join(sorted(affiliations))
        else:
            status = "claimed"
            reason = (
                f"claimed by {', '.join(sorted(claimants))}"
                if claimants
                else "asserted by the article without a source"
            )
        for m in members:
            fields = {k: v for k, v in m.items() if k not in ("disputes", "upstream")}
            events.append(Event(**fields, group_id=group_id, status=status, status_reason=reason))  # type: ignore[arg-type]
    events.sort(key=lambda e: (e.article_id, e.start))
    return events


class Ledger:
    """The places and events stages over a corpus given one part (whole stories) at a time.

    A place mention depends on its article and its story only, and a draft event on its
    sentence, so ``add`` returns each part's mentions at once; places (mention counts over the
    corpus) and event statuses (reports of one event across stories) wait for ``finish``. What
    it keeps between parts is one Place per distinct place and the draft events.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.places: dict[str, Place] = {}
        self.drafts: list[dict[str, object]] = []

    def add(
        self,
        articles: Sequence[Article],
        sentences: Mapping[str, Sequence[Sentence]],
        outputs: Mapping[type, Sequence[object]],
    ) -> list[PlaceMention]:
        """Resolve the places of one part of the corpus and draft its events; returns its mentions.

        Args:
            articles: the part's articles (every article of each story in it).
            sentences: their sentences by article id.
            outputs: records of the earlier stages for the part (stories give context, claims
                give claimants).
        """
        from wiretrace.places.stage import resolve_places

        story_of = {
            a: s.story_id for s in outputs.get(Story, ()) if isinstance(s, Story) for a in s.article_ids
        }
        found = resolve_places(articles, sentences, self.settings.places, story_of=story_of)
        self._take_places(found.places)
        if self.settings.places.events:
            claims = [c for c in outputs.get(Claim, ()) if isinstance(c, Claim)]
            chains = [c for c in outputs.get(ProvenanceChain, ()) if isinstance(c, ProvenanceChain)]
            drafts, _notes = _drafts(
                articles,
                sentences,
                found.mentions,
                found.places,
                claims or None,
                self.settings.places.events_file or None,
                chains,
            )
            self.drafts.extend(drafts)
        return list(found.mentions)

    def merge(self, other: Ledger) -> None:
        """Take in what another ledger kept from other parts of the same corpus (a Ray task's)."""
        self._take_places(list(other.places.values()))
        self.drafts.extend(other.drafts)

    def _take_places(self, places: Sequence[Place]) -> None:
        """Add places found in other articles: counts added, spellings joined."""
        from wiretrace.places.stage import merge_places

        self.places = {p.place_id: p for p in merge_places([list(self.places.values()), places])}

    def finish(self) -> dict[type, list[Any]]:
        """The corpus-wide records: {Place: [...], Event: [...]} (no Event key when events are off)."""
        result: dict[type, list[Any]] = {Place: sorted(self.places.values(), key=lambda p: p.place_id)}
        if self.settings.places.events:
            result[Event] = list(_with_status(self.drafts))
        return result

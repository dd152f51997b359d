"""Who speaks: canonical name and role of a speaker, coreference inside one article, sourcing class.

Coreference is deliberately simple and local: a surname or a title points to the full name
given earlier, "he"/"she" to the most recent person mentioned, "the ministry" or "the
president" to the latest speaker or titled person whose name or role holds that word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from wiretrace.claims.grammar import SpeakerInfo
from wiretrace.claims.lexicon import Lexicon
from wiretrace.claims.quotes import Quote

_CONJUNCTION = re.compile(r"^(?:but|and|so|yet|or|meanwhile|however|also|then)\s+", re.I)
_REPEATED = re.compile(r"^(.+?)\s+\1$")
_LEADING = re.compile(r"^(?:the|a|an|this|that|these|those|another|one(?!\s+of\b))\s+", re.I)
_POSSESSIVE = re.compile(r"(?:'s|\u2019s)$")
_QUOTE_MARKS = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})
_PERSON_PRONOUNS = frozenset({"he", "she", "him", "her"})
_APPOSITIVE_NAME = re.compile(
    r"(?:(?i:the|a|an|its|his|her|their)\s+)?([^,]*[a-z][^,]*),\s+([A-Z][\w&.'\u2019-]*(?:\s+[A-Z][\w&.'\u2019-]*){0,4}),?"
)
_AGE = re.compile(r",\s*\d{1,3}(?=\s*(?:,|$))")  # "Ruiz, 58,": an age, not part of the name
_RELATIVE_CLAUSE = re.compile(r",\s+(?:who|whom|whose|which)\b.*$", re.DOTALL)


@dataclass
class Entity:
    """One source in an article, gathered across its mentions."""

    canonical: str
    role: str
    kind: str  # person, body, group
    named: bool
    via: str = ""
    mentions: list[int] = field(default_factory=list)  # article offsets


@dataclass(frozen=True)
class ResolvedSpeaker:
    """A speaker span read against the article: its canonical form, role and the entity it joins."""

    canonical: str
    role: str
    sourcing: str
    entity: Entity | None


def clean_name(text: str) -> str:
    """Determiners, possessives and edge punctuation off a name."""
    text = " ".join(text.split()).strip(" ,;:.-\u2014")
    text = re.sub(r"[,.]([\u2019\u201d'\"])", r"\1", text)
    text = _CONJUNCTION.sub("", text)  # "But Republican Senator X": the sentence's "But" is no title
    text = _LEADING.sub("", text)
    if text.endswith(("\u2019", "'")) and text.count("\u2018") + text.count("'") < 2:
        text = text[:-1]
    return _POSSESSIVE.sub("", text).strip(" ,")


_WORD = re.compile(r"\w+")


def _common_plural(info: SpeakerInfo) -> bool:
    """A plural common noun with a name before it ("Blaugrana sources", "Ukrainian officials"):
    a group described, not a body named; "the Houthis" or "Reuters" are names."""
    return info.plural and not info.names and re.search(rf"\b{re.escape(info.head)}\b", info.text) is not None


def _word_in(word: str, text: str) -> bool:
    return word.lower() in _WORD.findall(text.lower())


def _role_head(role: str) -> str:
    """The noun a role is about: "chief economist at a bank" -> "economist"."""
    words = _WORD.findall(role.lower().split(" of ")[0].split(" at ")[0].split(" for ")[0].split(",")[0])
    return words[-1] if words else ""


class ArticleSpeakers:
    """The sources of one article, resolved in reading order.

    Example:
        speakers = ArticleSpeakers(text, lexicon, person_mentions)
        resolved = speakers.resolve(info, paragraph=2, anonymous_marker=False, exclude=(-1, -1))
    """

    def __init__(
        self,
        text: str,
        lex: Lexicon,
        person_mentions: list[tuple[int, str]],
        body_mentions: list[tuple[int, str]] | None = None,
    ) -> None:
        self.text = text
        self.lex = lex
        self.entities: list[Entity] = []
        self.people: dict[str, Entity] = {}
        self.last_person_speaker: tuple[int, Entity] | None = None
        self.last_body_speaker: tuple[int, Entity] | None = None
        self.last_group: tuple[int, ResolvedSpeaker] | None = None  # "health officials": "they"
        for match in lex.title_pattern.finditer(text):
            name = clean_name(match.group(2))
            role = _LEADING.sub("", _CONJUNCTION.sub("", match.group(1))).rstrip(".")
            if len(name) > 2 and name.split()[0] not in ("The", "A", "An"):
                self._person(name, role, match.start(2))
        for position, name in person_mentions:
            self._person(clean_name(name), "", position)
        for position, name in body_mentions or []:
            name = clean_name(name)
            if name and not self._match_known(name):
                self._body(name, "", position)
        # every later surname occurrence is a mention, so "he" finds the nearest person
        for entity in list(self.people.values()):
            surname = entity.canonical.split()[-1]
            at = text.find(surname)
            while at >= 0:
                after = at + len(surname)
                if (at == 0 or not text[at - 1].isalnum()) and (
                    after >= len(text) or not text[after].isalnum()
                ):
                    entity.mentions.append(at)
                at = text.find(surname, after)
            entity.mentions.sort()

    def _person(self, name: str, role: str, position: int) -> Entity:
        """The person entity for ``name`` (a full name absorbs its surname alone)."""
        if not name or name.lower() in _PERSON_PRONOUNS:
            return Entity(name, role, "person", False)
        name = _REPEATED.sub(r"\1", name)  # a headline glued to the lead: "Jane Roe Jane Roe"
        words = name.split()
        titles = [i for i, w in enumerate(words[:-1]) if w.lower().rstrip(".") in self.lex.title_words]
        if titles:  # "Finance Minister Elena Duarte": the title is a role, not part of the name
            name, role = " ".join(words[titles[-1] + 1 :]), role or " ".join(words[: titles[-1] + 1])
        key = name.lower()
        for known_key, entity in self.people.items():
            if known_key == key or known_key.endswith(" " + key) or key.endswith(" " + known_key):
                if len(name) > len(entity.canonical):
                    entity.canonical = name
                if role and not entity.role:
                    entity.role = role
                entity.mentions.append(position)
                if known_key != entity.canonical.lower():
                    self.people[entity.canonical.lower()] = self.people.pop(known_key)
                return entity
        entity = Entity(name, role, "person", True, mentions=[position])
        self.people[key] = entity
        self.entities.append(entity)
        return entity

    def _latest(self, candidates: list[Entity], before: int, exclude: tuple[int, int]) -> Entity | None:
        best: tuple[int, Entity] | None = None
        for entity in candidates:
            for position in entity.mentions:
                if position >= before or exclude[0] <= position < exclude[1]:
                    continue
                if best is None or position > best[0]:
                    best = (position, entity)
        return best[1] if best else None

    def _canonical_role(self, info: SpeakerInfo) -> tuple[str, str]:
        # "a driver, who asked not to be named": the relative clause describes, it does not name
        text = _AGE.sub("", _RELATIVE_CLAUSE.sub("", info.text.translate(_QUOTE_MARKS)))
        alias = self.lex.alias_pattern.search(text)
        if alias:
            role = clean_name(text[: alias.start()])
            role = re.sub(r"\s+(?:with|under|by)(?:\s+the)?$", "", role)
            return alias.group(1), role
        if info.names:
            # "Jane Roe, Acting Planning Manager": a name opening the span before a comma is the
            # person and what follows describes her; else the longest run not ending in a title
            people = [n for n in info.names if n.split()[-1].lower().rstrip(".") not in self.lex.title_words]
            opening = [n for n in info.names if text.startswith(n + ",")]
            name = (opening or [max(people or info.names, key=len)])[0].translate(_QUOTE_MARKS)
            name = _REPEATED.sub(r"\1", name)  # a headline glued to the lead: "Jane Roe Jane Roe"
            pieces = [clean_name(piece) for piece in text.split(name)]
            # "the Harbour Gazette designer": a lone determiner left of the name is no role
            role = ", ".join(piece for piece in pieces if piece and not _LEADING.match(piece + " "))
            return clean_name(name), role
        appositive = _APPOSITIVE_NAME.match(text.strip())
        if appositive:  # "the quarry's operator, Norvane": the name, and the description as role
            return clean_name(appositive.group(2)), clean_name(appositive.group(1))
        return clean_name(text), ""

    def resolve(
        self,
        info: SpeakerInfo | None,
        paragraph: int,
        anonymous_marker: bool,
        exclude: tuple[int, int],
        enclosing: Entity | None = None,
    ) -> ResolvedSpeaker:
        """Canonical name, role and sourcing class of one speaker mention.

        Args:
            info: the speaker span from the parse, or None when the cue has no speaker.
            paragraph: paragraph number of the claim (descriptions resolve within two).
            anonymous_marker: the sentence says the speaker was not named.
            exclude: the claim's own content span (names quoted there are not antecedents).
            enclosing: the person whose reported words hold this claim's cue; a person pronoun
                speaking there is that person.
        Returns:
            the resolved speaker.
        """
        if info is None:
            return ResolvedSpeaker("", "", "vague", None)
        head = info.head
        if info.pronoun and head == "they" and self.last_group and paragraph - self.last_group[0] <= 1:
            return self.last_group[1]  # "Health officials confirmed ... They said ..."
        entity: Entity | None = None
        if info.pronoun:
            if head in _PERSON_PRONOUNS and enclosing is not None:
                entity = enclosing
            elif head in _PERSON_PRONOUNS:
                entity = self._latest(
                    list(self.people.values()) + self._described_people(), info.start, exclude
                )
            elif head == "it" and self.last_body_speaker:
                # "The operator said ... It denied ...": the body that spoke last, nearby
                last_paragraph, last = self.last_body_speaker
                if paragraph - last_paragraph <= 1:
                    entity = last
        elif info.names or (info.proper and not info.determiner and not _common_plural(info)):
            canonical, role = self._canonical_role(info)
            if info.names:
                entity = self._person(canonical, role, info.start)
            else:
                entity = self._match_known(canonical) or self._body(canonical, role, info.start)
        else:
            canonical, role = self._canonical_role(info)
            alias = self.lex.alias_pattern.search(info.text.translate(_QUOTE_MARKS))
            if alias:
                entity = self._person(canonical, role, info.start)
            elif canonical[:1].isupper() and _APPOSITIVE_NAME.match(info.text.strip()):
                entity = self._match_known(canonical) or self._body(canonical, role, info.start)
            elif info.determiner == "the" and not info.plural:
                entity = self._by_word(head, info.start, exclude)
                if entity is None and info.proper:
                    entity = self._body(canonical, role, info.start)
                elif entity is None and head in self.lex.person_heads and self.last_person_speaker:
                    last_paragraph, last = self.last_person_speaker
                    if paragraph - last_paragraph <= 2 and last.named:
                        entity = last  # "the fighter" after a named fighter was introduced
        if entity is not None:
            entity.mentions.append(info.start)
            if entity.kind == "person":
                self.last_person_speaker = (paragraph, entity)
            elif entity.kind == "body":
                self.last_body_speaker = (paragraph, entity)
            sourcing = "named" if entity.named else self._class_of(info, anonymous_marker)
            return ResolvedSpeaker(entity.canonical, entity.role, sourcing, entity)
        canonical, role = self._canonical_role(info)
        sourcing = self._class_of(info, anonymous_marker)
        if info.plural and not info.pronoun:
            self.last_group = (paragraph, ResolvedSpeaker(canonical, role, sourcing, None))
        if not info.pronoun and not info.plural and (head in self.lex.person_heads or info.names):
            described = Entity(canonical, role, "person", sourcing == "named", mentions=[info.start])
            self.entities.append(described)
            self.last_person_speaker = (paragraph, described)
        return ResolvedSpeaker(canonical, role, sourcing, None)

    def _described_people(self) -> list[Entity]:
        return [e for e in self.entities if e.kind == "person" and e.canonical.lower() not in self.people]

    def _match_known(self, canonical: str) -> Entity | None:
        key = canonical.lower()
        for entity in self.entities:
            known = entity.canonical.lower()
            if known == key or known.endswith(" " + key):
                return entity
        return None

    def _body(self, canonical: str, role: str, position: int) -> Entity:
        entity = Entity(canonical, role, "body", True, mentions=[position])
        self.entities.append(entity)
        return entity

    def _by_word(self, head: str, before: int, exclude: tuple[int, int]) -> Entity | None:
        """The latest entity whose name or role holds ``head`` ("the ministry", "the president")."""
        title = head in self.lex.title_words
        candidates = [
            e
            for e in self.entities
            if (e.kind == "person") == title and (_word_in(head, e.canonical) or _role_head(e.role) == head)
        ]
        return self._latest(candidates, before, exclude)

    def _class_of(self, info: SpeakerInfo, anonymous_marker: bool) -> str:
        """named / anonymous / vague from the form of an unresolved speaker span."""
        lex = self.lex
        head = info.head
        if info.pronoun:
            return "anonymous" if head in _PERSON_PRONOUNS else "vague"
        if info.proper and not anonymous_marker and not _common_plural(info):
            return "named"
        if anonymous_marker:
            return "anonymous"
        if info.plural or head in lex.vague_heads and head not in lex.person_heads:
            return "vague"
        if head in lex.info_nouns or head in lex.evidence_subjects:
            return "vague"  # "according to a notice", "documents show": a paper with no author named
        if info.determiner in ("a", "an", "another", "one", "some"):
            return "anonymous"
        if head in lex.institution_heads:
            return "named"
        if head in lex.person_heads:
            return "anonymous"
        return "named" if info.determiner in ("the", "his", "her", "its", "their") else "vague"


_GAP_PRONOUNS = frozenset("he she they we i".split())
_GAP_STOP = re.compile(r"[!?;:\"\u201c\u201d\u2018\u2019\n]|''|``")


def speaker_outside_quote(
    speaker: SpeakerInfo, cue_start: int, cue_end: int, text: str, quotes: list[Quote], sentence_end: int
) -> SpeakerInfo | None:
    """The speaker of a cue whose parsed speaker lies inside a quotation the cue is not in.

    '"That, unfortunately," he said': the parser may take words of the quote as the subject.
    The speaker is then the words between the closing mark and the cue ('he', 'Robert Shrum, a
    strategist,'), or those just after a cue that follows the quote ('" said Dennis Ross, a former
    adviser'). Returns ``speaker`` itself when it is not inside such a quote, None when no
    speaker can be read off the text there (the caller keeps the parse's).
    """
    inside = next((q for q in quotes if q.inner_start <= speaker.start and speaker.end <= q.inner_end), None)
    if inside is None or inside.start <= cue_start < inside.end:
        return speaker
    if inside.end <= cue_start:
        start, end = inside.end, cue_start
        if not text[start:end].strip(" ,\u00a0"):  # '"..." said X': the speaker follows the cue
            start, end = cue_end, sentence_end
    else:
        return None
    piece = text[start:end]
    stop = _GAP_STOP.search(piece)
    piece = piece[: stop.start()] if stop else piece
    lead = len(piece) - len(piece.lstrip(" ,\u00a0"))
    words = piece.rstrip(" .").strip(" ,\u00a0")
    if (
        not words
        or not words[0].isupper()
        and words.split()[0] not in _GAP_PRONOUNS
        or len(words.split()) > 14
    ):
        return None
    begin = start + lead
    first = words.split()[0]
    if first.lower() in _GAP_PRONOUNS and len(words.split()) == 1:
        return SpeakerInfo(
            begin,
            begin + len(words),
            words,
            first.lower(),
            first.lower() in ("they", "we"),
            "",
            True,
            (),
            False,
        )
    name = re.match(r"(?:[A-Z][\w.'\u2019-]*\s+)*[A-Z][\w.'\u2019-]*", words)
    if name is None:
        return None
    return SpeakerInfo(
        begin,
        begin + len(words),
        words,
        name.group(0).split()[-1].lower(),
        False,
        "",
        False,
        (name.group(0),),
        True,
    )

"""The parse, read for attribution: token spans, name runs, the subject of a cue verb as a speaker,
and whether a name is an outlet."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from spacy.attrs import TAG

from wiretrace.claims.lexicon import Lexicon

PRONOUNS = frozenset("he she they it we i him her them us".split())


RELATIVE = frozenset("who which that whom".split())


@dataclass
class SpeakerInfo:
    """What the parse says about a speaker span (offsets are article offsets)."""

    start: int
    end: int
    text: str
    head: str  # lower-cased head word
    plural: bool
    determiner: str  # "", "the", "a", ...
    pronoun: bool
    names: tuple[str, ...]  # PERSON entities inside the span
    proper: bool  # head is a proper noun or the span holds a named entity
    org_names: tuple[str, ...] = ()


def token_span(tokens: list[Any], base: int) -> tuple[int, int]:
    """Article offsets of a token run, trimmed of edge punctuation."""
    while tokens and (tokens[0].is_punct or tokens[0].is_space) and tokens[0].text not in "\u2018\u201c\"'":
        tokens = tokens[1:]
    while (
        tokens
        and (tokens[-1].is_punct or tokens[-1].is_space)
        and tokens[-1].text not in "\u2019\u201d\"'%"  # "11.1% reported": the share keeps its sign
    ):
        tokens = tokens[:-1]
    if not tokens:
        return -1, -1
    return base + tokens[0].idx, base + tokens[-1].idx + len(tokens[-1].text)


def _subtree(token: Any, skip_deps: frozenset[str] = frozenset()) -> list[Any]:
    """Tokens of a subtree in order, leaving out children with ``skip_deps`` on the right."""
    skipped: set[int] = set()
    for child in token.rights:
        if child.dep_ in skip_deps:
            skipped.update(t.i for t in child.subtree)
    return [t for t in token.subtree if t.i not in skipped]


_UPOS = {
    "NNP": "PROPN",
    "NNPS": "PROPN",
    "NN": "NOUN",
    "NNS": "NOUN",
    "VB": "VERB",
    "VBD": "VERB",
    "VBG": "VERB",
    "VBN": "VERB",
    "VBP": "VERB",
    "VBZ": "VERB",
    "MD": "AUX",
    "PRP": "PRON",
    "PRP$": "PRON",
    "WP": "PRON",
    "WP$": "PRON",
    "EX": "PRON",
    "DT": "DET",
    "PDT": "DET",
    "WDT": "PRON",
    "JJ": "ADJ",
    "JJR": "ADJ",
    "JJS": "ADJ",
    "IN": "ADP",
    "RB": "ADV",
}


def upos(token: Any) -> str:
    """Universal POS from the fine tag: the attribute ruler that sets ``pos_`` is a quarter of the parse."""
    return _UPOS.get(token.tag_, "X")


def name_runs(doc: Any) -> list[tuple[int, int, str]]:
    """Proper-name runs of a parsed sentence as (start, end, kind): kind is person or body.

    Stands in for the NER component, which would double the parse time: a run of proper
    nouns is a body when it holds an institution or outlet word or is an acronym, a person
    when it has two capitalised words or follows a title ("Mr. Clarke", "President Diaz").
    """
    cached = doc.user_data.get("wiretrace_runs")
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    lex = LEXICON[0]
    runs: list[tuple[int, int, str]] = []
    tags = doc.to_array(TAG).tolist()
    proper = {doc.vocab.strings.add("NNP"), doc.vocab.strings.add("NNPS")}
    if not any(t in proper for t in tags):
        doc.user_data["wiretrace_runs"] = runs
        return runs
    i = 0
    while i < len(doc):
        if upos(doc[i]) != "PROPN":
            i += 1
            continue
        j = i
        while j < len(doc):
            if upos(doc[j]) == "PROPN":
                j += 1
                continue
            # "Ministry of Health", "Department for the Environment": connectors inside a body's name
            k = j
            while k < len(doc) and doc[k].lower_ in _CONNECTORS and k - j < 2:
                k += 1
            if k > j and k < len(doc) and upos(doc[k]) == "PROPN" and doc[j].lower_ != "the":
                j = k
                continue
            break
        words = [t for t in doc[i:j] if upos(t) == "PROPN"]
        lowered = [t.lower_.rstrip(".") for t in words]
        titled = [t for t in words if t.lower_.rstrip(".") not in lex.title_words]
        if any(
            (w in lex.institution_heads or w in lex.outlet_words) and w not in lex.title_words
            for w in lowered
        ) or any(t.text.isupper() and len(t.text) > 1 for t in words):
            runs.append((i, j, "body"))
        elif (
            titled
            and (len(titled) >= 2 or len(titled) < len(words))
            and not any(t.text.isupper() and len(t.text) > 3 for t in titled)
        ):
            start = next(t.i for t in words if t.lower_.rstrip(".") not in lex.title_words)
            stop = next((t.i for t in doc[start:j] if upos(t) != "PROPN" and t.text not in "-."), j)
            if stop - start >= 3 and canonical_outlet(doc[start].text):
                start += 1  # a photo credit glued to the name: "... the UK: Getty Jane Roe said"
            runs.append((start, stop, "person"))
        i = j
    doc.user_data["wiretrace_runs"] = runs
    return runs


LEXICON: list[Any] = [None]


_CONNECTORS = frozenset({"of", "for", "on", "the", "-", "."})


_WHERE_WHEN = frozenset(
    "here there today yesterday tonight monday tuesday wednesday thursday friday saturday sunday "
    "morning afternoon evening night weekend".split()
)


def speaker_info(token: Any, base: int, doc_text: str) -> SpeakerInfo | None:
    tokens = _subtree(token, frozenset({"relcl", "punct", "advcl"}))
    # a participle set off by a comma or passive ("an expert based in X") describes, it does not name
    cut = [
        c
        for c in token.rights
        if (c.dep_ == "acl" and (c.tag_ == "VBN" or doc_text[: c.idx].rstrip().endswith(",")))
        # "the high court here on Monday said": where and when are not part of the speaker
        or (c.dep_ == "advmod" and c.lower_ in _WHERE_WHEN)
        or (c.dep_ == "prep" and any(p.lower_ in _WHERE_WHEN for p in c.children if p.dep_ == "pobj"))
    ]
    if cut:
        dropped = {t.i for c in cut for t in c.subtree}
        tokens = [t for t in tokens if t.i not in dropped]
    start, end = token_span(tokens, base)
    if start < 0:
        return None
    end = _balance_quotes(doc_text, start - base, end - base) + base
    start += _after_stray_close(doc_text[start - base : end - base])
    words = doc_text[start - base : end - base]
    if words.count("(") > words.count(")"):  # "Sen. X (D-MA) said": the parser leaves out the ")"
        close = doc_text.find(")", end - base, end - base + 40)
        end = base + close + 1 if close >= 0 else end
    in_span = [t for t in tokens]
    runs = [r for r in name_runs(token.doc) if r[0] >= tokens[0].i and r[1] <= tokens[-1].i + 1]
    names = tuple(token.doc[a:b].text for a, b, kind in runs if kind == "person")
    orgs = tuple(token.doc[a:b].text for a, b, kind in runs if kind == "body")
    determiner = ""
    for t in in_span:
        if t.dep_ in ("det", "poss") and t.head.i == token.i:
            determiner = t.lower_
            break
    lower = token.lower_
    proper = (
        upos(token) == "PROPN"
        or bool(names)
        or any(
            upos(t) == "PROPN" and t.dep_ in ("appos", "compound", "nsubj", "pobj") and t.head.i == token.i
            for t in in_span
        )
    )
    return SpeakerInfo(
        start=start,
        end=end,
        text=doc_text[start - base : end - base],
        head=lower,
        plural=token.tag_ in ("NNS", "NNPS") or lower in ("they", "we", "them"),
        determiner=determiner,
        pronoun=upos(token) == "PRON" and lower in PRONOUNS,
        names=names,
        proper=proper,
        org_names=orgs,
    )


def _after_stray_close(piece: str) -> int:
    """Offset in ``piece`` just past a closing quote mark it holds without its opener.

    'feel this emotional" Jane Roe admitted': a quote closed with no space before the speaker
    leaves its last words in the subject; the speaker starts after the mark.
    """
    cut = -1
    if piece.count("\u201d") > piece.count("\u201c"):
        cut = piece.rfind("\u201d") + 1
    elif piece.count('"') % 2 == 1:
        cut = piece.rfind('"') + 1
    if cut <= 0 or not piece[cut:].strip():
        return 0
    return cut + len(piece[cut:]) - len(piece[cut:].lstrip())


def _balance_quotes(text: str, start: int, end: int) -> int:
    """Extend ``end`` over a closing mark when the span opens a quoted name ("grouping 'West,'")."""
    piece = text[start:end]
    for opener, closer in (("\u2018", "\u2019"), ("\u201c", "\u201d")):
        if piece.count(opener) > piece.count(closer):
            match = re.match(r"[,.]?" + closer, text[end:])
            if match:
                return end + match.end()
    return end


def cue_subject(verb: Any, cue_forms: dict[str, str] | None = None) -> Any | None:
    """The token that says who speaks for ``verb``: subject, passive agent, or inherited."""
    for child in verb.children:
        if child.dep_ == "agent":
            for pobj in child.children:
                if pobj.dep_ == "pobj":
                    return pobj
    for child in verb.children:
        if child.dep_ in ("nsubj", "csubj"):
            if child.lower_ in RELATIVE and verb.dep_ == "relcl":
                return verb.head
            if child.lower_ == "it" and any(c.dep_ == "expl" for c in verb.children):
                return None
            return child
    if verb.dep_ in ("advcl", "xcomp", "conj", "pcomp") and verb.head.i != verb.i:
        if verb.tag_ == "VBG" and cue_forms:
            # "X said ..., adding/stating ...": the speaker of the nearest reporting verb above
            ancestor = verb.head
            while ancestor.head.i != ancestor.i:
                if ancestor.lower_ in cue_forms:
                    break
                ancestor = ancestor.head
            if ancestor.lower_ in cue_forms and ancestor.i != verb.i:
                found = cue_subject(ancestor, cue_forms)
                if found is not None:
                    return found
        if upos(verb.head) in ("VERB", "AUX"):
            return cue_subject(verb.head, cue_forms)
    return None


def stranded_subject(verb: Any) -> Any | None:
    """The name right before a finite verb the parser left without subject.

    "Tuesday on CNN, Senator X said ...": the parser hangs X under the opening time phrase.
    """
    if verb.tag_ not in ("VBD", "VBZ", "VBP") or verb.i == 0:
        return None
    left = verb.doc[verb.i - 1]
    if left.dep_ == "compound" and left.head.i == verb.i and upos(left) in ("NOUN", "PROPN"):
        return left  # ", records show, ...": the parser took the verb for a noun of the phrase
    if verb.dep_ == "conj":
        # '"...," Ramos, 58, told AFP': the name became a conjunct of the quoted clause
        i = verb.i - 1
        while i > 0 and (verb.doc[i].dep_ in ("punct", "appos") or verb.doc[i].head.dep_ == "appos"):
            i -= 1
        name = verb.doc[i]
        if name.dep_ == "conj" and name.head.i == verb.head.i and upos(name) == "PROPN":
            return name
        return _closing_appos(verb)
    if verb.dep_ != "ROOT":
        return None
    i = verb.i - 1
    if verb.doc[i].text == ")":  # "Sen. X (D-MA) said"
        while i > 0 and verb.doc[i].text != "(":
            i -= 1
        i -= 1
    if i < 0:
        return None
    token = verb.doc[i]
    if upos(token) not in ("PROPN", "NOUN") or token.right_edge.i >= verb.i or token.dep_ == "npadvmod":
        return None
    return token


def _closing_appos(verb: Any) -> Any | None:
    """'..., the Fire Service (DFS) said': the parser made the speaker an apposition (or a
    conjunct) of the noun before the comma and the verb a subjectless conjunct: it is the subject."""
    i = verb.i - 1
    if verb.doc[i].text == ")":
        while i > 0 and verb.doc[i].text != "(":
            i -= 1
        i -= 1
    if i <= 0:
        return None
    token = verb.doc[i]
    if (
        token.dep_ not in ("appos", "conj")
        or upos(token) not in ("PROPN", "NOUN")
        or upos(token.head) not in ("PROPN", "NOUN")
    ):
        return None
    return token if verb.doc[token.left_edge.i - 1].text == "," else None


_OUTLET_KINDS = frozenset({"wire_agency", "state_agency", "newspaper", "broadcaster", "aggregator"})


@lru_cache(maxsize=8192)
def canonical_outlet(name: str) -> str | None:
    """The registry's name for an outlet (``wiretrace.sources``), or None when it is not a known outlet."""
    try:
        from wiretrace.provenance.sources import get_registry
    except ImportError:  # the registry is optional for this stage
        return None
    try:
        source = get_registry().lookup(name)
    except Exception:  # a registry problem must not stop claims extraction
        return None
    if source is None or source.kind not in _OUTLET_KINDS:
        return None
    return source.name


def known_outlet(name: str) -> bool:
    """True when the source registry lists ``name`` as a news outlet or agency."""
    return canonical_outlet(name) is not None


def source_info(source: Any, carrier: Any, base: int, doc_text: str) -> SpeakerInfo | None:
    """The source inside 'reports from X ...', running to the end of the carrier phrase."""
    info = speaker_info(source, base, doc_text)
    if info is None or source.i == carrier.i:
        return info
    _, end = token_span(list(carrier.subtree), base)
    end = _balance_quotes(doc_text, info.start - base, end - base) + base
    if end > info.end:
        info.end = end
        info.text = doc_text[info.start - base : end - base]
    return info


def can_speak(subject: Any, lemma: str, lex: Lexicon) -> bool:
    """True when ``subject`` can be the source of ``lemma``: a person, body, name, or a document."""
    word = subject.lower_
    if upos(subject) == "PRON" or upos(subject) == "PROPN":
        return True
    if subject.i > 0 and subject.text[:1].isupper() and subject.tag_ == "NNS":
        return True  # "Sanders", "Williams": names ending in s are often tagged as plural nouns
    if word in lex.evidence_subjects or subject.lemma_.lower() in lex.evidence_subjects:
        return True
    if lemma not in lex.animate_subject:
        return True
    return word in lex.person_heads or word in lex.vague_heads or word in lex.institution_heads


def parse_speaker(doc: Any, base: int, start: int, end: int) -> SpeakerInfo | None:
    """The parse's speaker (subject or passive agent) of a cue found at article offsets
    ``start``-``end`` by other means (the span tagger); not "it" or a relative pronoun. Any noun
    is taken, as the tagger's own sources are ("the poll", "the report", "87 percent")."""
    cue = [t for t in doc if start <= base + t.idx < end]
    for token in reversed(cue):  # "have in particular noted": the last verb carries the subject
        if upos(token) == "NOUN":  # a nominal cue: "his attacks on", "the mayor's promise"
            subject = next((c for c in token.children if c.dep_ == "poss"), None)
        elif upos(token) in ("VERB", "AUX", "ADJ"):
            subject = cue_subject(token)
        else:
            continue
        if subject is None or subject in cue:
            continue
        word = subject.lower_
        if word in ("it", "this", "that", "what", "which", "there"):
            return None
        return speaker_info(subject, base, doc.text)
    return None

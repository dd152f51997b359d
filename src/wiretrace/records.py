"""Typed records passed between pipeline stages.

Every record is a flat, frozen dataclass: scalar fields and tuples of strings only, so
that each one maps to one DuckDB table row (see ``store.py``) and to one row of the
CSV/Parquet export without any custom encoding. Character offsets (``*_start``,
``*_end``) always index into ``Article.text`` of the article named by ``article_id``.

Each field is written by one stage, named in the class docstring.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Article:
    """One ingested article (written by ``ingest``)."""

    article_id: str
    text: str
    title: str | None
    url: str | None
    outlet: str | None  # None means unknown: never guessed
    author: str | None
    published: str | None  # ISO 8601 date or datetime, as given by the input
    source_path: str
    source_record: str | None  # record offset, line or row number inside the file
    source_format: str


@dataclass(frozen=True)
class Rejection:
    """An input that could not become an article, with the reason and the fix (``ingest``)."""

    source_path: str
    source_record: str | None
    reason: str
    hint: str


@dataclass(frozen=True)
class Sentence:
    """One sentence with its character span in the article (``segment``)."""

    article_id: str
    index: int
    start: int
    end: int
    text: str
    paragraph: int


# pair kinds that say "these two articles rest on one upstream item": the one definition that
# independence, disputes, divergences and the PROV export read (``sibling``: both derive from an
# upstream that may be absent from the corpus)
DERIVED_KINDS = frozenset({"copy", "near_copy", "rewrite", "sibling"})


@dataclass(frozen=True)
class Pair:
    """Two articles that belong together and how (``stories``).

    ``kind`` is one of ``copy``, ``near_copy``, ``rewrite``, ``sibling``, ``same_event``; the
    first four are ``DERIVED_KINDS``.
    ``article_a`` < ``article_b`` always. ``score`` is the same-story evidence in [0, 1] (what
    clustering uses); ``similarity`` is a graded topical similarity for ranking (mean of the
    embedding cosine and the IDF-weighted word cosine).
    """

    article_a: str
    article_b: str
    kind: str
    score: float
    similarity: float
    minhash_jaccard: float
    embedding_cosine: float
    aligned_fraction: float  # share of the shorter article's sentences aligned
    entity_overlap: float  # IDF-weighted Jaccard of the names and numbers both mention
    shared_entities: tuple[str, ...]
    story_id: str


@dataclass(frozen=True)
class Alignment:
    """Sentence ``sentence_a`` of ``article_a`` corresponds to ``sentence_b`` of ``article_b`` (``align``).

    A sentence found in one article only is listed with -1 on the other side and score 0.
    """

    article_a: str
    sentence_a: int
    article_b: str
    sentence_b: int
    score: float


@dataclass(frozen=True)
class Story:
    """Articles that report one event (``stories``).

    ``story_id`` is ``story-`` plus the id of the earliest member (by date, then id), so it
    stays the same when later articles join. ``original_ranking`` lists members, most likely
    original first; ``original_reasons`` explains the first.
    """

    story_id: str
    article_ids: tuple[str, ...]
    size: int
    pair_kinds: tuple[str, ...]  # "kind:count", e.g. ("near_copy:2", "rewrite:1")
    headline: str
    date_start: str | None
    date_end: str | None
    top_entities: tuple[str, ...]
    likely_original: str | None
    original_ranking: tuple[str, ...]
    original_reasons: tuple[str, ...]
    storyline_id: str | None


@dataclass(frozen=True)
class Storyline:
    """Stories about one subject over time, ordered by date (``stories``)."""

    storyline_id: str
    story_ids: tuple[str, ...]
    label: str
    shared_entities: tuple[str, ...]
    date_start: str | None
    date_end: str | None


@dataclass(frozen=True)
class Claim:
    """One attributed statement, or an unsourced assertion (``claims``).

    ``cue_class``: assert, confirm, claim, deny, report (empty for ``sourcing == "none"``).
    ``sourcing``: named, anonymous, vague, none.
    ``quote_kind``: direct, indirect, mixed, none.
    ``stance``: how the speaker holds the content: asserts, denies, doubts, or relays (the
    content is someone else's attributed statement, "X reported that Y said ..."). Decided once,
    in ``claims.stance``; claim groups, disputes, independence and events all read it.
    Spans are -1/-1 when absent.
    """

    claim_id: str
    article_id: str
    sentence_index: int
    content_start: int
    content_end: int
    content: str
    cue_start: int
    cue_end: int
    cue: str
    cue_class: str
    speaker_start: int
    speaker_end: int
    speaker: str
    speaker_canonical: str
    speaker_role: str
    via_outlet: str
    via_start: int
    via_end: int
    hedges: tuple[str, ...]
    sourcing: str
    quote_kind: str
    stance: str = "asserts"


@dataclass(frozen=True)
class ClaimNote:
    """A quote or construction dropped from claims, with the reason (``claims``)."""

    article_id: str
    start: int
    end: int
    reason: str


@dataclass(frozen=True)
class ClaimGroup:
    """Claims of one story, across articles, that state the same thing (``provenance``).

    ``canonical`` is the wording of the first appearance (earliest published article, else
    the story's likely original); ``claim_ids`` and ``article_ids`` are in first-appearance order.
    A group holds one speaker's statement; ``statement_id`` links the groups of different
    speakers that state the same thing, which is what independence counts across.
    """

    group_id: str
    story_id: str
    canonical: str
    canonical_claim: str
    speaker: str
    claim_ids: tuple[str, ...]
    article_ids: tuple[str, ...]
    first_article: str
    first_published: str | None
    statement_id: str  # groups of other speakers saying the same thing share it (corroboration)


@dataclass(frozen=True)
class ProvenanceChain:
    """One claim's chain: speaker -> affiliation -> via outlet -> carrying article (``provenance``).

    ``affiliation_id`` / ``via_source_id`` / ``article_source_id`` are source-registry ids:
    "" when there is none, ``unknown:<name>`` when named but not in the registry.
    ``affiliation_how``: speaker, role, coreference, via, or "" (unknown).
    ``via_from_article`` is the article whose credit gave ``via_outlet`` when this copy removed it.
    ``origin`` is the upstream-origin key used for independence, "" for an unsourced claim;
    ``party`` groups origins that share an affiliation ("RU:state", "source:reuters"); it is ""
    for a speaker no registry body, role or context places (``party_label`` "unplaced: NAME"),
    and such a speaker is never counted as an independent party. A via outlet that only carries
    a speaker's words never gives the party. ``stance`` is the claim's; ``upstream`` the
    derivation component of the carrying article (articles joined by copy, near-copy, rewrite
    or sibling pairs share one).
    """

    claim_id: str
    group_id: str
    story_id: str
    article_id: str
    sourcing: str
    speaker: str
    affiliation_id: str
    affiliation: str
    affiliation_how: str
    via_outlet: str
    via_source_id: str
    via_kind: str
    via_from_article: str
    article_outlet: str
    article_source_id: str
    article_kind: str
    origin: str
    origin_label: str
    party: str
    party_label: str
    stance: str = "asserts"
    upstream: str = ""


@dataclass(frozen=True)
class Derivation:
    """Two articles of one story that rest on one upstream item: an edge of the story's derivation
    graph, with its evidence (``provenance``). Independence counts the graph's components.

    ``kind``: ``copy``, ``near_copy``, ``rewrite`` (from the text: the stories stage's pair), or
    ``sibling`` (the same speakers saying the same things in the same order, though every
    sentence was reworded: both rest on one upstream, which may be absent from the corpus).
    ``shared_claims`` holds "claim_a|claim_b" for each shared claim of the ordered run (their
    spans are the evidence on both sides); ``credited`` the outlet both articles credit, if any.
    """

    story_id: str
    article_a: str
    article_b: str
    kind: str
    score: float
    evidence: str
    shared_claims: tuple[str, ...]
    credited: str


@dataclass(frozen=True)
class Dispute:
    """A claim that denies or doubts what a claim group asserts, with its evidence (``provenance``).

    The disputing claim never joins the group it disputes; ``cue_start``/``cue_end`` is the
    span of its denial or doubt ("denied", "could not confirm") in ``article_id``, and
    ``similarity`` how close its content is to the group's canonical claim.
    """

    dispute_id: str
    story_id: str
    group_id: str
    claim_id: str
    article_id: str
    stance: str
    cue_start: int
    cue_end: int
    similarity: float
    party: str
    party_label: str


@dataclass(frozen=True)
class Independence:
    """How many independent upstream origins back a claim group or a whole story (``provenance``).

    ``scope`` is ``claim_group`` or ``story``; ``label`` one of unsourced, single_source,
    one_party, uncorroborated (several origins, but not two known parties asserting from articles
    not derived from each other), disputed (claimed by some, denied or doubted by others) and
    independently_corroborated (two or more known parties assert it from articles not derived
    from each other, and no one disputes it); ``summary`` says who claims, who disputes and who
    only relays, with counts. ``independent_sources`` counts the known asserting parties;
    ``corroborating_claims`` is the evidence of corroboration: two claims, of two known parties in
    articles not derived from each other, whose contents are close enough on their own (not only
    through the chain of similar claims that makes a statement).
    """

    scope: str
    scope_id: str
    story_id: str
    articles: int
    claims: int
    named_origins: int
    origins: tuple[str, ...]
    independent_sources: int
    parties: tuple[str, ...]
    label: str
    summary: str
    corroborating_claims: tuple[str, ...] = ()  # two claims of two known parties that say the same


@dataclass(frozen=True)
class Divergence:
    """Where two versions of one story disagree, with both spans (``divergences``).

    ``kind``: number, date, name, designation, actor, framing, name_variant, unsourced_addition,
    quote_altered (one speaker's direct quote worded differently in two derived versions).
    A side with no span (the version that lacks an unsourced addition) has -1/-1.
    ``conflict`` is False for variants that denote the same thing (transliterations).
    """

    divergence_id: str
    story_id: str
    group_id: str
    kind: str
    conflict: bool
    article_a: str
    start_a: int
    end_a: int
    text_a: str
    value_a: str
    article_b: str
    start_b: int
    end_b: int
    text_b: str
    value_b: str
    explanation: str


@dataclass(frozen=True)
class PlaceMention:
    """One place name as found in an article and what it resolved to (``places``).

    ``status``: resolved, ambiguous (chosen, but a near candidate remains), unresolved
    (``place_id`` empty). ``match``: exact, variant, skeleton, prefix_dropped, feature,
    region_of, none. ``candidates``: "place_id name (CC.admin1) score=..", best first.
    """

    mention_id: str
    article_id: str
    sentence_index: int
    start: int
    end: int
    text: str
    place_id: str
    status: str
    confidence: float
    match: str
    reason: str
    evidence: str  # why the text was taken as a place: ner:GPE, locative cue, designator...
    candidates: tuple[str, ...]


@dataclass(frozen=True)
class Place:
    """A gazetteer place that at least one mention resolved to (``places``).

    ``place_id``: gn:<GeoNames id>, country:<ISO>, admin1:<ISO>.<code>, feature:<slug>.
    ``precision``: populated_place, region, country, feature.
    """

    place_id: str
    geonames_id: int | None
    name: str
    kind: str
    feature_class: str
    country_code: str
    admin1_code: str
    admin1_name: str
    lat: float
    lon: float
    population: int
    precision: str
    mention_count: int
    article_count: int
    spellings: tuple[str, ...]  # the mentions as found in the text


@dataclass(frozen=True)
class Event:
    """A claimed event stated in an article, in the spirit of an ACLED record (``events``).

    ``event_type``: territorial_control, attack, casualties, statement, other.
    ``status``: claimed, disputed (another source contradicts it), independently_corroborated.
    The claimant is who says it happened; an article's own unsourced assertion has
    ``claimant_kind`` "article". ``date_precision``: day, month, year, reported (the
    article's date, no date in the sentence), none.
    """

    event_id: str
    article_id: str
    sentence_index: int
    start: int
    end: int
    text: str
    event_type: str
    trigger: str
    trigger_start: int
    trigger_end: int
    negated: bool
    actors: tuple[str, ...]
    place_id: str
    place_name: str
    lat: float | None
    lon: float | None
    geo_precision: str
    date: str | None
    date_precision: str
    claimant: str
    claimant_kind: str
    via_outlet: str
    source_chain: tuple[str, ...]
    claim_id: str
    claimant_affiliation: str  # source-registry independence key ("RU:state", "source:bbc"), "" unknown
    group_id: str
    status: str
    status_reason: str


@dataclass(frozen=True)
class Signal:
    """One sign that an article is a rewrite, with its evidence span (``signals``).

    ``kind``: uncredited_derivation (it derives from an upstream item of the story and credits no
    outlet), quote_altered, designation_changed (a unit or acronym written otherwise than in a
    version it derives from), factual_addition (a checkable sentence no other version has and no
    source backs), evaluative_filler (a sentence of generic commentary found in no other version,
    naming no fact), vague_voice (a vague attribution, "analysts note", no other version has),
    no_byline, no_date. ``other_*`` is the compared article's span ("" / -1 when none).
    A signal is evidence, not a verdict: ``weight`` only orders articles.
    """

    signal_id: str
    article_id: str
    story_id: str
    kind: str
    start: int
    end: int
    text: str
    other_article: str
    other_start: int
    other_end: int
    weight: float
    explanation: str


@dataclass(frozen=True)
class RewriteProfile:
    """An article's rewrite signals summed (``signals``): ``score`` orders articles, no verdict."""

    article_id: str
    story_id: str
    score: float
    signals: int
    kinds: tuple[str, ...]
    summary: str

"""What a user sees of a story, built from the store for both the HTML report and the web app.

Each section reads its tables through ``reading.Reader``: an empty or missing table gives an
empty section with a note saying so, never an error.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz

from wiretrace.present import graphics, sections
from wiretrace.present.reading import (
    MarkedSpan,
    Reader,
    Segment,
    anchor,
    field_of,
    parse_anchor,
    record_type,
    segments,
)
from wiretrace.present.sections import LinkFn, SideBySide
from wiretrace.records import Article, Claim, Pair, Story

# the reading helpers are part of this module's interface for the report, the app and tests
__all__ = [
    "MarkedSpan",
    "Reader",
    "Segment",
    "StoryView",
    "anchor",
    "field_of",
    "parse_anchor",
    "record_type",
    "segments",
    "story_view",
]

QUOTE_KIND_LABELS = {"direct": "quoted", "mixed": "quoted", "indirect": "reported", "none": "asserted"}
PARAPHRASE_BELOW = (
    0.75  # wording similarity to the group's canonical wording under which a claim is a paraphrase
)
MAX_GRAPHS = 30  # provenance graphs drawn per story; the claim matrix still lists every group


# -- the story view -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ArticleRow:
    """An article of a story with its outlet, date and relation to the likely original."""

    article: Article
    relation: str
    label: str  # short column label for the claim matrix
    signals: str = ""  # the rewrite profile's summary ("3 evaluative filler, 1 quote altered")


@dataclass(frozen=True)
class Cell:
    """How one article carries one claim group."""

    how: str  # quoted, reported, paraphrased, asserted
    href: str
    title: str
    stance: str = "asserts"  # the claim's stance: asserts, denies, doubts, relays


@dataclass(frozen=True)
class MatrixRow:
    """A claim group and its cells, one per article column (None: the article does not carry it)."""

    label: str
    speaker: str
    via: str
    sourcing: str
    independence: str
    cells: list[Cell | None]
    disputed_by: str = ""  # who denies or doubts it ("disputes" records), with the evidence linked


@dataclass(frozen=True)
class ProvenanceView:
    """One claim group's provenance graph."""

    label: str
    graph: graphics.Graph
    overall: bool = False  # the whole story's graph, drawn open above the per-claim ones


@dataclass
class StoryView:
    """Everything shown for one story."""

    story: Story
    overview: str
    articles: list[ArticleRow]
    matrix: list[MatrixRow]
    matrix_note: str
    provenance: list[ProvenanceView]
    divergences: list[SideBySide]
    aligned: list[SideBySide]
    map: graphics.MapView | None
    places: list[graphics.PlaceInput]
    timeline: graphics.Timeline
    timeline_note: str
    texts: list[tuple[Article, list[Segment]]]
    claim_count: int = 0
    notes: dict[str, str] = field(default_factory=dict)  # section -> why it is empty
    storyline: list[Story] = field(default_factory=list)  # the stories of its storyline, by date
    storyline_label: str = ""


def _label(article: Article, index: int) -> str:
    name = article.outlet or article.title or article.article_id
    return f"{index + 1}. {graphics.shorten(name, 18)}"


def _relations(story: Story, pairs: list[Pair], derivations: Sequence[Any] = ()) -> dict[str, str]:
    """Each article's relation to the story's likely original: the derivation graph's edge kind
    between them when there is one (a sibling rewrite), else the kind of their pair."""
    original = story.likely_original
    out: dict[str, str] = {}
    for pair in [*pairs, *derivations]:
        if original in (pair.article_a, pair.article_b):
            other = pair.article_b if pair.article_a == original else pair.article_a
            out[other] = pair.kind.replace("_", " ")
    if original:
        out[original] = "likely original"
    return out


def _claim_groups(
    reader: Reader, claims: list[Claim], story_id: str
) -> tuple[list[tuple[Any, list[Claim]]], str]:
    """(group record or None, member claims) in story order; each claim alone when no groups exist."""
    cls = record_type("ClaimGroup")
    by_id = {c.claim_id: c for c in claims}
    groups = reader.load_in(cls, ("story_id",), [story_id]) if cls else []
    if not groups and cls is not None:
        groups = [g for g in reader.load(cls) if set(field_of(g, "claim_ids", default=())) & set(by_id)]
    if groups:
        out = []
        for group in groups:
            members = [by_id[i] for i in field_of(group, "claim_ids", "member_ids", default=()) if i in by_id]
            if members:
                out.append((group, members))
        return out, ""
    note = "Claim groups not computed yet: each claim is its own row."
    return [(None, [c]) for c in claims], note


def _cell(claim: Claim, canonical: str, link: LinkFn) -> Cell:
    how = QUOTE_KIND_LABELS.get(claim.quote_kind, claim.quote_kind or "asserted")
    if how in ("reported", "asserted") and canonical:
        ratio = fuzz.ratio(claim.content.lower(), canonical.lower()) / 100  # difflib's ratio, in C++
        if ratio < PARAPHRASE_BELOW:
            how = "paraphrased"
    title = f"{claim.speaker or 'no speaker'} {claim.cue}: {claim.content}".strip()
    stance = str(getattr(claim, "stance", "") or "asserts")
    return Cell(
        how,
        link(claim.article_id, claim.content_start, claim.content_end),
        graphics.shorten(title, 120),
        stance,
    )


def _independence(reader: Reader, story_id: str) -> dict[str, Any]:
    """Independence records of the story keyed by claim group id ('' for the story itself)."""
    cls = record_type("Independence")
    out: dict[str, Any] = {}
    for row in reader.load_in(cls, ("story_id",), [story_id]):
        scope = field_of(row, "scope", default="")
        out["" if scope == "story" else str(field_of(row, "scope_id", "group_id", default=""))] = row
    return out


def _overview(
    story: Story, articles: list[Article], claims: list[Claim], groups: int, grouped: bool, independence: Any
) -> str:
    outlets = {a.outlet for a in articles if a.outlet}
    unknown = sum(1 for a in articles if not a.outlet)
    parts = [
        f"{len(articles)} article{'s' * (len(articles) != 1)} from {len(outlets)} named outlet"
        f"{'s' * (len(outlets) != 1)}" + (f" ({unknown} with no outlet)" if unknown else ""),
        f"{len(claims)} claim{'s' * (len(claims) != 1)}"
        + (f" in {groups} claim group{'s' * (groups != 1)}" if grouped else ""),
    ]
    if independence is not None:
        label = str(field_of(independence, "label", default="")).replace("_", " ")
        summary = str(field_of(independence, "summary", default=""))
        if summary:
            # the provenance stage's own sentence already counts articles, claims and origins
            parts = [summary.rstrip(".")]
        else:
            origins = field_of(independence, "independent_sources", default=None)
            if origins is not None:
                parts.append(f"{origins} independent upstream origin{'s' * (origins != 1)}")
        if label:
            parts.append(f"independence: {label}")
    else:
        parts.append("upstream origins and independence not computed yet")
    if story.date_start and story.date_end and story.date_end != story.date_start:
        dates = f"From {story.date_start} to {story.date_end}: "
    else:
        dates = f"On {story.date_start}: " if story.date_start else "Undated: "
    return dates + "; ".join(parts) + "."


def _chain(
    claim: Claim, chain: Any, articles: dict[str, Article], column: dict[str, int], link: LinkFn
) -> graphics.Chain:
    """A claim's speaker -> via outlet -> article path, with the affiliation when provenance knows it."""
    speaker = claim.speaker_canonical or claim.speaker or "no speaker named"
    via = claim.via_outlet or "no outlet named"
    if chain is not None:
        speaker = str(field_of(chain, "speaker", default=speaker))
        affiliation = field_of(chain, "affiliation", default="")
        if affiliation and affiliation.lower() not in speaker.lower():
            speaker = f"{speaker} ({affiliation})"
        via = str(field_of(chain, "via_outlet", default=via))
        via_kind = str(field_of(chain, "via_kind", default="")).replace("_", " ")
        if via_kind and via != "no outlet named":
            via = f"{via} ({via_kind})"
    article = articles[claim.article_id]
    return graphics.Chain(
        speaker,
        via,
        _label(article, column[claim.article_id]),
        link(claim.article_id, claim.content_start, claim.content_end),
    )


def story_view(reader: Reader, story: Story, link: LinkFn, with_texts: bool = True) -> StoryView:
    """Assemble every section of a story page from the store.

    Args:
        reader: the store reader.
        story: the story to show.
        link: builds the href of an article span (in-page anchor in the report, a URL in the app).
        with_texts: also cut the article texts into marked segments (the report shows them inline).
    Returns:
        the story's view model; empty sections carry a note in ``notes``.
    Example:
        view = story_view(reader, story, lambda a, s, e: "#" + anchor(a, s, e))
    """
    ids = list(story.article_ids)
    found = {a.article_id: a for a in reader.load_in(Article, ("article_id",), ids)}
    position = {article_id: index for index, article_id in enumerate(ids)}
    # the likely original first, then by date: the order a reader follows the copies in
    articles = sorted(
        (found[i] for i in ids if i in found),
        key=lambda a: (a.article_id != story.likely_original, a.published or "9999", position[a.article_id]),
    )
    ids = [a.article_id for a in articles]
    by_id = {a.article_id: a for a in articles}
    pairs = reader.load_in(Pair, ("article_a",), ids)
    derivations = reader.load_in(record_type("Derivation"), ("story_id",), [story.story_id])
    relations = _relations(story, [p for p in pairs if p.article_b in by_id], derivations)
    profiles = {
        str(field_of(row, "article_id", default="")): str(field_of(row, "summary", default=""))
        for row in reader.load_in(record_type("RewriteProfile"), ("article_id",), ids)
    }
    rows = [
        ArticleRow(a, relations.get(a.article_id, "same story"), _label(a, i), profiles.get(a.article_id, ""))
        for i, a in enumerate(articles)
    ]
    claims = reader.load_in(Claim, ("article_id",), ids)
    column = {a.article_id: i for i, a in enumerate(articles)}
    claims.sort(key=lambda c: (column[c.article_id], c.content_start))
    groups, matrix_note = _claim_groups(reader, claims, story.story_id)
    independence = _independence(reader, story.story_id)
    provenance = {
        p.claim_id: p for p in reader.load_in(record_type("ProvenanceChain"), ("story_id",), [story.story_id])
    }
    disputed_by: dict[str, list[str]] = {}
    for dispute in reader.load_in(record_type("Dispute"), ("story_id",), [story.story_id]):
        who = (
            str(field_of(dispute, "party_label", default="")).removeprefix("unplaced: ")
            or "an unnamed source"
        )
        disputed_by.setdefault(str(field_of(dispute, "group_id", default="")), []).append(who)
    matrix: list[MatrixRow] = []
    graphs: list[ProvenanceView] = []
    # the claims repeated by most articles first: those are the ones whose origin matters most
    groups.sort(key=lambda g: (-len({c.article_id for c in g[1]}), column[g[1][0].article_id]))
    all_chains: list[tuple[int, graphics.Chain]] = []
    for group, members in groups:
        first = members[0]
        canonical = str(field_of(group, "canonical", "canonical_text", "content", default=first.content))
        cells: list[Cell | None] = [None] * len(articles)
        for claim in members:
            if cells[column[claim.article_id]] is None:
                cells[column[claim.article_id]] = _cell(claim, canonical, link)
        group_id = str(field_of(group, "claim_group_id", "group_id", default=first.claim_id))
        label_row = independence.get(group_id)
        speaker = str(
            field_of(group, "speaker", default=first.speaker_canonical or first.speaker or "no speaker")
        )
        via = sorted({c.via_outlet for c in members if c.via_outlet})
        matrix.append(
            MatrixRow(
                graphics.shorten(canonical, 160),
                speaker,
                ", ".join(via),
                ", ".join(sorted({c.sourcing for c in members if c.sourcing})),
                str(field_of(label_row, "label", default="")).replace("_", " "),
                cells,
                ", ".join(dict.fromkeys(disputed_by.get(group_id, []))),
            )
        )
        chains = [_chain(c, provenance.get(c.claim_id), by_id, column, link) for c in members]
        attributed = [c for c in members if c.sourcing != "none"]
        all_chains.extend(
            (column[c.article_id], ch) for ch, c in zip(chains, members, strict=True) if c.sourcing != "none"
        )
        # an unattributed claim in one article has no chain worth drawing; the matrix lists it
        if len(graphs) < MAX_GRAPHS and (attributed or len({c.article_id for c in members}) > 1):
            graphs.append(
                ProvenanceView(
                    graphics.shorten(canonical, 120),
                    graphics.provenance_graph(chains, ("speaker", "via outlet", "article")),
                )
            )
    if len(groups) > 1 and all_chains:
        # the whole story at a glance: every attributed claim's speaker -> outlet -> article
        all_chains.sort(key=lambda pair: pair[0])  # article boxes in the order of the articles table
        overall = graphics.provenance_graph(
            [ch for _, ch in all_chains], ("speaker", "via outlet", "article")
        )
        graphs.insert(0, ProvenanceView("All attributed claims of the story", overall, overall=True))
    story_label = independence.get("")
    overview = _overview(story, articles, claims, len(groups), not matrix_note, story_label)
    divergences, divergence_spans = sections.divergences(reader, story.story_id, by_id, link)
    aligned, aligned_spans = sections.aligned(reader, story, by_id, link)
    places, place_spans = sections.places(reader, ids, link)
    events, event_spans = sections.events(reader, story.story_id, ids, link)
    timeline_note = ""
    if not events:
        timeline_note = "No dated events extracted yet: the timeline shows the articles' publication dates."
        events = [
            graphics.TimelineItem(
                a.published or "", a.outlet or "unknown outlet", a.title or "", "", "article"
            )
            for a in articles
            if a.published
        ]
    spans: dict[str, list[MarkedSpan]] = {i: [] for i in by_id}
    for claim in claims:
        title = f"{claim.speaker or 'unattributed'}: {claim.sourcing} sourcing"
        spans[claim.article_id].append(MarkedSpan(claim.content_start, claim.content_end, "claim", title))
        if claim.speaker_start >= 0:
            spans[claim.article_id].append(MarkedSpan(claim.speaker_start, claim.speaker_end, "speaker"))
    for article_id, span in [*divergence_spans, *aligned_spans, *place_spans, *event_spans]:
        if article_id in spans:
            spans[article_id].append(span)
    notes = {}
    if not claims:
        notes["matrix"] = "No claims extracted for this story yet."
    if not divergences:
        notes["divergences"] = (
            "No divergences computed yet." if record_type("Divergence") is None else "No divergences found."
        )
    if not aligned:
        notes["aligned"] = "No aligned sentence pairs that differ."
    if not places:
        notes["map"] = "No places with coordinates (or the places stage has not run)."
    timeline = graphics.timeline(events)
    if not timeline.items:
        notes["timeline"] = "No dated events or publication dates."
    storyline, storyline_label = _storyline(reader, story)
    return StoryView(
        story=story,
        overview=overview,
        articles=rows,
        matrix=matrix,
        matrix_note=matrix_note,
        provenance=graphs,
        divergences=divergences,
        aligned=aligned,
        map=graphics.map_view(places),
        places=places,
        timeline=timeline,
        timeline_note=timeline_note,
        texts=[(a, segments(a, spans.get(a.article_id, []))) for a in articles] if with_texts else [],
        claim_count=len(claims),
        notes=notes,
        storyline=storyline,
        storyline_label=storyline_label,
    )


def _storyline(reader: Reader, story: Story) -> tuple[list[Story], str]:
    """The stories of the story's storyline in date order, and its label."""
    if not story.storyline_id:
        return [], ""
    lines = reader.load(record_type("Storyline"), "storyline_id = ?", [story.storyline_id])
    if not lines:
        return [], ""
    members = reader.load_in(Story, ("story_id",), list(field_of(lines[0], "story_ids", default=())))
    members.sort(key=lambda s: (s.date_start or "", s.story_id))
    return members, str(field_of(lines[0], "label", default=""))

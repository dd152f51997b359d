"""The story page's comparing sections: divergences shown side by side, places on the map, the events
ledger; each built from the store through ``reading.Reader``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from wiretrace.present import graphics
from wiretrace.present.reading import (
    MarkedSpan,
    Reader,
    field_of,
    record_type,
)
from wiretrace.records import Alignment, Article, Sentence, Story

LinkFn = Callable[[str, int, int], str]


MAX_ALIGNED_PAIRS = 40  # divergence view: differing aligned sentence pairs shown per story


@dataclass(frozen=True)
class SideBySide:
    """Two versions of a passage with their differing words marked."""

    kind: str
    explanation: str
    left_label: str
    left_href: str
    left: list[graphics.Token]
    right_label: str
    right_href: str
    right: list[graphics.Token]


def _in_context(
    article: Article, start: int, end: int, sentences: list[Sentence], fallback: str
) -> list[graphics.Token]:
    """The sentence holding a span, with the span marked; the record's own text when there is no span."""
    if not 0 <= start < end <= len(article.text):
        # the version that lacks the passage: say so, or show the record's copy unmarked
        return [graphics.Token(fallback or "(absent from this version)", False)]
    around = next((s for s in sentences if s.start <= start and end <= s.end), None)
    left, right = (around.start, around.end) if around else (start, end)
    text = article.text
    return [
        graphics.Token(text[left:start], False),
        graphics.Token(text[start:end], True),
        graphics.Token(text[end:right], False),
    ]


def divergences(
    reader: Reader, story_id: str, texts: dict[str, Article], link: LinkFn
) -> tuple[list[SideBySide], list[tuple[str, MarkedSpan]]]:
    """Each divergence as the two sentences that hold its spans, the differing spans marked."""
    cls = record_type("Divergence")
    rows = [
        r
        for r in reader.load_in(cls, ("story_id",), [story_id])
        if field_of(r, "article_a") in texts and field_of(r, "article_b") in texts
    ]
    involved = sorted({r.article_a for r in rows} | {r.article_b for r in rows})
    by_article: dict[str, list[Sentence]] = {}
    for sentence in reader.load_in(Sentence, ("article_id",), involved):
        by_article.setdefault(sentence.article_id, []).append(sentence)
    out = []
    spans: list[tuple[str, MarkedSpan]] = []
    for row in rows:
        a, b = row.article_a, row.article_b
        sa, ea = field_of(row, "start_a", default=-1), field_of(row, "end_a", default=-1)
        sb, eb = field_of(row, "start_b", default=-1), field_of(row, "end_b", default=-1)
        left = _in_context(texts[a], sa, ea, by_article.get(a, []), str(field_of(row, "text_a", default="")))
        right = _in_context(texts[b], sb, eb, by_article.get(b, []), str(field_of(row, "text_b", default="")))
        kind = str(field_of(row, "kind", default="divergence")).replace("_", " ")
        if getattr(row, "conflict", True) is False:
            kind += " (variants of one thing, not a conflict)"
        for article_id, start, end in ((a, sa, ea), (b, sb, eb)):
            if 0 <= start < end:
                spans.append((article_id, MarkedSpan(start, end, "divergence", kind)))
        values = [str(v) for v in (field_of(row, "value_a"), field_of(row, "value_b")) if v]
        explanation = str(field_of(row, "explanation", default="")) or " vs ".join(values)
        out.append(
            SideBySide(
                kind,
                explanation,
                texts[a].outlet or a,
                link(a, sa, ea) if 0 <= sa < ea else "",
                left,
                texts[b].outlet or b,
                link(b, sb, eb) if 0 <= sb < eb else "",
                right,
            )
        )
    return out, spans


def aligned(
    reader: Reader, story: Story, articles: dict[str, Article], link: LinkFn
) -> tuple[list[SideBySide], list[tuple[str, MarkedSpan]]]:
    """Aligned sentence pairs that differ, the likely original's pairs first."""
    ids = list(articles)
    rows = reader.load_in(Alignment, ("article_a",), ids)
    rows = [r for r in rows if r.article_b in articles]
    if not rows:
        return [], []
    original = story.likely_original
    rows.sort(
        key=lambda r: (original not in (r.article_a, r.article_b), r.article_a, r.article_b, r.sentence_a)
    )
    # only the first pairs are shown: read the sentences of the few articles they involve, not all
    rows = rows[: MAX_ALIGNED_PAIRS * 3]
    involved = sorted({r.article_a for r in rows} | {r.article_b for r in rows})
    sentences = {(s.article_id, s.index): s for s in reader.load_in(Sentence, ("article_id",), involved)}
    out: list[SideBySide] = []
    spans: list[tuple[str, MarkedSpan]] = []
    for row in rows:
        left_s, right_s = (
            sentences.get((row.article_a, row.sentence_a)),
            sentences.get((row.article_b, row.sentence_b)),
        )
        if left_s is None or right_s is None or left_s.text.strip() == right_s.text.strip():
            continue
        left, right = graphics.word_diff(left_s.text, right_s.text)
        a, b = articles[row.article_a], articles[row.article_b]
        out.append(
            SideBySide(
                "aligned sentences",
                f"alignment score {row.score:.2f}",
                a.outlet or a.article_id,
                link(a.article_id, left_s.start, left_s.end),
                left,
                b.outlet or b.article_id,
                link(b.article_id, right_s.start, right_s.end),
                right,
            )
        )
        spans.append((a.article_id, MarkedSpan(left_s.start, left_s.end, "aligned")))
        spans.append((b.article_id, MarkedSpan(right_s.start, right_s.end, "aligned")))
        if len(out) >= MAX_ALIGNED_PAIRS:
            break
    return out, spans


def places(
    reader: Reader, article_ids: list[str], link: LinkFn
) -> tuple[list[graphics.PlaceInput], list[tuple[str, MarkedSpan]]]:
    """Resolved places with coordinates, and their mention spans."""
    mentions = reader.load_in(record_type("PlaceMention"), ("article_id",), article_ids)
    spans: list[tuple[str, MarkedSpan]] = []
    counts: dict[str, int] = {}
    spellings: dict[str, set[str]] = {}
    first: dict[str, tuple[str, int, int]] = {}
    for m in mentions:
        key = str(field_of(m, "place_id", default=""))
        start, end = int(field_of(m, "start", default=-1)), int(field_of(m, "end", default=-1))
        text = str(field_of(m, "text", default=""))
        status = str(field_of(m, "status", default=""))
        title = f"place: {text}" + (f" ({status})" if status and status != "resolved" else "")
        spans.append((m.article_id, MarkedSpan(start, end, "place", title)))
        if not key:
            continue  # unresolved: highlighted in the text, not put on the map
        counts[key] = counts.get(key, 0) + 1
        spellings.setdefault(key, set()).add(text)
        first.setdefault(key, (m.article_id, start, end))
    out = []
    for place in reader.load_in(record_type("Place"), ("place_id",), sorted(counts)):
        key = str(field_of(place, "place_id", default=""))
        lat, lon = field_of(place, "lat", "latitude"), field_of(place, "lon", "longitude")
        if lat is None or lon is None or key not in first:
            continue
        name = str(field_of(place, "name", default=key))
        where = ", ".join(
            str(x) for x in (field_of(place, "admin1_name"), field_of(place, "country_code", "country")) if x
        )
        written = sorted(spellings[key] - {name})
        article_id, start, end = first[key]
        precision = str(field_of(place, "precision", default=""))
        out.append(
            graphics.PlaceInput(
                name,
                float(lat),
                float(lon),
                f"{name}{' (' + where + ')' if where else ''} {float(lat):.3f}, {float(lon):.3f}; "
                f"{counts[key]} mention{'s' * (counts[key] != 1)}"
                + (f"; written {', '.join(written)}" if written else ""),
                link(article_id, start, end),
                counts[key],
                precision in ("country", "region"),
            )
        )
    out.sort(key=lambda p: (-p.mentions, p.name))
    return out, spans


def events(
    reader: Reader, story_id: str, article_ids: list[str], link: LinkFn
) -> tuple[list[graphics.TimelineItem], list[tuple[str, MarkedSpan]]]:
    """Dated events of the story's articles for the timeline, and their spans."""
    cls = record_type("Event")
    rows = reader.load_in(cls, ("story_id",), [story_id]) or reader.load_in(cls, ("article_id",), article_ids)
    items, spans = [], []
    for row in rows:
        article_id = str(field_of(row, "article_id", default=""))
        start, end = int(field_of(row, "start", default=-1)), int(field_of(row, "end", default=-1))
        kind = str(field_of(row, "event_type", "kind", default="event")).replace("_", " ")
        if getattr(row, "negated", False):
            kind = "denied " + kind
        where = field_of(row, "place_name", "place", default="")
        label = f"{kind}{' in ' + where if where else ''}"
        claimant = field_of(row, "claimant", default="")
        status = str(field_of(row, "status", default="")).replace("_", " ")
        detail = ", ".join(x for x in (f"claimed by {claimant}" if claimant else "", status) if x)
        if start >= 0 and article_id:
            spans.append((article_id, MarkedSpan(start, end, "event", label)))
        date = field_of(row, "date", default="")
        if date:
            href = link(article_id, start, end) if start >= 0 else ""
            items.append(graphics.TimelineItem(str(date), label, detail, href, "event"))
    return items, spans

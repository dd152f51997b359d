"""Helpers of the story stage: names, dates, credit lines, clustering, originals, storylines."""

from __future__ import annotations

import dataclasses
import heapq
import math
import re
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import date

import numpy as np
from numpy.typing import NDArray

from wiretrace.config import StoriesSettings
from wiretrace.records import Article, Story, Storyline
from wiretrace.stories.align import PairAlignment

_TOKEN = re.compile(r"\d+(?:[.,]\d+)*%?|[^\W\d_][\w\-]*(?:['\u2019][^\W_]+)?", re.UNICODE)
_POSSESSIVE = re.compile(r"['\u2019]s$")
# capitalised for grammar, not because they name something
_NOT_NAMES = frozenset(
    """a an the this that these those there their they he she it its we our his her i in on at of for
    to from by with as and or but if when while after before since during amid according however
    meanwhile moreover also earlier later today yesterday tomorrow monday tuesday wednesday thursday
    friday saturday sunday january february march april may june july august september october
    november december mr mrs ms dr breaking update updated read more photo video watch""".split()
)
# names are words of at most 40 characters that start at a word's start: an unbounded word matched
# from every capital inside a 20,000-character token made this quadratic
_CREDIT = re.compile(
    r"(?i:according to|told|reported by|citing|cited by|quoted by|via|speaking to|in an interview with)\s+"
    r"(?:the\s+)?((?:[A-Z][\w.\-]{0,40}|[A-Z]{2,40})(?:\s+[A-Z][\w.\-]{0,40}){0,3})(?![\w.\-])"
    r"|\(([A-Z][\w.\-]{0,40}(?:\s+[A-Z][\w.\-]{0,40}){0,2})\)"
    r"|(?<![\w.\-])((?:[A-Z][\w.\-]{0,40})(?:\s+[A-Z][\w.\-]{0,40}){0,3})\s+"
    r"(?:contributed to this report|first reported)"
)


def entity_profile(sentences: Sequence[str]) -> tuple[Counter[str], Counter[str]]:
    """(lower-cased name tokens and numbers -> count, display names -> count) of an article.

    A capitalised word opening a sentence counts only if the article also capitalises it
    elsewhere, so "Officials said..." does not make "officials" a name.
    """
    mid_sentence: set[str] = set()
    tokenised = []
    for sentence in sentences:
        tokens = [(_POSSESSIVE.sub("", m.group()), m.start()) for m in _TOKEN.finditer(sentence)]
        if sentence.isupper():
            # an all-capitals sentence (a shouted headline, a text in capitals) says nothing about
            # which words are names: keep its figures only
            tokens = [t for t in tokens if t[0][:1].isdigit()]
        tokenised.append(tokens)
        for position, (token, _start) in enumerate(tokens):
            if position > 0 and token[:1].isupper():
                mid_sentence.add(token.lower())
    tokens_out: Counter[str] = Counter()
    names_out: Counter[str] = Counter()
    for tokens in tokenised:
        run: list[str] = []
        for position, (token, _start) in enumerate(tokens):
            lower = token.lower()
            is_number = token[:1].isdigit()
            is_name = token[:1].isupper() and lower not in _NOT_NAMES and len(token) > 1
            if position == 0 and is_name and lower not in mid_sentence:
                is_name = False
            if is_number:
                tokens_out[lower.rstrip(".,")] += 1
            if is_name:
                tokens_out[lower] += 1
                run.append(token)
                continue
            if run:
                names_out[" ".join(run)] += 1
                run = []
        if run:
            names_out[" ".join(run)] += 1
    return tokens_out, names_out


def parse_date(value: str | None) -> date | None:
    """The calendar day of an ISO 8601 date or datetime, else None."""
    if not value:
        return None
    match = re.match(r"(\d{4})-(\d{2})-(\d{2})", value.strip())
    if not match:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def credited_outlets(text: str) -> tuple[str, ...]:
    """Outlets or people an article credits ("according to X", "told X", "(X)"), lower-cased."""
    found = []
    for match in _CREDIT.finditer(text):
        name = (match.group(1) or match.group(2) or match.group(3) or "").strip(" .")
        if name and name.lower() not in _NOT_NAMES:
            found.append(name.lower())
    return tuple(dict.fromkeys(found))


def timestamp(value: str | None) -> str | None:
    """An ISO 8601 date or datetime cut to minutes, comparable as text (None when not ISO)."""
    if not value or not re.match(r"\d{4}-\d{2}-\d{2}", value.strip()):
        return None
    return value.strip().replace(" ", "T")[:16]


def cluster_average_linkage(
    n: int, scores: dict[tuple[int, int], float], threshold: float
) -> list[list[int]]:
    """Average-linkage clusters of 0..n-1: merge while the mean pair score (missing = 0) >= threshold.

    The best-scoring merge goes first; ties go to the smallest members, so the result does not
    depend on input order.
    """
    keys = list(scores)
    return cluster_pairs(
        n,
        np.array([a for a, _ in keys], dtype=np.int64),
        np.array([b for _, b in keys], dtype=np.int64),
        np.array([scores[k] for k in keys], dtype=np.float64),
        threshold,
    )


def cluster_pairs(
    n: int, left: NDArray[np.int64], right: NDArray[np.int64], scores: NDArray[np.float64], threshold: float
) -> list[list[int]]:
    """``cluster_average_linkage`` over scored pairs given as arrays (each pair once).

    Only pairs with positive scores connect; linkage then runs inside each connected component
    with that component's pairs only, so the work and memory follow the largest component.
    """
    parent = list(range(n))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    positive = scores > 0  # only evidence for merging connects; cannot-links matter inside components
    for a, b in zip(left[positive].tolist(), right[positive].tolist(), strict=True):
        root_a, root_b = find(a), find(b)
        if root_a != root_b:
            parent[max(root_a, root_b)] = min(root_a, root_b)
    roots = np.fromiter((find(x) for x in range(n)), dtype=np.int64, count=n)
    inside = np.flatnonzero(roots[left] == roots[right]) if left.size else np.zeros(0, dtype=np.int64)
    inside = inside[np.argsort(roots[left[inside]], kind="stable")]
    edge_roots = roots[left[inside]]
    bounds = np.flatnonzero(np.diff(edge_roots)) + 1
    edges_of = {
        int(edge_roots[start]): block
        for start, block in zip([0, *bounds.tolist()], np.split(inside, bounds), strict=True)
        if block.size
    }
    order = np.argsort(roots, kind="stable")
    member_bounds = np.flatnonzero(np.diff(roots[order])) + 1
    clusters: list[list[int]] = []
    for members in np.split(order, member_bounds) if n else []:
        if members.size == 1:
            clusters.append([int(members[0])])
            continue
        block = edges_of.get(int(roots[members[0]]), np.zeros(0, dtype=np.int64))
        component = dict(
            zip(
                zip(left[block].tolist(), right[block].tolist(), strict=True),
                scores[block].tolist(),
                strict=True,
            )
        )
        clusters.extend(_linkage(members.tolist(), component, threshold))
    return sorted((sorted(c) for c in clusters), key=lambda c: c[0])


def _linkage(members: list[int], scores: dict[tuple[int, int], float], threshold: float) -> list[list[int]]:
    """Average linkage inside one connected component (a heap of merges, stale entries skipped).

    A cluster is named by its smallest member; the best average merges first, ties to the
    smallest names, so the result does not depend on input order.
    """
    groups: dict[int, list[int]] = {m: [m] for m in members}
    totals: dict[int, dict[int, float]] = {m: {} for m in members}
    for (a, b), score in scores.items():
        if a in groups and b in groups and a != b:
            totals[a][b] = totals[a].get(b, 0.0) + score
            totals[b][a] = totals[b].get(a, 0.0) + score
    heap = [(-total, min(a, b), max(a, b)) for a in totals for b, total in totals[a].items() if a < b]
    heapq.heapify(heap)
    while heap:
        negative, x, y = heapq.heappop(heap)
        if x not in groups or y not in groups:
            continue
        average = totals[x].get(y, 0.0) / (len(groups[x]) * len(groups[y]))
        if -negative != average:
            continue  # stale: the clusters changed since this entry was pushed
        if average < threshold:
            break
        groups[x].extend(groups.pop(y))
        for z, total in totals.pop(y).items():
            if z == x:
                continue
            totals[z].pop(y, None)
            totals[x][z] = totals[x].get(z, 0.0) + total
            totals[z][x] = totals[x][z]
        totals[x].pop(y, None)
        for z, total in totals[x].items():
            heapq.heappush(heap, (-(total / (len(groups[x]) * len(groups[z]))), min(x, z), max(x, z)))
    return list(groups.values())


_MEDIA_KINDS = frozenset({"wire_agency", "state_agency", "newspaper", "broadcaster", "aggregator"})
_AGENCIES: set[str] = set()  # source ids of wire and state agencies, filled with the registry
_NAMES: dict[str, str] = {}  # source id -> display name, filled with the registry


def _resolve_sources(
    articles: Sequence[Article], credits: Sequence[tuple[str, ...]]
) -> tuple[list[str], list[set[str]], list[set[str]]]:
    """Outlets and credited names as registry ids where known (lower-cased names otherwise).

    Returns each article's outlet key, the keys it credits, and the credited keys that are
    media outlets (not people or ministries).
    """
    try:
        from wiretrace.provenance.sources import get_registry

        registry = get_registry()
    except Exception:  # noqa: BLE001 - the registry is an aid here, never a reason to fail
        registry = None

    def key(name: str | None, url: str | None = None) -> tuple[str, bool]:
        source = registry.lookup(name) or registry.by_domain(url) if registry else None
        if source is None:
            return (name or "").strip().lower(), False
        if source.kind in ("wire_agency", "state_agency"):
            _AGENCIES.add(source.source_id)
        _NAMES[source.source_id] = source.name
        return source.source_id, source.kind in _MEDIA_KINDS

    outlets = [key(a.outlet, a.url)[0] if (a.outlet or a.url) else "" for a in articles]
    credited: list[set[str]] = []
    media: list[set[str]] = []
    for names in credits:
        resolved = [key(name) for name in names]
        credited.append({k for k, _ in resolved})
        media.append({k for k, is_media in resolved if is_media})
    return outlets, credited, media


def rank_originals(
    articles: Sequence[Article],
    credits: Sequence[tuple[str, ...]],
    alignments: dict[tuple[int, int], PairAlignment],
) -> tuple[list[int], list[str]]:
    """Members ranked as likely original (indices), and the reasons for the first.

    Evidence: earliest publication time; being credited by name by other members (its outlet
    appears in their credit lines); other members' sentences aligning into it; crediting an
    outlet other than its own (a sign of a rewrite) counts against.
    """
    n = len(articles)
    points = [0.0] * n
    reasons: list[list[str]] = [[] for _ in range(n)]
    stamps = [timestamp(a.published) for a in articles]
    dated = [s for s in stamps if s]
    if dated and len(set(dated)) > 1:
        first = min(dated)
        for i, stamp in enumerate(stamps):
            if stamp == first:
                points[i] += 3.0
                reasons[i].append(f"earliest publication ({first})")
    outlets, credited, media = _resolve_sources(articles, credits)
    for i, outlet in enumerate(outlets):
        if not outlet:
            continue
        crediting = sum(1 for j in range(n) if j != i and outlet in credited[j])
        if crediting:
            points[i] += 2.0 + crediting / n
            reasons[i].append(f"credited as the source by {crediting} other article(s)")
        elif any(c != outlet for c in media[i]):
            points[i] -= 0.5  # it credits another outlet and nobody credits it: a rewrite
        if outlet in _AGENCIES:
            points[i] += 0.5
            reasons[i].append("published by a news agency")
    inflow = [0] * n
    sources = [0] * n
    for (a, b), pair_alignment in alignments.items():
        matched = len(pair_alignment.matches)
        if matched:
            inflow[a] += matched
            inflow[b] += matched
            sources[a] += 1
            sources[b] += 1
    most = max(inflow) if inflow else 0
    for i in range(n):
        if most and inflow[i]:
            points[i] += 1.5 * inflow[i] / most
            if inflow[i] == most:
                reasons[i].append(f"{inflow[i]} sentences of {sources[i]} other article(s) align with it")
        if media[i]:
            # it credits another outlet: the original may lie outside this corpus
            reasons[i].append("credits " + ", ".join(_NAMES.get(m, m) for m in sorted(media[i])[:3]))
    order = sorted(range(n), key=lambda i: (-points[i], stamps[i] or "~", articles[i].article_id))
    top = order[0]
    return order, reasons[top] or ["no date, credit or alignment evidence: first by id"]


def salient_names(
    entity_counts: Sequence[Counter[str]], idf: Callable[[str], float], limit: int = 10
) -> dict[str, float]:
    """A story's most salient name tokens: mentioned often, by many members, and rare in the corpus.

    ``entity_counts`` holds each member's name-token counts, in member order.
    """
    salience: dict[str, float] = {}
    for entities in entity_counts:
        for token, count in entities.items():
            weight = (1 + math.log(count)) * (idf(token) + 0.5) / len(entity_counts)
            salience[token] = salience.get(token, 0.0) + weight
    return dict(sorted(salience.items(), key=lambda item: (-item[1], item[0]))[:limit])


def build_storylines(
    stories: list[Story],
    clusters: list[list[int]],
    vectors: NDArray[np.float32],
    salient: Sequence[dict[str, float]],
    settings: StoriesSettings,
) -> tuple[list[Story], list[Storyline]]:
    """Link stories that share topic (centroid cosine) and salient names into storylines.

    ``stories[i]`` is the story of ``clusters[i]`` (article rows of ``vectors``), and
    ``salient[i]`` its ``salient_names``.
    """
    centroids: dict[int, NDArray[np.float32]] = {}

    def centroid(index: int) -> NDArray[np.float32]:
        found = centroids.get(index)
        if found is None:
            total = np.sum(vectors[clusters[index]], axis=0)
            found = centroids[index] = total / (np.linalg.norm(total) or 1.0)
        return found

    n = len(stories)
    # candidate pairs share salient names: an inverted index instead of all n^2 story pairs
    postings: dict[str, list[int]] = {}
    for index, top in enumerate(salient):
        for token in top:
            postings.setdefault(token, []).append(index)
    shared_count: Counter[tuple[int, int]] = Counter()
    for members in postings.values():
        if len(members) <= settings.block_max_articles:
            shared_count.update((a, b) for x, a in enumerate(members) for b in members[x + 1 :])
    links: dict[tuple[int, int], float] = {}
    for (i, j), count in shared_count.items():
        if count < settings.storyline_min_shared:
            continue
        cosine = float(centroid(i) @ centroid(j))
        if cosine < settings.storyline_min_cosine:
            continue
        top_i, top_j = salient[i], salient[j]
        shared = top_i.keys() & top_j.keys()
        union = sum(top_i.values()) + sum(top_j.values())
        overlap = sum(top_i[t] + top_j[t] for t in shared) / union if union else 0.0
        if overlap >= settings.storyline_min_entity_overlap:
            links[(i, j)] = 1.0
    groups = cluster_average_linkage(n, links, 0.5)
    storylines: list[Storyline] = []
    assigned: dict[int, str] = {}
    for group in groups:
        if len(group) < 2:
            continue
        group = sorted(group, key=lambda s: (stories[s].date_start or "~", stories[s].story_id))
        storyline_id = "storyline-" + stories[group[0]].story_id.removeprefix("story-")
        shared_counts: Counter[str] = Counter()
        for s in group:
            shared_counts.update(salient[s].keys())
        common = sorted((t for t, c in shared_counts.items() if c >= 2), key=lambda t: (-shared_counts[t], t))
        display = list(dict.fromkeys(_display(t, stories, group) for t in common[:6]))[:4]
        starts = [d for d in (stories[s].date_start for s in group) if d]
        ends = [d for d in (stories[s].date_end for s in group) if d]
        storylines.append(
            Storyline(
                storyline_id=storyline_id,
                story_ids=tuple(stories[s].story_id for s in group),
                label=", ".join(display),
                shared_entities=tuple(display),
                date_start=min(starts) if starts else None,
                date_end=max(ends) if ends else None,
            )
        )
        for s in group:
            assigned[s] = storyline_id
    updated = [dataclasses.replace(story, storyline_id=assigned.get(i)) for i, story in enumerate(stories)]
    return updated, sorted(storylines, key=lambda s: s.storyline_id)


def _display(token: str, stories: list[Story], group: list[int]) -> str:
    """The display form of a name token, taken from the stories' top names when possible."""
    for s in group:
        for name in stories[s].top_entities:
            if token in name.lower().split():
                return name
    return token.capitalize()

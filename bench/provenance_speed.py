"""Speed of provenance and divergences on a synthetic story (prints figures; not a test).

    python bench/provenance_speed.py [ARTICLES]

Each article is a rewrite of one wire item: ten of forty statements by fifteen speakers, with
varied wording and numbers, so grouping and comparison do real work.
"""

from __future__ import annotations

import random
import sys
import time
from dataclasses import fields

from wiretrace.divergences.stage import DivergenceInput, find_divergences
from wiretrace.ingest import segment
from wiretrace.provenance.stage import ProvenanceInput, build_provenance
from wiretrace.records import Article, Claim, Pair, Story

SPEAKERS = [
    f"Official {name}"
    for name in "Abel Brand Cole Dorn Egan Fisk Gale Hart Ives Joss Kent Lund Moss Nash Orr".split()
]
TOPICS = ["bridge", "dam", "road", "school", "clinic", "port", "depot", "tunnel"]


def _blank(record_type: type, **values: object) -> object:
    defaults = {
        f.name: (() if "tuple" in str(f.type) else -1 if f.type == "int" else "") for f in fields(record_type)
    }
    defaults.update(values)
    return record_type(**defaults)


def build(articles_count: int) -> tuple[ProvenanceInput, DivergenceInput]:
    rng = random.Random(7)
    statements = [
        (
            SPEAKERS[i % len(SPEAKERS)],
            f"the {TOPICS[i % len(TOPICS)]} near sector {i} was damaged and {{n}} workers left",
        )
        for i in range(40)
    ]
    articles, claims = [], []
    for index in range(articles_count):
        chosen = rng.sample(range(40), 10)
        sentences, spans = [], []
        offset = 0
        for number in chosen:
            speaker, content = statements[number]
            content = content.format(n=rng.choice([12, 12, 12, 14]))
            sentence = f"{speaker} said {content} on Tuesday."
            spans.append((offset + len(speaker) + 6, content, speaker, offset))
            sentences.append(sentence)
            offset += len(sentence) + 1
        text = " ".join(sentences)
        article_id = f"a{index:04d}"
        articles.append(
            _blank(
                Article,
                article_id=article_id,
                text=text,
                outlet="Wire",
                published="2026-01-07",
                title=None,
                url=None,
                author=None,
                source_record=None,
            )
        )
        for position, (start, content, speaker, sentence_start) in enumerate(spans):
            claims.append(
                _blank(
                    Claim,
                    claim_id=f"{article_id}-{position}",
                    article_id=article_id,
                    sentence_index=position,
                    content_start=start,
                    content_end=start + len(content),
                    content=content,
                    speaker=speaker,
                    speaker_canonical=speaker,
                    speaker_start=sentence_start,
                    speaker_end=sentence_start + len(speaker),
                    sourcing="named",
                    via_outlet="",
                )
            )
    ids = tuple(a.article_id for a in articles)
    story = _blank(
        Story,
        story_id="story-big",
        article_ids=ids,
        likely_original=ids[0],
        storyline_id=None,
        date_start=None,
        date_end=None,
        size=len(ids),
    )
    pairs = [
        _blank(Pair, article_a=ids[0], article_b=other, kind="rewrite", story_id="story-big")
        for other in ids[1:]
    ]
    sentences = [s for a in articles for s in segment.segment(a)]
    return (
        ProvenanceInput(articles, [story], pairs, [], claims),
        DivergenceInput(articles, sentences, [story], pairs, [], claims),
    )


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    provenance_input, divergence_input = build(count)
    started = time.perf_counter()
    result = build_provenance(provenance_input)
    provenance_time = time.perf_counter() - started
    divergence_input = DivergenceInput(*divergence_input.__dict__.values())
    started = time.perf_counter()
    found = find_divergences(divergence_input)
    divergence_time = time.perf_counter() - started
    print(
        f"{count} articles, {len(provenance_input.claims)} claims: provenance {provenance_time:.2f}s "
        f"({len(result.groups)} groups), divergences {divergence_time:.2f}s ({len(found.divergences)} found)"
    )

"""An invented store for the report and web tests: one story with every stage's records, one hostile story.

The records are written directly (not by the pipeline) so that the report and app are tested on
every section whatever the stages would find in these texts. The hostile story puts markup,
event handlers and ``javascript:`` URLs in every field a page shows. Each record is built by
``record_factory``, the one home of the invented-record helpers, so fields this store does not
name are filled as in every other test.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from record_factory import article, claim, make, sentences

from wiretrace.records import (
    Alignment,
    Article,
    Claim,
    ClaimGroup,
    Divergence,
    Event,
    Independence,
    Pair,
    Place,
    PlaceMention,
    ProvenanceChain,
    Sentence,
    Story,
)
from wiretrace.store import Store

HOSTILE = '<script>alert("x")</script><img src=x onerror="alert(1)"><svg onload=alert(2)>'
HOSTILE_URL = "javascript:alert(3)"

WIRE = (
    "The harbour authority of Tromsø said on Monday that the northern ferry line will resume on 4 March. "
    '"Repairs to the quay are complete and inspections found no damage," '
    "harbour director Ingrid Dahl told Nordwire. "
    "About 1,200 passengers a day use the line, the authority said.\n\n"
    "Local fishermen say the closure cost them two weeks of landings."
)
COPY = (
    "The harbour authority of Tromsø said on Monday that the northern ferry line will resume on 6 March. "
    '"Repairs to the quay are complete and inspections found no damage," '
    "harbour director Ingrid Dahl told Nordwire. "
    "About 1,500 passengers a day use the line, the authority said."
)
REWRITE = (
    "Ferries on the northern line out of Tromsø are set to return in early March, port officials said. "
    "Harbour director Ingrid Dahl said repair work at the quay had finished and checks showed no damage. "
    "The line carries roughly 1,200 travellers daily."
)
BAD = (
    f"Officials {HOSTILE} said the bridge would reopen. "
    f'"Nothing is wrong {HOSTILE}," the spokesman told Evil News. '
    "A second paragraph with <b>bold</b> text and &amp; entities."
)


def _claim(
    cid: str, source: Article, content: str, speaker: str, via: str = "", quote: str = "direct"
) -> Claim:
    """A claim of ``source`` with a "said" cue, direct unless ``quote`` says otherwise."""
    return claim(
        source.article_id,
        source.text,
        content,
        speaker,
        via=via,
        cid=cid,
        cue="said",
        cue_class="assert",
        quote_kind=quote,
    )


def build_store(path: Path) -> dict[str, Any]:
    """Write the invented store at ``path``; returns the ids the tests use."""
    wire = article(
        "a1",
        WIRE,
        "Nordwire",
        "2026-02-23",
        title="Ferry line to resume, harbour says",
        url="https://nordwire.example/f",
    )
    copy = article(
        "a2",
        COPY,
        "Coastal Daily",
        "2026-02-24",
        title="Ferries back in March",
        url="https://coastal.example/f",
    )
    rewrite = article(
        "a3", REWRITE, "Aggregator Hub", "2026-02-25", title="Northern ferries to return", url=HOSTILE_URL
    )
    bad = article("b1", BAD, HOSTILE, "2026-03-01", title="Bridge " + HOSTILE, url=HOSTILE_URL)
    articles = [wire, copy, rewrite, bad]
    quote = "Repairs to the quay are complete and inspections found no damage"
    claims = [
        _claim("c1", wire, quote, "Ingrid Dahl", "Nordwire"),
        _claim("c2", copy, quote, "Ingrid Dahl", "Nordwire"),
        _claim(
            "c3",
            rewrite,
            "repair work at the quay had finished and checks showed no damage",
            "Ingrid Dahl",
            quote="indirect",
        ),
        _claim(
            "c4",
            wire,
            "the northern ferry line will resume on 4 March",
            "harbour authority",
            quote="indirect",
        ),
        _claim(
            "c5",
            copy,
            "the northern ferry line will resume on 6 March",
            "harbour authority",
            quote="indirect",
        ),
        _claim("x1", bad, f"Nothing is wrong {HOSTILE}", "the spokesman", "Evil News"),
    ]
    story = make(
        Story,
        story_id="s1",
        article_ids=("a1", "a2", "a3"),
        headline="Ferry line to resume, harbour says",
        date_start="2026-02-23",
        date_end="2026-02-25",
        likely_original="a1",
        original_reasons=("earliest date",),
        storyline_id=None,
    )
    hostile_story = make(
        Story,
        story_id="s2",
        article_ids=("b1",),
        headline="Bridge " + HOSTILE,
        date_start="2026-03-01",
        date_end="2026-03-01",
        likely_original="b1",
        original_reasons=(HOSTILE,),
        storyline_id=None,
    )
    pairs = [
        make(Pair, article_a="a1", article_b="a2", kind="near_copy", minhash_jaccard=0.8),
        make(Pair, article_a="a1", article_b="a3", kind="rewrite", embedding_cosine=0.9),
    ]
    alignments = [
        Alignment("a1", 0, "a2", 0, 0.97),
        Alignment("a1", 2, "a2", 2, 0.95),
        Alignment("a1", 0, "a3", 0, 0.7),
    ]
    first = WIRE.index("4 March")
    second = COPY.index("6 March")
    place = WIRE.index("Tromsø")
    statement = WIRE.index("The harbour authority")
    tables: dict[type, list[Any]] = {
        Article: articles,
        Sentence: [s for a in articles for s in sentences(a)],
        Pair: pairs,
        Alignment: alignments,
        Story: [story, hostile_story],
        Claim: claims,
    }
    # the later stages' records, each given as the fields it names
    later: dict[type, list[dict[str, Any]]] = {
        ClaimGroup: [
            dict(
                group_id="g1",
                story_id="s1",
                canonical=quote,
                canonical_claim="c1",
                speaker="Ingrid Dahl",
                claim_ids=("c1", "c2", "c3"),
                article_ids=("a1", "a2", "a3"),
                first_article="a1",
            ),
            dict(
                group_id="g2",
                story_id="s1",
                canonical="the northern ferry line will resume on 4 March",
                canonical_claim="c4",
                speaker="harbour authority",
                claim_ids=("c4", "c5"),
                article_ids=("a1", "a2"),
            ),
            dict(
                group_id="gx",
                story_id="s2",
                canonical=HOSTILE,
                canonical_claim="x1",
                speaker=HOSTILE,
                claim_ids=("x1",),
                article_ids=("b1",),
            ),
        ],
        ProvenanceChain: [
            dict(
                claim_id="c1",
                group_id="g1",
                story_id="s1",
                article_id="a1",
                speaker="Ingrid Dahl",
                affiliation="Tromsø harbour authority",
                via_outlet="Nordwire",
                via_kind="wire_agency",
            ),
            dict(
                claim_id="x1",
                group_id="gx",
                story_id="s2",
                article_id="b1",
                speaker=HOSTILE,
                affiliation=HOSTILE,
                via_outlet=HOSTILE,
                via_kind=HOSTILE,
            ),
        ],
        Independence: [
            dict(
                scope="story",
                scope_id="s1",
                story_id="s1",
                articles=3,
                claims=5,
                independent_sources=1,
                label="single_source",
                summary="3 articles, 5 claims, 1 named upstream origin; no independent confirmation.",
            ),
            dict(
                scope="claim_group",
                scope_id="g1",
                story_id="s1",
                independent_sources=1,
                label="single_source",
            ),
            dict(scope="story", scope_id="s2", story_id="s2", label=HOSTILE, summary=HOSTILE),
        ],
        Divergence: [
            dict(
                divergence_id="d1",
                story_id="s1",
                group_id="g2",
                kind="date",
                conflict=True,
                article_a="a1",
                start_a=first,
                end_a=first + 7,
                text_a="4 March",
                value_a="2026-03-04",
                article_b="a2",
                start_b=second,
                end_b=second + 7,
                text_b="6 March",
                value_b="2026-03-06",
                explanation="the resumption date differs: 4 March vs 6 March",
            ),
            dict(
                divergence_id="dx",
                story_id="s2",
                kind=HOSTILE,
                article_a="b1",
                start_a=0,
                end_a=20,
                article_b="b1",
                start_b=-1,
                end_b=-1,
                text_b=HOSTILE,
                explanation=HOSTILE,
            ),
        ],
        # places and events: one place (Tromsø) mentioned in the wire story, one statement event
        Place: [
            dict(
                place_id="gn:3133880",
                geonames_id=3133880,
                name="Tromsø",
                lat=69.6496,
                lon=18.957,
                country_code="NO",
                precision="populated_place",
                mention_count=1,
            )
        ],
        PlaceMention: [
            dict(
                mention_id="m1",
                place_id="gn:3133880",
                article_id="a1",
                start=place,
                end=place + 6,
                text="Tromsø",
                status="resolved",
            ),
            dict(
                mention_id="mx",
                place_id="",
                article_id="b1",
                start=0,
                end=9,
                text=HOSTILE,
                status="unresolved",
            ),
        ],
        Event: [
            dict(
                event_id="e1",
                article_id="a1",
                start=statement,
                end=statement + 60,
                event_type="statement",
                date="2026-02-23",
                place_name="Tromsø",
                claimant="harbour authority",
                status="claimed",
            ),
            dict(
                event_id="ex",
                article_id="b1",
                start=0,
                end=8,
                event_type=HOSTILE,
                date="2026-03-01",
                place_name=HOSTILE,
                claimant=HOSTILE,
                status=HOSTILE,
            ),
        ],
    }
    for record_type, rows in later.items():
        tables[record_type] = [make(record_type, **row) for row in rows]
    with Store(path) as store:
        store.insert_new(Article, articles)
        store.replace_many({t: rows for t, rows in tables.items() if t is not Article})
    return {"story": "s1", "hostile_story": "s2", "quote": quote, "wire": "a1", "hostile_article": "b1"}

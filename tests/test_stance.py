"""Stance, disputes and the conservative labels of independence."""

from __future__ import annotations

import pytest
from record_factory import article, claim, make

from wiretrace.provenance.stage import ProvenanceInput, build_provenance
from wiretrace.records import Article, Pair, Story


@pytest.fixture(scope="module")
def stances() -> dict[str, list[tuple[str, str]]]:
    """Each invented sentence's claims as (stance, cue), by article id."""
    from wiretrace.claims.stage import extract_claims
    from wiretrace.ingest.segment import segment_all

    texts = {
        "deny": "The General Staff of Eastland denied that Westland forces had captured Port Vale.",
        "confirm": "Officials in Port Vale could not confirm that the bridge had been destroyed.",
        "question": "The mayor questioned whether the casualty figures were accurate.",
        "thing": "The council dismissed the plan on Monday.",
        "relay": "The agency reported that the ministry said the dam was intact.",
        "false": "A spokesman for the governor said the reports were false.",
        "assert": "The ministry said its forces had captured Port Vale on Tuesday.",
        "claims": "The regional governor rejected claims that the water supply had been poisoned.",
        "not_deny": "The minister did not deny that talks had taken place.",
    }
    articles = [
        Article(key, text, None, None, None, None, "2026-05-02", f"{key}.txt", None, "txt")
        for key, text in texts.items()
    ]
    found: dict[str, list[tuple[str, str]]] = {key: [] for key in texts}
    for c in extract_claims(articles, segment_all(articles)).claims:
        found[c.article_id].append((c.stance, c.cue))
    return found


@pytest.mark.parametrize(
    "key, expected",
    [
        ("deny", ("denies", "denied")),
        ("confirm", ("doubts", "confirm")),
        ("question", ("doubts", "questioned")),
        ("false", ("denies", "said")),
        ("claims", ("denies", "rejected")),
        ("assert", ("asserts", "said")),
        ("thing", ("asserts", "dismissed")),  # rejecting a plan is not denying a claim
        ("not_deny", ("asserts", "deny")),  # "did not deny" is neither denial nor doubt
    ],
)
def test_the_claims_stage_gives_each_claim_its_stance(stances, key, expected) -> None:
    assert expected in stances[key]


def test_an_outlet_passing_on_another_speakers_statement_relays_it(stances) -> None:
    assert ("relays", "reported") in stances["relay"] and ("asserts", "said") in stances["relay"]


CAPTURE = "The Westland Defence Ministry said its forces had captured Port Vale."
DENIAL = "The Eastland General Staff denied that Westland forces had captured Port Vale."


def _dispute_story() -> ProvenanceInput:
    articles = [
        article("w1", CAPTURE, "Some Wire", "2026-05-02"),
        article("e1", DENIAL, "Other Wire", "2026-05-02"),
    ]
    claims = [
        claim(
            "w1", CAPTURE, "its forces had captured Port Vale", "The Westland Defence Ministry", cue="said"
        ),
        claim(
            "e1",
            DENIAL,
            "that Westland forces had captured Port Vale",
            "The Eastland General Staff",
            cue="denied",
            cue_class="deny",
            stance="denies",
        ),
    ]
    return ProvenanceInput(articles, [make(Story, story_id="s", article_ids=("e1", "w1"))], [], [], claims)


def test_a_denial_never_joins_the_group_it_denies_and_is_linked_to_it() -> None:
    result = build_provenance(_dispute_story())
    group_of = {c: g.group_id for g in result.groups for c in g.claim_ids}
    assert group_of["w1-" + str(CAPTURE.index("its"))] != group_of["e1-" + str(DENIAL.index("that"))]
    assert len(result.disputes) == 1
    dispute = result.disputes[0]
    assert dispute.group_id == group_of["w1-" + str(CAPTURE.index("its"))]
    assert dispute.stance == "denies" and dispute.article_id == "e1"
    target = next(
        r for r in result.independence if r.scope == "claim_group" and r.scope_id == dispute.group_id
    )
    assert target.label == "disputed"
    assert "disputed by" in target.summary
    story = next(r for r in result.independence if r.scope == "story")
    assert story.label == "disputed"


def _two_parties(pair_kind: str | None) -> ProvenanceInput:
    first = "The Russian Defence Ministry said the dam on the river was destroyed by shelling."
    second = "The Ukrainian Defence Ministry said the dam on the river was destroyed by shelling."
    articles = [
        article("p1", first, "Wire One", "2026-05-02"),
        article("p2", second, "Wire Two", "2026-05-02"),
    ]
    claims = [
        claim("p1", first, "the dam on the river was destroyed by shelling", "The Russian Defence Ministry"),
        claim(
            "p2", second, "the dam on the river was destroyed by shelling", "The Ukrainian Defence Ministry"
        ),
    ]
    pairs = [make(Pair, article_a="p1", article_b="p2", kind=pair_kind)] if pair_kind else []
    return ProvenanceInput(articles, [make(Story, story_id="s", article_ids=("p1", "p2"))], pairs, [], claims)


def test_two_known_parties_in_articles_not_derived_from_each_other_corroborate() -> None:
    story = next(r for r in build_provenance(_two_parties(None)).independence if r.scope == "story")
    assert story.label == "independently_corroborated" and story.independent_sources == 2


@pytest.mark.parametrize("kind", ["near_copy", "rewrite", "sibling"])
def test_two_parties_inside_one_derivation_component_do_not_corroborate(kind) -> None:
    rows = build_provenance(_two_parties(kind)).independence
    assert "independently_corroborated" not in {r.label for r in rows}


def test_unplaced_speakers_are_shown_and_never_counted() -> None:
    first = "Analyst Vera Holm said the dam on the river was destroyed by shelling."
    second = "Engineer Piet Arend said the dam on the river was destroyed by shelling."
    data = ProvenanceInput(
        [article("u1", first, "Blog One"), article("u2", second, "Blog Two")],
        [make(Story, story_id="s", article_ids=("u1", "u2"))],
        [],
        [],
        [
            claim("u1", first, "the dam on the river was destroyed by shelling", "Analyst Vera Holm"),
            claim("u2", second, "the dam on the river was destroyed by shelling", "Engineer Piet Arend"),
        ],
    )
    rows = build_provenance(data).independence
    story = next(r for r in rows if r.scope == "story")
    assert story.label == "uncorroborated" and story.independent_sources == 0
    assert "2 unplaced speakers not counted" in story.summary
    assert "independently_corroborated" not in {r.label for r in rows}


def test_a_relay_is_not_a_second_source() -> None:
    first = "The Russian Defence Ministry said the dam on the river was destroyed by shelling."
    second = "Reuters reported that the Russian Defence Ministry said the dam on the river was destroyed."
    data = ProvenanceInput(
        [article("r1", first, "TASS"), article("r2", second, "Reuters")],
        [make(Story, story_id="s", article_ids=("r1", "r2"))],
        [],
        [],
        [
            claim(
                "r1", first, "the dam on the river was destroyed by shelling", "The Russian Defence Ministry"
            ),
            claim(
                "r2",
                second,
                "that the Russian Defence Ministry said the dam on the river was destroyed",
                "Reuters",
                stance="relays",
            ),
        ],
    )
    rows = build_provenance(data).independence
    assert "independently_corroborated" not in {r.label for r in rows}
    story = next(r for r in rows if r.scope == "story")
    assert story.parties == ("Russian state",) and "only relay" in story.summary


def test_an_official_out_of_office_does_not_speak_for_the_state() -> None:
    from wiretrace.provenance.sources import get_registry

    registry = get_registry()
    listed = registry.person("Donald Trump", "2026-05-02")
    assert listed is not None and listed.country == "US"
    assert registry.person("Donald Trump", "2016-05-02") is None  # a candidate then
    assert registry.person("Donald Trump") is None  # no date, two terms: it cannot tell
    assert registry.person("Vladimir Putin") is not None  # in office without a break: it can


@pytest.mark.parametrize(
    "speaker, party",
    [
        ("the commander of the Ukrainian 3rd brigade with the call sign Orel", "UA:state"),
        ("the commander of the Russian drone unit with the call sign Lis", "RU:state"),
        ("a Russian soldier named Ilya", ""),  # a soldier's word is his own
        ("the former commander of the Ukrainian 3rd brigade, Petro Ivanenko", ""),
    ],
)
def test_a_named_commander_speaks_for_the_army_of_the_country_his_post_names(speaker, party) -> None:
    text = f"{speaker} said the bridge at the crossing was destroyed by artillery."
    data = ProvenanceInput(
        [article("m1", text, "Some Blog", "2026-05-02")],
        [make(Story, story_id="s", article_ids=("m1",))],
        [],
        [],
        [claim("m1", text, "the bridge at the crossing was destroyed by artillery", speaker)],
    )
    assert build_provenance(data).chains[0].party == party

"""Claims extraction on hand-written sentences: each construction, bad quotes, mirroring."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wiretrace.claims.stage import extract_claims
from wiretrace.config import ClaimsSettings
from wiretrace.ingest.segment import segment_all
from wiretrace.records import Article, Claim

CASES = json.loads((Path(__file__).parent / "data" / "claims_sentences.json").read_text(encoding="utf-8"))[
    "cases"
]


def _article(text: str, article_id: str = "a1") -> Article:
    return Article(article_id, text, None, None, None, None, None, "test.txt", None, "txt")


def _claims(*texts: str) -> tuple[list[Claim], list]:
    articles = [_article(text, f"a{i}") for i, text in enumerate(texts)]
    result = extract_claims(articles, segment_all(articles), ClaimsSettings())
    return result.claims, result.notes


def _find(claims: list[Claim], case: dict) -> Claim:
    if "cue" in case:
        matching = [c for c in claims if c.cue.lower() == case["cue"].lower()]
    else:
        matching = [c for c in claims if c.sourcing == case["sourcing"]]
    assert matching, f"{case['name']}: no claim with cue {case.get('cue')!r} in {[c.cue for c in claims]}"
    return matching[-1]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_construction(case: dict) -> None:
    claims, _ = _claims(case["text"])
    claim = _find(claims, case)
    text = case["text"]
    # every span points at the text it names
    assert text[claim.content_start : claim.content_end] == claim.content
    if claim.speaker_start >= 0:
        assert text[claim.speaker_start : claim.speaker_end] == claim.speaker
    if claim.cue_start >= 0:
        assert text[claim.cue_start : claim.cue_end] == claim.cue
    checks = {
        "cue_class": lambda: claim.cue_class == case["cue_class"],
        "speaker_has": lambda: case["speaker_has"] in claim.speaker,
        "canonical": lambda: claim.speaker_canonical == case["canonical"],
        "role_has": lambda: case["role_has"].lower() in claim.speaker_role.lower(),
        "content_has": lambda: case["content_has"] in claim.content,
        "quote_kind": lambda: claim.quote_kind == case["quote_kind"],
        "sourcing": lambda: claim.sourcing == case["sourcing"],
        "via": lambda: claim.via_outlet == case["via"],
        "via_has": lambda: case["via_has"] in claim.via_outlet,
        "hedge": lambda: case["hedge"] in claim.hedges,
    }
    for key, check in checks.items():
        if key in case:
            assert check(), f"{case['name']}: {key} expected {case[key]!r}, got {claim}"


def test_unbalanced_quote_drops_only_that_quote() -> None:
    text = (
        "\u201cThe new timetable starts in June, the rail operator said.\n"
        "Station manager Carla Jensen said the platforms would be rebuilt by autumn.\n"
        "\u201cWe expect more passengers every week,\u201d she added."
    )
    claims, notes = _claims(text)
    assert any("never closed" in note.reason for note in notes)
    canonical = {c.speaker_canonical for c in claims if c.sourcing != "none"}
    assert "Carla Jensen" in canonical
    assert any(c.quote_kind == "direct" and "more passengers" in c.content for c in claims)


def test_stray_closing_mark_is_noted() -> None:
    _, notes = _claims("The club said the match would go ahead.\u201d The tickets sold out in an hour.")
    assert any("without an opening" in note.reason for note in notes)


def test_bad_text_never_fails_the_batch() -> None:
    weird = "\u201c\u201c\u2019\u2018 said said according to , , \u00ab\u00bb\n\n\"\"'''"
    claims, _ = _claims(weird, "The school board confirmed that classes resume on Monday.")
    assert any(c.article_id == "a1" and c.cue == "confirmed" for c in claims)


MIRROR_A = (
    "Norwegian Prime Minister Ola Berg said Sweden had broken the fishing agreement. "
    "\u201cThe quotas were agreed in writing,\u201d Berg told the Nordic Times.\n"
    "Swedish officials denied the accusation. A Swedish negotiator, who spoke on condition of anonymity, "
    "said the talks would resume in Oslo."
)
SWAP = {
    "Norwegian": "Swedish",
    "Swedish": "Norwegian",
    "Norway": "Sweden",
    "Sweden": "Norway",
    "Ola Berg": "Anna Lind",
    "Anna Lind": "Ola Berg",
    "Berg": "Lind",
    "Lind": "Berg",
    "Oslo": "Stockholm",
    "Stockholm": "Oslo",
}


def _swap(text: str) -> str:
    import re

    pattern = re.compile(r"\b(" + "|".join(sorted(map(re.escape, SWAP), key=len, reverse=True)) + r")\b")
    return pattern.sub(lambda m: SWAP[m.group(1)], text)


def test_mirrored_articles_give_mirrored_claims() -> None:
    mirrored = _swap(MIRROR_A)
    claims_a, _ = _claims(MIRROR_A)
    claims_b, _ = _claims(mirrored)

    def view(claims: list[Claim], swap: bool) -> list[tuple]:
        f = _swap if swap else (lambda s: s)
        return [
            (
                f(c.speaker_canonical),
                f(c.speaker_role),
                c.cue,
                c.cue_class,
                f(c.content),
                c.sourcing,
                c.quote_kind,
                f(c.via_outlet),
            )
            for c in claims
        ]

    assert len(claims_a) >= 4
    assert view(claims_a, swap=True) == view(claims_b, swap=False)


def test_claims_command_filters_stored_claims(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from wiretrace.cli import app
    from wiretrace.records import ClaimNote
    from wiretrace.store import Store

    text = (
        "Mayor Jonas Weber said the tram line would open in June.\n"
        "\u201cThe tunnel is finished,\u201d a city engineer told the Lakeside Courier.\n"
        "Residents say the noise has stopped."
    )
    article = _article(text, "tram")
    result = extract_claims([article], segment_all([article]), ClaimsSettings())
    db = tmp_path / "w.duckdb"
    with Store(db) as store:
        store.insert_new(Article, [article])
        store.replace_many({Claim: result.claims, ClaimNote: result.notes})
    runner = CliRunner()
    anonymous = runner.invoke(app, ["claims", "--db", str(db), "--sourcing", "anonymous", "--json"])
    assert anonymous.exit_code == 0, anonymous.output
    rows = json.loads(anonymous.stdout)
    assert [r["via_outlet"] for r in rows] == ["Lakeside Courier"]
    by_speaker = json.loads(
        runner.invoke(app, ["claims", "--db", str(db), "--speaker", "weber", "--json"]).stdout
    )
    assert {r["speaker_canonical"] for r in by_speaker} == {"Jonas Weber"}
    bad = runner.invoke(app, ["claims", "--db", str(db), "--sourcing", "secret"])
    assert bad.exit_code == 2
    story = runner.invoke(app, ["claims", "--db", str(db), "--story", "story-x"])
    assert story.exit_code == 0 and "ignored" in story.output


PIECES = [
    "said",
    "told",
    "according to",
    "\u201c",
    "\u201d",
    "\u2018",
    "\u2019",
    '"',
    "'",
    ",",
    ".",
    "\n",
    "\n\n",
    "The minister",
    "she",
    "a source",
    "Reuters",
    "denied that",
    "the plan",
    "would fail",
    " ",
    "\u2014",
    "WALLACE:",
    "(AP) -",
    "reportedly",
    "Mr. Ode",
    "who spoke on condition of anonymity",
]


@settings(max_examples=30, deadline=None)
@given(st.lists(st.sampled_from(PIECES) | st.text(max_size=8), max_size=30))
def test_any_text_yields_claims_or_notes_never_a_crash(parts: list[str]) -> None:
    text = " ".join(parts)
    article = _article(text, "fuzz")
    result = extract_claims([article], segment_all([article]), ClaimsSettings())
    for claim in result.claims:
        assert 0 <= claim.content_start <= claim.content_end <= len(text)
        assert text[claim.content_start : claim.content_end] == claim.content
    assert not any("skipped" in note.reason for note in result.notes), result.notes


def test_results_do_not_depend_on_batch_order() -> None:
    texts = [case["text"] for case in CASES[:8]]
    articles = [_article(text, f"o{i}") for i, text in enumerate(texts)]
    forward = extract_claims(articles, segment_all(articles), ClaimsSettings()).claims
    backward = extract_claims(articles[::-1], segment_all(articles), ClaimsSettings()).claims
    assert sorted(forward, key=lambda c: c.claim_id) == sorted(backward, key=lambda c: c.claim_id)


def test_two_processes_give_the_same_claims_as_one() -> None:
    articles = [_article(case["text"], f"p{i}") for i, case in enumerate(CASES[:6])]
    sentences = segment_all(articles)
    serial = extract_claims(articles, sentences, ClaimsSettings(processes=1)).claims
    parallel = extract_claims(
        articles, sentences, ClaimsSettings(processes=2, parallel_min_articles=2)
    ).claims
    assert parallel == serial and serial


def test_stance_mode_adds_learned_cue_forms() -> None:
    """Verb forms learned from PolNeAR train ("railed", "pleaded") are cues only with stance_cues."""
    text = "The mayor railed against the new parking rules at the council meeting on Monday."
    article = _article(text)
    sentences = segment_all([article])
    plain = extract_claims([article], sentences, ClaimsSettings(include_unsourced=False)).claims
    broad = extract_claims([article], sentences, ClaimsSettings(include_unsourced=False, stance_cues=True))
    assert not [c for c in plain if c.cue == "railed"]
    claim = next(c for c in broad.claims if c.cue == "railed")
    assert text[claim.speaker_start : claim.speaker_end] == "The mayor"
    assert "parking rules" in text[claim.content_start : claim.content_end]


def test_span_tagger_keeps_plain_rule_claims() -> None:
    """With [claims] span_model the rule claims stay (none here is nested); the tagger's cues come on top."""
    from wiretrace.claims.span_model import tag_articles

    text = (
        "The council voted on Tuesday to close the old library, the mayor said. "
        "Residents have pushed back hard against the plan for months.\n"
        "The union made a case for keeping the branch open, arguing that pupils depend on it."
    )
    article = _article(text)
    sentences = segment_all([article])
    plain = extract_claims([article], sentences, ClaimsSettings(include_unsourced=False)).claims
    tagged = extract_claims(
        [article], sentences, ClaimsSettings(include_unsourced=False, span_model=True)
    ).claims
    assert {c.claim_id for c in plain} <= {c.claim_id for c in tagged}
    spans = tag_articles([text])[0]
    assert spans and {s.label for s in spans} <= {"SOURCE", "CUE", "CONTENT"}
    assert all(0 <= s.start < s.end <= len(text) for s in spans)


def test_span_drafts_from_tagged_spans() -> None:
    """Tagged cue, source and content become a draft; a relative pronoun source takes the name before it."""
    from wiretrace.claims.lexicon import load_lexicon
    from wiretrace.claims.span_model import TaggedSpan, span_drafts

    text = "The plan stalled. The Harbour Gazette, which has portrayed the vote as a rout, kept quiet."
    article = _article(text)
    sentences = segment_all([article])[article.article_id]

    def at(label: str, words: str) -> TaggedSpan:
        start = text.index(words)
        return TaggedSpan(label, start, start + len(words))

    spans = [at("SOURCE", "which"), at("CUE", "has portrayed"), at("CONTENT", "the vote as a rout")]
    drafts = span_drafts(text, sentences, spans, [], load_lexicon())
    assert len(drafts) == 1
    draft = drafts[0]
    assert draft.speaker is not None and draft.speaker.text == "The Harbour Gazette"
    assert text[draft.content_start : draft.content_end] == "the vote as a rout"
    # a cue the rules already have is not repeated
    assert span_drafts(text, sentences, spans, drafts, load_lexicon()) == []


def test_span_tagger_vetoes_only_untagged_nested_reports() -> None:
    """A report inside another claim's content goes when the tagger marks neither its cue nor its
    source; the outer claim, and a nested report the tagger confirms, stay."""
    from wiretrace.claims.attribution import Draft
    from wiretrace.claims.grammar import SpeakerInfo
    from wiretrace.claims.span_model import TaggedSpan, without_untagged_nested

    text = "The mayor said she asked for the interview."

    def at(words: str) -> tuple[int, int]:
        start = text.index(words)
        return start, start + len(words)

    def draft(speaker: str, cue: str, content: str) -> Draft:
        (s_start, s_end), (c_start, c_end), (t_start, t_end) = at(speaker), at(cue), at(content)
        who = SpeakerInfo(s_start, s_end, speaker, speaker.split()[-1], False, "", False, (), False)
        return Draft(0, c_start, c_end, cue, "assert", who, t_start, t_end)

    outer = draft("The mayor", "said", "she asked for the interview")
    inner = draft("she", "asked", "for the interview")
    tagged = [TaggedSpan("SOURCE", *at("The mayor")), TaggedSpan("CUE", *at("said"))]
    assert without_untagged_nested([outer, inner], tagged) == [outer]
    assert without_untagged_nested([outer, inner], [*tagged, TaggedSpan("CUE", *at("asked"))]) == [
        outer,
        inner,
    ]
    assert without_untagged_nested([inner], tagged) == [inner]  # nothing around it: not nested


def test_parse_speaker_of_a_tagged_cue() -> None:
    """A cue the tagger marks without a source takes the parse's subject (a noun's possessor),
    unless that is 'it'."""
    from wiretrace.claims.grammar import parse_speaker
    from wiretrace.claims.stage import load_model

    nlp = load_model(ClaimsSettings().model, ClaimsSettings().exclude_components)

    def speaker(text: str, cue: str) -> str | None:
        start = text.index(cue)
        found = parse_speaker(nlp(text), 0, start, start + len(cue))
        return None if found is None else found.text

    noted = "Local critics have in particular noted the cost of the new bridge."
    assert speaker(noted, "have in particular noted") == "Local critics"
    assert speaker("It seemed to expand the company's reach.", "seemed") is None
    assert speaker("Riders welcomed his criticism of the timetable.", "criticism") == "his"


def test_span_draft_leaves_a_reported_content_to_its_claim() -> None:
    """A tagged cue does not take a content another claim already reports."""
    from wiretrace.claims.attribution import Draft
    from wiretrace.claims.lexicon import load_lexicon
    from wiretrace.claims.span_model import TaggedSpan, span_drafts

    text = "The mayor said the plan was sound and officials agreed with it on Monday evening."
    sentences = segment_all([_article(text)])["a1"]

    def at(label: str, words: str) -> TaggedSpan:
        start = text.index(words)
        return TaggedSpan(label, start, start + len(words))

    plan, said = at("CONTENT", "the plan was sound"), at("CUE", "said")
    rule = Draft(0, said.start, said.end, "said", "assert", None, plan.start, plan.end)
    spans = [at("SOURCE", "officials"), at("CUE", "agreed"), plan]
    (draft,) = span_drafts(text, sentences, spans, [rule], load_lexicon())
    assert text[draft.content_start : draft.content_end] == "with it on Monday evening"


def test_span_tagger_skips_overlong_lines() -> None:
    """A line of two million characters (no line breaks) is left out, not a crash of the batch."""
    from wiretrace.claims.span_model import tag_articles

    long_line = "word " * 400_000
    text = "The mayor said the plan would fail.\n" + long_line
    spans = tag_articles([text], max_chars=20_000)[0]
    assert all(s.end <= len("The mayor said the plan would fail.") for s in spans)
    article = _article(text)
    result = extract_claims([article], segment_all([article]), ClaimsSettings(span_model=True))
    assert [c.cue for c in result.claims if c.sourcing != "none"] == ["said"]


def test_topic_headlines_and_things_concluding_are_not_claims() -> None:
    """'Team: Why ...' headlines name a topic; an event that 'concludes' or people 'released' say nothing."""
    text = (
        "Harbour Lions: Why the season fell apart so quickly\n\n"
        "The training camp will officially conclude with a friendly against the visitors on Sunday.\n\n"
        "The two crew members were released from hospital on Monday.\n\n"
        "The inquiry concluded that the crane had been poorly maintained."
    )
    claims, _ = _claims(text)
    sourced = [(c.speaker, c.cue) for c in claims if c.sourcing != "none"]
    assert sourced == [("The inquiry", "concluded")]


def test_an_anonymity_phrase_is_not_a_report() -> None:
    claims, _ = _claims(
        "A driver for the firm, who asked not to be named, told the newspaper that shifts had been cut."
    )
    assert [c.cue for c in claims if c.sourcing != "none"] == ["told"]


def test_an_outlet_report_around_a_claim_is_not_a_claim_of_its_own() -> None:
    claims, _ = _claims("The council said the bridge was safe, the Harbour Ledger reported.")
    assert [(c.speaker_canonical, c.via_outlet) for c in claims] == [("council", "Harbour Ledger")]


def test_a_cited_source_speaks_through_the_outlet() -> None:
    claims, _ = _claims(
        "The Harbour Ledger reported on Tuesday that the mill would close, citing two managers."
    )
    assert [(c.speaker, c.via_outlet, c.content) for c in claims] == [
        ("two managers", "Harbour Ledger", "that the mill would close")
    ]


def test_a_caveat_with_no_source_is_not_a_claim() -> None:
    claims, _ = _claims("The group's account of the night could not be independently verified.")
    assert [c.cue for c in claims if c.cue] == []

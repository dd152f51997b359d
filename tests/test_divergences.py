"""Divergences between versions of one story, on small invented stories."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from record_factory import article, make

from wiretrace.divergences.stage import DivergenceInput, find_divergences
from wiretrace.ingest import segment
from wiretrace.records import Pair, Story


def _run(
    texts: dict[str, str],
    dates: dict[str, str] | None = None,
    kinds: dict[tuple[str, str], str] | None = None,
    storylines: dict[str, str] | None = None,
):
    """Each article its own version of one story unless ``storylines`` splits them into stories."""
    articles = [article(aid, text, f"Outlet {aid}", (dates or {}).get(aid)) for aid, text in texts.items()]
    sentences = [s for a in articles for s in segment.segment(a)]
    if storylines:
        stories = [
            make(Story, story_id=f"s-{aid}", article_ids=(aid,), storyline_id=line)
            for aid, line in storylines.items()
        ]
    else:
        stories = [make(Story, story_id="s1", article_ids=tuple(texts), likely_original=next(iter(texts)))]
    pairs = [make(Pair, article_a=a, article_b=b, kind=k) for (a, b), k in (kinds or {}).items()]
    result = find_divergences(DivergenceInput(articles, sentences, stories, pairs))
    return {a.article_id: a.text for a in articles}, result.divergences


def _check_spans(texts, divergences):
    for d in divergences:
        if d.start_a >= 0:
            assert texts[d.article_a][d.start_a : d.end_a] == d.text_a
        assert texts[d.article_b][d.start_b : d.end_b] == d.text_b


def test_different_counts_of_the_same_thing_are_a_number_divergence():
    texts, found = _run(
        {
            "a": "Twelve dock workers were taken to hospital after the barge hit the pier, officials said.",
            "b": "Fourteen dock workers were taken to hospital after the barge hit the pier, officials said.",
        }
    )
    numbers = [d for d in found if d.kind == "number"]
    assert [(d.value_a, d.value_b) for d in numbers] == [("12", "14")]
    _check_spans(texts, found)


def test_same_numbers_written_differently_are_not_divergences():
    _, found = _run(
        {
            "a": "About 1,200 residents left the town and 12 workers were treated, the mayor said Friday.",
            "b": "About 1200 residents left the town and twelve workers were treated, the mayor said Friday.",
        }
    )
    assert [d for d in found if d.kind in ("number", "date")] == []


def test_relative_dates_are_resolved_against_publication_dates():
    texts, found = _run(
        {
            "a": "The bridge collapsed on Tuesday after days of heavy rain in the valley, engineers said.",
            "b": "The bridge collapsed on Monday after days of heavy rain in the valley, engineers said.",
            "c": "The bridge collapsed yesterday after days of heavy rain in the valley, engineers said.",
        },
        dates={"a": "2026-03-04", "b": "2026-03-04", "c": "2026-03-04"},  # a Wednesday
    )
    dates = {(d.article_a, d.article_b): (d.value_a, d.value_b) for d in found if d.kind == "date"}
    assert dates[("a", "b")] == ("2026-03-03", "2026-03-02")
    assert ("a", "c") not in dates  # "on Tuesday" and "yesterday" are the same day here
    _check_spans(texts, found)


def test_acronym_expanded_two_ways_is_a_designation_divergence():
    texts, found = _run(
        {
            "a": "Engineers of the NRT (National Rescue Team) reached the mine at dawn.",
            "b": "Engineers of the NRTU (naval reconnaissance unit) reached the mine at dawn.",
        }
    )
    designations = [d for d in found if d.kind == "designation"]
    assert len(designations) == 1
    assert designations[0].value_a == "NRT = National Rescue Team"
    assert designations[0].value_b == "NRTU = naval reconnaissance unit"
    _check_spans(texts, found)


def test_loaded_framing_is_reported_per_article_and_unrelated_verbs_are_not():
    texts, found = _run(
        {
            "a": "Government troops captured Velmora after a week of fighting. Prices fell in the capital.",
            "b": "Government troops liberated Velmora after a week of fighting near Velmora and Dastok.",
            "c": "Government troops captured Velmora after a week of fighting near the river Velmora.",
        }
    )
    framing = [d for d in found if d.kind == "framing"]
    assert [(d.article_a, d.value_a, d.article_b, d.value_b) for d in framing] == [
        ("a", "capture", "b", "liberation")
    ]
    _check_spans(texts, found)


def test_transliterations_are_variants_not_conflicts_and_related_words_are_neither():
    texts, found = _run(
        {
            "a": "Shells hit Zhitomir and nearby Zolochev, the Russian side said. Russia agreed.",
            "b": "Shells hit Zhytomyr and nearby Zolochiv, the Russian side said. Russia agreed.",
        }
    )
    variants = {(d.value_a, d.value_b) for d in found if d.kind == "name_variant"}
    assert variants == {("Zhitomir", "Zhytomyr"), ("Zolochev", "Zolochiv")}
    assert all(not d.conflict for d in found if d.kind == "name_variant")
    _check_spans(texts, found)


def test_different_units_credited_with_one_capture_across_a_storyline():
    texts, found = _run(
        {
            "a": "In a statement, the 14th Mountain Brigade has captured Velmora, the defence ministry said.",
            "b": "Officials said that the ‘Falcon’ battalion had fully liberated Velmora on Sunday.",
            "c": "Commanders said government forces took Velmora after heavy fighting on Sunday.",
        },
        storylines={"a": "line", "b": "line", "c": "line"},
    )
    actors = [d for d in found if d.kind == "actor"]
    assert len(actors) == 1  # "government forces" is generic, so it contradicts nobody
    assert {actors[0].text_a, actors[0].text_b} == {"the 14th Mountain Brigade", "the ‘Falcon’ battalion"}
    _check_spans(texts, found)


def test_unsourced_sentence_added_by_a_rewrite_is_reported_and_filler_is_not():
    original = (
        "A fire broke out at the Ostrava chemical plant on Monday, the fire service said. "
        "Forty firefighters fought the blaze for six hours."
    )
    rewrite = (
        "A fire broke out at the Ostrava chemical plant on Monday, the fire service said. "
        "Forty firefighters fought the blaze for six hours. "
        "It is the fourth fire at the Ostrava plant since 2019 and locals fear the next one. "
        "The plant's owner said production would resume next week after inspections. "
        "Stay with Outlet b for more breaking news as the story develops in Ostrava."
    )
    texts, found = _run({"a": original, "b": rewrite}, kinds={("a", "b"): "rewrite"})
    additions = [d for d in found if d.kind == "unsourced_addition"]
    assert [d.text_b for d in additions] == [
        "It is the fourth fire at the Ostrava plant since 2019 and locals fear the next one."
    ]
    assert additions[0].start_a == -1 and additions[0].article_a == "a"
    _check_spans(texts, found)


def test_no_story_no_divergence():
    articles = [article("a", "One article alone says 12 people died on Monday.")]
    result = find_divergences(DivergenceInput(articles, list(segment.segment(articles[0])), []))
    assert result.divergences == []


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=0, max_size=300),
        min_size=2,
        max_size=3,
    )
)
def test_any_text_gives_divergences_with_valid_spans_or_none(texts_list):
    texts = {f"x{i}": text for i, text in enumerate(texts_list)}
    kinds = {("x0", "x1"): "rewrite"}
    texts_by_id, found = _run(texts, dates={"x0": "2026-01-05", "x1": "not a date"}, kinds=kinds)
    _check_spans(texts_by_id, found)


def test_reordering_articles_does_not_change_divergences():
    texts = {
        "a": "Twelve dock workers went to hospital on Tuesday, officials said. FRS crews built a wall.",
        "b": "Fourteen dock workers went to hospital on Monday, officials said. FRS crews built a wall.",
    }
    _, forward = _run(texts, dates={"a": "2026-03-04", "b": "2026-03-04"}, kinds={("a", "b"): "rewrite"})
    _, backward = _run(
        dict(reversed(list(texts.items()))),
        dates={"a": "2026-03-04", "b": "2026-03-04"},
        kinds={("a", "b"): "rewrite"},
    )
    assert {(d.kind, d.value_a, d.value_b) for d in forward} == {
        (d.kind, d.value_a, d.value_b) for d in backward
    }


def test_days_ago_is_resolved_like_any_relative_date():
    _, found = _run(
        {
            "a": "The convoy was attacked two days ago near the border crossing, officials said.",
            "b": "The convoy was attacked on Monday near the border crossing, officials said.",
        },
        dates={"a": "2026-03-04", "b": "2026-03-04"},  # Wednesday: two days ago is Monday
    )
    assert [d for d in found if d.kind == "date"] == []


def test_a_count_restated_in_a_paraphrased_sentence_is_a_number_divergence():
    texts, found = _run(
        {
            "a": "A levee on the Varna canal gave way on Sunday, flooding three farms, the district said. "
            "Rescuers said two fishermen were missing and 9 had been rescued.",
            "b": "Whole streets were under water after the canal burst, reportedly flooding five farms. "
            "At least four fishermen are still missing, according to the coastguard.",
        },
        kinds={("a", "b"): "same_event"},
    )
    numbers = sorted((d.value_a, d.value_b) for d in found if d.kind == "number")
    assert numbers == [("2", "4"), ("3", "5")]
    _check_spans(texts, found)


def test_two_counts_each_version_states_are_not_a_divergence():
    # both versions give the first crews and the total: "seven" against "35" is two facts
    _, found = _run(
        {
            "a": "Seven fire crews were sent to the depot at dawn. "
            "In all 35 fire crews are on the scene, he said.",
            "b": "By noon 35 fire crews were at the depot, officials said. "
            "The first 7 fire crews arrived at dawn.",
        },
        kinds={("a", "b"): "same_event"},
    )
    assert [d for d in found if d.kind == "number"] == []

"""Behaviour of the story stage: copies, alignment, stable ids, order independence, bad input."""

from __future__ import annotations

import dataclasses
import functools
import socket
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_stories_quality import load_corpus  # noqa: I001 - tests folder is on sys.path

from wiretrace.config import StoriesSettings
from wiretrace.ingest import segment
from wiretrace.records import Alignment, Article, Pair
from wiretrace.store import Store
from wiretrace.stories import align, embeddings, fingerprint
from wiretrace.stories.features import Features
from wiretrace.stories.stage import build_stories, story_order, stream_stories

WIRE = (
    "The city council of Tampere approved a plan on Tuesday to build a new bridge across the rapids. "
    "The bridge will cost 38 million euros and open in 2027, the council said. "
    "Cyclists and pedestrians will use the upper deck, while trams will cross below. "
    "Opposition councillors said the money should go to schools instead."
)


def article(article_id: str, text: str, published: str | None = None, outlet: str | None = None) -> Article:
    return Article(article_id, text, None, None, outlet, None, published, "test", None, "txt")


def run(articles: list[Article]):  # type: ignore[no-untyped-def]
    return build_stories(articles, segment.segment_all(articles), StoriesSettings())


def test_copies_survive_case_spacing_and_quote_style() -> None:
    texts = [
        "He said \u2018the plan is final\u2019 and left the room at noon today.",
        "HE SAID 'the plan is final'   and left the room at noon today!",
        "Rain is expected across the north of the country on Sunday night.",
    ]
    found = fingerprint.near_duplicates(texts)
    assert list(zip(found.left.tolist(), found.right.tolist(), found.exact.tolist(), strict=True)) == [
        (0, 1, True)
    ]


def test_near_copy_has_high_jaccard_and_unrelated_texts_do_not_pair() -> None:
    edited = WIRE.replace("on Tuesday", "late on Tuesday").replace("38 million euros", "EUR 38 million")
    other = "A storm knocked out power to thousands of homes along the coast overnight, the utility said."
    found = fingerprint.near_duplicates([WIRE, edited, other])
    assert found.left.tolist() == [0] and found.right.tolist() == [1]
    assert not found.exact[0] and found.jaccard[0] >= 0.5


def test_lsh_caps_huge_buckets_without_losing_copies() -> None:
    texts = [WIRE] * 200 + ["Completely different words about a football match in the rain."]
    options = fingerprint.FingerprintOptions(max_bucket=16)
    found = fingerprint.near_duplicates(texts, options)
    members = set(found.left.tolist()) | set(found.right.tolist())
    assert members == set(range(200))  # every copy is linked, the odd text is not
    assert found.exact.all()


def test_embeddings_load_offline_from_the_package_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("the embeddings tried to use the network")

    monkeypatch.setattr(socket, "create_connection", no_network)
    weights, tokenizer = embeddings.package_files()
    assert "wordllama" in weights.parts and weights.exists() and tokenizer.exists()
    assert embeddings.load_model() is embeddings.load_model()  # loaded once per process
    vectors = embeddings.embed(
        ["Troops entered the town.", "Soldiers moved into the city.", "", "Bake the bread."]
    )
    assert vectors.shape == (4, embeddings.load_model().table.shape[1])
    assert np.allclose(np.linalg.norm(vectors[[0, 1, 3]], axis=1), 1.0, atol=1e-5)
    assert not vectors[2].any()
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[3]


def test_alignment_pairs_paraphrases_and_lists_unique_sentences() -> None:
    a = [
        "The council approved the bridge plan on Tuesday.",
        "It will cost 38 million euros.",
        "Opposition councillors wanted the money for schools.",
    ]
    b = [
        "A price of 38 million euros was given for the project.",
        "On Tuesday the council gave its approval to the bridge plan.",
        "The mayor will travel to Berlin next week for a trade fair.",
    ]
    left, right = align.sentence_matrix("a", a), align.sentence_matrix("b", b)
    weights = align.TermWeights(*align.document_frequencies([left.terms, right.terms]))
    result = align.align(left, right, weights, align.AlignOptions())
    assert {(i, j) for i, j, _ in result.matches} == {(0, 1), (1, 0)}
    assert result.unique_a == (2,) and result.unique_b == (2,)
    assert result.aligned_fraction == pytest.approx(2 / 3)


def test_story_ids_stay_stable_when_later_articles_arrive() -> None:
    articles, _ = load_corpus()
    # the store grows over time: articles published later (or undated) arrive in a later run
    first_days = [a for a in articles if a.published and a.published < "2024-05-01"]
    before = {s.story_id: set(s.article_ids) for s in run(first_days).stories}
    after = {s.story_id: set(s.article_ids) for s in run(articles).stories}
    for story_id, members in before.items():
        assert story_id in after and members <= after[story_id]


def test_every_pair_of_a_story_is_aligned_and_labelled() -> None:
    articles, _ = load_corpus()
    result = run(articles[:12])
    aligned = {(a.article_a, a.article_b) for a in result.alignments}
    kinds = {"copy", "near_copy", "rewrite", "same_event"}
    assert all(p.kind in kinds and p.article_a < p.article_b for p in result.pairs)
    for story in result.stories:
        ids = sorted(story.article_ids)
        for x, a in enumerate(ids):
            for b in ids[x + 1 :]:
                assert (a, b) in aligned
        assert story.size == len(story.article_ids)
        assert story.likely_original in story.article_ids
        assert story.original_ranking[0] == story.likely_original


def test_bad_articles_do_not_break_the_batch() -> None:
    articles = [
        article("empty", ""),
        article("spaces", "   \n\n  "),
        article("symbols", "\u2014 \u2019 ... !!! ???"),
        article("surrogate", "broken \ud800 text with a lone surrogate in it"),
        article("tiny", "Yes."),
        article("bad-date", WIRE, published="not a date"),
        article("good", WIRE, published="2024-01-02"),
    ]
    result = run(articles)
    assert sorted(a for s in result.stories for a in s.article_ids) == sorted(a.article_id for a in articles)
    copies = [p for p in result.pairs if p.kind == "copy"]
    assert [(p.article_a, p.article_b) for p in copies] == [("bad-date", "good")]


_SAMPLE = load_corpus()[0][:14]


@functools.cache
def _reference():  # type: ignore[no-untyped-def]
    return run(_SAMPLE)


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.permutations(_SAMPLE))
def test_results_do_not_depend_on_input_order(shuffled: list[Article]) -> None:
    result, reference = run(list(shuffled)), _reference()
    assert result.stories == reference.stories
    assert result.pairs == reference.pairs
    assert sorted(result.alignments, key=dataclasses.astuple) == sorted(
        reference.alignments, key=dataclasses.astuple
    )
    assert result.storylines == reference.storylines


def test_small_batches_and_groups_give_the_same_records() -> None:
    """The stage reads the corpus in batches and assembles stories in groups: sizes change nothing."""
    articles = load_corpus()[0]
    sentences = segment.segment_all(articles)
    reference = build_stories(articles, sentences, StoriesSettings())
    ordered = story_order(articles)
    by_id = {a.article_id: a for a in ordered}
    written: list[tuple[list[Pair], list[Alignment]]] = []
    result = stream_stories(
        ((ordered[i : i + 3], sentences) for i in range(0, len(ordered), 3)),
        lambda ids: [by_id[i] for i in ids],
        StoriesSettings(),
        lambda pairs, alignments: written.append((pairs, alignments)),
        chunk_articles=2,
    )
    assert len(written) > 3 and len({p.story_id for p in reference.pairs}) > 1
    found = sorted((p for pairs, _ in written for p in pairs), key=lambda p: (p.article_a, p.article_b))
    assert found == reference.pairs
    assert [a for _, alignments in written for a in alignments] == reference.alignments
    assert (result.stories, result.storylines) == (reference.stories, reference.storylines)


def test_spilled_features_rebuild_what_the_sentences_give() -> None:
    articles = story_order(load_corpus()[0][:6])
    sentences = segment.segment_all(articles)
    with Features() as features:
        features.add(articles[:4], sentences)
        features.add(articles[4:], sentences)
        features.finish()
        for index, one in enumerate(articles):
            texts = [s.text for s in sentences[one.article_id]]
            doc = features.doc(index)
            assert doc.article_id == one.article_id
            assert doc.matrix.terms == tuple(align.content_terms(t) for t in texts)
            assert np.allclose(doc.matrix.vectors, embeddings.embed(texts), atol=1e-6)
            assert abs(float(doc.lexicon_values @ doc.lexicon_values) - 1.0) < 1e-9
        assert features.idf.min() >= 0 and len(features.entities.words) == features.idf.size


def test_analyze_writes_stories_to_the_store(tmp_path: Path) -> None:
    from wiretrace.config import Settings
    from wiretrace.engine.pipeline import analyze
    from wiretrace.records import Pair, Story

    articles, _ = load_corpus()
    with Store(tmp_path / "w.duckdb") as store:
        store.insert_new(Article, articles[:8])
        summary = analyze(store, Settings())
        stories = store.load(Story)
        pairs = store.load(Pair)
    assert summary.counts["stories"] == len(stories) and stories
    assert {a for s in stories for a in s.article_ids} == {a.article_id for a in articles[:8]}
    assert pairs and all(p.story_id in {s.story_id for s in stories} for p in pairs)


def test_a_generic_round_up_does_not_chain_two_stories() -> None:
    """A digest quoting two unrelated stories may join one of them, never merge them."""
    articles, labels = load_corpus()
    by_id = {a.article_id: a for a in articles}
    digest_text = " ".join(
        [by_id["e4-wire"].text.split("\n")[0], by_id["e6-wire"].text.split("\n")[0]]
        + [by_id["e4-wire"].text.split("\n")[2], by_id["e6-wire"].text.split("\n")[1]]
    )
    digest = article("digest", digest_text, published="2024-10-07T18:00:00+00:00", outlet="Weekly Roundup")
    chosen = [a for a in articles if labels[a.article_id]["story"] in ("E4", "E6")]
    result = run([*chosen, digest])
    for story in result.stories:
        events = {labels[a]["story"] for a in story.article_ids if a in labels}
        assert len(events) <= 1, story.article_ids


def test_the_credited_agency_ranks_first_without_dates() -> None:
    """Credit lines name the original through the source registry's aliases."""
    rewrite = (
        "Tampere's council on Tuesday backed a plan for a new bridge over the rapids, "
        "according to the Associated Press. "
        "The council said the bridge would cost 38 million euros and open in 2027. "
        "Trams will run on the lower deck and cyclists and pedestrians on the upper one. "
        "Opposition councillors argued the money should be spent on schools."
    )
    copy = (
        WIRE.replace("on Tuesday", "on Tuesday evening")
        + "\nThe Associated Press contributed to this report."
    )
    articles = [
        article("rewrite", rewrite, outlet="Daily Digest"),
        article("copy", copy, outlet="City Paper"),
        article("wire", WIRE, outlet="AP"),
    ]
    (story,) = run(articles).stories
    assert story.likely_original == "wire"
    assert any("credited" in reason for reason in story.original_reasons)

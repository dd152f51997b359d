"""Quality gate for divergences: planted divergences in tests/data/divergences, and the seeds' gold.

Floors go up, never silently down. Figures at the time of writing are in docs/decisions.md.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from record_factory import article, make

from wiretrace.divergences.stage import DivergenceInput, find_divergences
from wiretrace.ingest import segment
from wiretrace.records import Divergence, Pair, Story

CORPUS = Path(__file__).parent / "data" / "divergences"
SHARED = (Path(__file__).resolve().parents[1] / ".." / "shared").resolve()

PRECISION_FLOOR = 0.9  # the issue asks for 0.75 (one wrong in four); measured 1.0
RECALL_FLOOR = 0.9  # measured 1.0 (13 of 13 planted)


def _read(path: Path):
    """An article from a .txt file with ``KEY: value`` header lines, id = file stem."""
    header, _, body = path.read_text(encoding="utf-8").partition("\n\n")
    fields = dict(line.split(": ", 1) for line in header.splitlines())
    return article(path.stem, body.strip() + "\n", fields.get("OUTLET"), fields.get("DATE"))


def _matches(planted: dict, found: Divergence) -> bool:
    if planted["kind"] != found.kind:
        return False
    first, second = planted["sides"]
    for side_a, side_b in ((first, second), (second, first)):
        if found.article_a in side_a and found.article_b in side_b:
            want_a, want_b = side_a[found.article_a], side_b[found.article_b]
            if want_a.casefold() in (found.text_a + " " + found.value_a).casefold() and (
                want_b.casefold() in (found.text_b + " " + found.value_b).casefold()
            ):
                return True
    return False


@pytest.fixture(scope="module")
def planted_run():
    gold = json.loads((CORPUS / "gold.json").read_text(encoding="utf-8"))
    articles = [_read(p) for p in sorted(CORPUS.glob("*.txt"))]
    sentences = [s for a in articles for s in segment.segment(a)]
    stories = [
        make(Story, story_id=name, article_ids=tuple(spec["articles"]), likely_original=spec["original"])
        for name, spec in gold["stories"].items()
    ]
    pairs = [make(Pair, article_a=a, article_b=b, kind=kind) for a, b, kind in gold["pairs"]]
    result = find_divergences(DivergenceInput(articles, sentences, stories, pairs))
    return gold["divergences"], result.divergences


def test_planted_divergences_precision_and_recall(planted_run):
    planted, found = planted_run
    right = [d for d in found if any(_matches(p, d) for p in planted)]
    wrong = [(d.kind, d.article_a, d.text_a, d.article_b, d.text_b) for d in found if d not in right]
    recalled = [p["id"] for p in planted if any(_matches(p, d) for d in found)]
    precision = len(right) / len(found) if found else 0.0
    recall = len(recalled) / len(planted)
    missed = sorted({p["id"] for p in planted} - set(recalled))
    assert precision >= PRECISION_FLOOR, f"precision {precision:.2f}; wrong: {wrong}"
    assert recall >= RECALL_FLOOR, f"recall {recall:.2f}; missed: {missed}"


def test_variants_are_never_reported_as_conflicts(planted_run):
    _, found = planted_run
    assert all(not d.conflict for d in found if d.kind == "name_variant")
    assert all(d.conflict for d in found if d.kind != "name_variant")


@pytest.fixture(scope="module")
def seeds_run():
    seeds = SHARED / "corpus" / "seeds"
    if not seeds.is_dir():
        pytest.skip(f"shared data not found at {seeds} (CI places ../shared beside the checkout)")
    from wiretrace.config import Settings
    from wiretrace.engine import pipeline

    gold = json.loads((SHARED / "gold" / "seeds.json").read_text(encoding="utf-8"))
    articles = []
    key_of = {}
    for key, name in gold["articles"].items():
        text = (seeds / name).read_text(encoding="utf-8")
        one = article(f"seed-{key}", text)
        articles.append(one)
        key_of[one.article_id] = key
    settings = Settings()
    outputs = pipeline.article_stages(articles, settings)
    outputs.update(pipeline.corpus_stages(articles, outputs, settings))
    if not any(len(s.article_ids) > 1 for s in outputs.get(Story, [])):
        pytest.skip(
            "the stories stage produced no multi-article story (not wired yet?): seeds gold not scored"
        )
    return gold, key_of, outputs[Divergence]


def test_all_four_seed_gold_divergences_are_found(seeds_run):
    gold, key_of, found = seeds_run
    by_id = {g["id"]: g for g in gold["divergences"]}

    def keyed(d: Divergence) -> tuple[str, str]:
        return key_of.get(d.article_a, ""), key_of.get(d.article_b, "")

    expansion = by_id["kontora-unit-expansion"]["values"]
    assert any(
        d.kind == "designation"
        and {keyed(d)[0]: d.value_a, keyed(d)[1]: d.value_b}.keys() == expansion.keys()
        and all(
            expansion[k].split(" (")[0] in v and expansion[k].split("(")[1].rstrip(")") in v
            for k, v in {keyed(d)[0]: d.value_a, keyed(d)[1]: d.value_b}.items()
        )
        for d in found
    ), "the two expansions of the drone-unit acronym"
    actors = by_id["who-took-kupyansk"]["values"]
    assert any(
        d.kind == "actor"
        and set(keyed(d)) == set(actors)
        and all(actors[k].strip("‘’") in t for k, t in zip(keyed(d), (d.text_a, d.text_b), strict=True))
        for d in found
    ), "who is credited with taking the city"
    stems = {k: v[:6].casefold() for k, v in by_id["captured-vs-liberated"]["values"].items()}
    assert any(
        d.kind == "framing"
        and all(k in stems for k in keyed(d))
        and stems[keyed(d)[0]] != stems[keyed(d)[1]]
        and stems[keyed(d)[0]] in d.text_a.casefold()
        and stems[keyed(d)[1]] in d.text_b.casefold()
        for d in found
    ), "capture vs liberation framing"
    spellings = set(by_id["uzlovaya-spelling"]["values"]["004"])
    assert any(
        d.kind == "name_variant" and not d.conflict and {d.value_a, d.value_b} == spellings for d in found
    ), "the two spellings of one place, as a variant"


def test_input_order_does_not_change_what_is_reported(planted_run):
    _, found = planted_run
    gold = json.loads((CORPUS / "gold.json").read_text(encoding="utf-8"))
    articles = [_read(p) for p in sorted(CORPUS.glob("*.txt"), reverse=True)]
    sentences = [s for a in articles for s in segment.segment(a)][::-1]
    stories = [
        make(Story, story_id=name, article_ids=tuple(spec["articles"]), likely_original=spec["original"])
        for name, spec in reversed(gold["stories"].items())
    ]
    pairs = [make(Pair, article_a=a, article_b=b, kind=kind) for a, b, kind in reversed(gold["pairs"])]
    shuffled = find_divergences(DivergenceInput(articles, sentences, stories, pairs)).divergences
    assert shuffled == found

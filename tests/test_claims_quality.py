"""Quality gate for the claims stage on the hand-annotated seeds (floors only go up)."""

from __future__ import annotations

import pytest
from claims_gold import SHARED, score_seeds

# measured 2026-11-23: 27/27 found, speaker 27/27, via 27/27, sourcing 26/27 (floors = measured)
FLOORS = {"found": 1.0, "speaker": 1.0, "via": 1.0, "sourcing": 0.96}

pytestmark = pytest.mark.skipif(
    not (SHARED / "gold" / "seeds.json").exists(), reason="../shared gold missing"
)


def test_claims_quality_gate_on_seeds() -> None:
    score, result = score_seeds()
    report = "\n".join(score.misses)
    assert score.instances >= 20
    assert score.recall >= FLOORS["found"], report
    assert score.share(score.speaker_ok) >= FLOORS["speaker"], report
    assert score.share(score.via_ok) >= FLOORS["via"], report
    assert score.share(score.sourcing_ok) >= FLOORS["sourcing"], report
    # every claim's spans point into its article
    assert all(c.content_start <= c.content_end for c in result.claims)


# overlap F1 on the first 20 dev articles, per mode: default 0.717 / 0.787; span tagger 0.806 /
# 0.876; broad (stance verbs, learned forms and the span tagger) 0.809 / 0.883
POLNEAR_FLOORS = {
    "default": {"Source": 0.71, "Content": 0.78},
    "span": {"Source": 0.80, "Content": 0.87},
    "broad": {"Source": 0.80, "Content": 0.88},
}


@pytest.mark.skipif(not (SHARED / "bench" / "polnear" / "dev").exists(), reason="../shared PolNeAR missing")
@pytest.mark.parametrize("mode", sorted(POLNEAR_FLOORS))
def test_claims_quality_gate_on_polnear_dev_sample(mode: str) -> None:
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    import polnear

    from wiretrace.claims.stage import extract_claims
    from wiretrace.config import ClaimsSettings
    from wiretrace.ingest.segment import segment_all
    from wiretrace.records import Article

    folder = SHARED / "bench" / "polnear" / "dev"
    annotations: dict[str, Path] = {}
    for path in sorted((folder / "attributions").glob("*.ann")):
        annotations.setdefault(path.stem.rsplit("_", 1)[0], path)
    names = sorted(annotations)[:20]
    articles = [
        Article(
            n,
            (folder / "text" / f"{n}.txt").read_text(encoding="utf-8"),
            None,
            None,
            None,
            None,
            None,
            n,
            None,
            "txt",
        )
        for n in names
    ]
    settings = ClaimsSettings(
        include_unsourced=False, stance_cues=mode == "broad", span_model=mode != "default"
    )
    claims = extract_claims(articles, segment_all(articles), settings).claims
    floors = POLNEAR_FLOORS[mode]
    totals = {kind: polnear.Counts() for kind in floors}
    for article in articles:
        gold = polnear.read_gold(annotations[article.article_id])
        mine = [c for c in claims if c.article_id == article.article_id]
        predicted = {
            "Source": [(c.speaker_start, c.speaker_end) for c in mine if c.speaker_start >= 0],
            "Content": [(c.content_start, c.content_end) for c in mine if c.content_start >= 0],
        }
        for kind, counts in totals.items():
            polnear.score_kind(article.text, gold[kind], predicted[kind], counts)
    for kind, floor in floors.items():
        assert totals[kind].prf("overlap")[2] >= floor, (mode, kind, totals[kind].prf("overlap"))

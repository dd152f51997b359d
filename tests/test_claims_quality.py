"""Quality gate for the claims stage on the hand-annotated seeds (floors only go up)."""

from __future__ import annotations

import pytest
from claims_gold import SHARED, score_seeds

# measured 2026-11-22: 27/27 found, speaker 27/27, via 27/27, sourcing 26/27
FLOORS = {"found": 0.96, "speaker": 0.96, "via": 1.0, "sourcing": 0.92}

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

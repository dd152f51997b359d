"""Scoring of extracted claims against the hand-annotated seeds gold (used by the quality gate)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from wiretrace.claims.stage import ClaimsResult, extract_claims
from wiretrace.config import ClaimsSettings
from wiretrace.ingest.segment import segment_all
from wiretrace.records import Article, Claim

SHARED = (Path(__file__).parents[1] / ".." / "shared").resolve()
QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


@dataclass
class GoldScore:
    """Counts over gold claim instances (one per article a gold claim appears in)."""

    instances: int = 0
    found: int = 0
    speaker_ok: int = 0
    via_ok: int = 0
    sourcing_ok: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / self.instances if self.instances else 0.0

    def share(self, count: int) -> float:
        return count / self.found if self.found else 0.0


def _norm(text: str) -> str:
    text = " ".join(text.translate(QUOTES).lower().split())
    for article in ("the ", "a ", "an "):
        if text.startswith(article):
            text = text[len(article) :]
    return text.strip(" ,.")


def load_seed_articles() -> tuple[list[Article], dict]:
    """The seed articles (ids as in the gold: '000'...) and the gold annotation."""
    gold = json.loads((SHARED / "gold" / "seeds.json").read_text(encoding="utf-8"))
    articles = []
    for key, name in sorted(gold["articles"].items()):
        path = SHARED / "corpus" / "seeds" / name
        articles.append(
            Article(
                key, path.read_text(encoding="utf-8"), None, None, None, None, None, str(path), None, "txt"
            )
        )
    return articles, gold


def _pick(
    claims: list[Claim], text: str, sentence_spans: dict[int, tuple[int, int]], anchor: str
) -> Claim | None:
    """The claim that carries ``anchor``: inside its content first, else inside its sentence."""
    at = text.find(anchor)
    if at < 0:
        return None
    end = at + len(anchor)
    sourced = [c for c in claims if c.sourcing != "none"]
    in_content = [c for c in sourced if c.content_start <= at and end <= c.content_end]
    if in_content:
        return min(in_content, key=lambda c: c.content_end - c.content_start)
    for pool in (sourced, claims):
        for claim in pool:
            start, stop = sentence_spans[claim.sentence_index]
            if start <= at and end <= stop:
                return claim
    return None


def score_seeds(settings: ClaimsSettings | None = None) -> tuple[GoldScore, ClaimsResult]:
    """Score the claims stage on the seeds gold."""
    articles, gold = load_seed_articles()
    sentences = segment_all(articles)
    result = extract_claims(articles, sentences, settings or ClaimsSettings())
    by_article: dict[str, list[Claim]] = {}
    for claim in result.claims:
        by_article.setdefault(claim.article_id, []).append(claim)
    texts = {a.article_id: a.text for a in articles}
    score = GoldScore()
    for item in gold["claims"]:
        for key, anchor in item["instances"].items():
            score.instances += 1
            spans = {s.index: (s.start, s.end) for s in sentences[key]}
            claim = _pick(by_article.get(key, []), texts[key], spans, anchor)
            if claim is None:
                score.misses.append(f"{item['id']}@{key}: not found")
                continue
            score.found += 1
            forms = {_norm(f) for f in item["speaker"]}
            said = {_norm(claim.speaker), _norm(claim.speaker_canonical)}
            if said & forms or any(f in _norm(claim.speaker) for f in forms if len(f) > 3):
                score.speaker_ok += 1
            else:
                score.misses.append(
                    f"{item['id']}@{key}: speaker {claim.speaker!r}/{claim.speaker_canonical!r}"
                )
            gold_via = {_norm(v) for v in item["via"]}
            via = "" if claim.via_outlet.startswith("unnamed") else _norm(claim.via_outlet)
            if (not gold_via and not via) or via in gold_via:
                score.via_ok += 1
            else:
                score.misses.append(f"{item['id']}@{key}: via {claim.via_outlet!r} (gold {item['via']})")
            if claim.sourcing == item["sourcing"]:
                score.sourcing_ok += 1
            else:
                score.misses.append(
                    f"{item['id']}@{key}: sourcing {claim.sourcing} (gold {item['sourcing']})"
                )
    return score, result

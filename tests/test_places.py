"""Places: transliteration rules, mention detection, disambiguation and what a user gets back."""

from __future__ import annotations

import json
from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wiretrace.config import PlacesSettings
from wiretrace.ingest import segment
from wiretrace.places.gazetteer import distance_km, get_gazetteer, load_rules, normalize, skeleton, variants
from wiretrace.places.stage import places_geojson, resolve_places
from wiretrace.records import Article


def _article(article_id: str, text: str) -> Article:
    return Article(article_id, text, None, None, None, None, "2024-05-02", f"{article_id}.txt", None, "txt")


def _resolve(*texts: str, settings: PlacesSettings | None = None, story_of: dict[str, str] | None = None):
    articles = [_article(f"a{i}", text) for i, text in enumerate(texts)]
    return resolve_places(articles, segment.segment_all(articles), settings, story_of=story_of)


def _place_of(result, written: str):
    places = {p.place_id: p for p in result.places}
    mention = next(m for m in result.mentions if m.text.startswith(written))
    return mention, places.get(mention.place_id)


def test_russian_and_ukrainian_romanisations_share_one_skeleton() -> None:
    rules = load_rules()
    pairs = [
        ("Chernigov", "Chernihiv"),
        ("Gorlovka", "Horlivka"),
        ("Zhitomir", "Zhytomyr"),
        ("Artemovsk", "Artemivsk"),
        ("Kirovograd", "Kirovohrad"),
        ("Krasnoarmeysk", "Krasnoarmiisk"),
        ("Mar'jinka", "Marinka"),
        ("Dzerzhinsk", "Dzerzhynsk"),
    ]
    for russian, ukrainian in pairs:
        assert skeleton(normalize(russian, rules), rules) == skeleton(normalize(ukrainian, rules), rules), (
            russian,
            ukrainian,
        )
    assert skeleton(normalize("Paris", rules), rules) != skeleton(normalize("Perth", rules), rules)


def test_variants_generate_the_other_romanisation() -> None:
    rules = load_rules()
    assert "ivanivka" in variants("ivanovka", rules)
    assert "ivanovka" in variants("ivanivka", rules)
    assert all(v != "ivanovka" for v in variants("ivanovka", rules))


def test_spelling_never_seen_in_geonames_still_resolves() -> None:
    gaz = get_gazetteer()
    written = "Myrnograd"  # a romanisation GeoNames does not list for this town
    assert not gaz.lookup_exact(gaz.key(written))
    result = _resolve(f"Shelling hit {written} in eastern Ukraine overnight, officials said.")
    mention, place = _place_of(result, written)
    assert place is not None and place.name == "Myrnohrad"
    assert mention.match in ("variant", "skeleton")


def test_common_words_and_person_names_are_not_places() -> None:
    result = _resolve(
        "Police said the Victory Day parade in May was the best in years. "
        "Jordan Peterson and Paris Hilton attended. Mission accomplished, Best said."
    )
    assert [m.text for m in result.mentions] == []


def test_village_found_by_locative_cue_without_the_entity_model() -> None:
    result = _resolve(
        "Troops advanced towards Ivanivka in the Kherson region, the governor said.",
        settings=PlacesSettings(use_ner=False),
    )
    mention, place = _place_of(result, "Ivanivka")
    assert place is not None and place.country_code == "UA"
    assert "cue" in mention.evidence


def test_region_named_in_the_article_decides_between_namesakes() -> None:
    gaz = get_gazetteer()
    many = [r for r in gaz.lookup_exact("ivanivka") if gaz.kinds[r] == "city"]
    assert len({gaz.admin1[r] for r in many}) > 3  # a name shared by villages in many regions
    result = _resolve("Troops advanced towards Ivanivka in the Kherson region, the governor said.")
    region_mention, region = _place_of(result, "Kherson region")
    _, village = _place_of(result, "Ivanivka")
    assert region is not None and region.kind == "admin1"
    assert village is not None and village.admin1_code == region.admin1_code
    assert "region named" in next(m for m in result.mentions if m.text == "Ivanivka").reason


def test_places_resolved_elsewhere_in_the_story_help() -> None:
    texts = (
        "Artillery hit Mykolaivka overnight, local officials said.",
        "Sirens sounded in Sloviansk and Kramatorsk as artillery fire continued.",
    )
    with_story = _resolve(*texts, story_of={"a0": "s1", "a1": "s1"})
    _, village = _place_of(with_story, "Mykolaivka")
    _, city = _place_of(with_story, "Sloviansk")
    assert village is not None and city is not None
    assert distance_km(village.lat, village.lon, city.lat, city.lon) < 50


def test_each_mention_records_candidates_confidence_and_reason() -> None:
    result = _resolve("Lawmakers met in Springfield, the Illinois capital, and later in Chicago.")
    mention, place = _place_of(result, "Springfield")
    assert place is not None and place.admin1_code == "IL"
    assert len(mention.candidates) > 1 and mention.candidates[0].startswith(place.place_id)
    assert 0.0 <= mention.confidence <= 1.0 and mention.reason
    assert mention.status == "resolved"
    text = "Lawmakers met in Springfield, the Illinois capital, and later in Chicago."
    assert text[mention.start : mention.end] == mention.text


def test_unknown_river_is_reported_unresolved_not_forced() -> None:
    result = _resolve("Boats were seen on the Vorskla River near the border.")
    mention = next(m for m in result.mentions if "Vorskla" in m.text)
    assert mention.status == "unresolved" and mention.place_id == ""
    assert "features.csv" in mention.reason
    assert all(p.place_id for p in result.places)


def test_curated_features_and_short_country_names_resolve() -> None:
    result = _resolve("Ships left the Black Sea through the Bosphorus, U.S. officials said.")
    _, sea = _place_of(result, "Black Sea")
    _, strait = _place_of(result, "Bosphorus")
    _, country = _place_of(result, "U.S.")
    assert sea is not None and sea.kind == "feature" and sea.precision == "feature"
    assert strait is not None and strait.kind == "feature"
    assert country is not None and country.kind == "country" and country.country_code == "US"


def test_one_name_one_place_per_article_and_order_independence() -> None:
    texts = (
        "Residents of Alexandria, Virginia, voted. Later, Alexandria reopened its schools.",
        "Fighting near Tripoli, the Libyan capital, resumed. Tripoli's airport closed.",
    )
    forward = _resolve(*texts)
    backward = _resolve(*reversed(texts))
    ids = {m.place_id for m in forward.mentions if m.text.startswith("Alexandria")}
    assert len(ids) == 1

    def key(result, rename):
        return sorted((rename[m.article_id], m.start, m.place_id) for m in result.mentions)

    assert key(forward, {"a0": 0, "a1": 1}) == key(backward, {"a0": 1, "a1": 0})


def test_places_carry_spellings_counts_and_geojson() -> None:
    result = _resolve("Drones struck Odesa overnight. In Odessa, power was cut, and Kherson reported damage.")
    odesa = next(p for p in result.places if p.name == "Odesa")
    assert set(odesa.spellings) == {"Odesa", "Odessa"} and odesa.mention_count == 2
    collection = json.loads(json.dumps(places_geojson(result.places)))
    assert collection["type"] == "FeatureCollection"
    feature = next(f for f in collection["features"] if f["properties"]["name"] == "Odesa")
    assert feature["geometry"]["coordinates"] == [odesa.lon, odesa.lat]
    assert feature["properties"]["mention_count"] == 2


def test_bad_text_never_crashes_the_batch() -> None:
    odd = [
        "",
        "\x00\x01\ufffd",
        "A" * 5000,
        "in in in of of ,,,, '' -- St. . U.S.",
        "\u0416\u0438\u0442\u043e\u043c\u0438\u0440",
    ]
    result = _resolve(*odd, "Protests continued in Tbilisi.")
    assert any(m.text == "Tbilisi" for m in result.mentions)


def test_settings_control_confidence_labels() -> None:
    strict = replace(PlacesSettings(), min_confidence=0.999)
    result = _resolve("Flooding hit Springfield on Monday.", settings=strict)
    mention = next(m for m in result.mentions if m.text == "Springfield")
    assert mention.status == "ambiguous" and mention.place_id


def test_adjectival_region_names_resolve_to_the_region() -> None:
    result = _resolve("Shelling was reported across Poltavska oblast and in the Belgorodskaya oblast.")
    _, poltava = _place_of(result, "Poltavska oblast")
    _, belgorod = _place_of(result, "Belgorodskaya oblast")
    assert poltava is not None and poltava.kind == "admin1" and poltava.country_code == "UA"
    assert belgorod is not None and belgorod.kind == "admin1" and belgorod.country_code == "RU"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300))
def test_any_text_yields_mentions_within_the_text_never_a_crash(text: str) -> None:
    result = _resolve(text)
    for mention in result.mentions:
        assert text[mention.start : mention.end] == mention.text
        assert (mention.place_id == "") == (mention.status == "unresolved")


def test_a_unit_named_after_a_place_is_not_a_mention_of_the_place() -> None:
    result = _resolve(
        "Fighters of the 'Zaporozhye' battalion said they held the line near Kherson.",
        "The Kharkiv Brigade moved east on Monday, officials in Izium said.",
    )
    written = {m.text for m in result.mentions}
    assert "Zaporozhye" not in written and "Kharkiv" not in written
    assert {"Kherson", "Izium"} <= written

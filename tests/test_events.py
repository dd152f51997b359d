"""The events ledger: claimed events with place, date, claimant, source chain and status."""

from __future__ import annotations

from record_factory import make

from wiretrace.ingest import segment
from wiretrace.places.events import build_events, event_date
from wiretrace.places.stage import resolve_places
from wiretrace.records import Article, Claim, Event
from wiretrace.store import Store


def _article(article_id: str, text: str, outlet: str | None = None) -> Article:
    return Article(article_id, text, None, None, outlet, None, "2024-05-02", f"{article_id}.txt", None, "txt")


def _ledger(articles: list[Article], claims: list[Claim] | None = None) -> list[Event]:
    sentences = segment.segment_all(articles)
    places = resolve_places(articles, sentences)
    return build_events(articles, sentences, places.mentions, places.places, claims).events


def test_a_ministry_saying_it_captured_a_town_is_a_claim_by_the_ministry() -> None:
    text = "The defence ministry of Ruritania said its forces captured Lashio on Tuesday."
    events = _ledger([_article("a", text, outlet="Daily Example")])
    event = next(e for e in events if e.event_type == "territorial_control")
    assert event.place_name == "Lashio" and event.lat is not None and event.geo_precision == "populated_place"
    assert "ministry" in event.claimant.lower() and event.claimant_kind == "named"
    assert event.status == "claimed"
    assert event.date == "2024-04-30" and event.date_precision == "day"
    assert event.source_chain[-1] == "Daily Example"
    assert text[event.trigger_start - event.start : event.trigger_end - event.start] == event.trigger


def test_claimant_comes_from_the_claims_stage_when_it_ran() -> None:
    text = "Rebels seized the airport in Goma, a spokesman told the agency."
    article = _article("a", text, outlet="Example Times")
    start = text.index("Rebels")
    claim = make(
        Claim,
        claim_id="c1",
        article_id="a",
        sentence_index=0,
        content_start=start,
        content_end=text.index(", a spokesman"),
        content=text[start : text.index(", a spokesman")],
        speaker="a spokesman",
        speaker_canonical="rebel spokesman",
        via_outlet="Example Agency",
        sourcing="anonymous",
        cue_class="assert",
    )
    event = next(e for e in _ledger([article], [claim]) if e.event_type == "territorial_control")
    assert event.claim_id == "c1"
    assert event.claimant == "rebel spokesman" and event.claimant_kind == "anonymous"
    assert event.via_outlet == "Example Agency"
    assert event.source_chain == ("rebel spokesman", "Example Agency", "Example Times")


def test_without_any_source_the_article_itself_is_the_claimant() -> None:
    events = _ledger(
        [_article("a", "Three people were killed in Khan Younis overnight.", outlet="Example Post")]
    )
    event = next(e for e in events if e.event_type == "casualties")
    assert event.claimant == "Example Post" and event.claimant_kind == "article"
    assert event.status == "claimed" and "without a source" in event.status_reason
    assert event.date == "2024-05-01" and event.date_precision == "day"  # "overnight": the night before


def test_a_denial_elsewhere_makes_the_event_disputed() -> None:
    first = _article("a", "The army said it captured El Fasher after weeks of fighting.")
    second = _article("b", "Local officials denied that El Fasher had been captured.")
    events = [e for e in _ledger([first, second]) if e.place_name == "El Fasher"]
    assert {e.article_id for e in events} == {"a", "b"}
    assert {e.status for e in events} == {"disputed"}
    assert len({e.group_id for e in events}) == 1
    assert any(e.negated or "denied" in e.text for e in events)


def test_two_independent_named_claimants_corroborate() -> None:
    first = _article("a", "Reuters reported that an airstrike hit a market in Taiz.")
    second = _article("b", "The Associated Press reported that an airstrike hit a market in Taiz.")
    third = _article("c", "Reuters said an airstrike hit a school in Taiz.")
    events = [e for e in _ledger([first, second, third]) if e.event_type == "attack"]
    assert {e.status for e in events} == {"independently_corroborated"}
    assert len({e.claimant_affiliation for e in events}) == 2


def test_one_source_repeated_is_not_corroboration() -> None:
    first = _article("a", "Reuters reported that an airstrike hit a market in Taiz.")
    second = _article("b", "An airstrike hit a market in Taiz, Reuters reported.")
    events = [e for e in _ledger([first, second]) if e.event_type == "attack"]
    assert events and {e.status for e in events} == {"claimed"}


def test_announcements_without_a_place_and_plain_sentences_make_no_event() -> None:
    events = _ledger([_article("a", "The minister announced a new budget. The weather was mild.")])
    assert events == []


def test_dates_are_resolved_against_publication() -> None:
    assert event_date("on March 3, the town fell", "2024-03-05") == ("2024-03-03", "day")
    assert event_date("on 12 December the town fell", "2024-01-05") == ("2023-12-12", "day")
    assert event_date("in October 2022 the town fell", "2024-01-05") == ("2022-10", "month")
    assert event_date("the town fell", "2024-01-05") == ("2024-01-05", "reported")
    assert event_date("the town fell", None) == (None, "none")


def test_events_and_places_go_through_the_store(tmp_path) -> None:
    article = _article("a", "Drones struck a depot in Kherson, the governor said.")
    sentences = segment.segment_all([article])
    places = resolve_places([article], sentences)
    events = build_events([article], sentences, places.mentions, places.places).events
    with Store(tmp_path / "w.duckdb") as store:
        from wiretrace.records import Place, PlaceMention

        store.replace_many({PlaceMention: places.mentions, Place: places.places, Event: events})
        assert store.load(Event) == sorted(events, key=lambda e: e.event_id)
        assert {p.name for p in store.load(Place)} == {p.name for p in places.places}


def test_places_and_events_commands_and_geojson_export(tmp_path) -> None:
    import json

    from typer.testing import CliRunner

    from wiretrace.cli import app
    from wiretrace.records import Place, PlaceMention

    article = _article(
        "a", "The army said it captured Lashio. In Lashio, shops closed.", outlet="Example Post"
    )
    sentences = segment.segment_all([article])
    places = resolve_places([article], sentences)
    events = build_events([article], sentences, places.mentions, places.places).events
    db = tmp_path / "w.duckdb"
    with Store(db) as store:
        store.insert_new(Article, [article])
        store.replace_many({PlaceMention: places.mentions, Place: places.places, Event: events})
    runner = CliRunner()
    shown = runner.invoke(app, ["places", "--db", str(db), "--json"])
    assert shown.exit_code == 0, shown.output
    listed = json.loads(shown.output)["places"]
    lashio = next(p for p in listed if p["name"] == "Lashio")
    assert lashio["geonames_id"] and lashio["lat"] and lashio["lon"]
    assert [m["text"] for m in lashio["mentions"]] == ["Lashio", "Lashio"]
    ledger = runner.invoke(app, ["events", "--db", str(db), "--json"])
    assert ledger.exit_code == 0 and json.loads(ledger.output)[0]["claimant"].lower() == "the army"
    missing = runner.invoke(app, ["events", "--db", str(db), "--story", "nope"])
    assert missing.exit_code == 1 and "no such story" in missing.output
    out = tmp_path / "places.geojson"
    exported = runner.invoke(app, ["export", "--db", str(db), "--format", "geojson", "-o", str(out)])
    assert exported.exit_code == 0, exported.output
    collection = json.loads(out.read_text(encoding="utf-8"))
    feature = next(f for f in collection["features"] if f["properties"]["name"] == "Lashio")
    assert feature["geometry"]["coordinates"] == [lashio["lon"], lashio["lat"]]
    assert feature["properties"]["mention_count"] == 2


def test_same_place_months_apart_are_two_events() -> None:
    spring = _article("a", "Rebels captured Goma on March 3, the army said.")
    summer = _article("b", "Rebels captured Goma on July 20, the army said.")
    events = [e for e in _ledger([spring, summer]) if e.event_type == "territorial_control"]
    assert len(events) == 2 and len({e.group_id for e in events}) == 2


def test_many_reports_of_one_day_group_without_error() -> None:
    texts = [f"Rebels captured Goma on March {day}, source {n} said." for n, day in enumerate((3, 3, 4, 3))]
    events = _ledger([_article(f"a{n}", text) for n, text in enumerate(texts)])
    control = [e for e in events if e.event_type == "territorial_control"]
    assert len(control) == 4 and len({e.group_id for e in control}) == 1

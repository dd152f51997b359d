"""The places stage on GeoWebNews (../shared/bench/geowebnews): toponym recall, accuracy@161km, exact ids.

Usage: python bench/places_geowebnews.py [--part tune|held_out|all]

Measured the way the README beside the data describes: over gold toponyms that have coordinates,
recall is the share a resolved place mention overlaps; accuracy@161km the share whose overlapping
mention resolves within 161 km of the gold point; exact the share with the same GeoNames id, over
those whose gold gives one. Articles are split by file number: every third (``file % 3 == 0``) is
held out, the rest tune, so that rules can be tuned on one part and reported on the other.
"""

from __future__ import annotations

import argparse
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from wiretrace.ingest.segment import segment_all  # noqa: E402
from wiretrace.places.gazetteer import distance_km  # noqa: E402
from wiretrace.places.stage import resolve_places  # noqa: E402
from wiretrace.records import Article  # noqa: E402

DATA = (Path(__file__).resolve().parents[1] / ".." / "shared" / "bench" / "geowebnews" / "GWN.xml").resolve()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--part", default="all", choices=["tune", "held_out", "all"])
    args = parser.parse_args()
    articles, gold = [], {}
    for node in ET.parse(DATA).getroot().findall("article"):
        number = int(node.get("file", "0"))
        part = "held_out" if number % 3 == 0 else "tune"
        if args.part not in ("all", part):
            continue
        article_id = f"gwn{number:04d}"
        text = node.findtext("text") or ""
        articles.append(
            Article(article_id, text, None, None, None, None, None, f"{article_id}.txt", None, "txt")
        )
        rows = []
        for toponym in node.iter("toponym"):
            lat, lon = toponym.findtext("latitude"), toponym.findtext("longitude")
            if not lat or not lon:
                continue
            rows.append(
                (
                    int(toponym.findtext("start")),
                    int(toponym.findtext("end")),
                    float(lat),
                    float(lon),
                    (toponym.findtext("geonamesID") or "").strip(),
                )
            )
        gold[article_id] = rows
    result = resolve_places(articles, segment_all(articles))
    places = {p.place_id: p for p in result.places}
    mentions: dict[str, list] = {}
    for mention in result.mentions:
        if mention.place_id:
            mentions.setdefault(mention.article_id, []).append(mention)
    total = found = near = with_id = exact = 0
    for article_id, rows in gold.items():
        for start, end, lat, lon, geonames in rows:
            total += 1
            hit = next((m for m in mentions.get(article_id, []) if m.start < end and start < m.end), None)
            with_id += bool(geonames)
            if hit is None:
                continue
            found += 1
            place = places.get(hit.place_id)
            same_unit = (
                place is not None
                and place.kind in ("country", "admin1")
                and (place.name.lower() in hit.text.lower() or hit.text.lower() in place.name.lower())
            )  # a country or region: GeoNames places it by a nominal point
            if place is not None and (same_unit or distance_km(place.lat, place.lon, lat, lon) <= 161):
                near += 1
            if place is not None and geonames and str(place.geonames_id or "") == geonames:
                exact += 1
    print(
        f"{args.part}: {len(articles)} articles, {total} gold toponyms with coordinates; recall "
        f"{found / max(total, 1):.3f}, accuracy@161km {near / max(total, 1):.3f} of all "
        f"({near / max(found, 1):.3f} of found), "
        f"exact id {exact / max(with_id, 1):.3f} of {with_id} with an id"
    )


if __name__ == "__main__":
    main()

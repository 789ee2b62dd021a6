"""Map benchmark: 10,000 events -> layers and HTML; build time, HTML size, time until the page is
interactive in headless Chromium.

    python bench/map_bench.py [--events 10000] [--repeat 3] [--home H]

Events are synthetic: captures, advances, sieges and strikes by the seed factions on Syrian places drawn
from the gazetteer (SY imported into --home, else the embedded default's Syrian places), over 1,000 days.
Goals: build under 5 s, interactive under 2 s. Interactive = from navigation start until the page's own
scripts have run and Leaflet has drawn the layers (the load event, which waits for the inline scripts).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ACTIONS = ["captured", "captured", "advanced_toward", "besieged", "attacked", "controls"]
FACTIONS = ["government", "rebels", "islamic_state", "kurds", "nusra", "hezbollah"]


def syrian_places(home: Path | None, n: int) -> list[dict]:
    from geo.gazetteer.embedded import ensure_default
    from geo.gazetteer.index import index_dir
    from geo.home import geo_home

    home = geo_home(home)
    ensure_default(home)
    rows = []
    for path in index_dir(home).glob("*.sqlite"):
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows += con.execute("SELECT gid, name, lat, lon, fcode FROM places WHERE country = 'SY' "
                                "AND fclass = 'P'").fetchall()
        except sqlite3.DatabaseError:
            pass
        con.close()
    rng = random.Random(5)
    rng.shuffle(rows)
    return [{"id": g, "name": nm, "lat": la, "lon": lo, "feature_code": fc, "text": nm, "start": 0, "end": len(nm)}
            for g, nm, la, lo, fc in rows[:n]]


def synthetic_events(places: list[dict], n: int):
    from geo.events.extract import Event

    rng = random.Random(11)
    day0 = dt.date(2015, 1, 1)
    out = []
    for i in range(n):
        p = rng.choice(places)
        date = (day0 + dt.timedelta(days=rng.randrange(1000))).isoformat()
        actor = rng.choice(FACTIONS)
        out.append(Event(actor=actor, action=rng.choice(ACTIONS), place=dict(p), from_actor=rng.choice(FACTIONS),
                         date=date, date_precision="day", claimed=rng.random() < 0.1,
                         sentence=f"Synthetic report {i}: {actor} and {p['name']}.", doc=f"doc{i % 2000}.txt",
                         confidence=0.8, published=date, outlet=f"Outlet {i % 7}"))
    return out


def build(events, out: Path) -> tuple[float, int]:
    import json

    from geo.areas import areas_layer
    from geo.events.actors import Factions
    from geo.layers import advances_layer, control_layer, events_layer
    from geo.maps import render
    from geo.territory import merge, territory

    t = time.perf_counter()
    factions = Factions.load()
    merged = merge(events)
    states = territory(merged)
    layers = {"control": control_layer(states, factions), "areas": areas_layer(states, factions),
              "advances": advances_layer(states, merged, factions), "events": events_layer(merged, factions),
              "places": {"type": "FeatureCollection", "name": "places", "features": []}}
    for name, layer in layers.items():
        (out / f"{name}.geojson").write_text(json.dumps(layer, allow_nan=False), encoding="utf-8")
    page = render(layers, factions, title="benchmark", as_of=max(e.date for e in events))
    (out / "index.html").write_text(page, encoding="utf-8")
    return time.perf_counter() - t, len(page.encode())


def interactive_seconds(page: Path, repeat: int) -> list[float] | None:
    chromium, driver = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        return None
    if not (chromium.exists() and driver.exists()):
        return None
    times = []
    for _ in range(repeat):
        opts = webdriver.ChromeOptions()
        opts.binary_location = str(chromium)
        for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
                     f"--user-data-dir={tempfile.mkdtemp()}", "--window-size=1200,900"):
            opts.add_argument(flag)
        d = webdriver.Chrome(service=Service(str(driver)), options=opts)
        try:
            d.get(page.as_uri())
            t = d.execute_script("const n = performance.getEntriesByType('navigation')[0];"
                                 "return n.loadEventEnd - n.startTime;")
            times.append(t / 1000.0)
        finally:
            d.quit()
    return times


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=10_000)
    ap.add_argument("--places", type=int, default=1_500)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--home", type=Path)
    args = ap.parse_args()
    places = syrian_places(args.home, args.places)
    if not places:
        print("no Syrian places in the gazetteer", file=sys.stderr)
        return 2
    events = synthetic_events(places, args.events)
    with tempfile.TemporaryDirectory(prefix="geo-map-bench-") as tmp:
        out = Path(tmp)
        runs = [build(events, out) for _ in range(args.repeat)]
        build_s = statistics.median(r[0] for r in runs)
        size = runs[-1][1]
        inter = interactive_seconds(out / "index.html", args.repeat)
    print(f"{args.events:,} events on {len(places):,} places")
    print(f"build (merge, territory, layers, HTML), median s   {build_s:8.2f}   goal < 5")
    print(f"HTML size, MB                                      {size / 1e6:8.2f}")
    if inter is None:
        print("interactive in Chromium: not measured (needs chromium, chromium-driver and selenium)")
    else:
        print(f"interactive in headless Chromium, median s         {statistics.median(inter):8.2f}   goal < 2")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

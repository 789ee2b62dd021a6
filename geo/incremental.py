"""The map's layers drawn place by place, and redrawn only where something changed.

Merging reports, folding them into territory and the control, events and places layers all work within
one place, so each place's features are kept in the store (as GeoJSON and as what the page draws) and
recomputed only when a document that names the place is added or changed. Two things reach across places:

- an advance's arrow starts from the nearest place its actor held before (within ``MAX_ADVANCE_KM``), so
  a place's arrows are redrawn when the holdings of its advancing actors change within that radius;
- control areas are Voronoi cells among all held places, redrawn when any place's holder changes.

The files are then joined from the kept pieces: a run's cost grows with what changed, not with the corpus.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from geo.events.actors import Factions
from geo.layers import MAX_ADVANCE_KM, Origins, advance_features, control_layer, events_layer, place_feature
from geo.point import EARTH_RADIUS_KM
from geo.store import Store
from geo.territory import PlaceState, merge, territory, timeline

LAYERS = ("control", "areas", "advances", "events", "places")
# Holdings this far from a place can decide where its arrows start (a margin over MAX_ADVANCE_KM, as the
# nearest origin is chosen on a flat approximation of distance).
REACH_KM = MAX_ADVANCE_KM + 10.0
_BATCH = 500


@dataclass
class Drawn:
    """The joined layers: GeoJSON text per layer, the page's drawables, and what the page needs besides."""

    geojson: dict[str, str] = field(default_factory=dict)
    draw: dict[str, list[str]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    dates: list[str] = field(default_factory=list)
    bounds: list[list[float]] | None = None
    places_json: str = "[]"
    top_places: list[tuple[str, str, float, float, int, str]] = field(default_factory=list)  # the most-cited
    redrawn_places: int = 0
    redrawn_advances: int = 0
    events: int = 0
    last_date: str | None = None


def _j(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, allow_nan=False)


def _qs(n: int) -> str:
    return ",".join("?" * n)


def _batches(items: list[str]) -> Iterable[list[str]]:
    for i in range(0, len(items), _BATCH):
        yield items[i:i + _BATCH]


def _rows_by_place(store: Store, table: str, places: list[str]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for batch in _batches(places):
        # rowid order: the order the parses were saved in, the same on every run.
        for place, text in store.con.execute(f"SELECT place, json FROM {table} WHERE place IN ({_qs(len(batch))}) "
                                             "ORDER BY rowid", batch):
            out.setdefault(place, []).append(text)
    return out


def _merged(event_rows: list[str], as_of: str | None):
    from geo.events.extract import Event

    merged = merge(Event(**json.loads(t)) for t in event_rows)
    if as_of is not None:
        merged = [m for m in merged if not m.date or m.date <= as_of]
    return merged


def draw(store: Store, factions: Factions, *, settings: str, as_of: str | None = None) -> Drawn:
    """Bring the kept pieces up to date and join them. ``settings`` names everything besides the events
    that the pieces depend on (parser, factions, as_of): when it changes, every place is redrawn."""
    from geo.maps import drawable_json

    con = store.con
    drawn = Drawn()
    versions = dict(con.execute("SELECT place, version FROM place_versions"))
    kept = {p: (v, s) for p, v, s in con.execute("SELECT place, version, settings FROM place_cache")}
    dirty = sorted(p for p, v in versions.items() if kept.get(p) != (v, settings))
    drawn.redrawn_places = len(dirty)
    with store.transaction():
        for gone in set(kept) - set(versions):
            con.execute("DELETE FROM place_cache WHERE place = ?", (gone,))
            con.execute("DELETE FROM fragments WHERE place = ?", (gone,))
        for batch in _batches(dirty):
            events = _rows_by_place(store, "events", batch)
            mentions = _rows_by_place(store, "mentions", batch)
            for place in batch:
                _redraw_place(store, place, versions[place], settings, events.get(place, []),
                              mentions.get(place, []), factions, as_of, drawable_json)
    with store.transaction():
        drawn.redrawn_advances = _redraw_advances(store, factions, as_of, drawable_json)
        _redraw_areas(store, factions, settings, drawable_json)
    _join(store, drawn)
    return drawn


def _redraw_place(store: Store, place: str, version: int, settings: str, event_rows: list[str],
                  mention_rows: list[str], factions: Factions, as_of: str | None, drawable_json) -> None:
    merged = _merged(event_rows, as_of)
    states = territory(merged)
    st = next(iter(states.values()), None)
    pieces: dict[str, list[dict]] = {
        "control": control_layer({place: st}, factions)["features"] if st else [],
        "events": events_layer(merged, factions)["features"],
    }
    mentions = [json.loads(t) for t in mention_rows]
    feature = place_feature([(t, t) for t in mentions]) if mentions else None
    pieces["places"] = [feature] if feature else []
    con = store.con
    con.execute("DELETE FROM fragments WHERE place = ?", (place,))
    for layer, features in pieces.items():
        if features:
            draws = [d for d in (drawable_json(layer, f) for f in features) if d]
            con.execute("INSERT INTO fragments VALUES (?, ?, ?, ?, ?)",
                        (place, layer, len(features), ",".join(_j(f) for f in features), ",".join(draws)))
    label = None
    if mentions:
        t0 = mentions[0]
        label = _j([t0.get("name"), t0.get("id"), t0.get("lat"), t0.get("lon"), len(mentions),
                    ", ".join(sorted({t["text"] for t in mentions}))])
        record = {k: t0.get(k) for k in ("id", "name", "lat", "lon", "source", "feature_code", "country")}
        record["mentions"] = [{k: t.get(k) for k in ("doc", "text", "start", "end", "sentence", "published",
                                                     "outlet")} for t in mentions]
        con.execute("INSERT INTO fragments VALUES (?, 'record', ?, ?, '')", (place, len(mentions), _j(record)))
    state = None
    if st is not None and (st.holder or st.contested) and st.place.get("lat") is not None:
        state = {"holder": st.holder, "since": st.since, "contested": st.contested, "lat": st.place["lat"],
                 "lon": st.place["lon"], "name": st.place.get("name"), "feature_code": st.place.get("feature_code")}
    # The time slider's steps: when the place changed hands or was advanced on; and its latest report.
    slider = sorted(({d for d, _, _ in timeline(st) if d} if st else set())
                    | {m.date for m in merged if m.date and m.action in ("captured", "advanced_toward")})
    last = max((m.date for m in merged if m.date), default=None)
    # Where it is, from any of its reports: an advance's arrow needs it even when nobody holds the place.
    at = next(([m.place["lat"], m.place["lon"]] for m in merged if m.place.get("lat") is not None), None)
    summary = {"slider": slider, "last": last, "at": at}
    advancing = sorted({m.actor for m in merged if m.actor and m.action in ("captured", "advanced_toward")})
    con.execute("INSERT OR REPLACE INTO place_cache VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL)",
                (place, version, settings, _j(state) if state else None, len(mentions), label, _j(summary),
                 _j(advancing)))


def _redraw_advances(store: Store, factions: Factions, as_of: str | None, drawable_json) -> int:
    """Redraw the arrows of places whose own events, or whose advancing actors' holdings within reach,
    changed since they were drawn. Returns how many places were redrawn."""
    import numpy as np

    con = store.con
    states = {p: json.loads(s) for p, s in con.execute("SELECT place, state FROM place_cache WHERE state IS NOT NULL")}
    targets = [(p, v, json.loads(a), k, json.loads(w)["at"]) for p, v, a, k, w in con.execute(
        "SELECT place, version, advancing, advances_key, summary FROM place_cache WHERE advancing != '[]'")]
    if not targets:
        con.execute("DELETE FROM fragments WHERE layer = 'advances'")
        return 0
    held = [(p, s) for p, s in states.items() if s["holder"]]
    # Each holding as a 64-bit token: a place's key sums the tokens of the holdings that can matter to it.
    tokens = np.array([int.from_bytes(hashlib.blake2b(_j([p, s["holder"], s["since"]]).encode(), digest_size=8)
                                      .digest(), "little") for p, s in held], dtype=np.uint64)
    lat_deg = np.array([s["lat"] for _, s in held], dtype=float)
    lon_deg = np.array([s["lon"] for _, s in held], dtype=float)
    h_lat, h_lon = np.radians(lat_deg), np.radians(lon_deg)
    grid = _Grid(lat_deg, lon_deg, REACH_KM)
    h_actor = np.array([s["holder"] for _, s in held], dtype=object)
    by_actor = {a: h_actor == a for a in set(h_actor.tolist())}  # each actor's holdings, as a mask
    nobody = np.zeros(len(held), dtype=bool)
    # The holdings that changed since the last run (taken, lost, moved): a place none of them is within
    # reach of, whose own events did not change, keeps its key and its arrows.
    now = {str(t): [s["lat"], s["lon"]] for t, (_, s) in zip(tokens.tolist(), held)}
    before = store.get_meta("advance_holdings")
    changed = None
    if isinstance(before, dict):
        moved = [now[t] for t in now.keys() - before.keys()] + [before[t] for t in before.keys() - now.keys()]
        changed = _Grid(np.array([m[0] for m in moved], dtype=float), np.array([m[1] for m in moved], dtype=float),
                        REACH_KM) if moved else None
        c_lat = np.radians(np.array([m[0] for m in moved], dtype=float))
        c_lon = np.radians(np.array([m[1] for m in moved], dtype=float))
    redo = []
    for place, version, actors, old_key, at in targets:
        lat, lon = at if at else (None, None)
        key = str(version)
        if isinstance(before, dict) and old_key is not None and old_key.split(":")[0] == key:
            if lat is None or changed is None:
                continue
            idx = changed.around(lat, lon)
            if not len(idx) or not (_km_to(c_lat[idx], c_lon[idx], lat, lon) <= REACH_KM).any():
                continue
        if lat is not None and len(held):
            idx = grid.around(lat, lon)  # the holdings in the cells within reach; then haversine to each
            near = _km_to(h_lat[idx], h_lon[idx], lat, lon) <= REACH_KM
            mine = nobody[idx].copy()
            for actor in actors:
                if actor in by_actor:
                    mine |= by_actor[actor][idx]
            with np.errstate(over="ignore"):
                key += ":" + str(int(tokens[idx[near & mine]].sum(dtype=np.uint64)))
        if key != old_key:
            redo.append((place, key))
    store.set_meta("advance_holdings", now)
    if not redo:
        return 0
    origins = Origins((s["holder"], s["lat"], s["lon"], s["since"], s["name"]) for _, s in held)
    places = [p for p, _ in redo]
    events = _rows_by_place(store, "events", places)
    for place, key in redo:
        features = advance_features(_merged(events.get(place, []), as_of), origins, factions)
        con.execute("DELETE FROM fragments WHERE place = ? AND layer = 'advances'", (place,))
        if features:
            draws = [d for d in (drawable_json("advances", f) for f in features) if d]
            con.execute("INSERT INTO fragments VALUES (?, 'advances', ?, ?, ?)",
                        (place, len(features), ",".join(_j(f) for f in features), ",".join(draws)))
        con.execute("UPDATE place_cache SET advances_key = ? WHERE place = ?", (key, place))
    return len(redo)


def _km_to(lat_rad, lon_rad, lat: float, lon: float):
    """Haversine distances, in km, from (lat, lon) in degrees to arrays of positions in radians:
    :meth:`geo.point.Coordinate.distance_km` over arrays."""
    import numpy as np

    la, lo = math.radians(lat), math.radians(lon)
    a = np.sin((lat_rad - la) / 2) ** 2 + math.cos(la) * np.cos(lat_rad) * np.sin((lon_rad - lo) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.minimum(a, 1.0)))


class _Grid:
    """Points bucketed in cells at least ``km`` wide, so that every point within ``km`` of a position lies
    in the 3 x 3 cells around it: a place is compared with the holdings near it, not with all of them.
    Each row of cells is as wide in longitude as ``km`` needs at the farthest latitude of its neighbours;
    near a pole (above 75 degrees) or the antimeridian every point is returned."""

    FAR = 75.0

    def __init__(self, lat, lon, km: float) -> None:
        import numpy as np

        self._np = np
        self.km = km
        self.everything = np.arange(len(lat), dtype=np.intp)
        self.dlat = km / 110.0  # a degree of latitude is at least 110 km
        cells: dict[tuple[int, int], list[int]] = {}
        for i, (y_lat, x_lon) in enumerate(zip(lat.tolist(), lon.tolist())):
            y = int(y_lat // self.dlat)
            cells.setdefault((y, int(x_lon // self._dlon(y))), []).append(i)
        self.cells = {k: np.array(v, dtype=np.intp) for k, v in cells.items()}
        self.empty = np.zeros(0, dtype=np.intp)

    def _dlon(self, y: int) -> float:
        edge = min(89.0, max(abs(y - 1), abs(y + 2)) * self.dlat)  # rows y-1..y+1 reach this latitude
        return self.km / (111.0 * math.cos(math.radians(edge)))

    def around(self, lat: float, lon: float):
        y = int(lat // self.dlat)
        if abs(lat) >= self.FAR or abs(lon) > 180.0 - 2 * self._dlon(y):
            return self.everything
        parts = []
        for row in (y - 1, y, y + 1):
            x = int(lon // self._dlon(row))
            parts.extend(self.cells[k] for k in ((row, x - 1), (row, x), (row, x + 1)) if k in self.cells)
        return self._np.concatenate(parts) if parts else self.empty


def _redraw_areas(store: Store, factions: Factions, settings: str, drawable_json) -> None:
    from geo.areas import areas_layer

    con = store.con
    rows = con.execute("SELECT place, state FROM place_cache WHERE state IS NOT NULL ORDER BY place").fetchall()
    key = hashlib.sha256(_j([settings, rows]).encode()).hexdigest()
    if store.get_meta("areas_key") == key:
        return
    states = {}
    for place, text in rows:
        s = json.loads(text)
        states[place] = PlaceState(place={"lat": s["lat"], "lon": s["lon"], "name": s["name"],
                                          "feature_code": s["feature_code"]}, holder=s["holder"],
                                   contested=s["contested"])
    features = areas_layer(states, factions)["features"]
    con.execute("DELETE FROM fragments WHERE layer = 'areas'")
    if features:
        draws = [d for d in (drawable_json("areas", f) for f in features) if d]
        con.execute("INSERT INTO fragments VALUES ('', 'areas', ?, ?, ?)",
                    (len(features), ",".join(_j(f) for f in features), ",".join(draws)))
    store.set_meta("areas_key", key)


def _join(store: Store, drawn: Drawn) -> None:
    con = store.con
    parts: dict[str, list[str]] = {k: [] for k in LAYERS}
    draws: dict[str, list[str]] = {k: [] for k in LAYERS}
    counts = dict.fromkeys(LAYERS, 0)
    records = []
    for layer, n, geojson, draw in con.execute("SELECT layer, n, geojson, draw FROM fragments ORDER BY place, layer"):
        if layer == "record":
            continue
        parts[layer].append(geojson)
        if draw:
            draws[layer].append(draw)
        counts[layer] += n
    for (geojson,) in con.execute("SELECT f.geojson FROM fragments f JOIN place_cache c USING (place) "
                                  "WHERE f.layer = 'record' ORDER BY c.mentions DESC, f.place"):
        records.append(geojson)
    drawn.geojson = {k: f'{{"type":"FeatureCollection","name":"{k}","features":[{",".join(parts[k])}]}}'
                     for k in LAYERS}
    drawn.draw = draws
    drawn.counts = counts
    drawn.places_json = "[\n" + ",\n".join(records) + "\n]"
    dates, lats, lons, last = set(), [], [], ""
    for d, s in con.execute("SELECT summary, state FROM place_cache"):
        d = json.loads(d)
        dates.update(d["slider"])
        last = max(last, d["last"] or "")
        if s:
            st = json.loads(s)
            lats.append(st["lat"])
            lons.append(st["lon"])
    drawn.dates = sorted(dates)
    drawn.last_date = last or None
    drawn.bounds = [[min(lats), min(lons)], [max(lats), max(lons)]] if lats else None
    drawn.events = counts["events"]
    drawn.top_places = [tuple(json.loads(label)) for (label,) in con.execute(
        "SELECT label FROM place_cache WHERE label IS NOT NULL ORDER BY mentions DESC, place LIMIT 200")]

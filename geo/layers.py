"""Map layers as GeoJSON (RFC 7946: WGS84, [lon, lat], no NaN), drawn from the territory and the events.

- control: every place with a known state, coloured by the faction holding it; status held / contested /
  besieged; the reports it rests on.
- advances: a line from where the actor came from (the nearest place it holds, as far as the reports
  say) to each place it captured or advanced on, with the date.
- events: every event at its place, with its sentence, outlet and date.
- places: every resolved mention.

The HTML map is drawn from these same collections, so what a GIS tool loads is what the map shows.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from geo.events.actors import Factions
from geo.point import Coordinate
from geo.territory import MergedEvent, PlaceState, timeline

UNKNOWN_COLOUR = "#888888"
MAX_ADVANCE_KM = 150.0  # an origin farther away than this is not where the advance came from


def _point(place: dict) -> dict | None:
    lat, lon = place.get("lat"), place.get("lon")
    if lat is None or lon is None or not (math.isfinite(lat) and math.isfinite(lon)):
        return None
    return {"type": "Point", "coordinates": list(Coordinate(lat, lon).to_geojson())}


def _sources(m: MergedEvent) -> list[dict]:
    return [{k: s.get(k) for k in ("doc", "outlet", "published", "url", "sentence")} for s in m.sources]


def _collection(features: list[dict], name: str) -> dict:
    return {"type": "FeatureCollection", "name": name, "features": features}


def control_layer(states: dict[str, PlaceState], factions: Factions) -> dict:
    features = []
    for st in states.values():
        if st.holder is None and not st.contested and not st.besieged_by:
            continue
        geom = _point(st.place)
        if geom is None:
            continue
        holder = st.holder
        colour = factions.by_id[holder].colour if holder in factions.by_id else UNKNOWN_COLOUR
        parts = "; ".join(f"{_name(factions, f)} {part}" for part, f in sorted(st.parts.items()))
        sources = [s for m in st.events for s in _sources(m)]
        features.append({"type": "Feature", "geometry": geom, "properties": {
            "place": st.place.get("name"), "place_id": st.place.get("id"), "holder": holder,
            "holder_name": _name(factions, holder), "colour": colour, "status": st.status, "since": st.since,
            "from_actor": st.from_actor, "contested": st.contested, "parts": parts,
            "besieged_by": ", ".join(_name(factions, b) for b in st.besieged_by),
            "claimed": st.claimed, "disputed": st.disputed,
            "corroboration": max((m.corroboration for m in st.events), default=0),
            "sources": sources,
            # The state after each date, for the time slider: [date, holder, status, colour].
            "timeline": [[d, h, s, factions.by_id[h].colour if h in factions.by_id else UNKNOWN_COLOUR]
                         for d, h, s in timeline(st)],
        }})
    return _collection(features, "control")


def advances_layer(states: dict[str, PlaceState], merged: Iterable[MergedEvent], factions: Factions) -> dict:
    import numpy as np

    held: dict[str, list[PlaceState]] = {}
    for st in states.values():
        if st.holder and _point(st.place):
            held.setdefault(st.holder, []).append(st)
    # Per actor, its places as arrays: the nearest origin is one vectorised query per event.
    arrays = {a: (np.array([s.place["lat"] for s in sts]), np.array([s.place["lon"] for s in sts]),
                  np.array([s.since or "" for s in sts], dtype=object)) for a, sts in held.items()}
    features = []
    for m in merged:
        if m.action not in ("captured", "advanced_toward") or m.actor is None:
            continue
        target = _point(m.place)
        if target is None:
            continue
        to = Coordinate(m.place["lat"], m.place["lon"])
        if m.origin and m.origin.get("lat") is not None:
            # The stated origin first ("advancing ... from the Hama front").
            start = Coordinate(m.origin["lat"], m.origin["lon"])
            if 0.5 <= start.distance_km(to) <= 2 * MAX_ADVANCE_KM:
                features.append(_advance(m, start, to, m.origin.get("name"), "stated", factions))
            continue
        if m.actor not in arrays:
            continue
        lats, lons, since = arrays[m.actor]
        # Where from: the nearest other place the actor holds (a stated origin would come first), and only
        # places held by then: an arrow of 2014 does not start from a town taken in 2016.
        d2 = (lats - to.lat) ** 2 + ((lons - to.lon) * math.cos(math.radians(to.lat))) ** 2
        # Held before this event: villages taken together that day are not where the advance came from.
        ok = (d2 > 1e-10) & np.array([bool(s) and bool(m.date) and s < m.date for s in since])
        if not ok.any():
            continue
        origin = held[m.actor][int(np.argmin(np.where(ok, d2, np.inf)))]
        start = Coordinate(origin.place["lat"], origin.place["lon"])
        if start.distance_km(to) > MAX_ADVANCE_KM or start.distance_km(to) < 0.5:
            continue
        features.append(_advance(m, start, to, origin.place.get("name"), "nearest held", factions))
    return _collection(features, "advances")


def _advance(m: MergedEvent, start: Coordinate, to: Coordinate, from_place: str | None, origin: str,
             factions: Factions) -> dict:
    return {"type": "Feature", "geometry": {
        "type": "LineString", "coordinates": [list(start.to_geojson()), list(to.to_geojson())]},
        "properties": {"actor": m.actor, "actor_name": _name(factions, m.actor), "action": m.action,
                       "colour": factions.by_id[m.actor].colour if m.actor in factions.by_id else UNKNOWN_COLOUR,
                       "from_place": from_place, "origin": origin, "to_place": m.place.get("name"),
                       "date": m.date, "claimed": m.claimed, "corroboration": m.corroboration,
                       "sources": _sources(m)}}


def events_layer(merged: Iterable[MergedEvent], factions: Factions) -> dict:
    features = []
    for m in merged:
        geom = _point(m.place)
        if geom is None:
            continue
        features.append({"type": "Feature", "geometry": geom, "properties": {
            "actor": m.actor, "actor_name": _name(factions, m.actor), "action": m.action,
            "place": m.place.get("name"), "place_id": m.place.get("id"), "from_actor": m.from_actor,
            "date": m.date, "date_precision": m.date_precision, "claimed": m.claimed, "part": m.part,
            "colour": factions.by_id[m.actor].colour if m.actor in factions.by_id else UNKNOWN_COLOUR,
            "corroboration": m.corroboration, "contradicted_by": ", ".join(filter(None, m.contradicted_by)),
            "sources": _sources(m)}})
    return _collection(features, "events")


def places_layer(parsed_docs: Iterable[dict]) -> dict:
    features = []
    for d in parsed_docs:
        for t in d.get("toponyms", []):
            geom = _point(t)
            if geom is None:
                continue
            features.append({"type": "Feature", "geometry": geom, "properties": {
                "text": t["text"], "name": t.get("name"), "place_id": t.get("id"), "doc": d.get("doc"),
                "outlet": d.get("outlet"), "published": d.get("published"), "sentence": t.get("sentence"),
                "score": t.get("score")}})
    return _collection(features, "places")


def _name(factions: Factions, faction_id: str | None) -> str | None:
    if faction_id is None:
        return None
    return factions.by_id[faction_id].name if faction_id in factions.by_id else faction_id

"""Map layers as GeoJSON (RFC 7946: WGS84, [lon, lat], no NaN), drawn from the territory and the events.

- control: every place with a known state, coloured by the faction holding it; status held / contested /
  besieged; the reports it rests on.
- advances: a line from where the actor came from (the nearest place it holds, as far as the reports
  say) to each place it captured or advanced on, with the date.
- events: every event at its place, with its sentence, outlet and date.
- places: every place the articles mention, once, with its mention count and latest reports.

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


class Origins:
    """Where an actor's advance can have come from: the places it holds, with since when, as arrays, so
    the nearest origin is one vectorised query per event. Built from (actor, lat, lon, since, name)."""

    def __init__(self, held: Iterable[tuple[str, float, float, str | None, str | None]]) -> None:
        import numpy as np

        by_actor: dict[str, list[tuple]] = {}
        for actor, lat, lon, since, name in held:
            by_actor.setdefault(actor, []).append((lat, lon, since or "", name))
        self._np = np
        self.arrays = {a: (np.array([r[0] for r in rows]), np.array([r[1] for r in rows]),
                           np.array([r[2] for r in rows], dtype=object), [r[3] for r in rows])
                       for a, rows in by_actor.items()}

    @classmethod
    def from_states(cls, states: dict[str, PlaceState]) -> Origins:
        return cls((st.holder, st.place["lat"], st.place["lon"], st.since, st.place.get("name"))
                   for st in states.values() if st.holder and _point(st.place))

    def nearest(self, actor: str, to: Coordinate, date: str | None) -> tuple[Coordinate, str | None] | None:
        """The nearest other place ``actor`` held before ``date``: villages taken together that day are
        not where the advance came from, and an arrow of 2014 does not start from a town taken in 2016."""
        if actor not in self.arrays or not date:
            return None
        np = self._np
        lats, lons, since, names = self.arrays[actor]
        d2 = (lats - to.lat) ** 2 + ((lons - to.lon) * math.cos(math.radians(to.lat))) ** 2
        ok = (d2 > 1e-10) & (since != "") & (since < date)
        if not ok.any():
            return None
        i = int(np.argmin(np.where(ok, d2, np.inf)))
        return Coordinate(float(lats[i]), float(lons[i])), names[i]


def advances_layer(states: dict[str, PlaceState], merged: Iterable[MergedEvent], factions: Factions) -> dict:
    return _collection(advance_features(merged, Origins.from_states(states), factions), "advances")


def advance_features(merged: Iterable[MergedEvent], origins: Origins, factions: Factions) -> list[dict]:
    """A line from where the actor came from to each place it captured or advanced on."""
    features = []
    for m in merged:
        if m.action not in ("captured", "advanced_toward") or m.actor is None:
            continue
        if _point(m.place) is None:
            continue
        to = Coordinate(m.place["lat"], m.place["lon"])
        if m.origin and m.origin.get("lat") is not None:
            # The stated origin first ("advancing ... from the Hama front").
            start = Coordinate(m.origin["lat"], m.origin["lon"])
            if 0.5 <= start.distance_km(to) <= 2 * MAX_ADVANCE_KM:
                features.append(_advance(m, start, to, m.origin.get("name"), "stated", factions))
            continue
        found = origins.nearest(m.actor, to, m.date)
        if found is None:
            continue
        start, name = found
        if not 0.5 <= start.distance_km(to) <= MAX_ADVANCE_KM:
            continue
        features.append(_advance(m, start, to, name, "nearest held", factions))
    return features


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
    """Every place the articles mention, once, with how often and the latest reports that name it."""
    by_place: dict[str, list[tuple[dict, dict]]] = {}
    for d in parsed_docs:
        for t in d.get("toponyms", []):
            if t.get("id") is not None and _point(t) is not None:
                by_place.setdefault(t["id"], []).append((t, d))
    return _collection([f for mentions in by_place.values() if (f := place_feature(mentions))], "places")


def place_feature(mentions: list[tuple[dict, dict]]) -> dict | None:
    """One place's feature from its (toponym, document) mentions."""
    t0 = mentions[0][0]
    geom = _point(t0)
    if geom is None:
        return None
    latest = sorted(mentions, key=lambda td: (td[1].get("published") or "", td[1].get("doc") or ""), reverse=True)
    dates = sorted(d.get("published") for _, d in mentions if d.get("published"))
    return {"type": "Feature", "geometry": geom, "properties": {
        "place": t0.get("name"), "place_id": t0.get("id"), "country": t0.get("country"),
        "feature_code": t0.get("feature_code"), "mentions": len(mentions),
        "documents": len({d.get("doc") for _, d in mentions}),
        "spellings": ", ".join(sorted({t["text"] for t, _ in mentions})),
        "first": dates[0] if dates else None, "last": dates[-1] if dates else None,
        "sources": [{"doc": d.get("doc"), "outlet": d.get("outlet"), "published": d.get("published"),
                     "url": d.get("url"), "sentence": t.get("sentence")} for t, d in latest[:PLACE_SOURCES]]}}


PLACE_SOURCES = 3  # the latest reports a place's feature cites; places.json has every mention


def _name(factions: Factions, faction_id: str | None) -> str | None:
    if faction_id is None:
        return None
    return factions.by_id[faction_id].name if faction_id in factions.by_id else faction_id

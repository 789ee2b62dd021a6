"""Control areas: the land each faction holds, as far as the reports say, and no more.

Each place with a known holder gets its Voronoi cell among all such places, clipped to a radius around the
place (a village does not make its faction hold the empty desert beyond it) and to the country outline,
then the cells are dissolved per faction. A contested place's cell is shown as contested, not given to a
side. Distances are computed in a local equirectangular projection, so the radius is in kilometres.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path

from geo.events.actors import Factions
from geo.territory import PlaceState

BASEMAP = Path(__file__).parent / "maps_assets" / "basemap.geojson"
RADIUS_KM = 12.0
CONTESTED = "contested"


@lru_cache(maxsize=1)
def _country_outlines():
    from shapely.geometry import shape

    with open(BASEMAP, encoding="utf-8") as f:
        data = json.load(f)
    return {feat["properties"]["name"]: shape(feat["geometry"]) for feat in data["features"]
            if feat["properties"]["kind"] == "country"}


def areas_layer(states: dict[str, PlaceState], factions: Factions, *, radius_km: float = RADIUS_KM,
                clip_to: str | None = "Syria") -> dict:
    import numpy as np
    from shapely import transform, voronoi_polygons
    from shapely.geometry import MultiPoint, Point, mapping
    from shapely.geometry.polygon import orient
    from shapely.ops import unary_union

    placed = [(st, st.place["lat"], st.place["lon"]) for st in states.values()
              if (st.holder or st.contested) and st.place.get("lat") is not None
              and st.place.get("feature_code") not in ("PCLI", "ADM1", "CONT")]
    if not placed:
        return {"type": "FeatureCollection", "name": "areas", "features": []}
    lat0 = sum(p[1] for p in placed) / len(placed)
    kx, ky = 111.320 * math.cos(math.radians(lat0)), 110.574  # km per degree here

    scale = np.array([kx, ky])

    def to_km(coords):
        return coords * scale

    def to_deg(coords):
        return coords / scale

    points = [Point(lon * kx, lat * ky) for _, lat, lon in placed]
    outline = _country_outlines().get(clip_to) if clip_to else None
    outline_km = transform(outline, to_km) if outline is not None else None
    # Places at one point (a base placed at its town's coordinates, and the town) share one cell: the
    # diagram takes each point once (to the metre), or it cannot say which cell is whose.
    slot: dict[tuple[float, float], int] = {}
    for pt in points:
        slot.setdefault((round(pt.x, 3), round(pt.y, 3)), len(slot))
    sites = [Point(x, y) for x, y in slot]
    if len(sites) == 1:
        site_cells = [sites[0].buffer(radius_km)]
    else:
        # ordered=True: the cells come back in the order of the points (shapely >= 2.1).
        # The extent to cover: the points' envelope, enlarged (buffering every point would union them all).
        diagram = voronoi_polygons(MultiPoint(sites), extend_to=MultiPoint(sites).envelope.buffer(radius_km * 4),
                                   ordered=True)
        site_cells = list(diagram.geoms)
    cells = [site_cells[slot[(round(pt.x, 3), round(pt.y, 3))]] for pt in points]
    import shapely

    # Vectorised: one call for every disc and every clip, not one per place.
    clipped = shapely.intersection(np.array(cells, dtype=object),
                                   shapely.buffer(np.array(points, dtype=object), radius_km, quad_segs=6))
    if outline_km is not None:
        shapely.prepare(outline_km)
        clipped = shapely.intersection(clipped, outline_km)
    by_owner: dict[str, list] = {}
    for (st, _, _), area in zip(placed, clipped):
        if area.is_empty:
            continue
        owner = CONTESTED if st.contested else st.holder
        by_owner.setdefault(owner, []).append((area, st.place.get("name")))
    features = []
    for owner, parts in by_owner.items():
        shape_km = unary_union([a for a, _ in parts])
        geom = transform(shape_km, to_deg)
        if geom.geom_type == "Polygon":
            geom = orient(geom, 1.0)
        elif geom.geom_type == "MultiPolygon":
            from shapely.geometry import MultiPolygon

            geom = MultiPolygon([orient(g, 1.0) for g in geom.geoms])
        else:
            continue
        faction = factions.by_id.get(owner)
        features.append({"type": "Feature", "geometry": _rounded(mapping(geom)), "properties": {
            "holder": owner, "holder_name": faction.name if faction else owner,
            "colour": faction.colour if faction else "#999999", "status": "contested" if owner == CONTESTED else "held",
            "places": ", ".join(sorted({n for _, n in parts if n})), "radius_km": radius_km,
            "area_km2": round(shape_km.area, 1)}})
    return {"type": "FeatureCollection", "name": "areas", "features": features}


def _rounded(geom: dict) -> dict:
    def r(c):
        return [r(x) for x in c] if isinstance(c[0], (list, tuple)) else [round(c[0], 5), round(c[1], 5)]

    return {"type": geom["type"], "coordinates": r(geom["coordinates"])}

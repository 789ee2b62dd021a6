"""The one coordinate type. Axis order is decided here and nowhere else."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from geo.exc import InvalidCoordinate

EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True, slots=True)
class Coordinate:
    """A WGS84 point, checked when built.

    Conversions are named for the convention they follow: ``to_geojson()`` is (lon, lat),
    ``to_folium()`` is [lat, lon]. Nothing else in geo should index a pair by position.
    """

    lat: float
    lon: float

    def __post_init__(self) -> None:
        lat, lon = self.lat, self.lon
        if type(lat) is float and type(lon) is float and -90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0:
            return  # the common case, checked in one line (NaN fails the comparisons and is caught below)
        for axis, value, bound in (("latitude", self.lat, 90.0), ("longitude", self.lon, 180.0)):
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise InvalidCoordinate(f"{axis} must be a number, got {value!r}")
            if not math.isfinite(value) or abs(value) > bound:
                raise InvalidCoordinate(f"{axis} {value!r} is outside -{bound:g}..{bound:g}")
        object.__setattr__(self, "lat", float(self.lat))
        object.__setattr__(self, "lon", float(self.lon))

    @classmethod
    def parse(cls, text: str) -> Coordinate:
        """Read ``"LAT,LON"`` (the order people type, as in ``--near 36.2,37.1``)."""
        parts = [p.strip() for p in str(text).split(",")]
        if len(parts) != 2:
            raise InvalidCoordinate(f"expected 'LAT,LON', got {text!r}")
        try:
            lat, lon = float(parts[0]), float(parts[1])
        except ValueError:
            raise InvalidCoordinate(f"expected 'LAT,LON' with numbers, got {text!r}") from None
        return cls(lat, lon)

    def to_geojson(self) -> tuple[float, float]:
        """(lon, lat), as RFC 7946 wants."""
        return (self.lon, self.lat)

    def to_folium(self) -> list[float]:
        """[lat, lon], as Leaflet and folium want."""
        return [self.lat, self.lon]

    def to_geopy(self) -> Any:
        from geopy.point import Point

        return Point(self.lat, self.lon)

    def to_shapely(self) -> Any:
        from shapely.geometry import Point

        return Point(self.lon, self.lat)

    def distance_km(self, other: Coordinate) -> float:
        """Great-circle (haversine) distance; good to ~0.5%, plenty for ranking and scoring."""
        p1, p2 = math.radians(self.lat), math.radians(other.lat)
        dp, dl = p2 - p1, math.radians(other.lon - self.lon)
        a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
        return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))

    def __str__(self) -> str:
        return f"{self.lat:.5f},{self.lon:.5f}"

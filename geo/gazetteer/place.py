"""A gazetteer record and a ranked match of a name against it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from geo.point import Coordinate


@dataclass(frozen=True, slots=True)
class Place:
    """One gazetteer record, with where it came from.

    ``id`` is the record's identity across sources (``geonames:170063``, ``icao:OS66``,
    ``curated:madrasat-al-mushat``); ``source`` names the index it was read from; ``source_id`` is the
    record in the outside dataset its coordinates come from (equal to ``id`` for imported rows).
    """

    id: str
    name: str
    point: Coordinate
    source: str
    feature_class: str = ""
    feature_code: str = ""
    country: str = ""
    admin1: str = ""
    admin1_name: str = ""
    population: int = 0
    alternatenames: tuple[str, ...] = ()
    source_id: str = ""
    note: str = ""

    @property
    def lat(self) -> float:
        return self.point.lat

    @property
    def lon(self) -> float:
        return self.point.lon

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "lat": self.lat,
            "lon": self.lon,
            "source": self.source,
            "source_id": self.source_id or self.id,
            "feature_class": self.feature_class,
            "feature_code": self.feature_code,
            "country": self.country,
            "admin1": self.admin1_name or self.admin1,
            "admin1_code": self.admin1,
            "population": self.population,
            "alternatenames": list(self.alternatenames),
            "note": self.note,
        }


TIERS = ("exact", "variant", "fuzzy")


@dataclass(frozen=True, slots=True)
class Match:
    """A place found for a query name: how it matched, and how well it ranks."""

    place: Place
    score: float
    tier: str  # one of TIERS
    matched: str  # the gazetteer name (folded) that matched
    distance_km: float | None = None
    reasons: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        d = self.place.to_dict()
        d.update(score=round(self.score, 4), match=self.tier, matched=self.matched)
        if self.distance_km is not None:
            d["distance_km"] = round(self.distance_km, 2)
        return d

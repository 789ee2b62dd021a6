"""The gazetteer as a geopy geocoder: same calls and answers as Nominatim, no network.

Code written against geopy (``geocode`` -> ``Location``) can then use the local indexes, and a chain can put
the local gazetteer in front of an online service.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from geopy.geocoders.base import DEFAULT_SENTINEL, Geocoder
from geopy.location import Location
from geopy.point import Point

from geo.exc import InvalidCoordinate
from geo.gazetteer.lookup import Gazetteer
from geo.gazetteer.place import Match
from geo.point import Coordinate

DEFAULT_LIMIT = 10  # as Nominatim, when exactly_one=False and no limit is given
COUNTRY_CODE = "PCLI"  # GeoNames' feature code for an independent political entity

# Keys of geopy's structured (dict) query, as Nominatim takes them.
_NAME_KEYS = ("city", "county", "street", "query", "q")
_ADMIN1_KEYS = ("state", "county")


class LocalGazetteer(Geocoder):
    """Geocode against the gazetteer indexes in ``home`` (see :class:`geo.gazetteer.lookup.Gazetteer`).

    ``country`` (an ISO code) restricts every query unless the query names its own; ``near`` ranks places
    close to it higher. ``Location.raw`` is the gazetteer record (``Match.to_dict()``): it carries ``id``,
    ``source`` and ``source_id``, so a map can cite where a point came from.
    """

    def __init__(
        self,
        gazetteer: Gazetteer | None = None,
        *,
        home: str | os.PathLike[str] | None = None,
        country: str | None = None,
        near: Coordinate | None = None,
        timeout: Any = DEFAULT_SENTINEL,
        **kwargs: Any,
    ) -> None:
        # The base class only stores options and builds an HTTP adapter that is never used; calling it
        # makes this a geopy geocoder in every respect (isinstance, RateLimiter, options).
        super().__init__(timeout=timeout, **kwargs)
        self.gazetteer = gazetteer if gazetteer is not None else Gazetteer(home)
        self.country = country.upper() if country else None
        self.near = near

    # ------------------------------------------------------------------------------------------ geocode

    def geocode(
        self,
        query: str | Mapping[str, str],
        *,
        exactly_one: bool = True,
        limit: int | None = None,
        country_codes: str | Iterable[str] | None = None,
        near: Coordinate | None = None,
        timeout: Any = DEFAULT_SENTINEL,  # accepted for geopy compatibility; a local lookup needs none
    ) -> Location | list[Location] | None:
        """``"Tall Qrah, Aleppo, Syria"``: the first part is the name, later parts admin1/country context."""
        name, context = _split(query)
        if not name:
            return None
        countries = _codes(country_codes)
        admin1, hint, named_country = self._context(context, countries)
        if not countries:
            countries = [named_country] if named_country else ([self.country] if self.country else [None])
        near = near or self.near or hint
        want = 1 if exactly_one else (limit or DEFAULT_LIMIT)
        matches: list[Match] = []
        for cc in countries:  # the gazetteer restricts to one country at a time
            matches.extend(self.gazetteer.lookup(name, near=near, country=cc, admin1=admin1, limit=want))
        matches.sort(key=lambda m: m.score, reverse=True)
        locations = [_location(m) for m in matches[:want]]
        if exactly_one:
            return locations[0] if locations else None
        return locations or None

    def _context(
        self, parts: Sequence[str], countries: list[str]
    ) -> tuple[str | None, Coordinate | None, str | None]:
        """(admin1, near hint, country code) from the parts after the name, most general last."""
        country = countries[0] if len(countries) == 1 else None
        named_country = None
        rest: list[str] = []
        for part in reversed(parts):
            code = None if named_country else self._country_code(part)
            if code:
                named_country = code
            else:
                rest.append(part)
        rest.reverse()  # most specific first again
        country = country or named_country or self.country
        admin1 = hint = None
        for i, part in enumerate(rest):
            exact = None
            if country:  # unrestricted, "Aleppo" could be a namesake abroad that would drag the ranking
                best = self.gazetteer.lookup(part, country=country, fuzzy=False, limit=1)
                exact = best[0].place if best and best[0].tier == "exact" else None
            if i == 0 and exact is not None:
                hint = exact.point  # the nearest context ("a village near Azaz") is the best locator
            if i == len(rest) - 1:
                # The admin1 *code* of a place named like the governorate (Aleppo -> 09) matches the
                # gazetteer's admin1 column with or without imported admin1 names; else the text itself.
                admin1 = exact.admin1 if exact is not None and exact.admin1 else part
        return admin1, hint, named_country

    def _country_code(self, part: str) -> str | None:
        """``"Syria"`` -> ``"SY"`` through the gazetteer's country record; ``"SY"`` stays ``"SY"``."""
        found = self.gazetteer.lookup(part, fuzzy=False, limit=3)
        for m in found:
            if m.tier == "exact" and m.place.feature_code == COUNTRY_CODE and m.place.country:
                return m.place.country
        if len(part) == 2 and part.isalpha() and part.isupper():
            return part
        return None

    # ------------------------------------------------------------------------------------------ reverse

    def reverse(
        self,
        query: Any,
        *,
        exactly_one: bool = True,
        max_km: float = 50.0,
        limit: int | None = None,
        timeout: Any = DEFAULT_SENTINEL,  # accepted for geopy compatibility
    ) -> Location | list[Location] | None:
        """The nearest gazetteer place(s) to ``query`` ("lat, lon", Point, (lat, lon) or Coordinate)."""
        point = to_coordinate(query)
        want = 1 if exactly_one else (limit or DEFAULT_LIMIT)
        locations = [_location(m) for m in self.gazetteer.reverse(point, limit=want, max_km=max_km)]
        if exactly_one:
            return locations[0] if locations else None
        return locations or None

    def __repr__(self) -> str:
        return f"LocalGazetteer(home={str(self.gazetteer.home)!r}, country={self.country!r})"


# ---------------------------------------------------------------------------------------------- helpers


def to_coordinate(query: Any) -> Coordinate:
    """Whatever geopy takes as a point, as a :class:`Coordinate`.

    Decimal pairs are checked strictly (geopy would wrap a longitude of 190 to -170, hiding a swapped or
    mistyped pair); other text ("36 12m N, 37 10m E") goes through geopy's parser.
    """
    if isinstance(query, Coordinate):
        return query
    if isinstance(query, Point):
        return Coordinate(query.latitude, query.longitude)
    if isinstance(query, str):
        parts = query.split(",")
        try:
            pair = (float(parts[0]), float(parts[1])) if len(parts) == 2 else None
        except ValueError:
            pair = None  # not two decimals: let geopy parse it
        if pair is not None:
            return Coordinate(*pair)
    elif isinstance(query, Sequence) and len(query) in (2, 3):
        return Coordinate(query[0], query[1])
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # geopy warns, then raises, for an out-of-range latitude
            p = Point(query)
    except (TypeError, ValueError) as e:
        raise InvalidCoordinate(f"not a point: {query!r} ({e})") from None
    return Coordinate(p.latitude, p.longitude)


def _split(query: str | Mapping[str, str]) -> tuple[str, list[str]]:
    if isinstance(query, Mapping):  # geopy's structured query: {"city": ..., "state": ..., "country": ...}
        name = next((str(query[k]) for k in _NAME_KEYS if query.get(k)), "")
        context = [str(query[k]) for k in (*_ADMIN1_KEYS, "country")
                   if query.get(k) and str(query[k]) != name]
        return name.strip(), [c.strip() for c in context if c.strip()]
    parts = [p.strip() for p in str(query).split(",")]
    parts = [p for p in parts if p]
    return (parts[0], parts[1:]) if parts else ("", [])


def _codes(country_codes: str | Iterable[str] | None) -> list[str]:
    if not country_codes:
        return []
    if isinstance(country_codes, str):
        country_codes = [country_codes]
    return [c.strip().upper() for c in country_codes if c and c.strip()]


def _location(m: Match) -> Location:
    p = m.place
    # Nominatim-like display name: place, admin1 (when its name is known), country code.
    address = ", ".join(x for x in (p.name, p.admin1_name, p.country) if x)
    return Location(address, Point(p.lat, p.lon), m.to_dict())

import math

import pytest

from geo.exc import GeoError, InvalidCoordinate
from geo.point import Coordinate


def test_axis_order_is_named_not_positional():
    aleppo = Coordinate(36.2, 37.16)
    assert aleppo.to_geojson() == (37.16, 36.2)  # RFC 7946: lon, lat
    assert aleppo.to_folium() == [36.2, 37.16]  # Leaflet: lat, lon
    assert (aleppo.to_shapely().x, aleppo.to_shapely().y) == (37.16, 36.2)
    assert (aleppo.to_geopy().latitude, aleppo.to_geopy().longitude) == (36.2, 37.16)


@pytest.mark.parametrize("lat, lon", [
    (91, 0), (-90.5, 0), (0, 180.01), (math.nan, 0), (0, math.inf), ("36", 37), (True, 1),
])
def test_invalid_coordinates_are_refused_when_built(lat, lon):
    with pytest.raises(InvalidCoordinate):
        Coordinate(lat, lon)


def test_invalid_coordinate_is_both_a_geo_error_and_a_value_error():
    with pytest.raises(GeoError):
        Coordinate(100, 0)
    with pytest.raises(ValueError):
        Coordinate(100, 0)


def test_immutable():
    c = Coordinate(1, 2)
    with pytest.raises(AttributeError):
        c.lat = 3  # type: ignore[misc]


def test_parse_reads_lat_comma_lon():
    assert Coordinate.parse(" 36.2 , 37.1 ") == Coordinate(36.2, 37.1)
    for bad in ("36.2", "a,b", "1,2,3", "95,0"):
        with pytest.raises(InvalidCoordinate):
            Coordinate.parse(bad)


def test_distance_aleppo_to_damascus():
    # Great-circle distance between the two cities is about 310 km.
    d = Coordinate(36.20124, 37.16117).distance_km(Coordinate(33.5102, 36.29128))
    assert 300 < d < 320

"""geo build's files: GeoJSON that GIS tools read (RFC 7946), and an HTML map that never runs an
article's script."""

from __future__ import annotations

import json
import math
import shutil

import pytest
from click.testing import CliRunner

from geo.cli.main import cli
from tests.conftest import TESTS

SEEDS = TESTS.parent / "seeds"
LAYERS = ("control", "areas", "advances", "events", "places")


@pytest.fixture(scope="module")
def built(tmp_path_factory, default_home):
    out = tmp_path_factory.mktemp("maps")
    res = CliRunner().invoke(cli, ["--home", str(default_home), "build", str(SEEDS), "--out", str(out)],
                             catch_exceptions=False)
    assert res.exit_code == 0, res.output
    return out


def ring_area(ring):
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:]))


def walk(coords):
    if coords and isinstance(coords[0], (int, float)):
        yield coords
    else:
        for c in coords:
            yield from walk(c)


def test_geojson_follows_rfc_7946(built):
    for name in LAYERS:
        data = json.loads((built / f"{name}.geojson").read_text(encoding="utf-8"))
        assert data["type"] == "FeatureCollection" and data["features"], name
        assert "crs" not in data  # RFC 7946: WGS84 only, no crs member
        for f in data["features"]:
            for lon, lat in walk(f["geometry"]["coordinates"]):
                assert math.isfinite(lon) and math.isfinite(lat)
                # lon, lat order: every place of the seeds is in or near Syria (lat 29-40, lon 29-55)
                # or a country/city abroad; a swapped pair would put Aleppo at lat 37.2, lon 36.2.
                assert -180 <= lon <= 180 and -90 <= lat <= 90
            polygons = {"Polygon": [f["geometry"]["coordinates"]],
                        "MultiPolygon": f["geometry"]["coordinates"]}.get(f["geometry"]["type"], [])
            for rings in polygons:
                assert ring_area(rings[0]) > 0  # counter-clockwise outer ring
                assert all(ring_area(hole) < 0 for hole in rings[1:])  # clockwise holes


def test_aleppo_is_at_lon_37_lat_36(built):
    control = json.loads((built / "control.geojson").read_text(encoding="utf-8"))
    aleppo = next(f for f in control["features"] if f["properties"]["place_id"] == "geonames:170063")
    lon, lat = aleppo["geometry"]["coordinates"]
    assert 37.0 < lon < 37.3 and 36.1 < lat < 36.3


def test_gdal_reads_the_layers_back_with_their_properties(built):
    pyogrio = pytest.importorskip("pyogrio", reason="pyogrio (GDAL) is installed by .ci/run")
    counts = {}
    for name in LAYERS:
        info = pyogrio.read_info(built / f"{name}.geojson")
        counts[name] = info["features"]
        assert info["crs"] in ("EPSG:4326", "OGC:CRS84"), info["crs"]
    assert pyogrio.read_info(built / "control.geojson")["geometry_type"] == "Point"
    assert pyogrio.read_info(built / "advances.geojson")["geometry_type"] == "LineString"
    from pyogrio.raw import read

    meta, _, geometry, fields = read(built / "control.geojson")
    col = {name: list(values) for name, values in zip(meta["fields"], fields)}
    assert len(geometry) == counts["control"]
    rows = {p: (h, s) for p, h, s in zip(col["place"], col["holder"], col["status"])}
    assert rows["Tall Qarah"] == ("islamic_state", "held")
    assert rows["Kweires Air Base"][1] == "besieged"
    assert rows["Aleppo"][1] == "contested"
    # The places layer: every place mentioned, once, with its number of mentions (the gold has 264).
    meta, _, _, fields = read(built / "places.geojson")
    col = {name: list(values) for name, values in zip(meta["fields"], fields)}
    assert counts["places"] == len(set(col["place_id"])) >= 40
    assert sum(col["mentions"]) >= 250
    assert col["mentions"][col["place"].index("Aleppo")] >= 40


def test_control_areas_claim_no_land_without_evidence(built):
    from shapely.geometry import Point, shape

    areas = json.loads((built / "areas.geojson").read_text(encoding="utf-8"))["features"]
    by_holder = {f["properties"]["holder"]: f for f in areas}
    assert {"islamic_state", "rebels", "contested"} <= set(by_holder)
    is_area = shape(by_holder["islamic_state"]["geometry"])
    assert is_area.contains(Point(37.17791, 36.3747))  # Tall Qarah
    assert not is_area.contains(Point(37.16117, 36.20124))  # not Aleppo: that is contested
    assert shape(by_holder["contested"]["geometry"]).contains(Point(37.16117, 36.20124))
    for f in areas:
        p = f["properties"]
        places = len(p["places"].split(", "))
        # No more than a disc of the radius around each place it rests on.
        assert p["area_km2"] <= places * 3.1416 * p["radius_km"] ** 2 * 1.01
        for lon, lat in walk(f["geometry"]["coordinates"]):
            assert 35.5 <= lon <= 42.5 and 32.2 <= lat <= 37.4  # clipped to Syria


def test_control_colours_follow_the_factions(built):
    control = json.loads((built / "control.geojson").read_text(encoding="utf-8"))
    by_place = {f["properties"]["place"]: f["properties"] for f in control["features"]}
    assert by_place["Tall Qarah"]["colour"] == "#1a1a1a"  # Islamic State black
    assert by_place["Khan Tuman"]["colour"] == "#2ca02c"  # rebels green


def test_the_html_map_cites_its_sources_and_has_layers_and_legend(built):
    page = (built / "index.html").read_text(encoding="utf-8")
    for fragment in ("Control", "Advances", "Every place mentioned", "geo-legend", "Islamic State", "as of 2016-05-08",
                     "IS militants drove out rebels from the localities of Tall Qrah"):
        assert fragment in page, fragment
    counts = json.loads(page.split('id="geo-layers">', 1)[1].split("</script>", 1)[0])
    for name in LAYERS:
        data = json.loads((built / f"{name}.geojson").read_text(encoding="utf-8"))
        assert counts[name] == len(data["features"])


def test_a_hostile_article_shows_as_text(tmp_path, default_home):
    src = tmp_path / "news"
    src.mkdir()
    shutil.copy(SEEDS / "004_3468634f849ddd99.txt", src / "a.txt")
    (src / "evil.txt").write_text(
        'Rebels captured Khan Touman <script>window.pwned=1</script> and <img src=x onerror="alert(1)"> today.'
        "</script><script>alert(2)</script> Rebels also took Kafrnaha ${window.pwned=2} `x` \\u0060.",
        encoding="utf-8")
    (src / "evil.meta.json").write_text(json.dumps({"outlet": "<b onmouseover=alert(3)>x</b>",
                                                    "url": "javascript:alert(4)", "published": "2016-05-08"}))
    out = tmp_path / "maps"
    res = CliRunner().invoke(cli, ["--home", str(default_home), "build", str(src), "--out", str(out)],
                             catch_exceptions=False)
    assert res.exit_code == 0, res.output
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "<script>window.pwned" not in page and "<img src=x" not in page
    assert "<b onmouseover" not in page and "javascript:alert(4)" not in page
    assert "&lt;script&gt;window.pwned=1&lt;/script&gt;" in page  # shown as text
    # folium puts popups in JavaScript template literals: "${...}" must not reach one unescaped.
    assert "${window.pwned" not in page and "&#36;{window.pwned=2}" in page


def test_as_of_draws_the_state_on_that_date(tmp_path, default_home):
    out = tmp_path / "maps"
    res = CliRunner().invoke(cli, ["--home", str(default_home), "build", str(SEEDS), "--out", str(out),
                                   "--as-of", "2015-12-31"], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    control = json.loads((out / "control.geojson").read_text(encoding="utf-8"))
    places = {f["properties"]["place"] for f in control["features"]}
    assert "Tall Qarah" in places and "Khan Tuman" not in places  # taken in May 2016: not yet
    assert "as of 2015-12-31" in (out / "index.html").read_text(encoding="utf-8")
    bad = CliRunner().invoke(cli, ["--home", str(default_home), "build", str(SEEDS), "--out", str(out),
                                   "--as-of", "last year"])
    assert bad.exit_code == 2 and "--as-of" in bad.output


def test_cdn_mode_links_leaflet_instead_of_inlining_it(tmp_path, default_home):
    out = tmp_path / "maps"
    res = CliRunner().invoke(cli, ["--home", str(default_home), "build", str(SEEDS), "--out", str(out), "--cdn"],
                             catch_exceptions=False)
    assert res.exit_code == 0, res.output
    page = (out / "index.html").read_text(encoding="utf-8")
    assert '<script src="https://' in page and "leaflet" in page.lower()


def test_an_advance_starts_from_its_stated_origin(tmp_path, default_home):
    src = tmp_path / "news"
    src.mkdir()
    (src / "a.txt").write_text("Rebels hold Idlib. Rebels advanced on Khan Touman from Kafrnaha on Friday.",
                               encoding="utf-8")
    out = tmp_path / "maps"
    res = CliRunner().invoke(cli, ["--home", str(default_home), "build", str(src), "--out", str(out)],
                             catch_exceptions=False)
    assert res.exit_code == 0, res.output
    (adv,) = json.loads((out / "advances.geojson").read_text(encoding="utf-8"))["features"]
    p = adv["properties"]
    assert (p["from_place"], p["origin"], p["to_place"]) == ("Kafr Naha", "stated", "Khan Tuman")
    (lon0, lat0), (lon1, lat1) = adv["geometry"]["coordinates"]
    assert abs(lat0 - 36.168) < 0.01 and abs(lat1 - 36.117) < 0.01  # from Kafrnaha, to Khan Touman


def test_places_at_one_point_share_a_control_cell():
    # A base placed at its town's coordinates and the town itself, held by two sides: the diagram must
    # not fail on the repeated point; each side gets that one cell.
    from shapely.geometry import Point, shape

    from geo.areas import areas_layer
    from geo.events.actors import Factions
    from geo.territory import PlaceState

    def state(pid, name, lat, lon, holder):
        return PlaceState(place={"id": pid, "name": name, "lat": lat, "lon": lon, "feature_code": "PPL"},
                          holder=holder)

    states = {
        "a": state("geonames:166563", "Al Muslimiyah", 36.30947, 37.20491, "government"),
        "b": state("curated:madrasat-al-mushat", "Madrasat al-Mushat", 36.30947, 37.20491, "islamic_state"),
        "c": state("geonames:163484", "Tall Qarah", 36.3747, 37.17791, "islamic_state"),
    }
    features = {f["properties"]["holder"]: f for f in areas_layer(states, Factions.load())["features"]}
    assert set(features) == {"government", "islamic_state"}
    for holder in ("government", "islamic_state"):
        assert shape(features[holder]["geometry"]).contains(Point(37.20491, 36.30947))
    assert shape(features["islamic_state"]["geometry"]).contains(Point(37.17791, 36.3747))

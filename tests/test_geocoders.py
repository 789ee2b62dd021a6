"""The geopy layer: the local gazetteer as a geopy geocoder, the local-then-Nominatim chain, the cache.

Nothing here uses the internet. "Nominatim" is a fake served by an HTTP server on 127.0.0.1 started by the
tests, reached through geopy's real Nominatim class; it counts the requests it gets. The default gazetteer
index is conftest's ``default_home``, built once a session.
"""

from __future__ import annotations

import json
import logging
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from geopy.exc import GeocoderServiceError, GeocoderTimedOut, GeocoderUnavailable
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import Nominatim
from geopy.geocoders.base import Geocoder
from geopy.location import Location
from geopy.point import Point

from geo.exc import GeoError
from geo.geocoders import MISS, GeocodeCache, GeocoderChain, LocalGazetteer, online_nominatim
from geo.geocoders.chain import ONLINE_ERRORS
from geo.point import Coordinate

UNKNOWN = "Zzqxxv"  # in no gazetteer, not even fuzzily
KAFR_QARIS = Coordinate(36.36125, 37.20121)
KWEIRES_AIRBASE = Coordinate(36.1871, 37.5832)
FAKE_POINT = Coordinate(35.4321, 38.7654)  # what the fake Nominatim answers for every search

# ------------------------------------------------------------------------------------------------ fixtures


@pytest.fixture(scope="module")
def local(default_home: Path) -> LocalGazetteer:
    """The embedded default index, built once a session (tests/conftest.py); read-only here."""
    return LocalGazetteer(home=default_home)


class FakeNominatim:
    """State of the fake server: what it answers (``mode``) and what it was asked (``requests``)."""

    def __init__(self) -> None:
        self.mode = "ok"  # ok | empty | slow | 500
        self.requests: list[dict[str, Any]] = []
        self.release = threading.Event()  # ends a "slow" answer early when the server stops
        self.lock = threading.Lock()

    @property
    def count(self) -> int:
        with self.lock:
            return len(self.requests)


def _handler(state: FakeNominatim) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            url = urlsplit(self.path)
            args = {k: v[0] for k, v in parse_qs(url.query).items()}
            with state.lock:
                state.requests.append({"path": url.path, **args})
                n = len(state.requests)
            if state.mode == "500":
                self.send_error(500, "Internal Server Error")
                return
            if state.mode == "slow":
                state.release.wait(3.0)
            record = {
                "place_id": 1000 + n, "licence": "Data © OpenStreetMap contributors, ODbL 1.0.",
                "osm_type": "node", "osm_id": 424242, "lat": str(FAKE_POINT.lat), "lon": str(FAKE_POINT.lon),
                "class": "place", "type": "village", "importance": 0.3,
                "display_name": f"{args.get('q', '?')}, Dayr az Zawr, Syria",
            }
            if url.path == "/search":  # a list, empty when nothing is found
                body: Any = [] if state.mode == "empty" else [record]
            elif url.path == "/reverse":  # one object, or an error object
                body = {"error": "Unable to geocode"} if state.mode == "empty" else record
            else:
                self.send_error(404)
                return
            data = json.dumps(body).encode()
            try:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except OSError:
                pass  # the client gave up (the timeout test)

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[FakeNominatim, int]]:
    state = FakeNominatim()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield state, httpd.server_address[1]
    state.release.set()
    httpd.shutdown()
    httpd.server_close()
    thread.join(5)


@pytest.fixture
def fake(server: tuple[FakeNominatim, int]) -> FakeNominatim:
    state, _ = server
    state.mode = "ok"
    with state.lock:
        state.requests.clear()
    return state


@pytest.fixture
def nominatim(server: tuple[FakeNominatim, int]) -> Nominatim:
    return Nominatim(domain=f"127.0.0.1:{server[1]}", scheme="http", user_agent="geo-tests", timeout=5)


def make_chain(local: LocalGazetteer, online: Geocoder | None, cache: GeocodeCache | None = None,
               **kwargs: Any) -> GeocoderChain:
    kwargs.setdefault("min_delay_seconds", 0.0)  # tests must not wait a second between requests
    return GeocoderChain(local, online, cache=cache if cache is not None else GeocodeCache(":memory:"),
                         **kwargs)


# ------------------------------------------------------------------------------------------ LocalGazetteer


def test_local_is_a_geopy_geocoder(local: LocalGazetteer) -> None:
    assert isinstance(local, Geocoder)
    assert local.scheme in ("http", "https") and hasattr(local, "adapter")  # the base __init__ ran


def test_geocode_kafar_qares(local: LocalGazetteer) -> None:
    loc = local.geocode("Kafar Qares")
    assert isinstance(loc, Location)
    assert Coordinate(loc.latitude, loc.longitude).distance_km(KAFR_QARIS) < 2.0
    assert loc.raw["id"] == "geonames:168646"
    assert loc.raw["source"] == "default"
    assert loc.address.startswith(loc.raw["name"])


def test_geocode_kweires(local: LocalGazetteer) -> None:
    loc = local.geocode("Kweires")
    assert Coordinate(loc.latitude, loc.longitude).distance_km(KWEIRES_AIRBASE) < 2.0


def test_geocode_many_is_ordered_by_score(local: LocalGazetteer) -> None:
    locs = local.geocode("Damascus", exactly_one=False, limit=4)
    assert isinstance(locs, list) and 1 < len(locs) <= 4
    scores = [loc.raw["score"] for loc in locs]
    assert scores == sorted(scores, reverse=True)
    assert locs[0].raw["country"] == "SY"
    assert local.geocode("Damascus", exactly_one=False, limit=1)[0].raw["id"] == locs[0].raw["id"]


def test_geocode_unknown_is_none(local: LocalGazetteer) -> None:
    assert local.geocode(UNKNOWN) is None
    assert local.geocode(UNKNOWN, exactly_one=False) is None
    assert local.geocode(" , ") is None


@pytest.mark.parametrize("query", ["36.2, 37.17", (36.2, 37.17), Point(36.2, 37.17), Coordinate(36.2, 37.17)])
def test_reverse_finds_aleppo(local: LocalGazetteer, query: Any) -> None:
    loc = local.reverse(query)
    assert loc.raw["name"] == "Aleppo"
    assert loc.raw["distance_km"] < 5
    many = local.reverse(query, exactly_one=False, limit=3)
    assert isinstance(many, list) and many[0].raw["name"] == "Aleppo"


def test_reverse_rejects_non_points(local: LocalGazetteer) -> None:
    with pytest.raises(GeoError):
        local.reverse("not a point")
    for bad in ("95, 37", "36.2, 190", (36.2, 190)):
        with pytest.raises(ValueError):  # geopy would wrap 190 to -170; a swapped pair must not pass
            local.reverse(bad)
    assert local.reverse("36 12m N, 37 10m E").raw["name"] == "Aleppo"  # geopy's own formats still work


def test_reverse_far_from_anything_is_none(local: LocalGazetteer) -> None:
    assert local.reverse((-60.0, -140.0), max_km=50) is None  # the Southern Ocean


def test_query_with_context(local: LocalGazetteer) -> None:
    loc = local.geocode("Tall Qrah, Aleppo, Syria")
    assert loc.raw["name"] == "Tall Qarah"
    assert loc.raw["country"] == "SY"


def test_country_context_restricts(local: LocalGazetteer) -> None:
    assert local.geocode("Damascus, Syria").raw["country"] == "SY"
    assert local.geocode("Damascus, SY").raw["country"] == "SY"
    assert local.geocode("Damascus, Syrian Arab Republic").raw["country"] == "SY"  # country_aliases.tsv
    assert local.geocode("Damascus, USA").raw["country"] == "US"
    assert local.geocode("Damascus", country_codes="us").raw["country"] == "US"
    assert local.geocode({"city": "Damascus", "country": "Syria"}).raw["country"] == "SY"
    us = LocalGazetteer(local.gazetteer, country="US")
    assert us.geocode("Damascus").raw["country"] == "US"


def test_local_never_touches_the_network(local: LocalGazetteer, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("LocalGazetteer opened a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    assert local.geocode("Kafar Qares, Aleppo, Syria") is not None
    assert local.reverse("36.2, 37.17") is not None


# ------------------------------------------------------------------------------------------ GeocoderChain


def test_chain_without_online_is_local_only(local: LocalGazetteer) -> None:
    chain = GeocoderChain(local)
    assert isinstance(chain, Geocoder)
    assert chain.online is None and chain.cache is None
    assert chain.geocode(UNKNOWN) is None
    assert chain.geocode("Kweires").raw["source"] == "default"


def test_chain_prefers_local(local: LocalGazetteer, fake: FakeNominatim, nominatim: Nominatim) -> None:
    chain = make_chain(local, nominatim)
    loc = chain.geocode("Kafar Qares")
    assert loc.raw["id"] == "geonames:168646" and loc.raw["source"] == "default"
    assert chain.reverse("36.2, 37.17").raw["name"] == "Aleppo"
    assert fake.count == 0


def test_chain_asks_online_once_then_caches(local: LocalGazetteer, fake: FakeNominatim, nominatim: Nominatim,
                                            tmp_path: Path) -> None:
    path = tmp_path / "geocode.sqlite"
    chain = make_chain(local, nominatim, GeocodeCache(path))
    loc = chain.geocode(UNKNOWN)
    assert fake.count == 1 and fake.requests[0]["path"] == "/search" and fake.requests[0]["q"] == UNKNOWN
    assert loc.raw["source"] == "nominatim"
    assert loc.raw["id"] == "osm:node/424242"
    assert "OpenStreetMap" in loc.raw["licence"]  # the attribution a map must show
    assert Coordinate(loc.latitude, loc.longitude).distance_km(FAKE_POINT) < 0.01

    again = chain.geocode(UNKNOWN)
    assert fake.count == 1
    assert (again.address, again.raw) == (loc.address, loc.raw)
    assert chain.geocode(f"  {UNKNOWN.lower()} ").raw["source"] == "nominatim"  # normalized query
    assert fake.count == 1

    other = make_chain(local, nominatim, GeocodeCache(path))  # a new process, the same cache file
    assert other.geocode(UNKNOWN).raw == loc.raw
    assert fake.count == 1

    many = other.geocode(UNKNOWN, exactly_one=False)  # other parameters: another entry
    assert fake.count == 2 and isinstance(many, list) and many[0].raw["source"] == "nominatim"


def test_chain_caches_negative_answers(local: LocalGazetteer, fake: FakeNominatim,
                                       nominatim: Nominatim) -> None:
    fake.mode = "empty"
    chain = make_chain(local, nominatim)
    assert chain.geocode(UNKNOWN) is None
    assert chain.geocode(UNKNOWN) is None
    assert fake.count == 1


@pytest.mark.parametrize("known", [True, False])
@pytest.mark.parametrize("mode", ["slow", "500"])
def test_chain_survives_online_failures(local: LocalGazetteer, fake: FakeNominatim, server: Any, mode: str,
                                        known: bool, caplog: pytest.LogCaptureFixture) -> None:
    fake.mode = mode
    online = Nominatim(domain=f"127.0.0.1:{server[1]}", scheme="http", user_agent="geo-tests", timeout=0.2)
    # min_local_score makes the chain ask online even for a place the gazetteer knows.
    chain = make_chain(local, online, min_local_score=0.999 if known else None)
    with caplog.at_level(logging.WARNING, logger="geo.geocoders"):
        loc = chain.geocode("Kafar Qares" if known else UNKNOWN)
    if known:
        assert loc.raw["id"] == "geonames:168646" and loc.raw["source"] == "default"
    else:
        assert loc is None
    assert fake.count >= 1
    warnings = [r for r in caplog.records if r.name == "geo.geocoders" and r.levelno == logging.WARNING]
    assert warnings, caplog.text
    # geopy reports a read timeout as GeocoderUnavailable once the requests adapter's retries are spent.
    expected = ("GeocoderTimedOut", "GeocoderUnavailable") if mode == "slow" else ("GeocoderServiceError",)
    assert any(name in warnings[0].getMessage() for name in expected), warnings[0].getMessage()

    # A failure is not an answer: it is not cached, the next call asks again.
    fake.mode = "ok"
    assert chain.geocode("Kafar Qares" if known else UNKNOWN).raw["source"] == "nominatim"


def test_online_nominatim_does_not_retry_behind_the_rate_limiter(local: LocalGazetteer, fake: FakeNominatim,
                                                                 server: Any,
                                                                 caplog: pytest.LogCaptureFixture) -> None:
    fake.mode = "slow"
    online = online_nominatim(user_agent="geo-tests", domain=f"127.0.0.1:{server[1]}", scheme="http",
                              timeout=0.2)
    with caplog.at_level(logging.WARNING, logger="geo.geocoders"):
        assert make_chain(local, online).geocode(UNKNOWN) is None
    assert fake.count == 1  # geopy's default adapter would have sent 3 requests in one rate slot
    assert "GeocoderTimedOut" in caplog.text


class BrokenGeocoder(Geocoder):
    """An online geocoder whose transport fails with a bare OSError (not wrapped by geopy)."""

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def geocode(self, query: Any, *, exactly_one: bool = True, timeout: Any = None) -> Any:
        self.calls += 1
        raise ConnectionResetError("connection reset by peer")


def test_chain_survives_oserror(local: LocalGazetteer, caplog: pytest.LogCaptureFixture) -> None:
    broken = BrokenGeocoder()
    chain = make_chain(local, broken)
    with caplog.at_level(logging.WARNING, logger="geo.geocoders"):
        assert chain.geocode(UNKNOWN, country_codes="sy") is None  # country_codes dropped: not accepted
    assert broken.calls == 1
    assert "ConnectionResetError" in caplog.text


def test_chain_threshold_asks_online_for_weak_local_answers(local: LocalGazetteer, fake: FakeNominatim,
                                                            nominatim: Nominatim) -> None:
    weak = local.geocode("Kafar Qares").raw["score"]
    assert make_chain(local, nominatim, min_local_score=weak - 0.01).geocode("Kafar Qares").raw["source"] \
        == "default"
    assert fake.count == 0
    assert make_chain(local, nominatim, min_local_score=weak + 0.01).geocode("Kafar Qares").raw["source"] \
        == "nominatim"
    assert fake.count == 1
    fake.mode = "empty"  # the online service knows nothing: the weak local answer stands
    loc = make_chain(local, nominatim, min_local_score=weak + 0.01).geocode("Kafar Qares")
    assert loc.raw["source"] == "default"


def test_chain_passes_country_codes(local: LocalGazetteer, fake: FakeNominatim, nominatim: Nominatim) -> None:
    make_chain(local, nominatim).geocode(UNKNOWN, country_codes=["SY", "iq"])
    assert fake.requests[0]["countrycodes"] == "iq,sy"


def test_chain_reverse_falls_back_online(local: LocalGazetteer, fake: FakeNominatim,
                                         nominatim: Nominatim) -> None:
    chain = make_chain(local, nominatim)
    ocean = (-60.0, -140.0)  # no gazetteer place within 50 km
    loc = chain.reverse(ocean)
    assert fake.count == 1 and fake.requests[0]["path"] == "/reverse"
    assert loc.raw["source"] == "nominatim"
    assert chain.reverse(Coordinate(*ocean)).raw["source"] == "nominatim"  # same point, cached
    assert fake.count == 1
    fake.mode = "empty"
    assert chain.reverse((-61.0, -140.0)) is None


def test_chain_uses_the_rate_limiter(local: LocalGazetteer, fake: FakeNominatim,
                                     nominatim: Nominatim) -> None:
    now = [1000.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    chain = GeocoderChain(local, nominatim, cache=GeocodeCache(":memory:"), min_delay_seconds=1.0,
                          sleep=sleep, clock=lambda: now[0])
    assert isinstance(chain.rate_limiter, RateLimiter)
    chain.geocode(UNKNOWN)
    chain.geocode(UNKNOWN + "b")  # a second uncached query, at the same (fake) instant: must wait 1 s
    assert fake.count == 2
    assert slept == [pytest.approx(1.0)]
    chain.geocode(UNKNOWN)  # cached: no request, no wait
    assert slept == [pytest.approx(1.0)] and fake.count == 2
    now[0] += 5.0
    chain.geocode(UNKNOWN + "c")  # long after the last request: no wait
    assert slept == [pytest.approx(1.0)] and fake.count == 3


def test_chain_defaults(tmp_path: Path, local: LocalGazetteer) -> None:
    home = tmp_path / "home"  # only the cache goes here: the gazetteer is ``local``'s
    online = online_nominatim(user_agent="geo-tests (tests@example.org)")
    assert isinstance(online, Nominatim)
    assert online.domain == "nominatim.openstreetmap.org" and online.scheme == "https"
    assert online.headers["User-Agent"] == "geo-tests (tests@example.org)"
    assert online_nominatim().headers["User-Agent"].startswith("geo/")
    chain = GeocoderChain(local, online, home=home)
    assert chain.rate_limiter.min_delay_seconds == 1.0  # Nominatim's usage policy
    assert chain.online_name == "nominatim"
    assert Path(chain.cache.path) == home / "cache" / "geocode.sqlite"
    assert chain.min_local_score is None


# ------------------------------------------------------------------------------------------ GeocodeCache


def _loc(name: str = "Somewhere") -> Location:
    return Location(f"{name}, Syria", Point(35.5, 38.5), {"place_id": 7, "display_name": f"{name}, Syria"})


def test_cache_roundtrip() -> None:
    cache = GeocodeCache(":memory:")
    assert cache.get("nominatim", "Somewhere") is MISS
    cache.put("nominatim", "Somewhere", {"exactly_one": True}, _loc())
    hit = cache.get("nominatim", "  SOMEWHERE ", {"exactly_one": True})
    assert isinstance(hit, Location) and hit.raw["place_id"] == 7 and hit.latitude == 35.5
    assert cache.get("nominatim", "Somewhere", {"exactly_one": False}) is MISS  # params are in the key
    assert cache.get("photon", "Somewhere", {"exactly_one": True}) is MISS  # so is the geocoder
    cache.put("nominatim", "Somewhere", {"exactly_one": False}, [_loc("A"), _loc("B")])
    many = cache.get("nominatim", "somewhere", {"exactly_one": False})
    assert [x.address for x in many] == ["A, Syria", "B, Syria"]
    assert len(cache) == 2


def test_cache_negative_answers_expire_sooner() -> None:
    now = [0.0]
    cache = GeocodeCache(":memory:", ttl=100.0, negative_ttl=10.0, clock=lambda: now[0])
    cache.put("nominatim", "found", None, _loc())
    cache.put("nominatim", "missing", None, None)
    assert cache.get("nominatim", "missing") is None  # cached "nothing found", not a miss
    now[0] = 11.0
    assert cache.get("nominatim", "missing") is MISS
    assert cache.get("nominatim", "found") is not MISS
    now[0] = 101.0
    assert cache.get("nominatim", "found") is MISS
    assert cache.purge() == 2 and len(cache) == 0


def test_cache_file_is_shared(tmp_path: Path) -> None:
    home = tmp_path / "home"
    a = GeocodeCache(home=home)
    assert Path(a.path) == home / "cache" / "geocode.sqlite"
    b = GeocodeCache(home=home)
    a.put("nominatim", "Somewhere", None, _loc())
    assert b.get("nominatim", "Somewhere").raw["place_id"] == 7
    with sqlite3.connect(a.path) as con:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert con.execute("SELECT COUNT(*) FROM geocodes").fetchone()[0] == 1
    a.close()
    b.close()


def test_cache_waits_for_a_locked_writer(tmp_path: Path) -> None:
    path = tmp_path / "geocode.sqlite"
    cache = GeocodeCache(path)
    # "Another process" holds the write lock for a moment.
    other = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    timer = threading.Timer(0.2, lambda: other.execute("COMMIT"))
    timer.start()
    t0 = time.monotonic()
    cache.put("nominatim", "Somewhere", None, _loc())  # waits (busy timeout) instead of failing
    assert time.monotonic() - t0 >= 0.1
    timer.join()
    other.close()
    assert cache.get("nominatim", "Somewhere") is not MISS


def test_geocoder_service_errors_are_what_the_chain_catches() -> None:
    # The chain's contract with geopy: these are the failures that leave the local answer standing.
    for exc in (GeocoderTimedOut, GeocoderUnavailable, GeocoderServiceError, OSError, TimeoutError):
        assert issubclass(exc, ONLINE_ERRORS)

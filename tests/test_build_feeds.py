"""Builds from RSS feeds served on 127.0.0.1 (never the internet): a feed that gains an article between
two runs, feeds that fail while other sources go on, and the optional online geocoder."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from click.testing import CliRunner

from geo.cli.main import cli
from tests.test_build_incremental import MANBIJ, PALMYRA, TALL_QRAH, article, control, status

PAGE = """<!doctype html><html><head><title>{title} | Example Wire</title>
<script>var tracking = "Rebels captured Damascus";</script></head>
<body><nav>Home | World | Syria</nav><article><h1>{title}</h1><p>{text}</p></article>
<footer>Example Wire 2016</footer></body></html>"""


class NewsSite:
    """A small news site: an RSS feed, its article pages, and a log of what was asked."""

    def __init__(self) -> None:
        self.items: list[tuple[str, str, str, str]] = []  # path, title, text, RFC 822 date
        self.requests: list[tuple[str, dict]] = []
        self.etag = '"v0"'
        self.raw: dict[str, tuple[int, bytes, str]] = {}  # path -> status, body, content type
        self.lock = threading.Lock()

    def add(self, path: str, title: str, text: str, date: str) -> None:
        with self.lock:
            self.items.append((path, title, text, date))
            self.etag = f'"v{len(self.items)}"'

    def rss(self, base: str) -> bytes:
        items = "".join(f"<item><title>{t}</title><link>{base}{p}</link><pubDate>{d}</pubDate>"
                        f"<guid>{base}{p}</guid></item>" for p, t, _, d in self.items)
        return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Example Wire</title>'
                f"<link>{base}/</link><description>Syria</description>{items}</channel></rss>").encode()

    def fetched(self, path: str) -> int:
        return sum(1 for p, _ in self.requests if p == path)


@pytest.fixture
def site() -> Iterator[tuple[NewsSite, str]]:
    state = NewsSite()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
            url = urlsplit(self.path)
            with state.lock:
                state.requests.append((url.path, {k.lower(): v for k, v in self.headers.items()}))
            base = f"http://127.0.0.1:{self.server.server_address[1]}"
            if url.path in state.raw:
                code, body, ctype = state.raw[url.path]
                return self._send(code, body, ctype)
            if url.path == "/syria/rss.xml":
                if self.headers.get("If-None-Match") == state.etag:
                    self.send_response(304)
                    self.send_header("ETag", state.etag)
                    self.end_headers()
                    return
                return self._send(200, state.rss(base), "application/rss+xml", {"ETag": state.etag})
            if url.path == "/search":  # a fake Nominatim, for the online geocoder
                q = parse_qs(url.query).get("q", [""])[0]
                found = [{"place_id": 7, "osm_type": "node", "osm_id": 99, "lat": "36.5", "lon": "37.9",
                          "class": "place", "type": "hamlet", "display_name": f"{q}, Aleppo, Syria"}]
                return self._send(200, json.dumps(found if q == "Zzyzxiyah" else []).encode(), "application/json")
            for path, title, text, _ in state.items:
                if path == url.path:
                    return self._send(200, PAGE.format(title=title, text=text).encode(), "text/html; charset=utf-8")
            self._send(404, b"not found", "text/plain")

        def _send(self, code: int, body: bytes, ctype: str, headers: dict | None = None) -> None:
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield state, f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(key, raising=False)


def build(home: Path, *args):
    return CliRunner().invoke(cli, ["--home", str(home), "build", *map(str, args)], catch_exceptions=False)


def features(out: Path, layer: str) -> list[dict]:
    return json.loads((out / f"{layer}.geojson").read_text(encoding="utf-8"))["features"]


def test_a_feed_that_gains_an_article_between_two_runs(tmp_path, default_home, site):
    state, base = site
    feed, out = f"{base}/syria/rss.xml", tmp_path / "maps"
    state.add("/2016/08/12/manbij", "Kurds take Manbij", MANBIJ.strip(), "Fri, 12 Aug 2016 18:00:00 +0300")
    state.add("/2016/03/27/palmyra", "Army retakes Palmyra", PALMYRA.strip(), "Sun, 27 Mar 2016 10:00:00 +0300")

    res = build(default_home, feed, "--out", out)
    assert res.exit_code == 0, res.output
    first = status(out)
    assert first["documents"]["new"] == 2 and first["documents"]["parsed"] == 2
    assert set(control(out)) == {"Manbij", "Tadmur"}
    assert control(out)["Manbij"]["sources"][0]["outlet"] == "Example Wire"
    assert control(out)["Manbij"]["sources"][0]["url"] == f"{base}/2016/08/12/manbij"
    assert control(out)["Manbij"]["since"] == "2016-08-12"  # "on Friday", against the item's date
    assert "Damascus" not in json.dumps(features(out, "places"))  # the page's script is not the article
    html_before = (out / "index.html").read_text(encoding="utf-8")

    state.add("/2015/10/09/tall-qrah", "IS advances north of Aleppo", TALL_QRAH.strip(),
              "Fri, 09 Oct 2015 12:00:00 +0000")
    res = build(default_home, feed, "--out", out)
    assert res.exit_code == 0, res.output
    second = status(out)
    # Only the new article was fetched and parsed; the old pages were not asked for again.
    assert second["documents"]["new"] == 1 and second["documents"]["parsed"] == 1
    assert second["documents"]["in_store"] == 3
    assert state.fetched("/2016/08/12/manbij") == 1 and state.fetched("/2015/10/09/tall-qrah") == 1
    assert second["feeds"] == [{"url": feed, "status": "ok", "items": 3, "new": 1}]
    # The map and the GeoJSON changed accordingly.
    assert control(out)["Tall Qarah"]["holder"] == "islamic_state"
    assert {"Manbij", "Tadmur", "Tall Qarah", "Kafr Qaris"} <= set(control(out))
    html_after = (out / "index.html").read_text(encoding="utf-8")
    assert "Tall Qarah" in html_after and "Tall Qarah" not in html_before

    # A third run: the feed answers 304 to the stored ETag; nothing is fetched or redrawn.
    res = build(default_home, feed, "--out", out)
    assert res.exit_code == 0
    assert state.requests[-1][1].get("if-none-match") == state.etag
    assert status(out)["feeds"][0]["status"] == "not_modified" and not status(out)["maps_redrawn"]


def test_failing_feeds_are_reported_and_other_sources_processed(tmp_path, default_home, site):
    state, base = site
    src, out = tmp_path / "news", tmp_path / "maps"
    article(src, "a", MANBIJ, "2016-08-12")
    state.raw["/broken.xml"] = (200, b'<?xml version="1.0"?>\n<rss version="2.0"><chan<<nel>> &&& </rss>',
                                "application/rss+xml")
    state.raw["/gone.xml"] = (404, b"no", "text/plain")
    state.add("/ok/palmyra", "Army retakes Palmyra", PALMYRA.strip(), "Sun, 27 Mar 2016 10:00:00 +0300")
    unreachable = "http://127.0.0.1:9/feed.xml"  # the discard port: nobody answers HTTP there
    (tmp_path / "geo.toml").write_text(
        f'out = "maps"\nsources = ["{base}/broken.xml", "{unreachable}", "{base}/gone.xml", "news/", '
        f'"{base}/syria/rss.xml"]\n[feeds]\ntimeout = 2\nretries = 1\nbackoff = 0.1\n', encoding="utf-8")
    res = CliRunner().invoke(cli, ["--home", str(default_home), "build", "--config", str(tmp_path / "geo.toml")],
                             catch_exceptions=False)
    assert res.exit_code == 1
    assert f"{base}/broken.xml: RSS 2.0 feed with no readable items (malformed XML" in res.output
    assert f"{base}/gone.xml" in res.output and "404" in res.output
    assert unreachable in res.output
    st = status(out)
    assert [f["status"] for f in st["feeds"]] == ["error", "error", "error", "ok"]
    assert all(f["url"] in f.get("error", f["url"]) for f in st["feeds"])
    assert {"Manbij", "Tadmur"} <= set(control(out))  # the folder and the good feed were built


def test_an_article_page_that_fails_is_kept_and_fetched_again_next_run(tmp_path, default_home, site):
    state, base = site
    out = tmp_path / "maps"
    state.add("/a/manbij", "Kurds take Manbij", MANBIJ.strip(), "Fri, 12 Aug 2016 18:00:00 +0300")
    state.raw["/a/manbij"] = (503, b"busy", "text/plain")
    (tmp_path / "geo.toml").write_text(f'sources = ["{base}/syria/rss.xml"]\n[feeds]\nretries = 1\nbackoff = 0.1\n')
    args = ["--home", str(default_home), "build", "--config", str(tmp_path / "geo.toml")]
    res = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert res.exit_code == 1 and f"{base}/a/manbij" in res.output and "503" in res.output
    assert state.fetched("/a/manbij") == 2  # tried, and tried again once
    assert "Manbij" not in control(out)
    del state.raw["/a/manbij"]
    res = CliRunner().invoke(cli, args, catch_exceptions=False)  # the feed itself answers 304 now
    assert res.exit_code == 0, res.output
    assert status(out)["feeds"][0]["status"] == "not_modified"
    assert control(out)["Manbij"]["holder"] == "kurds"


def test_the_online_geocoder_places_what_the_gazetteer_lacks(tmp_path, default_home, site):
    state, base = site
    src, out = tmp_path / "news", tmp_path / "maps"
    article(src, "a", "Islamic State fighters captured the village of Zzyzxiyah on Monday.\n", "2016-02-01")
    (tmp_path / "geo.toml").write_text(
        f'out = "maps"\nsources = ["news/"]\n[geocoder]\nonline = "nominatim"\ndomain = "{base}"\n'
        f'user_agent = "geo-tests"\nmin_delay_seconds = 0\n', encoding="utf-8")
    res = CliRunner().invoke(cli, ["--home", str(default_home), "build", "--config", str(tmp_path / "geo.toml")],
                             catch_exceptions=False)
    assert res.exit_code == 0, res.output
    places = {f["properties"]["place"]: f for f in features(out, "places")}
    hit = places["Zzyzxiyah"]
    assert hit["geometry"]["coordinates"] == [37.9, 36.5] and hit["properties"]["place_id"] == "osm:node/99"
    assert control(out)["Zzyzxiyah"]["holder"] == "islamic_state"
    assert state.fetched("/search") == 1  # asked once, for the one name the gazetteer lacks

"""geo.feeds against a real HTTP server on 127.0.0.1 (never the internet): parsing, conditional requests,
retries, timeouts, size limits, malformed feeds and article pages."""

from __future__ import annotations

import pickle
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from geo.documents import Document, DocumentError
from geo.exc import FeedError, GeoError
from geo.feeds import FeedItem, Fetcher, fetch_article, fetch_feed, parse_feed

# ------------------------------------------------------------------------------------------------ server

Route = Callable[[BaseHTTPRequestHandler], None]


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        pass  # a client that gave up (the timeout tests) makes the handler's write fail: expected


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        box: Server = self.server.box  # type: ignore[attr-defined]
        box.seen.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
        route = box.routes.get(self.path)
        if route is None:
            self.send_error(404)
        else:
            route(self)

    def log_message(self, format, *args) -> None:  # noqa: A002 - the signature http.server uses
        pass


def reply(h: BaseHTTPRequestHandler, status: int = 200, body: bytes = b"", headers: dict[str, str] | None = None,
          *, length: bool = True) -> None:
    h.send_response(status)
    for key, value in (headers or {}).items():
        h.send_header(key, value)
    if length:
        h.send_header("Content-Length", str(len(body)))
    h.end_headers()
    if body:
        h.wfile.write(body)


@dataclass
class Server:
    port: int
    routes: dict[str, Route] = field(default_factory=dict)
    seen: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def serve(self, path: str, body: bytes, status: int = 200, headers: dict[str, str] | None = None) -> str:
        self.routes[path] = lambda h: reply(h, status, body, headers)
        return self.url(path)

    def requests(self, path: str) -> list[dict[str, str]]:
        return [headers for p, headers in self.seen if p == path]


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    # urllib honours *_proxy variables; a proxy in the environment must not carry 127.0.0.1 requests.
    for key in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(key, raising=False)


@pytest.fixture
def server() -> Iterator[Server]:
    httpd = _HTTPServer(("127.0.0.1", 0), _Handler)
    box = Server(httpd.server_address[1])
    httpd.box = box  # type: ignore[attr-defined]
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    try:
        yield box
    finally:
        box.stop.set()  # releases stalled handlers
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


class Sleeps(list):
    """A sleep hook that records the delays instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


def quick(**kw) -> Fetcher:
    kw.setdefault("timeout", 2.0)
    kw.setdefault("sleep", Sleeps())
    return Fetcher(**kw)


# ------------------------------------------------------------------------------------------------ feeds

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel>
  <title>Front Line News</title>
  <link>https://news.example/</link>
  <item>
    <title>Army enters Saraqib</title>
    <link>https://news.example/2024/saraqib</link>
    <guid isPermaLink="false">saraqib-1</guid>
    <pubDate>Mon, 01 Jan 2024 01:30:00 +0300</pubDate>
    <description>&lt;p&gt;Forces &amp;amp; allies entered &lt;b&gt;Saraqib&lt;/b&gt;.&lt;/p&gt;</description>
  </item>
  <item>
    <title>Shelling near Idlib</title>
    <link>
      /local/idlib-shelling
    </link>
    <pubDate>Tue, 02 Jan 2024 23:10:00 GMT</pubDate>
  </item>
  <item>
    <title>An item with no link</title>
    <description>Nothing to fetch.</description>
  </item>
</channel></rss>
"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Atom Wire</title>
  <id>urn:atom-wire</id>
  <updated>2024-03-06T01:00:00Z</updated>
  <entry>
    <title type="html">Talks in &amp;lt;Geneva&amp;gt; &amp;amp; Astana</title>
    <link rel="alternate" href="https://wire.example/a/1"/>
    <id>urn:wire:1</id>
    <published>2024-03-05T23:30:00-05:00</published>
    <updated>2024-03-06T04:00:00Z</updated>
    <summary>Envoys met.</summary>
  </entry>
  <entry>
    <title>Relative entry</title>
    <link href="stories/2"/>
    <id>urn:wire:2</id>
    <updated>2024-03-07T08:00:00+02:00</updated>
  </entry>
</feed>
"""


def test_rss2_titles_links_and_dates(server: Server) -> None:
    url = server.serve("/feeds/rss.xml", RSS, headers={"Content-Type": "application/rss+xml"})
    result = fetch_feed(url, fetcher=quick())
    assert result.status == "ok", result.error
    assert result.title == "Front Line News"
    assert [i.title for i in result.items] == ["Army enters Saraqib", "Shelling near Idlib"]
    first, second = result.items
    assert first.link == "https://news.example/2024/saraqib"
    # whitespace stripped and resolved against the feed's URL
    assert second.link == server.url("/local/idlib-shelling")
    # 01:30 +0300 is 31 December in UTC: the item's own date is kept
    assert first.published == "2024-01-01"
    assert second.published == "2024-01-02"
    assert first.guid == "saraqib-1"
    assert second.guid == second.link
    assert "Saraqib" in first.summary
    assert any("skipped 1 item" in w and "An item with no link" in w and url in w for w in result.warnings)
    # the server saw a User-Agent naming geo
    assert server.requests("/feeds/rss.xml")[0]["user-agent"].startswith("geo/")


def test_atom_titles_links_and_dates(server: Server) -> None:
    url = server.serve("/atom/feed", ATOM, headers={"Content-Type": "application/atom+xml; charset=utf-8"})
    result = fetch_feed(url, fetcher=quick())
    assert result.status == "ok", result.error
    assert result.title == "Atom Wire"
    assert [i.link for i in result.items] == ["https://wire.example/a/1", server.url("/atom/stories/2")]
    assert result.items[0].title == "Talks in <Geneva> & Astana"  # an HTML title as plain text
    assert result.items[0].published == "2024-03-05"  # not the UTC 2024-03-06, nor <updated>
    assert result.items[1].published == "2024-03-07"  # only <updated>: used
    assert result.items[0].guid == "urn:wire:1"
    assert result.items[0].summary == "Envoys met."
    assert result.warnings == []


def test_rss1_rdf_parsed() -> None:
    rdf = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
         xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://rdf.example/"><title>RDF Daily</title><link>https://rdf.example/</link></channel>
  <item rdf:about="https://rdf.example/1"><title>One</title><link>https://rdf.example/1</link>
    <dc:date>2024-02-03T00:30:00+02:00</dc:date></item>
</rdf:RDF>"""
    title, items, warnings = parse_feed(rdf, "https://rdf.example/index.rdf")
    assert title == "RDF Daily"
    assert [(i.title, i.link, i.published) for i in items] == [("One", "https://rdf.example/1", "2024-02-03")]
    assert warnings == []


def test_empty_feed_is_ok_with_no_items() -> None:
    title, items, warnings = parse_feed(b"<rss version='2.0'><channel><title>Quiet</title></channel></rss>",
                                        "https://q.example/rss")
    assert (title, items, warnings) == ("Quiet", [], [])


# ------------------------------------------------------------------------------------------------ conditional


def test_etag_and_last_modified_give_not_modified(server: Server) -> None:
    etag, modified = '"v1-abc"', "Mon, 01 Jan 2024 10:00:00 GMT"

    def route(h: BaseHTTPRequestHandler) -> None:
        if h.headers.get("If-None-Match") == etag:
            reply(h, 304, headers={"ETag": etag})
        else:
            reply(h, 200, RSS, {"ETag": etag, "Last-Modified": modified, "Content-Type": "application/xml"})

    server.routes["/cond.xml"] = route
    url = server.url("/cond.xml")
    first = fetch_feed(url, fetcher=quick())
    assert first.status == "ok" and len(first.items) == 2
    assert (first.etag, first.last_modified) == (etag, modified)
    assert "if-none-match" not in server.requests("/cond.xml")[0]

    second = fetch_feed(url, etag=first.etag, last_modified=first.last_modified, fetcher=quick())
    sent = server.requests("/cond.xml")[1]
    assert sent["if-none-match"] == etag
    assert sent["if-modified-since"] == modified
    assert second.status == "not_modified"
    assert second.items == [] and second.error is None
    assert (second.etag, second.last_modified) == (etag, modified)  # kept for the next run


def test_fetcher_returns_304_with_empty_body(server: Server) -> None:
    server.routes["/304"] = lambda h: reply(h, 304)
    response = quick().get(server.url("/304"), last_modified="Mon, 01 Jan 2024 10:00:00 GMT")
    assert (response.status, response.body) == (304, b"")
    assert server.requests("/304")[0]["if-modified-since"] == "Mon, 01 Jan 2024 10:00:00 GMT"


# ------------------------------------------------------------------------------------------------ retries


def test_503_twice_then_ok_with_growing_backoff(server: Server) -> None:
    answers = iter([503, 503, 200])
    server.routes["/flaky"] = lambda h: reply(h, s := next(answers), RSS if s == 200 else b"busy")
    sleeps = Sleeps()
    result = fetch_feed(server.url("/flaky"), fetcher=quick(retries=3, backoff=0.5, sleep=sleeps))
    assert result.status == "ok", result.error
    assert len(server.requests("/flaky")) == 3
    assert sleeps == [0.5, 1.0]


def test_404_is_not_retried(server: Server) -> None:
    sleeps = Sleeps()
    url = server.url("/missing.xml")
    result = fetch_feed(url, fetcher=quick(retries=3, sleep=sleeps))
    assert result.status == "error"
    assert url in result.error and "404" in result.error
    assert len(server.requests("/missing.xml")) == 1
    assert sleeps == []


def test_5xx_until_retries_run_out(server: Server) -> None:
    server.serve("/down", b"oops", status=500)
    sleeps = Sleeps()
    with pytest.raises(FeedError) as caught:
        quick(retries=2, backoff=1.0, sleep=sleeps).get(server.url("/down"))
    assert "HTTP 500" in str(caught.value) and "3 attempts" in str(caught.value)
    assert caught.value.status == 500
    assert len(server.requests("/down")) == 3
    assert sleeps == [1.0, 2.0]


def test_429_retry_after_is_honoured(server: Server) -> None:
    answers = iter([429, 200])
    server.routes["/limited"] = lambda h: reply(h, s := next(answers), RSS if s == 200 else b"", {"Retry-After": "7"})
    sleeps = Sleeps()
    result = fetch_feed(server.url("/limited"), fetcher=quick(backoff=0.1, sleep=sleeps))
    assert result.status == "ok"
    assert sleeps == [7.0]


def test_429_with_a_long_retry_after_gives_up(server: Server) -> None:
    server.serve("/later", b"", status=429, headers={"Retry-After": "3600"})
    sleeps = Sleeps()
    result = fetch_feed(server.url("/later"), fetcher=quick(sleep=sleeps))
    assert result.status == "error" and "3600" in result.error
    assert sleeps == [] and len(server.requests("/later")) == 1


def test_timeout_is_an_error_quickly(server: Server) -> None:
    def stall(h: BaseHTTPRequestHandler) -> None:
        server.stop.wait(10)
        reply(h, 200, RSS)

    server.routes["/slow"] = stall
    url = server.url("/slow")
    sleeps = Sleeps()
    start = time.monotonic()
    result = fetch_feed(url, fetcher=Fetcher(timeout=0.3, retries=1, sleep=sleeps))
    elapsed = time.monotonic() - start
    assert result.status == "error"
    assert url in result.error and "0.3 s" in result.error
    assert elapsed < 3.0
    assert len(sleeps) == 1  # a timeout is retried


def test_stalled_body_is_a_timeout(server: Server) -> None:
    def half(h: BaseHTTPRequestHandler) -> None:
        reply(h, 200, RSS[:100], {"Content-Length": str(len(RSS))}, length=False)
        h.wfile.flush()
        server.stop.wait(10)

    server.routes["/half"] = half
    with pytest.raises(FeedError, match=r"stalled after 100 bytes"):
        Fetcher(timeout=0.3, retries=0).get(server.url("/half"))


def test_unreachable_port() -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()  # nobody listens there now
    url = f"http://127.0.0.1:{port}/feed.xml"
    sleeps = Sleeps()
    result = fetch_feed(url, fetcher=quick(retries=1, sleep=sleeps))
    assert result.status == "error"
    assert url in result.error and "unreachable" in result.error
    assert sleeps == [2.0]  # a connection error is retried


def test_deadline_stops_a_trickling_server(server: Server) -> None:
    server.serve("/trickle", RSS)
    ticks = iter(range(0, 1000, 50))  # every look at the clock is 50 s later
    with pytest.raises(FeedError, match="still sending after 30 s"):
        quick(deadline=30, clock=lambda: next(ticks)).get(server.url("/trickle"))


# ------------------------------------------------------------------------------------------------ limits


def test_body_larger_than_max_bytes_with_content_length(server: Server) -> None:
    url = server.serve("/big", b"x" * 5000)
    result = fetch_feed(url, fetcher=quick(max_bytes=1000))
    assert result.status == "error"
    assert url in result.error and "larger than 1,000 bytes" in result.error


def test_body_larger_than_max_bytes_without_content_length(server: Server) -> None:
    sent = []

    def endless(h: BaseHTTPRequestHandler) -> None:
        reply(h, 200, headers={"Content-Type": "application/xml"}, length=False)
        try:
            for _ in range(200):  # 12.8 MB unless the client stops reading
                h.wfile.write(b"y" * 65536)
                sent.append(1)
        except OSError:
            pass

    server.routes["/endless"] = endless
    with pytest.raises(FeedError, match=r"larger than 100,000 bytes"):
        quick(max_bytes=100_000).get(server.url("/endless"))


def test_non_http_urls_are_refused() -> None:
    with pytest.raises(FeedError, match="not a valid http"):
        quick().get("file:///etc/passwd")
    result = fetch_feed("file:///etc/passwd", fetcher=quick())
    assert result.status == "error" and "file:///etc/passwd" in result.error
    assert fetch_feed("ftp://example.org/feed.xml", fetcher=quick()).status == "error"


def test_redirect_to_a_file_url_is_refused(server: Server) -> None:
    server.serve("/moved", b"", status=302, headers={"Location": "file:///etc/passwd"})
    result = fetch_feed(server.url("/moved"), fetcher=quick())
    assert result.status == "error"
    assert "file:///etc/passwd" in result.error and "root:" not in result.error


def test_redirect_is_followed_and_links_resolve_against_the_target(server: Server) -> None:
    server.serve("/old", b"", status=301, headers={"Location": "/new/feed.xml"})
    server.serve("/new/feed.xml", RSS)
    result = fetch_feed(server.url("/old"), fetcher=quick())
    assert result.status == "ok" and result.url == server.url("/old")
    assert result.items[1].link == server.url("/local/idlib-shelling")


def test_feed_error_is_a_geo_and_connection_error() -> None:
    e = FeedError("https://x.example/f", "HTTP 404 Not Found", status=404)
    assert isinstance(e, GeoError) and isinstance(e, ConnectionError)
    assert str(e) == "https://x.example/f: HTTP 404 Not Found"
    again = pickle.loads(pickle.dumps(e))
    assert (str(again), again.status) == (str(e), 404)


# ------------------------------------------------------------------------------------------------ malformed


def test_malformed_rss_with_readable_items_warns(server: Server) -> None:
    broken = RSS.replace(b"<title>Shelling near Idlib</title>", b"<title>Shelling near <b>Idlib</title>")
    url = server.serve("/broken.xml", broken)
    result = fetch_feed(url, fetcher=quick())
    assert result.status == "ok", result.error
    assert "Army enters Saraqib" in [i.title for i in result.items]
    assert len(result.items) == 2
    warning = next(w for w in result.warnings if "malformed XML" in w)
    assert url in warning and "mismatched tag" in warning and "line 13" in warning


def test_html_page_is_not_a_feed(server: Server) -> None:
    html = b"<!DOCTYPE html>\n<html><head><title>Home</title></head>\n<body><p>Welcome<br></p></body></html>"
    url = server.serve("/index.html", html, headers={"Content-Type": "text/html"})
    result = fetch_feed(url, fetcher=quick(), etag='"old"')
    assert result.status == "error"
    assert result.error.startswith(url + ": not an RSS or Atom feed")
    assert "an HTML page" in result.error and "mismatched tag at line 3" in result.error
    assert result.etag == '"old"'  # the validators sent are kept: this answer was never read


def test_garbage_is_not_a_feed(server: Server) -> None:
    url = server.serve("/garbage", b"\x00\x01{{ not xml at all")
    result = fetch_feed(url, fetcher=quick())
    assert result.status == "error" and "not an RSS or Atom feed (malformed XML" in result.error
    with pytest.raises(FeedError, match="empty response"):
        parse_feed(b"  \n", "https://e.example/feed")


def test_well_formed_xml_that_is_not_a_feed() -> None:
    with pytest.raises(FeedError, match=r"^https://s\.example/sitemap: not an RSS or Atom feed$"):
        parse_feed(b"<urlset><url><loc>https://s.example/</loc></url></urlset>", "https://s.example/sitemap")


def test_malformed_feed_with_no_items_is_an_error() -> None:
    with pytest.raises(FeedError, match=r"RSS 2\.0 feed with no readable items \(malformed XML"):
        parse_feed(b"<rss version='2.0'><channel><title>T</b></channel></rss>", "https://m.example/rss")


# ------------------------------------------------------------------------------------------------ articles

ARTICLE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Saraqib falls | Front Line</title>
<script>var tracker = "SCRIPT_SHOULD_NOT_APPEAR";</script>
<style>.x { color: red }</style></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article>
<h1>Saraqib falls</h1>
<p>Government forces entered the town of Saraqib on Tuesday morning after a week of heavy shelling, residents said.</p>
<p>The town sits at the junction of the M4 and M5 highways, which makes it one of the most contested places in
the province of Idlib, and opposition fighters had held it since the beginning of the year.</p>
<p>Local council members said thousands of families had left for the north in the days before the advance.</p>
</article>
<footer>Copyright Front Line</footer></body></html>
"""


def item(link: str, **kw) -> FeedItem:
    return FeedItem(link=link, title=kw.get("title", ""), published=kw.get("published"),
                    summary=kw.get("summary", ""), guid=link)


def test_article_main_text_without_script(server: Server) -> None:
    link = server.serve("/2024/saraqib", ARTICLE.encode(), headers={"Content-Type": "text/html; charset=utf-8"})
    doc = fetch_article(item(link, published="2024-01-02"), fetcher=quick())
    assert isinstance(doc, Document)
    assert "Government forces entered the town of Saraqib" in doc.text
    assert "SCRIPT_SHOULD_NOT_APPEAR" not in doc.text and "color: red" not in doc.text
    assert (doc.id, doc.url, doc.source) == (link, link, link)
    assert doc.title == "Saraqib falls | Front Line"  # the item had no title: the page's
    assert doc.outlet == "127.0.0.1"  # no outlet given: the link's host
    assert doc.published == "2024-01-02"


def test_article_keeps_item_title_and_outlet(server: Server) -> None:
    link = server.serve("/a", ARTICLE.encode(), headers={"Content-Type": "text/html"})
    doc = fetch_article(item(link, title="Feed title"), outlet="Front Line News", fetcher=quick())
    assert isinstance(doc, Document)
    assert (doc.title, doc.outlet) == ("Feed title", "Front Line News")


def test_article_server_error_is_a_document_error(server: Server) -> None:
    link = server.serve("/broken-article", b"<h1>Internal error</h1>", status=500)
    doc = fetch_article(item(link), fetcher=quick(retries=0))
    assert isinstance(doc, DocumentError)
    assert doc.id == link and doc.source == link
    assert link in doc.error and "500" in doc.error


def test_article_windows_1256_from_the_header(server: Server) -> None:
    arabic = "دخلت القوات الحكومية مدينة سراقب صباح الثلاثاء"
    page = f"<html><head><title>سراقب</title></head><body><article><p>{arabic}</p></article></body></html>"
    link = server.serve("/ar", page.encode("windows-1256"), headers={"Content-Type": "text/html; charset=windows-1256"})
    doc = fetch_article(item(link), fetcher=quick())
    assert isinstance(doc, Document)
    assert arabic in doc.text and doc.title == "سراقب"
    assert not any("UTF-8" in w for w in doc.warnings)


def test_article_latin1_label_decodes_as_windows_1252(server: Server) -> None:
    text = "L’armée est entrée à Alep mardi, selon des habitants."
    page = f"<html><body><p>{text}</p></body></html>".encode("cp1252")  # ’ is 0x92, in windows-1252 only
    link = server.serve("/fr", page, headers={"Content-Type": 'text/html; charset="ISO-8859-1"'})
    doc = fetch_article(item(link), fetcher=quick())
    assert isinstance(doc, Document)
    assert text in doc.text


def test_article_charset_from_meta_when_the_header_has_none(server: Server) -> None:
    page = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1256"></head>' \
           "<body><p>حلب</p></body></html>"
    link = server.serve("/meta", page.encode("windows-1256"), headers={"Content-Type": "text/html"})
    doc = fetch_article(item(link), fetcher=quick())
    assert isinstance(doc, Document) and "حلب" in doc.text


def test_article_without_charset_is_utf8_with_replacement(server: Server) -> None:
    link = server.serve("/bad-utf8", b"<html><body><p>caf\xe9 in Idlib</p></body></html>",
                        headers={"Content-Type": "text/html"})
    doc = fetch_article(item(link), fetcher=quick())
    assert isinstance(doc, Document)
    assert "caf\ufffd in Idlib" in doc.text
    assert any("not valid UTF-8" in w for w in doc.warnings)


def test_article_with_no_text_falls_back_to_the_summary(server: Server) -> None:
    link = server.serve("/empty", b"<html><head><script>app()</script></head><body></body></html>",
                        headers={"Content-Type": "text/html"})
    doc = fetch_article(item(link, summary="<p>Clashes &amp; shelling in <b>Saraqib</b>.</p>"), fetcher=quick())
    assert isinstance(doc, Document)
    assert doc.text == "Clashes & shelling in Saraqib."
    assert any(link in w and "summary" in w for w in doc.warnings)


def test_article_that_is_not_a_page(server: Server) -> None:
    link = server.serve("/report.pdf", b"%PDF-1.4 ...", headers={"Content-Type": "application/pdf"})
    doc = fetch_article(item(link), fetcher=quick())
    assert isinstance(doc, DocumentError) and "application/pdf" in doc.error and link in doc.error


def test_article_with_a_non_http_link() -> None:
    doc = fetch_article(item("file:///etc/passwd"), fetcher=quick())
    assert isinstance(doc, DocumentError) and doc.id == "file:///etc/passwd"

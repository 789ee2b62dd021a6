"""RSS/Atom feeds and the article pages they link to.

The build step calls this once per configured feed and run: ``fetch_feed`` with the validators (ETag,
Last-Modified) it saved last time, then ``fetch_article`` for each item whose link it has not seen.
One broken feed must not stop the others, so nothing here raises for a network or parse problem:
``fetch_feed`` returns a ``FeedResult`` with ``status="error"`` and ``fetch_article`` a ``DocumentError``,
both naming the URL and what is wrong. ``Fetcher.get`` and ``parse_feed`` raise ``FeedError`` for callers
that want the exception.

feedparser only parses: it never sees a URL, because it would do its own HTTP without our timeout,
size limit and retries.
"""

from __future__ import annotations

import codecs
import email.utils
import http.client
import io
import re
import ssl
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from typing import Literal
from urllib.parse import urljoin, urlsplit

from geo import __version__
from geo.documents import Document, DocumentError, decode, extract_html
from geo.exc import FeedError

USER_AGENT = f"geo/{__version__} (+news map builder)"
HTTP_SCHEMES = ("http", "https")
MAX_RETRY_AFTER = 60.0  # a server asking us to wait longer than this gets no retry this run
_CHUNK = 64 << 10
_FEED_NAMES = {"rss090": "RSS 0.90", "rss091n": "RSS 0.91", "rss091u": "RSS 0.91", "rss092": "RSS 0.92",
               "rss093": "RSS 0.93", "rss094": "RSS 0.94", "rss20": "RSS 2.0", "rss10": "RSS 1.0",
               "rss": "RSS", "atom01": "Atom 0.1", "atom02": "Atom 0.2", "atom03": "Atom 0.3",
               "atom10": "Atom 1.0", "atom": "Atom", "cdf": "CDF"}


# ------------------------------------------------------------------------------------------------ HTTP


@dataclass(frozen=True)
class Response:
    url: str  # after redirects
    status: int
    body: bytes
    headers: dict[str, str]  # keys lower-cased; repeated headers joined with ", "


class _Transient(Exception):
    """A failure worth another attempt (connection, timeout, 5xx, 429)."""

    def __init__(self, problem: str, *, status: int | None = None, retry_after: float | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.status = status
        self.retry_after = retry_after


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    # urllib would also follow a redirect to ftp://; a feed has no business sending us there.
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if not _is_http(newurl):
            fp.close()
            raise FeedError(req.full_url, f"redirected to {newurl}, which is not an http(s) URL")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


class Fetcher:
    """HTTP GET for feeds and articles.

    - ``timeout``: seconds to connect and for each read (a stalled server), ``deadline``: seconds for one
      whole attempt (a server that trickles bytes forever);
    - ``retries`` more attempts after connection errors, timeouts, 5xx and 429, waiting ``backoff``,
      ``2*backoff``, ``4*backoff``... seconds (longer when a 429/503 says ``Retry-After``); other 4xx are final;
    - at most ``max_bytes`` of body: reading stops there and the fetch fails;
    - conditional requests (``etag``, ``last_modified``): a 304 is a ``Response`` with an empty body.

    ``sleep`` and ``clock`` are hooks so tests need not wait.
    """

    def __init__(
        self,
        *,
        timeout: float = 20.0,
        retries: int = 3,
        backoff: float = 2.0,
        max_bytes: int = 10 << 20,
        user_agent: str = USER_AGENT,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        deadline: float = 120.0,
    ) -> None:
        if timeout <= 0 or deadline <= 0 or retries < 0 or backoff < 0 or max_bytes <= 0:
            raise ValueError("timeout, deadline and max_bytes must be positive; retries and backoff not negative")
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.max_bytes = max_bytes
        self.user_agent = user_agent
        self.sleep = sleep
        self.clock = clock
        self.deadline = deadline
        # build_opener adds the standard handlers (proxies from the environment, HTTPS); ours replaces its redirects.
        self._opener = urllib.request.build_opener(_HttpOnlyRedirects())

    def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> Response:
        if not _is_http(url):
            raise FeedError(url, "not a valid http(s) URL; only web feeds and pages are fetched")
        headers = {"User-Agent": self.user_agent, "Accept": "*/*"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        attempts = self.retries + 1
        for attempt in range(attempts):
            try:
                return self._once(url, headers)
            except _Transient as e:
                last = e
            if attempt == self.retries:
                break
            delay = self.backoff * 2**attempt
            if last.retry_after is not None:
                if last.retry_after > MAX_RETRY_AFTER:
                    raise FeedError(url, f"{last.problem}; the server asks to retry after {last.retry_after:g} s",
                                    status=last.status)
                delay = max(delay, last.retry_after)
            self.sleep(delay)
        tries = f" (gave up after {attempts} attempts)" if attempts > 1 else ""
        raise FeedError(url, last.problem + tries, status=last.status)

    def _once(self, url: str, headers: dict[str, str]) -> Response:
        request = urllib.request.Request(url, headers=headers)
        try:
            response = self._opener.open(request, timeout=self.timeout)
        except FeedError:
            raise  # from the redirect handler (it is an OSError too: keep it out of the clauses below)
        except urllib.error.HTTPError as e:
            with e:
                got = _headers(e.headers)
            if e.code == 304:
                return Response(e.geturl() or url, 304, b"", got)
            if e.code >= 500 or e.code == 429:
                raise _Transient(f"HTTP {e.code} {e.reason}", status=e.code,
                                 retry_after=_retry_after(got.get("retry-after"))) from None
            raise FeedError(url, f"HTTP {e.code} {e.reason}", status=e.code) from None
        except urllib.error.URLError as e:
            reason = e.reason
            if isinstance(reason, ssl.SSLCertVerificationError):  # will not fix itself by retrying
                raise FeedError(url, f"TLS certificate rejected ({reason.verify_message or reason})") from None
            if isinstance(reason, TimeoutError):
                raise _Transient(f"no answer within {self.timeout:g} s") from None
            why = getattr(reason, "strerror", None) or reason
            raise _Transient(f"unreachable ({why})") from None
        except TimeoutError:
            raise _Transient(f"no answer within {self.timeout:g} s") from None
        except (ValueError, http.client.InvalidURL) as e:
            raise FeedError(url, f"not a valid URL or request ({e})") from None
        except (OSError, http.client.HTTPException) as e:
            raise _Transient(f"connection failed ({e!r})") from None
        with response:
            got = _headers(response.headers)
            final_url = response.geturl() or url
            length = got.get("content-length", "")
            expected = int(length) if length.isdigit() else None
            if expected is not None and expected > self.max_bytes:  # no need to read it to know
                raise FeedError(url, f"larger than {self.max_bytes:,} bytes (Content-Length {expected:,})")
            body = self._read(url, response)
        if expected is not None and len(body) < expected:
            raise _Transient(f"connection closed after {len(body):,} of {expected:,} bytes")
        return Response(final_url, response.status, body, got)

    def _read(self, url: str, response: http.client.HTTPResponse) -> bytes:
        chunks: list[bytes] = []
        size = 0
        start = self.clock()
        # read1 returns what has arrived, so the size limit and the deadline are checked as data comes in.
        read = getattr(response, "read1", response.read)
        while True:
            try:
                chunk = read(_CHUNK)
            except TimeoutError:
                raise _Transient(f"stalled after {size:,} bytes (no data for {self.timeout:g} s)") from None
            except (OSError, http.client.HTTPException) as e:
                raise _Transient(f"connection closed after {size:,} bytes ({e!r})") from None
            if not chunk:
                return b"".join(chunks)
            size += len(chunk)
            if size > self.max_bytes:
                raise FeedError(url, f"larger than {self.max_bytes:,} bytes")
            chunks.append(chunk)
            if self.clock() - start > self.deadline:
                raise FeedError(url, f"still sending after {self.deadline:g} s ({size:,} bytes so far)")


def _is_http(url: str) -> bool:
    try:
        parts = urlsplit(url)
        return parts.scheme.lower() in HTTP_SCHEMES and bool(parts.hostname)
    except ValueError:  # e.g. an unclosed [IPv6 bracket
        return False


def _headers(message) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in (message.items() if message is not None else ()):
        key = key.lower()
        out[key] = f"{out[key]}, {value}" if key in out else value
    return out


def _retry_after(value: str | None) -> float | None:
    # Only the delta-seconds form: the HTTP-date form would need a wall clock we cannot fake in tests.
    if value and value.strip().isdigit():
        return float(value.strip())
    return None


# ------------------------------------------------------------------------------------------------ feeds


@dataclass(frozen=True)
class FeedItem:
    link: str  # absolute http(s) URL
    title: str
    published: str | None  # YYYY-MM-DD in the item's own timezone, or None
    summary: str  # as the feed gives it (may hold HTML)
    guid: str  # the item's id, else its link


@dataclass
class FeedResult:
    url: str
    status: Literal["ok", "not_modified", "error"]
    title: str = ""  # the feed's title (the outlet name); empty unless status == "ok"
    items: list[FeedItem] = field(default_factory=list)
    # Validators to send next time. On "ok" the response's own (None when it gave none); on "not_modified"
    # the new ones if the 304 carried any, else those sent; on "error" those sent, unchanged.
    etag: str | None = None
    last_modified: str | None = None
    error: str | None = None  # when status == "error": names the URL and the problem
    warnings: list[str] = field(default_factory=list)


def fetch_feed(url: str, *, etag: str | None = None, last_modified: str | None = None,
               fetcher: Fetcher | None = None) -> FeedResult:
    """Fetch and parse one feed. Never raises for network or parse problems: ``status="error"``."""
    fetcher = fetcher or Fetcher()
    try:
        response = fetcher.get(url, etag=etag, last_modified=last_modified)
    except FeedError as e:
        return FeedResult(url, "error", etag=etag, last_modified=last_modified, error=str(e))
    if response.status == 304:
        return FeedResult(url, "not_modified", etag=response.headers.get("etag") or etag,
                          last_modified=response.headers.get("last-modified") or last_modified)
    try:
        title, items, warnings = parse_feed(response.body, url, base=response.url)
    except FeedError as e:
        # Keep the old validators: storing the new ones would make the next run's answer a 304 for a
        # feed we never managed to read.
        return FeedResult(url, "error", etag=etag, last_modified=last_modified, error=str(e))
    except Exception as e:  # feedparser choking on hostile input must not stop the other feeds
        return FeedResult(url, "error", etag=etag, last_modified=last_modified,
                          error=f"{url}: the feed parser failed ({type(e).__name__}: {e})")
    return FeedResult(url, "ok", title=title, items=items, etag=response.headers.get("etag"),
                      last_modified=response.headers.get("last-modified"), warnings=warnings)


def parse_feed(data: bytes, url: str, *, base: str | None = None) -> tuple[str, list[FeedItem], list[str]]:
    """(feed title, items, warnings) from an RSS 0.9x/2.0, RSS 1.0 (RDF) or Atom document.

    ``url`` names the feed in messages; relative links resolve against ``base`` (where the document was
    actually fetched from, after redirects), else ``url``. Raises ``FeedError`` for a document that is not
    a feed, or a malformed one from which no item could be read.
    """
    import feedparser  # imported here: only feed users pay for it

    base = base or url
    if not data.strip():
        raise FeedError(url, "empty response, not an RSS or Atom feed")
    # A BytesIO so feedparser never takes the data for a URL or a path; Content-Location gives it the base
    # for xml:base and relative links; an XML Content-Type so the encoding comes from the document (its
    # BOM or <?xml encoding>, else UTF-8) rather than from a guess.
    parsed = feedparser.parse(io.BytesIO(data), response_headers={"content-location": base,
                                                                   "content-type": "application/xml"})
    version = parsed.get("version") or ""
    problem = _bozo(parsed, data)
    warnings: list[str] = []
    if not parsed.entries:
        if not version:
            looks = "an HTML page" if re.search(rb"<html[\s>]", data[:4096], re.IGNORECASE) else ""
            detail = "; ".join(p for p in (looks, problem) if p)
            raise FeedError(url, "not an RSS or Atom feed" + (f" ({detail})" if detail else ""))
        if problem.startswith("malformed XML"):
            raise FeedError(url, f"{_FEED_NAMES.get(version, version)} feed with no readable items ({problem})")
        if problem:  # e.g. an encoding override: an empty feed, but say what was odd
            warnings.append(f"{url}: {problem}")
    else:
        if problem:
            warnings.append(f"{url}: {problem}; read {len(parsed.entries)} item(s) anyway")
        if not version:
            warnings.append(f"{url}: not recognisably RSS or Atom; read {len(parsed.entries)} item(s) anyway")

    items: list[FeedItem] = []
    skipped: list[str] = []
    for entry in parsed.entries:
        title = _text(entry, "title")
        raw_link = (entry.get("link") or "").strip()
        link = urljoin(base, raw_link) if raw_link else ""
        if not _is_http(link):
            skipped.append(title or raw_link or "(untitled)")
            continue
        summary = (entry.get("summary") or "").strip()
        guid = (entry.get("id") or "").strip() or link
        items.append(FeedItem(link=link, title=title, published=_item_date(entry), summary=summary, guid=guid))
    if skipped:
        names = ", ".join(repr(s[:60]) for s in skipped[:3]) + (", ..." if len(skipped) > 3 else "")
        warnings.append(f"{url}: skipped {len(skipped)} item(s) without an http(s) link: {names}")
    return _text(parsed.feed, "title"), items, warnings


def _bozo(parsed, data: bytes) -> str:
    """What feedparser found wrong, as a phrase ('' when nothing)."""
    if not parsed.get("bozo"):
        return ""
    exc = parsed.get("bozo_exception")
    if hasattr(exc, "getLineNumber"):  # xml.sax.SAXParseException: the document is not well-formed XML
        line = exc.getLineNumber()
        # feedparser puts an <?xml?> declaration on a line of its own before a document that had none.
        if line and line > 1 and not data.lstrip(codecs.BOM_UTF8).startswith(b"<?xml"):
            line -= 1
        return f"malformed XML: {exc.getMessage()}" + (f" at line {line}" if line else "")
    return str(exc or "malformed feed")


def _text(entry, key: str) -> str:
    """A title as plain text: feedparser keeps the markup of HTML-typed titles."""
    value = entry.get(key) or ""
    detail = entry.get(f"{key}_detail") or {}
    if detail.get("type") in ("text/html", "application/xhtml+xml") and ("<" in value or "&" in value):
        value = strip_html(value)
    return " ".join(value.split())


_ISO_DATE = re.compile(r"\s*(\d{4})-(\d{2})-(\d{2})")


def _item_date(entry) -> str | None:
    # The date as the item writes it (its own timezone): feedparser's *_parsed are converted to UTC, which
    # moves an item published at 01:00 +0300 to the day before.
    for key in ("published", "updated", "created"):
        raw = entry.get(key)
        if not raw:
            continue
        ymd = None
        if m := _ISO_DATE.match(raw):
            ymd = tuple(int(g) for g in m.groups())
        elif (t := email.utils.parsedate_tz(raw)) is not None:
            ymd = t[:3]
        elif entry.get(f"{key}_parsed"):  # a format only feedparser knows: its UTC date is close enough
            ymd = tuple(entry[f"{key}_parsed"][:3])
        if ymd:
            try:
                return date(*ymd).isoformat()
            except ValueError:
                continue
    return None


class _Stripper(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in ("p", "br", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6"):
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def strip_html(html: str) -> str:
    """Plain text of an HTML fragment (a feed summary or title): tags dropped, entities decoded."""
    parser = _Stripper()
    parser.feed(html)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)


# ------------------------------------------------------------------------------------------------ articles

_PAGE_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "")
_META_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
# As browsers do (WHATWG Encoding): these labels mean windows-1252, whose 0x80-0x9F are letters and quotes.
_AS_WINDOWS_1252 = {"iso8859-1", "ascii"}


def fetch_article(item: FeedItem, *, outlet: str = "", fetcher: Fetcher | None = None) -> Document | DocumentError:
    """The main text of the page ``item`` links to, as a ``Document`` (id and url: the link)."""
    link = item.link
    fetcher = fetcher or Fetcher()
    try:
        response = fetcher.get(link)
    except FeedError as e:
        return DocumentError(id=link, source=link, error=str(e))
    mime, charset = _content_type(response.headers.get("content-type", ""))
    if mime not in _PAGE_TYPES:
        return DocumentError(id=link, source=link, error=f"{link}: not a web page (Content-Type {mime})")
    page, warnings = _decode_page(response.body, charset, link)
    if mime == "text/plain":
        text, title = page.strip(), ""
    else:
        text, title, more = extract_html(page)
        warnings += [f"{link}: {w}" for w in more]
    if not text.strip():
        text = strip_html(item.summary)
        warnings.append(f"{link}: no text in the page; used the feed item's summary" if text
                        else f"{link}: no text in the page and no summary in the feed: empty document")
    return Document(id=link, text=text, title=item.title or title, url=link,
                    outlet=outlet or urlsplit(link).hostname or "", published=item.published,
                    source=link, warnings=warnings)


def _content_type(value: str) -> tuple[str, str | None]:
    """('text/html', 'windows-1256') from 'text/html; charset="windows-1256"'."""
    mime, _, params = value.partition(";")
    charset = None
    for param in params.split(";"):
        key, _, val = param.partition("=")
        if key.strip().lower() == "charset" and val.strip().strip("\"'"):
            charset = val.strip().strip("\"'")
    return mime.strip().lower(), charset


def _decode_page(body: bytes, charset: str | None, where: str) -> tuple[str, list[str]]:
    """Decode as a browser would, roughly: BOM, then the header's charset, then <meta charset>, else UTF-8."""
    for bom, codec in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                       (codecs.BOM_UTF16_BE, "utf-16")):
        if body.startswith(bom):
            return body.decode(codec, errors="replace"), []
    warnings: list[str] = []
    label = charset
    if not label and (m := _META_CHARSET.search(body[:4096])):
        label = m.group(1).decode("ascii")
    if label:
        try:
            codec = codecs.lookup(label).name
        except LookupError:
            warnings.append(f"{where}: unknown charset {label!r}; decoded as UTF-8")
        else:
            if codec.startswith(("utf-16", "utf-32")) and not charset:
                codec = "utf-8"  # a <meta> we could read as ASCII cannot be right about UTF-16
            if codec in _AS_WINDOWS_1252:
                codec = "cp1252"
            text = body.decode(codec, errors="replace")
            if bad := text.count("\ufffd"):
                warnings.append(f"{where}: not valid {label}; {bad:,} characters replaced")
            return text, warnings
    text, more = decode(body, where)
    return text, warnings + more

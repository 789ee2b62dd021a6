"""``geo build``: sources -> store -> toponyms and events -> territory -> layers (GeoJSON) -> HTML.

A build is incremental. Every document it reads goes into the store (``geo.store``); only documents that
are new or changed since the last run are parsed (``full`` parses everything again, and so does a change
of parser: a new geo version, factions file, gazetteer or focus). The maps are then drawn from every
document in the store, and only when something changed.

Writes into the output folder: ``control.geojson``, ``areas.geojson``, ``advances.geojson``,
``events.geojson``, ``places.geojson``, ``index.html`` (drawn from those same layers), ``places.json``
(every place with the mentions that cite it) and ``status.json`` (the last run). Each file is written to a
temporary name and renamed, so a viewer never sees half a file; a lock keeps two builds of one map apart.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from geo.config import Config, Source
from geo.documents import DocumentError, read_file, sidecar_name, wanted
from geo.lock import BuildLock
from geo.store import Store, now

OUTPUTS = ("control.geojson", "areas.geojson", "advances.geojson", "events.geojson", "places.geojson",
           "places.json", "index.html")
PROGRESS_EVERY_S = 2.0


@dataclass
class BuildResult:
    documents: int = 0  # parsed documents in the store: what the map is drawn from
    seen: int = 0  # documents read from the sources on this run (unchanged files included)
    new: int = 0
    changed: int = 0
    parsed: int = 0  # parsed on this run
    failed: list[str] = field(default_factory=list)  # documents and sources that failed on this run
    feeds: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    rendered: bool = False
    events: int = 0
    as_of: str | None = None
    seconds: float = 0.0

    def status(self, started: str, out: Path) -> dict:
        return {"started": started, "finished": now(), "duration_s": round(self.seconds, 3),
                "ok": not self.failed,
                "documents": {"seen": self.seen, "new": self.new, "changed": self.changed,
                              "parsed": self.parsed, "failed": len(self.failed), "in_store": self.documents},
                "events": self.events, "maps_redrawn": self.rendered, "as_of": self.as_of,
                "failures": self.failed, "feeds": self.feeds, "warnings": self.warnings,
                "map": str(out / "index.html")}


def build(config: Config, *, home: Path | None = None, echo: Callable[[str], None] = print,
          full: bool = False, as_of: str | None = None, self_contained: bool = True,
          fetcher=None, progress: bool | None = None) -> BuildResult:
    """Bring the store up to date with ``config.sources`` and redraw the maps in ``config.out``.

    ``as_of`` (YYYY-MM-DD) draws the state on that date: later events are left out. ``self_contained``
    inlines Leaflet (the map works with no network). ``fetcher`` (a ``geo.feeds.Fetcher``) sets how feeds
    and article pages are fetched. Raises ``BuildLocked`` if another build of the same map is running."""
    with BuildLock(config.lock_path):
        return _Build(config, home=config.home or home, echo=echo, full=full, as_of=as_of,
                      self_contained=self_contained, fetcher=fetcher,
                      progress=sys.stderr.isatty() if progress is None else progress).run()


class _Build:
    def __init__(self, config: Config, *, home, echo, full, as_of, self_contained, fetcher, progress) -> None:
        self.config = config
        self.home = home
        self.echo = echo
        self.full = full
        self.as_of = as_of
        self.self_contained = self_contained
        if fetcher is None and config.feeds:
            from geo.feeds import Fetcher

            fetcher = Fetcher(**config.feeds)
        self.fetcher = fetcher
        self.progress = progress
        self.result = BuildResult(as_of=as_of)
        self._parser = None
        self._gazetteer = None
        self._fetched: set[str] = set()  # article pages asked for on this run

    def run(self) -> BuildResult:
        started, t0 = now(), time.perf_counter()
        out = self.config.out
        r = self.result
        if out.exists():
            remove_stale_temps(out)
        store, warnings = Store.open(self.config.store_path)
        for w in warnings:
            self.warn(w)
        try:
            self.ensure_gazetteers()
            fingerprint = self.fingerprint()
            if not self.full and store.get_meta("fingerprint") not in (None, fingerprint):
                self.echo("the parser changed since the last build (geo version, gazetteer, factions or "
                          "focus): every document is parsed again")
            for src in self.config.sources:
                if src.kind == "feed":
                    self.ingest_feed(store, src)
                else:
                    self.ingest_files(store, src)
            self.retry_fetches(store)
            self.parse_pending(store, fingerprint)
            store.set_meta("fingerprint", fingerprint)
            self.render(store, out, fingerprint)
        except BaseException as e:  # status.json must not say "ok" for a run that stopped half way
            r.failed.append(f"the build stopped: {type(e).__name__}: {e}")
            raise
        finally:
            r.seconds = time.perf_counter() - t0
            counts = store.counts()
            r.documents = counts["parsed"]
            store.close()
            out.mkdir(parents=True, exist_ok=True)
            write_atomic(out / "status.json", json.dumps(r.status(started, out), ensure_ascii=False, indent=1))
        return r

    def warn(self, message: str) -> None:
        self.result.warnings.append(message)
        self.echo(f"warning: {message}")

    def fail(self, message: str) -> None:
        self.result.failed.append(message)
        self.echo(message)

    # ------------------------------------------------------------------------------------- parser

    def gazetteer(self):
        if self._gazetteer is None:
            from geo.gazetteer.lookup import Gazetteer

            self._gazetteer = Gazetteer(self.home)
        return self._gazetteer

    def parser(self):
        if self._parser is None:
            from geo.geoparse import Geoparser

            self._parser = Geoparser(self.gazetteer(), focus=self.config.focus, factions=self.config.factions,
                                     fallback=self.online_fallback())
        return self._parser

    def online_fallback(self):
        """Names the gazetteer lacks but the text marks as places, asked of the online geocoder."""
        opts = self.config.geocoder
        if not opts:
            return None
        from geo.geocoders.chain import GeocoderChain, online_nominatim
        from geo.geocoders.local import LocalGazetteer

        kwargs = {k: opts[k] for k in ("user_agent", "domain", "timeout") if k in opts}
        if str(kwargs.get("domain", "")).startswith("http://"):  # a local test server or a private instance
            kwargs["domain"], kwargs["scheme"] = kwargs["domain"][len("http://"):], "http"
        chain = GeocoderChain(LocalGazetteer(self.gazetteer()), online_nominatim(**kwargs), home=self.home,
                              min_delay_seconds=float(opts.get("min_delay_seconds", 1.0)))
        return chain

    def ensure_gazetteers(self) -> None:
        """The dumps the configuration names, imported once: a scheduled run does not download them again."""
        if not self.config.gazetteers:
            return
        from geo.gazetteer.importer import import_file, source_name
        from geo.gazetteer.index import index_path, read_meta
        from geo.home import geo_home

        home = geo_home(self.home)
        for spec in self.config.gazetteers:
            name = source_name(Path(spec.rsplit("/", 1)[-1]))
            if read_meta(index_path(home, name)) is not None:
                continue
            self.echo(f"importing gazetteer {spec} (once)")
            report = import_file(spec, home)
            if not report.ok:
                self.fail(f"gazetteer {spec}: {report.summary()}")

    def fingerprint(self) -> str:
        """What a parse depends on besides the text: a change means every document is parsed again."""
        from geo import __version__

        h = hashlib.sha256(__version__.encode())
        h.update(parser_digest().encode())  # a newer parser (code or word lists) reads every article again
        h.update(repr(self.gazetteer().source_names).encode())  # opens it: the embedded default is built first
        for info in self.gazetteer().info():
            h.update(json.dumps([info.get("source"), info.get("built_at"), info.get("places")]).encode())
        if self.config.factions is not None:
            h.update(self.config.factions.read_bytes())
        h.update(repr(self.config.focus).encode())
        h.update(repr(sorted(self.config.geocoder.items())).encode())
        return h.hexdigest()[:16]

    # -------------------------------------------------------------------------------------- ingest

    def ingest_files(self, store: Store, src: Source) -> None:
        r = self.result
        files = _files(src)
        if not files:
            missing = src.kind == "path" and not Path(src.location).exists()
            self.fail(f"{src}: {'no such file or folder' if missing else 'holds no .txt, .html or .jsonl files'}")
            return
        known = store.file_stats()
        with store.transaction():
            for key, size, mtime in files:
                if not self.full and known.get(key) == (size, mtime):
                    r.seen += 1
                    continue
                ok = True
                for doc in read_file(Path(key)):
                    r.seen += 1
                    if isinstance(doc, DocumentError):
                        # Kept with its error and read again next run; the file is not marked as read.
                        store.put_failure(f"file:{doc.source}", doc=doc.id, source=doc.source, error=doc.error)
                        self.fail(f"{doc.source}: {doc.error}")
                        ok = False
                        continue
                    for w in doc.warnings:
                        self.warn(w)
                    self._count(store.put(f"file:{doc.source}", doc))
                if ok:
                    store.remember_file(key, size, mtime)

    def _count(self, what: str) -> None:
        if what == "new":
            self.result.new += 1
        elif what == "changed":
            self.result.changed += 1

    def ingest_feed(self, store: Store, src: Source) -> None:
        from geo.feeds import fetch_feed

        state = store.feed(src.location)
        res = fetch_feed(src.location, etag=state.get("etag"), last_modified=state.get("last_modified"),
                         fetcher=self.fetcher)
        report = {"url": src.location, "status": res.status, "items": len(res.items), "new": 0}
        self.result.feeds.append(report)
        for w in res.warnings:
            self.warn(w)
        if res.status == "error":
            report["error"] = res.error
            store.save_feed(src.location, error=res.error)
            self.fail(f"feed {res.error}")
            return
        store.save_feed(src.location, title=res.title or None, etag=res.etag, last_modified=res.last_modified)
        outlet = src.outlet or res.title or ""
        # An article is fetched once (and once only when a feed lists it twice).
        new = list({item.link: item for item in res.items if not store.has_key(item.link)}.values())
        self.result.seen += len(res.items)
        report["new"] = len(new)
        self.echo(f"{src.location}: {'not modified' if res.status == 'not_modified' else f'{len(res.items)} items'}"
                  + (f", fetching {len(new)} new articles" if new else ""))
        for item in new:
            self._fetch_article(store, item, outlet, feed=src.location)

    def _fetch_article(self, store: Store, item, outlet: str, feed: str) -> None:
        from geo.feeds import fetch_article

        self._fetched.add(item.link)
        doc = fetch_article(item, outlet=outlet, fetcher=self.fetcher)
        if isinstance(doc, DocumentError):
            store.put_failure(item.link, doc=item.link, source=feed, error=doc.error, url=item.link,
                              title=item.title, outlet=outlet, published=item.published)
            self.fail(f"{item.link}: {doc.error}")
            return
        for w in doc.warnings:
            self.warn(w)
        if not doc.published:
            doc.published = now()[:10]  # a feed article with no date: the day it was fetched
        doc.source = feed
        self._count(store.put(item.link, doc))

    def retry_fetches(self, store: Store) -> None:
        """Articles whose pages could not be fetched on an earlier run: tried again."""
        from geo.feeds import FeedItem

        for row in store.failed_fetches():
            if not row["url"] or row["key"] != row["url"] or row["url"] in self._fetched:
                continue
            item = FeedItem(link=row["url"], title=row["title"] or "", published=row["published"], summary="",
                            guid=row["url"])
            self._fetch_article(store, item, row["outlet"] or "", feed=row["source"])

    # --------------------------------------------------------------------------------------- parse

    def parse_pending(self, store: Store, fingerprint: str) -> None:
        pending = store.pending(fingerprint, full=self.full)
        if not pending:
            return
        parser = self.parser()
        t_last = time.monotonic()
        unplaced: dict[str, int] = {}  # events whose place no gazetteer here has: kept, but not on the map
        for i, p in enumerate(pending, 1):
            try:
                parsed = parser.parse(p.document.text, **p.document.meta())
            except Exception as e:  # noqa: BLE001 - one document that breaks the parser must not stop the rest
                store.fail_parse(p.key, f"{type(e).__name__}: {e}")
                self.fail(f"{p.document.source}: parse failed: {type(e).__name__}: {e}")
                continue
            store.save_parse(p.key, parsed, fingerprint)
            self.result.parsed += 1
            for e in parsed.get("events") or ():
                if e.get("place", {}).get("lat") is None:
                    name = e["place"].get("text") or "?"
                    unplaced[name] = unplaced.get(name, 0) + 1
            if self.progress and time.monotonic() - t_last > PROGRESS_EVERY_S:
                t_last = time.monotonic()
                print(f"parsed {i:,}/{len(pending):,} documents", file=sys.stderr, flush=True)
        if unplaced:
            names = sorted(unplaced, key=lambda n: (-unplaced[n], n))
            shown = ", ".join(names[:12]) + (f" and {len(names) - 12:,} more" if len(names) > 12 else "")
            self.warn(f"{sum(unplaced.values()):,} events name places no gazetteer here has, so the map "
                      f"leaves them out (they are in the store and in `geo parse` output): {shown}; "
                      "add them to a gazetteer (`geo gazetteer import`) to map them")

    # -------------------------------------------------------------------------------------- render

    def render(self, store: Store, out: Path, fingerprint: str) -> None:
        r = self.result
        key = json.dumps([store.generation(), fingerprint, self.as_of, self.self_contained])
        if (not self.full and store.get_meta("rendered") == key
                and all((out / name).exists() for name in OUTPUTS)):
            self.echo(f"no new or changed documents: the maps in {out} are up to date")
            return
        from geo.events.actors import Factions
        from geo.incremental import draw
        from geo.maps import fill

        factions = self._parser.factions if self._parser is not None else Factions.load(extra=self.config.factions)
        settings = json.dumps([fingerprint, self.as_of])
        drawn = draw(store, factions, settings=settings, as_of=self.as_of)
        r.events, r.as_of = drawn.events, self.as_of or drawn.last_date
        page, groups = self._skeleton(store, factions, fingerprint)
        html = fill(page, groups, drawn.draw, counts=drawn.counts, dates=drawn.dates, bounds=drawn.bounds,
                    as_of=r.as_of)
        files = {f"{name}.geojson": text for name, text in drawn.geojson.items()}
        files["places.json"] = drawn.places_json
        # The page last: it carries its own copy of the layers, so it is whole whenever it appears.
        files["index.html"] = html
        write_all(out, files)
        store.set_meta("rendered", key)
        r.rendered = True
        counts = ", ".join(f"{n} {k}" for k, n in drawn.counts.items())
        self.echo(f"{store.counts()['parsed']} documents ({r.new} new, {r.changed} changed, {r.parsed} parsed now; "
                  f"{drawn.redrawn_places} places redrawn), {counts} -> {out / 'index.html'}")
        for name, ident, lat, lon, n, spellings in drawn.top_places:
            self.echo(f"{n:4d}  {name:<28} {lat:9.5f},{lon:10.5f}  {ident:<28} as {spellings}")
        total = drawn.counts.get("places", 0)
        if total > len(drawn.top_places):
            self.echo(f"... and {total - len(drawn.top_places):,} more places in {out / 'places.json'}")

    def _skeleton(self, store: Store, factions, fingerprint: str) -> tuple[str, dict]:
        """The page without its data, kept in the store: folium renders it again only when the factions,
        the title or the inlining change."""
        from geo.maps import skeleton

        key = hashlib.sha256(json.dumps([fingerprint, TITLE, self.self_contained,
                                         [(f.id, f.name, f.colour) for f in factions.by_id.values()]]).encode()
                             ).hexdigest()
        kept = store.get_meta("skeleton")
        if kept and kept.get("key") == key:
            return kept["page"], kept["groups"]
        page, groups = skeleton(factions, title=TITLE, self_contained=self.self_contained)
        store.set_meta("skeleton", {"key": key, "page": page, "groups": groups})
        return page, groups


TITLE = "geo: control and advances"
LIST_PLACES = 200  # the build's report lists the most-cited places; places.json has them all


def _files(src: Source) -> list[tuple[str, int, int]]:
    """The article files of a path or glob source, sorted, as (absolute path, size, mtime): the store's
    keys and what tells a changed file. A ``NAME.meta.json`` sidecar counts as part of its article."""
    import glob

    if src.kind == "glob":
        paths = sorted({os.path.abspath(p) for p in glob.glob(src.location, recursive=True)})
    elif os.path.isfile(src.location):
        paths = [os.path.abspath(src.location)]
    else:
        # os.scandir and strings, not Path.rglob: a folder of 10,000 articles is walked in milliseconds.
        paths, stack = [], [os.path.abspath(src.location)]
        while stack:
            try:
                entries = list(os.scandir(stack.pop()))
            except OSError:
                continue
            stack += [e.path for e in entries if e.is_dir() and not e.name.startswith(".")]
            paths += [e.path for e in entries if e.is_file()]
    walked = set(paths) if src.kind == "path" and not os.path.isfile(src.location) else None
    out = []
    for path in paths:
        if not wanted(os.path.basename(path)):
            continue
        meta = sidecar_name(path)
        try:
            st = os.stat(path)
            size, mtime = st.st_size, st.st_mtime_ns
            # A walked folder lists its sidecars already; a glob or a single file asks the disk.
            if meta and (meta in walked if walked is not None else os.path.exists(meta)):
                mst = os.stat(meta)
                size, mtime = size + mst.st_size + 1, max(mtime, mst.st_mtime_ns)
        except OSError:
            continue
        out.append((path, size, mtime))
    return sorted(out)


def write_all(out: Path, files: dict[str, str]) -> None:
    """Every file written to a temporary name first, then all renamed in a row: a build killed while
    writing leaves the previous maps as they were, and a viewer never sees half a file."""
    out.mkdir(parents=True, exist_ok=True)
    temps = {}
    try:
        for name, text in files.items():
            temps[name] = _write_temp(out / name, text)
        for name, tmp in temps.items():
            os.replace(tmp, out / name)
    finally:
        for tmp in temps.values():
            Path(tmp).unlink(missing_ok=True)


def remove_stale_temps(out: Path) -> None:
    """Temporary files a killed build left (the lock is held: no other build is writing them)."""
    for name in (*OUTPUTS, "status.json"):
        for p in out.glob(f".{name}.*"):
            p.unlink(missing_ok=True)


def _write_temp(path: Path, text: str) -> str:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; maps are meant to be served and shared
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return tmp


def write_atomic(path: Path, text: str) -> None:
    """Temporary file, then rename: a reader never sees half a file."""
    tmp = _write_temp(path, text)
    try:
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# What a parse is made by: the geoparser, the event extractor, the gazetteer's ranking and their data files.
PARSER_PARTS = ("geoparse", "events", "names.py", "gazetteer/lookup.py")


def parser_digest(root: Path | None = None) -> str:
    """A hash of the parser's own files (``PARSER_PARTS`` under the package, or ``root``): an upgrade of
    geo that reads articles differently changes it, so a scheduled build parses its store again."""
    root = root or Path(__file__).resolve().parent
    h = hashlib.sha256()
    for part in PARSER_PARTS:
        path = root / part
        files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix != ".pyc") if path.is_dir() else [path]
        for f in files:
            if f.exists():
                h.update(f.relative_to(root).as_posix().encode())
                h.update(f.read_bytes())
    return h.hexdigest()

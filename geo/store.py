"""The document store: every article ever ingested, its parse and its events, in one SQLite file.

A build reads its sources, puts what is new or changed here, parses only that, and draws the maps from
everything the store holds. Articles are never dropped: one that has left its feed stays on the map.
A document that could not be fetched or parsed is kept with its error and retried on the next run.

Each document is written with its parse in one transaction, in WAL mode, so a build killed at any point
leaves the store consistent: a document is either parsed (with its parse) or still pending.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from geo.documents import Document
from geo.exc import GeoError

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
-- key: where the document comes from (file path, file path and line, or the article's URL).
CREATE TABLE IF NOT EXISTS documents (
    key TEXT PRIMARY KEY,
    doc TEXT NOT NULL,            -- the id shown on the map (file name, meta id, URL)
    source TEXT NOT NULL,
    url TEXT, title TEXT, outlet TEXT, published TEXT,
    hash TEXT,                    -- sha256 of the text and metadata; NULL until fetched
    text TEXT,
    status TEXT NOT NULL,         -- pending | parsed | failed
    error TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    first_seen TEXT NOT NULL,
    updated TEXT NOT NULL,
    parsed_with TEXT              -- the parser fingerprint its parse was made with
);
CREATE INDEX IF NOT EXISTS documents_status ON documents(status);
CREATE INDEX IF NOT EXISTS documents_url ON documents(url);
CREATE TABLE IF NOT EXISTS parses (
    key TEXT PRIMARY KEY REFERENCES documents(key) ON DELETE CASCADE,
    toponyms TEXT NOT NULL,       -- JSON list, as geo parse writes it
    events TEXT NOT NULL          -- JSON list
);
-- The size and mtime of each local file when last read: an unchanged file is not read again.
CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL);
-- A parse split by place, so the maps are redrawn only where something changed: each document's events
-- and resolved mentions, with the place they are at, and a version per place that grows with each change.
CREATE TABLE IF NOT EXISTS events (key TEXT NOT NULL REFERENCES documents(key) ON DELETE CASCADE,
                                   place TEXT NOT NULL, json TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS events_place ON events(place);
CREATE INDEX IF NOT EXISTS events_key ON events(key);
CREATE TABLE IF NOT EXISTS mentions (key TEXT NOT NULL REFERENCES documents(key) ON DELETE CASCADE,
                                     place TEXT NOT NULL, json TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS mentions_place ON mentions(place);
CREATE INDEX IF NOT EXISTS mentions_key ON mentions(key);
CREATE TABLE IF NOT EXISTS place_versions (place TEXT PRIMARY KEY, version INTEGER NOT NULL);
-- What the maps drew for each place (see geo.incremental), kept until the place changes: a summary of its
-- state, and per layer its features as GeoJSON and as what the page draws, ready to be joined.
CREATE TABLE IF NOT EXISTS place_cache (place TEXT PRIMARY KEY, version INTEGER NOT NULL, settings TEXT NOT NULL,
                                        state TEXT, mentions INTEGER NOT NULL, label TEXT, summary TEXT NOT NULL,
                                        advancing TEXT NOT NULL, advances_key TEXT);
CREATE TABLE IF NOT EXISTS fragments (place TEXT NOT NULL, layer TEXT NOT NULL, n INTEGER NOT NULL,
                                      geojson TEXT NOT NULL, draw TEXT NOT NULL, PRIMARY KEY (place, layer));
CREATE TABLE IF NOT EXISTS feeds (
    url TEXT PRIMARY KEY, title TEXT, etag TEXT, last_modified TEXT,
    last_fetch TEXT, last_ok TEXT, error TEXT
);
"""


class StoreError(GeoError, RuntimeError):
    """The store file cannot be used (corrupt, not a store, a newer schema)."""


@dataclass
class Pending:
    """A document waiting for its parse (new, changed, failed before, or to be re-parsed)."""

    key: str
    document: Document


def place_key(place: dict) -> str:
    """The place an event or mention is at: its gazetteer id, else its name (a place the gazetteer lacks)."""
    return place.get("id") or f"name:{place.get('name') or place.get('text') or ''}"


def now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def content_hash(doc: Document) -> str:
    h = hashlib.sha256()
    for part in (doc.text, doc.title, doc.url, doc.outlet, doc.published or "", doc.id):
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.hexdigest()


class Store:
    """One SQLite file. ``Store.open`` moves a corrupt file aside and starts afresh, saying so."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.con = sqlite3.connect(self.path, isolation_level=None, timeout=30)
            self._check()
        except sqlite3.DatabaseError as e:
            raise StoreError(f"{self.path}: not a usable geo store ({e})") from None

    @classmethod
    def open(cls, path: str | Path) -> tuple[Store, list[str]]:
        """The store at ``path``; if the file is corrupt it is renamed aside (kept for inspection) and a
        new store is started, rebuilt from the sources on this run. Returns the store and the warnings."""
        path = Path(path)
        try:
            return cls(path), []
        except StoreError as e:
            aside = path.with_name(f"{path.name}.corrupt-{dt.datetime.now():%Y%m%dT%H%M%S}")
            for suffix in ("", "-wal", "-shm"):
                p = Path(str(path) + suffix)
                if p.exists():
                    os.replace(p, Path(str(aside) + suffix))
            return cls(path), [f"{e}; moved it to {aside} and started a new store: every source is read "
                               "again (feed articles no longer in their feeds are only in the old file)"]

    def _check(self) -> None:
        con = self.con
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA synchronous=NORMAL")  # WAL: a crash loses at most the last commits, never consistency
        con.execute("PRAGMA foreign_keys=ON")
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if tables and "documents" not in tables:
            raise sqlite3.DatabaseError("an SQLite file, but not a geo store")
        con.executescript(_SCHEMA)
        version = self.get_meta("schema")
        if version is None:
            self.set_meta("schema", SCHEMA_VERSION)
        elif version != SCHEMA_VERSION:
            raise sqlite3.DatabaseError(f"store schema {version}, this geo reads {SCHEMA_VERSION}")
        # A page-level check of the first pages: catches a damaged file before work is done on it.
        bad = con.execute("PRAGMA quick_check(1)").fetchone()[0]
        if bad != "ok":
            raise sqlite3.DatabaseError(bad)

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # ------------------------------------------------------------------------------------------ meta

    def get_meta(self, key: str):
        row = self.con.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else None

    def set_meta(self, key: str, value) -> None:
        self.con.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, json.dumps(value)))

    def generation(self) -> int:
        """Grows whenever a document's parse changes: the maps are redrawn only when it has moved."""
        return self.get_meta("generation") or 0

    def _bump(self) -> None:
        self.con.execute("INSERT OR REPLACE INTO meta VALUES ('generation', "
                         "COALESCE((SELECT value FROM meta WHERE key = 'generation'), 0) + 1)")

    # ----------------------------------------------------------------------------------------- files

    def file_unchanged(self, path: str, size: int, mtime_ns: int) -> bool:
        row = self.con.execute("SELECT size, mtime_ns FROM files WHERE path = ?", (path,)).fetchone()
        return row is not None and row[0] == size and row[1] == mtime_ns

    def file_stats(self) -> dict[str, tuple[int, int]]:
        return {p: (s, m) for p, s, m in self.con.execute("SELECT path, size, mtime_ns FROM files")}

    def remember_file(self, path: str, size: int, mtime_ns: int) -> None:
        self.con.execute("INSERT OR REPLACE INTO files VALUES (?, ?, ?)", (path, size, mtime_ns))

    def forget_file(self, path: str) -> None:
        self.con.execute("DELETE FROM files WHERE path = ?", (path,))

    # ------------------------------------------------------------------------------------- documents

    def put(self, key: str, doc: Document) -> str:
        """Add or update a document. Returns ``new``, ``changed`` or ``unchanged``; a new or changed one
        is pending until parsed."""
        digest = content_hash(doc)
        row = self.con.execute("SELECT hash, status FROM documents WHERE key = ?", (key,)).fetchone()
        if row is not None and row[0] == digest:
            return "unchanged"
        t = now()
        self.con.execute(
            "INSERT INTO documents (key, doc, source, url, title, outlet, published, hash, text, status, "
            "error, attempts, first_seen, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', NULL, 0, ?, ?) "
            "ON CONFLICT(key) DO UPDATE SET doc=excluded.doc, source=excluded.source, url=excluded.url, "
            "title=excluded.title, outlet=excluded.outlet, published=excluded.published, hash=excluded.hash, "
            "text=excluded.text, status='pending', error=NULL, attempts=0, updated=excluded.updated",
            (key, doc.id, doc.source, doc.url, doc.title, doc.outlet, doc.published, digest, doc.text, t, t))
        return "new" if row is None else "changed"

    def put_failure(self, key: str, *, doc: str, source: str, error: str, url: str = "", title: str = "",
                    outlet: str = "", published: str | None = None) -> None:
        """A document that could not be fetched or read: kept with its error, retried on the next run.
        A document already parsed keeps its parse (an article that is briefly unreachable stays on the map)."""
        t = now()
        self.con.execute(
            "INSERT INTO documents (key, doc, source, url, title, outlet, published, status, error, attempts, "
            "first_seen, updated) VALUES (?, ?, ?, ?, ?, ?, ?, 'failed', ?, 1, ?, ?) "
            "ON CONFLICT(key) DO UPDATE SET error=excluded.error, attempts=attempts + 1, updated=excluded.updated,"
            " status=CASE WHEN status = 'parsed' THEN 'parsed' ELSE 'failed' END",
            (key, doc, source, url, title, outlet, published, error, t, t))

    def has_key(self, key: str) -> bool:
        return self.con.execute("SELECT 1 FROM documents WHERE key = ?", (key,)).fetchone() is not None

    def keys(self) -> set[str]:
        return {r[0] for r in self.con.execute("SELECT key FROM documents")}

    def failed_fetches(self) -> list[dict]:
        """Feed articles that could not be fetched yet (no text): to try again."""
        cur = self.con.execute("SELECT key, doc, source, url, title, outlet, published, attempts FROM documents "
                               "WHERE status = 'failed' AND text IS NULL")
        cols = [c[0] for c in cur.description]
        return [dict(zip(cols, r)) for r in cur]

    def pending(self, fingerprint: str, *, full: bool = False) -> list[Pending]:
        """Documents to parse: pending, failed with text (a parse that raised), and those parsed with
        another parser fingerprint (or every one, when ``full``)."""
        sql = ("SELECT key, doc, source, url, title, outlet, published, text FROM documents WHERE text IS NOT NULL "
               "AND (status != 'parsed' OR parsed_with IS NOT ? OR ?) ORDER BY first_seen, key")
        out = []
        for key, doc, source, url, title, outlet, published, text in self.con.execute(sql, (fingerprint, full)):
            out.append(Pending(key, Document(id=doc, text=text, title=title or "", url=url or "",
                                             outlet=outlet or "", published=published, source=source)))
        return out

    def save_parse(self, key: str, parsed: dict, fingerprint: str) -> None:
        """The parse of one document, written with its status in one transaction; the places it named
        before and names now get a new version, so the maps are redrawn there."""
        toponyms = json.dumps(parsed.get("toponyms", []), ensure_ascii=False, allow_nan=False)
        events = json.dumps(parsed.get("events", []), ensure_ascii=False, allow_nan=False)
        meta = {k: parsed.get(k) for k in ("doc", "outlet", "published", "url")}
        ev_rows = [(key, place_key(e["place"]), json.dumps(e, ensure_ascii=False, allow_nan=False))
                   for e in parsed.get("events", [])]
        mention_rows = [(key, t["id"], json.dumps({**t, **meta}, ensure_ascii=False, allow_nan=False))
                        for t in parsed.get("toponyms", []) if t.get("id") is not None]
        with self.transaction():
            touched = {r[0] for r in self.con.execute(
                "SELECT place FROM events WHERE key = ? UNION SELECT place FROM mentions WHERE key = ?", (key, key))}
            touched |= {r[1] for r in ev_rows} | {r[1] for r in mention_rows}
            self.con.execute("DELETE FROM events WHERE key = ?", (key,))
            self.con.execute("DELETE FROM mentions WHERE key = ?", (key,))
            self.con.executemany("INSERT INTO events VALUES (?, ?, ?)", ev_rows)
            self.con.executemany("INSERT INTO mentions VALUES (?, ?, ?)", mention_rows)
            self.con.executemany("INSERT INTO place_versions VALUES (?, 1) ON CONFLICT(place) DO UPDATE SET "
                                 "version = version + 1", [(p,) for p in touched])
            self.con.execute("INSERT OR REPLACE INTO parses VALUES (?, ?, ?)", (key, toponyms, events))
            self.con.execute("UPDATE documents SET status='parsed', error=NULL, parsed_with=?, updated=? "
                             "WHERE key = ?", (fingerprint, now(), key))
            self._bump()

    def fail_parse(self, key: str, error: str) -> None:
        self.con.execute("UPDATE documents SET status='failed', error=?, attempts=attempts + 1, updated=? "
                         "WHERE key = ?", (error, now(), key))

    def parsed(self) -> Iterator[dict]:
        """Every parsed document, as ``geo parse`` writes it (doc, title, published, ..., toponyms, events)."""
        sql = ("SELECT d.doc, d.title, d.published, d.url, d.outlet, d.source, p.toponyms, p.events "
               "FROM documents d JOIN parses p USING (key) WHERE d.status = 'parsed' ORDER BY d.first_seen, d.key")
        for doc, title, published, url, outlet, source, toponyms, events in self.con.execute(sql):
            yield {"doc": doc, "title": title, "published": published, "url": url, "outlet": outlet,
                   "source": source, "toponyms": json.loads(toponyms), "events": json.loads(events)}

    def failures(self) -> list[dict]:
        cur = self.con.execute("SELECT doc, source, error, attempts FROM documents WHERE status = 'failed' "
                               "ORDER BY source")
        return [{"doc": d, "source": s, "error": e, "attempts": a} for d, s, e, a in cur]

    def counts(self) -> dict[str, int]:
        out = {"pending": 0, "parsed": 0, "failed": 0}
        out.update(dict(self.con.execute("SELECT status, count(*) FROM documents GROUP BY status")))
        out["documents"] = sum(out[k] for k in ("pending", "parsed", "failed"))
        return out

    # ----------------------------------------------------------------------------------------- feeds

    def feed(self, url: str) -> dict:
        cur = self.con.execute("SELECT url, title, etag, last_modified, last_fetch, last_ok, error FROM feeds "
                               "WHERE url = ?", (url,))
        row = cur.fetchone()
        return dict(zip([c[0] for c in cur.description], row)) if row else {"url": url}

    def save_feed(self, url: str, *, title: str | None = None, etag: str | None = None,
                  last_modified: str | None = None, error: str | None = None) -> None:
        """After a fetch: validators (kept from before when the answer had none) or the error."""
        t = now()
        if error is not None:
            self.con.execute("INSERT INTO feeds (url, last_fetch, error) VALUES (?, ?, ?) ON CONFLICT(url) DO "
                             "UPDATE SET last_fetch=excluded.last_fetch, error=excluded.error", (url, t, error))
            return
        self.con.execute(
            "INSERT INTO feeds VALUES (?, ?, ?, ?, ?, ?, NULL) ON CONFLICT(url) DO UPDATE SET "
            "title=COALESCE(excluded.title, title), etag=COALESCE(excluded.etag, etag), "
            "last_modified=COALESCE(excluded.last_modified, last_modified), last_fetch=excluded.last_fetch, "
            "last_ok=excluded.last_ok, error=NULL", (url, title, etag, last_modified, t, t))

    # ----------------------------------------------------------------------------------- transactions

    def transaction(self):
        return _Transaction(self.con)


class _Transaction:
    def __init__(self, con: sqlite3.Connection) -> None:
        self.con = con

    def __enter__(self) -> None:
        self.con.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type, exc, tb) -> None:
        self.con.execute("COMMIT" if exc_type is None else "ROLLBACK")

"""The persistent index: one SQLite file per source under ``<home>/gazetteer/``.

One file per source keeps imports independent: a new index is built in a temporary file and renamed
over the old one only when complete, so an import that fails (or is killed) leaves every index that
was there before intact, and re-importing the same file is a no-op.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import sqlite3
from collections.abc import Iterable
from itertools import chain
from pathlib import Path
from typing import Any

SCHEMA_VERSION = "2"

_SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE places(
    id INTEGER PRIMARY KEY,
    gid TEXT NOT NULL,
    name TEXT NOT NULL,
    lat REAL NOT NULL,
    lon REAL NOT NULL,
    fclass TEXT,
    fcode TEXT,
    country TEXT,
    admin1 TEXT,
    population INTEGER,
    altnames TEXT,
    source_id TEXT,
    note TEXT
);
-- country and population are copied from the place so that choosing candidates needs only the index
CREATE TABLE names(key TEXT NOT NULL, fold TEXT NOT NULL, place INTEGER NOT NULL, cc TEXT, pop INTEGER);
CREATE TABLE admin1(code TEXT PRIMARY KEY, name TEXT, gid TEXT);
"""
_INDEXES = """
CREATE INDEX names_key ON names(key, fold, cc, pop, place);
CREATE INDEX places_lat ON places(lat);
CREATE INDEX places_gid ON places(gid);
"""

PLACE_COLUMNS = "id, gid, name, lat, lon, fclass, fcode, country, admin1, population, altnames, source_id, note"
_DUMP_PLACE_COLUMNS = PLACE_COLUMNS.removesuffix(", source_id, note")  # what a GeoNames row has
NAME_COLUMNS = "key, fold, place, cc, pop"
# Rows go in many to a statement: each statement run has a fixed cost that would otherwise dominate
# (43,000 name rows of one country file). 999 is the lowest parameter limit an SQLite build has had.
_MAX_PARAMETERS = 999


def index_dir(home: Path) -> Path:
    d = home / "gazetteer"
    d.mkdir(parents=True, exist_ok=True)
    return d


def index_path(home: Path, source: str) -> Path:
    return index_dir(home) / f"{source}.sqlite"


def read_meta(path: Path) -> dict[str, Any] | None:
    """The meta table of an index, or None if there is no usable index at ``path``."""
    if not path.exists():
        return None
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows = con.execute("SELECT key, value FROM meta").fetchall()
        finally:
            con.close()
    except sqlite3.DatabaseError:
        return None
    meta = {k: json.loads(v) for k, v in rows}
    # An index from an older layout, or whose shards are gone, is as good as none: it is rebuilt.
    if not meta.get("complete") or meta.get("schema") != SCHEMA_VERSION:
        return None
    if any(not (path.parent / name).exists() for name in meta.get("shards", [])):
        return None
    return meta


def index_parts(path: Path, meta: dict[str, Any]) -> list[Path]:
    """The files that hold an index's rows: its shards, or the file itself."""
    return [path.parent / name for name in meta["shards"]] if meta.get("shards") else [path]


def temp_path(final: Path, pid: int | None = None) -> Path:
    """Where process ``pid`` (this one by default) builds the index that goes to ``final``."""
    return final.with_name(f".{final.name}.{os.getpid() if pid is None else pid}.tmp")


def _insert(con: sqlite3.Connection, table: str, columns: str, rows: list[tuple]) -> None:
    """Insert ``rows`` (tuples of ``columns``), ``_MAX_PARAMETERS`` values to a statement."""
    width = columns.count(",") + 1
    per = _MAX_PARAMETERS // width
    full = len(rows) - len(rows) % per
    if full:
        values = ",".join(["(" + ",".join("?" * width) + ")"] * per)
        flat = list(chain.from_iterable(rows[:full]))
        step = per * width
        con.executemany(f"INSERT INTO {table}({columns}) VALUES {values}",
                        (flat[i:i + step] for i in range(0, full * width, step)))
    if full < len(rows):
        con.executemany(f"INSERT INTO {table}({columns}) VALUES ({','.join('?' * width)})", rows[full:])


class IndexBuilder:
    """Write a source's index into a temporary file; ``commit()`` renames it into place."""

    def __init__(self, final: Path, source: str, *, cache_mb: int = 64) -> None:
        self.final = final
        self.source = source
        self.tmp = temp_path(final)
        self.tmp.unlink(missing_ok=True)
        self.con = sqlite3.connect(self.tmp, isolation_level=None)
        # The file is thrown away if anything fails, so durability during the build buys nothing.
        # Larger pages: a tenth less time to build the indexes and write the file; lookups are as fast.
        self.con.executescript(
            f"PRAGMA page_size=16384; PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; "
            f"PRAGMA cache_size=-{cache_mb * 1024}; PRAGMA temp_store=FILE; PRAGMA locking_mode=EXCLUSIVE;"
        )
        self.con.executescript(_SCHEMA)
        self.con.execute("BEGIN")
        self.places = 0
        self.names = 0

    def add(self, places: Iterable[tuple], names: Iterable[tuple]) -> None:
        """Place rows are ``PLACE_COLUMNS`` (the last two optional); name rows are
        (key, fold, place id, country, population)."""
        places = list(places)
        if places:
            _insert(self.con, "places", _DUMP_PLACE_COLUMNS if len(places[0]) == 11 else PLACE_COLUMNS, places)
        names = list(names)
        if names:
            _insert(self.con, "names", NAME_COLUMNS, names)
        self.places += len(places)
        self.names += len(names)

    def close_unindexed(self) -> None:
        """Write the rows out, without indexes, and leave the file where it is for ``merge()``."""
        self.con.execute("COMMIT")
        self.con.close()

    def merge(self, part: Path, places: int, names: int) -> None:
        """Copy in the rows (``places`` and ``names`` of them) of a file another builder left with
        ``close_unindexed()``. Once per builder: that file stays attached until ``commit()`` or ``abort()``."""
        self.con.execute("ATTACH DATABASE ? AS part", (str(part),))
        # Same schema, no indexes yet, SELECT *: SQLite copies the records as they are, undecoded.
        self.con.execute("INSERT INTO places SELECT * FROM part.places")
        self.con.execute("INSERT INTO names SELECT * FROM part.names")
        self.places += places
        self.names += names

    def add_admin1(self, rows: Iterable[tuple[str, str, str]]) -> None:
        self.con.executemany("INSERT OR REPLACE INTO admin1(code, name, gid) VALUES (?,?,?)", rows)

    def commit(self, meta: dict[str, Any]) -> None:
        for statement in filter(None, (s.strip() for s in _INDEXES.split(";"))):
            self.con.execute(statement)  # not executescript(): it would commit first
        meta = {
            "source": self.source,
            "places": self.places,
            "names": self.names,
            "admin1": self.con.execute("SELECT count(*) FROM admin1").fetchone()[0],
            "built_at": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
            **meta,  # a sharded index states its totals itself
            "schema": SCHEMA_VERSION,
            "complete": True,
        }
        self.con.executemany("INSERT INTO meta(key, value) VALUES (?, ?)",
                             [(k, json.dumps(v)) for k, v in meta.items()])
        self.con.execute("COMMIT")
        self.con.close()
        os.replace(self.tmp, self.final)

    def abort(self) -> None:
        try:
            self.con.close()
        finally:
            self.tmp.unlink(missing_ok=True)

"""A persistent cache of online geocoder answers, so each query is asked of a public service once.

Nominatim's usage policy asks clients to cache results; a news corpus mentions the same places over and
over. Answers live in ``<home>/cache/geocode.sqlite``, keyed by (geocoder, normalized query, params).
Negative answers (nothing found) are cached too, for a shorter time: a gazetteer can learn a name.
Failures (timeouts, HTTP errors) are never cached: the caller does not ``put`` them.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import threading
import time
import unicodedata
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from geopy.location import Location
from geopy.point import Point

from geo.home import geo_home

DAY = 86400.0
DEFAULT_TTL = 90 * DAY
DEFAULT_NEGATIVE_TTL = 3 * DAY
BUSY_TIMEOUT_S = 30.0  # how long a writer waits for another process's lock before giving up


class _Miss:
    """The type of ``MISS``: nothing cached (a cached ``None`` means "the service found nothing")."""

    _instance: _Miss | None = None

    def __new__(cls) -> _Miss:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "MISS"


MISS: Any = _Miss()

Answer = Location | list[Location] | None

_SCHEMA = """
CREATE TABLE IF NOT EXISTS geocodes (
    geocoder TEXT NOT NULL,
    query TEXT NOT NULL,
    params TEXT NOT NULL,
    answer TEXT,            -- JSON, NULL for a negative answer
    created REAL NOT NULL,  -- unix time
    PRIMARY KEY (geocoder, query, params)
)
"""


def normalize_query(query: Any) -> str:
    """One spelling per query: NFC, case-folded, single spaces, no spaces around commas.

    A dict (geopy's structured query) becomes sorted JSON of its normalized values; a point becomes
    ``lat,lon`` at 6 decimals (about 10 cm, finer than any service answers).
    """
    if isinstance(query, Mapping):
        return json.dumps({str(k): normalize_query(v) for k, v in query.items()}, sort_keys=True,
                          ensure_ascii=False)
    if isinstance(query, Point) or (hasattr(query, "lat") and hasattr(query, "lon")):
        lat = query.latitude if isinstance(query, Point) else query.lat
        lon = query.longitude if isinstance(query, Point) else query.lon
        return f"{lat:.6f},{lon:.6f}"
    text = unicodedata.normalize("NFC", str(query)).casefold()
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"\s*,\s*", ",", text)


def _params_key(params: Mapping[str, Any] | None) -> str:
    # None values are dropped so that "not given" and "given as None" share an entry.
    clean = {k: v for k, v in (params or {}).items() if v is not None}
    return json.dumps(clean, sort_keys=True, default=str, ensure_ascii=False)


def _dump_location(loc: Location) -> dict[str, Any]:
    return {"address": loc.address, "lat": loc.latitude, "lon": loc.longitude, "raw": loc.raw}


def _load_location(d: Mapping[str, Any]) -> Location:
    return Location(d["address"], Point(d["lat"], d["lon"]), d.get("raw") or {})


class GeocodeCache:
    """SQLite cache of geocoder answers: ``get`` returns the answer or ``MISS``; ``put`` stores one.

    ``path`` is a file, or ``":memory:"`` (tests); by default ``geo_home(home)/cache/geocode.sqlite``.
    Safe to share between processes: writes are single statements and sqlite's busy timeout makes a
    second writer wait instead of failing. ``clock`` is injectable so tests can expire entries.
    """

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        *,
        home: str | os.PathLike[str] | None = None,
        ttl: float = DEFAULT_TTL,
        negative_ttl: float = DEFAULT_NEGATIVE_TTL,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if path is None:
            path = geo_home(home) / "cache" / "geocode.sqlite"
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self.ttl = float(ttl)
        self.negative_ttl = float(negative_ttl)
        self._clock = clock
        self._lock = threading.Lock()  # one connection, shared by the threads a RateLimiter may use
        self._con = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, check_same_thread=False,
                                    isolation_level=None)
        self._con.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        if self.path != ":memory:":
            # WAL: readers in other processes never block on a writer.
            self._con.execute("PRAGMA journal_mode = WAL")
        self._con.execute(_SCHEMA)

    # ------------------------------------------------------------------------------------------ access

    def get(self, geocoder: str, query: Any, params: Mapping[str, Any] | None = None) -> Answer | Any:
        """The cached answer (a Location, a list of them, or None for "nothing found"), or ``MISS``."""
        with self._lock:
            row = self._con.execute(
                "SELECT answer, created FROM geocodes WHERE geocoder = ? AND query = ? AND params = ?",
                (geocoder, normalize_query(query), _params_key(params)),
            ).fetchone()
        if row is None:
            return MISS
        answer, created = row
        ttl = self.ttl if answer is not None else self.negative_ttl
        if self._clock() - created > ttl:
            return MISS  # stale: the caller asks again and ``put`` replaces it
        if answer is None:
            return None
        data = json.loads(answer)
        if isinstance(data, list):
            return [_load_location(d) for d in data]
        return _load_location(data)

    def put(self, geocoder: str, query: Any, params: Mapping[str, Any] | None, answer: Answer) -> None:
        """Store ``answer`` (a Location, a list of them, or None) now, replacing any older entry."""
        if answer is None or (isinstance(answer, list) and not answer):
            blob = None
        elif isinstance(answer, list):
            blob = json.dumps([_dump_location(a) for a in answer], default=str, ensure_ascii=False)
        else:
            blob = json.dumps(_dump_location(answer), default=str, ensure_ascii=False)
        with self._lock:
            self._con.execute(
                "INSERT OR REPLACE INTO geocodes (geocoder, query, params, answer, created) "
                "VALUES (?, ?, ?, ?, ?)",
                (geocoder, normalize_query(query), _params_key(params), blob, self._clock()),
            )

    def purge(self) -> int:
        """Delete expired entries; return how many."""
        now = self._clock()
        with self._lock:
            cur = self._con.execute(
                "DELETE FROM geocodes WHERE (answer IS NOT NULL AND created < ?) "
                "OR (answer IS NULL AND created < ?)",
                (now - self.ttl, now - self.negative_ttl),
            )
        return cur.rowcount

    def __len__(self) -> int:
        with self._lock:
            return self._con.execute("SELECT COUNT(*) FROM geocodes").fetchone()[0]

    def close(self) -> None:
        with self._lock:
            self._con.close()

    def __enter__(self) -> GeocodeCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"GeocodeCache({self.path!r})"

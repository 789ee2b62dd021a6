"""Find places by name across every index in ``<home>``, ranked.

Ranking is tiered: an exact match (equal folded names) always ranks above a variant match (equal
consonant skeletons: Tal Qarah ~ Tall Qrah), which ranks above a fuzzy one (edit similarity, long names
only). Within a tier: how close the spelling is, whether the primary name matched, feature class and code,
population, and, when given, distance to ``near`` and the admin1 context. ``country`` restricts.
"""

from __future__ import annotations

import json
import math
import os
import sqlite3
import sys
import zlib
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

from rapidfuzz.distance import Levenshtein

from geo.exc import GazetteerNotFound
from geo.gazetteer.embedded import DEFAULT_SOURCE, ensure_default
from geo.gazetteer.importer import ADMIN1_SOURCE
from geo.gazetteer.index import index_dir, index_parts, read_meta
from geo.gazetteer.place import Match, Place
from geo.home import geo_home
from geo.names import fold, variant_key
from geo.point import Coordinate

T = TypeVar("T")

# Score bands per tier: every exact match outranks every variant match, which outranks every fuzzy one.
BANDS = {"exact": (0.75, 1.0), "variant": (0.5, 0.75), "fuzzy": (0.25, 0.5)}
FUZZY_MIN_CHARS = 6  # no fuzzy matching of short names: "Bab" would match half the map
FUZZY_MIN_SIMILARITY = 0.84
FUZZY_SCAN = 4000

_FEATURE_PRIOR = {
    ("A", "PCLI"): 1.0, ("P", "PPLC"): 1.0, ("P", "PPLA"): 0.9, ("P", "PPLA2"): 0.8, ("A", "ADM1"): 0.75,
    ("A", "ADM2"): 0.35, ("S", "AIRB"): 0.65, ("S", "MILB"): 0.65, ("S", "AIRP"): 0.5, ("T", "PLN"): 0.65,
}
_CLASS_PRIOR = {"P": 0.7, "A": 0.35, "S": 0.45, "T": 0.45, "L": 0.45, "H": 0.4, "V": 0.3, "R": 0.3, "U": 0.2}

# The place columns a match is built from, in the order _score and _match unpack them.
_FULL = ("p.id, p.gid, p.name, p.lat, p.lon, p.fclass, p.fcode, p.country, p.admin1, p.population, p.source_id, "
         "p.altnames, p.note")
# The same columns without the alternate names (a country's run to thousands of characters): for callers
# that only place names, such as the geoparser.
_BRIEF = _FULL.replace("p.altnames", "''")
MAX_ATTACHED = 9  # SQLite allows 10 attached databases by default
# Candidates scored per source: the index orders them exact first, then in-focus, then by population,
# so a few suffice; distance or admin context can promote a small place, so more are scored then.
CANDIDATES = 6
CANDIDATES_IN_CONTEXT = 40
# Indexes are read through memory maps, not a read call per page, and opened as immutable, with no file
# lock or journal check per query: together a name new to the parser costs some 15% less. (Safe: an index
# is written whole into a temporary file and renamed over the old one, never changed in place; an open
# connection goes on reading the file it opened.) Measured against mmap off (2026-11-22): a fresh process
# parses 8-9% faster; but one replaying the same lookups again, or holding two Gazetteers on one file, runs
# them 2-3x slower (page faults as each statement starts); re-measure for a long-lived feed process.
MMAP_BYTES = 1 << 30
# Answers kept per gazetteer (lookups, and whether a name may be borne): bounded memory over an endless feed.
CACHED_NAMES = 50_000
# A place of this population makes the primary-name bonus of places a twentieth its size or less void.
DWARFING_POPULATION = 20_000


def importance(fclass: str, fcode: str, population: int, *, whole_population: bool = False) -> float:
    """0..1: how likely a bare mention of this name means this place, before any context."""
    prior = _FEATURE_PRIOR.get((fclass, fcode)) or _CLASS_PRIOR.get(fclass, 0.3)
    pop = min(1.0, math.log10(population + 1) / 7.0) if population > 0 else 0.0
    if fclass == "A" and fcode != "PCLI" and not whole_population:
        pop *= 0.6  # an area's population counts everyone in it: it is not comparable to a town's
    return 0.5 * prior + 0.5 * pop


class Gazetteer:
    """Every gazetteer index under ``home``: imported dumps first (newest first), the embedded default last."""

    def __init__(self, home: str | Path | None = None, *, default: bool = True,
                 sources: Iterable[str] | None = None, focus: Iterable[str] | None = None) -> None:
        """``focus``: countries (ISO codes) a bare name most likely means, a soft preference used in
        ranking. By default, the countries whose GeoNames dumps were imported (SY.zip -> SY): importing a
        country's dump says where the user looks."""
        self.home = geo_home(home)
        self._focus = tuple(c.upper() for c in focus) if focus is not None else None
        self._want_default = default
        self._only = set(sources) if sources is not None else None
        self._sources: list[tuple[str, sqlite3.Connection]] | None = None
        self._con: sqlite3.Connection | None = None
        self._attached: list[str] = []
        self._admin1: dict[str, str] | None = None
        self._keys: dict[str, None] | None = None
        self._prints: array | None = None
        self._named: dict[str, bool] = {}
        self._cache: dict[tuple, list[Match]] = {}

    # ------------------------------------------------------------------------------------- sources

    def _open(self) -> list[tuple[str, sqlite3.Connection]]:
        if self._sources is not None:
            return self._sources
        d = index_dir(self.home)
        found: list[tuple[str, str, Path]] = []
        for path in d.glob("*.sqlite"):
            name = path.stem
            if name in (DEFAULT_SOURCE, ADMIN1_SOURCE) or (self._only is not None and name not in self._only):
                continue
            meta = read_meta(path)
            if meta:
                found.append((meta.get("built_at", ""), name, path))
        found.sort(reverse=True)
        paths = [(name, part) for _, name, path in found for part in index_parts(path, read_meta(path) or {})]
        if self._want_default and (self._only is None or DEFAULT_SOURCE in self._only):
            paths.append((DEFAULT_SOURCE, ensure_default(self.home)))
        if not paths:
            raise GazetteerNotFound(f"no gazetteer index in {d}: run 'geo gazetteer import SY' or enable the default")
        # One entry per file holding rows: a sharded source contributes each of its shards.
        self._sources = [(name, _connect(path)) for name, path in paths]
        self._paths = [path for _, path in paths]
        # One connection with every index attached: a lookup is then one statement, not one per source.
        self._con = sqlite3.connect(":memory:", uri=True, check_same_thread=False)
        for i, (_, path) in enumerate(paths[:MAX_ATTACHED]):
            self._con.execute(f"ATTACH DATABASE ? AS s{i}", (f"file:{path}?mode=ro&immutable=1",))
            self._con.execute(f"PRAGMA s{i}.mmap_size = {MMAP_BYTES}")
        self._con.execute("PRAGMA query_only = ON")
        self._attached = [name for name, _ in paths[:MAX_ATTACHED]]
        if self._focus is None:
            self._focus = tuple(dict.fromkeys(name for name, _ in paths if len(name) == 2 and name.isupper()))
        return self._sources

    @property
    def focus(self) -> tuple[str, ...]:
        self._open()
        return self._focus or ()

    @property
    def source_names(self) -> list[str]:
        return list(dict.fromkeys(name for name, _ in self._open()))

    def name_keys(self) -> dict[str, None]:
        """Every variant key of every source, in memory: the geoparser's first, fast test of a word run.
        The keys of a dict, not a set: the garbage collector walks a set's every member at each full
        collection (hundreds of thousands here, in a process that keeps building new objects), while it
        stops tracking a dict that holds only strings."""
        if self._keys is None:
            self._keys = self._kept_keys()
        return self._keys

    def _kept_keys(self) -> dict[str, None]:
        """The keys from a file kept beside the indexes (one key a line, headed by the indexes' sizes and
        times): splitting it is several times faster than reading every index, which a scheduled build
        would otherwise do on each run. Rewritten whenever an index changes."""

        def read(data: bytes) -> dict[str, None]:
            keys = dict.fromkeys(data.decode("utf-8").split("\n"))
            keys.pop("", None)
            return keys

        def build() -> tuple[dict[str, None], bytes]:
            keys: dict[str, None] = {}
            for _, con in self._open():
                keys.update((k, None) for (k,) in con.execute("SELECT DISTINCT key FROM names"))
            return keys, "\n".join(keys).encode("utf-8")

        return self._kept("name_keys.txt", read, build)

    def _kept(self, filename: str, read: Callable[[bytes], T], build: Callable[[], tuple[T, bytes]]) -> T:
        """What ``build`` derives from the indexes, kept in ``filename`` beside them under a first line
        that names the indexes' paths, sizes and times: read back while they are unchanged."""
        self._open()
        paths = sorted({str(p) for p in self._paths})
        signature = json.dumps([(p, os.stat(p).st_size, os.stat(p).st_mtime_ns) for p in paths]).encode("utf-8")
        kept = index_dir(self.home) / filename
        try:
            head, _, data = kept.read_bytes().partition(b"\n")
            if head == signature:
                return read(data)
        except (OSError, UnicodeDecodeError, ValueError):
            pass  # none yet, or damaged: built again
        value, data = build()
        try:
            tmp = kept.with_name(f".{kept.name}.{os.getpid()}")
            tmp.write_bytes(signature + b"\n" + data)
            os.replace(tmp, kept)
        except OSError:
            pass  # a read-only home: built from the indexes again next time
        return value

    def name_prints(self) -> array:
        """A sorted array of the fingerprints (``_fingerprint``) of every name (folded) of every source:
        4 bytes a name, where the names themselves would take a hundred MB as Python strings."""
        if self._prints is None:

            def read(data: bytes) -> array:
                prints = array("I")
                prints.frombytes(data)
                if sys.byteorder != "little":
                    prints.byteswap()
                return prints

            def build() -> tuple[array, bytes]:
                # In 4-byte arrays throughout, not a set of Python ints: a gazetteer of every country has
                # tens of millions of names. (numpy comes with shapely.)
                import numpy as np

                parts = [np.empty(0, dtype=np.uint32)]
                for _, con in self._open():
                    # (key, fold) pairs in the index's order: as distinct as the folds, with no sort
                    cursor = con.execute("SELECT DISTINCT key, fold FROM names")
                    while rows := cursor.fetchmany(100_000):
                        parts.append(np.fromiter((_fingerprint(f) for _, f in rows), dtype=np.uint32,
                                                 count=len(rows)))
                data = np.unique(np.concatenate(parts)).astype("<u4").tobytes()
                return read(data), data

            self._prints = self._kept("name_prints.bin", read, build)
        return self._prints

    def may_be_named(self, name: str, *, folded: str | None = None) -> bool:
        """False when no place of any source bears this very name (folded); True when one may (the test
        is a 32-bit fingerprint of the name: a few in ten thousand other names pass it too, so a True asks
        ``lookup`` to be sure). A test in memory, where ``lookup`` runs a query. ``folded``: ``fold(name)``,
        when the caller has it."""
        f = fold(name) if folded is None else folded
        known = self._named.get(f)
        if known is None:
            prints = self.name_prints()
            h = _fingerprint(f)
            i = bisect_left(prints, h)
            known = bool(f) and i < len(prints) and prints[i] == h
            if len(self._named) > CACHED_NAMES:
                self._named.clear()
            self._named[f] = known  # the same names recur from text to text: asked once
        return known

    def sounds_alike_only(self, name: str, *, folded: str | None = None, key: str | None = None) -> bool:
        """True when places bear names that sound like ``name`` (the same variant key) and none bears this
        very name: every match ``lookup`` would find is a spelling variant. False when unsure.
        ``folded`` and ``key``: ``fold(name)`` and its ``variant_key``, when the caller has them."""
        f = fold(name) if folded is None else folded
        if not f:
            return False
        return (variant_key(f) if key is None else key) in self.name_keys() and not self.may_be_named(name, folded=f)

    def admin1_names(self) -> dict[str, str]:
        """``CC.code`` -> admin1 name, from an imported admin1CodesASCII.txt (empty if none)."""
        if self._admin1 is None:
            self._admin1 = {}
            path = index_dir(self.home) / f"{ADMIN1_SOURCE}.sqlite"
            if read_meta(path):
                con = _connect(path)
                self._admin1 = dict(con.execute("SELECT code, name FROM admin1"))
                con.close()
        return self._admin1

    def close(self) -> None:
        for _, con in self._sources or []:
            con.close()
        if self._con is not None:
            self._con.close()
        self._sources = None
        self._con = None

    # -------------------------------------------------------------------------------------- lookup

    def lookup(
        self,
        name: str,
        *,
        near: Coordinate | None = None,
        country: str | None = None,
        admin1: str | None = None,
        limit: int = 5,
        fuzzy: bool = True,
        focus: tuple[str, ...] | None = None,
        alternatenames: bool = True,
    ) -> list[Match]:
        """Places called ``name``, best first. ``focus`` replaces the gazetteer's focus countries for this
        lookup (a document about Turkey looks for "Killis" in Turkey first). ``alternatenames=False``
        leaves each place's alternate names out (faster; the matching is the same)."""
        key = (name, near, country, admin1, limit, fuzzy, focus, alternatenames)
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        self._open()  # sets the default focus, which the override below must not lose
        saved = self._focus
        if focus is not None:
            self._focus = tuple(focus)
        try:
            result = self._lookup(name, near, country.upper() if country else None, admin1, limit, fuzzy,
                                  _FULL if alternatenames else _BRIEF)
        finally:
            self._focus = saved
        if len(self._cache) > CACHED_NAMES:
            self._cache.clear()
        self._cache[key] = result
        return result

    def _lookup(self, name, near, country, admin1, limit, fuzzy, columns=_FULL) -> list[Match]:
        qfold = fold(name)
        if not qfold:
            return []
        qkey = variant_key(qfold)
        # A short skeleton ("mr") can match hundreds of places worldwide: the index hands over the
        # in-focus and most populous first, and only those are scored.
        focus = self.focus
        order = (f"cc IN ({','.join('?' * len(focus))}) DESC, pop DESC" if focus else "pop DESC", focus)
        cap = CANDIDATES if near is None and admin1 is None else CANDIDATES_IN_CONTEXT
        # Tiers are strict, so when exact matches fill the answer no variant can enter it.
        # Exact and variant spellings in one statement (two limited selects), each capped on its own.
        both = self._candidates(("key = ? AND fold = ?", "key = ? AND fold != ?"), (qkey, qfold), country,
                                order=order, cap=cap, columns=columns)
        rows = [r for r in both if r[-2] == qfold]
        if len(rows) < (limit or cap) or cap == CANDIDATES_IN_CONTEXT:
            rows += [r for r in both if r[-2] != qfold]
        scored = [self._score(r, qfold, near, admin1, None) for r in rows]
        # A province no town of its own bears the name of ("Virginia", "Anbar") is what the bare name
        # means; one named like its capital ("Hamah", "Idlib") is not: the town is.
        towns = {(r[7], r[8]) for _, r, tier, _, _ in scored if tier == "exact" and r[5] == "P"}
        scored = [self._score(m[1], qfold, near, admin1, None, province_alone=True)
                  if m[2] == "exact" and m[1][6] == "ADM1" and (m[1][7], m[1][8]) not in towns else m for m in scored]
        # A hamlet whose own name is the query does not outrank, by that alone, a city of some size the
        # name also means: "Jenin" is the Palestinian city (Janīn) before a Polish village called Jenin.
        biggest = max((r[9] or 0 for _, r, tier, _, _ in scored if tier == "exact" and r[5] == "P"), default=0)
        if biggest >= DWARFING_POPULATION:
            scored = [self._score(m[1], qfold, near, admin1, None, dwarfed=True)
                      if m[2] == "exact" and (m[1][9] or 0) * 20 < biggest else m for m in scored]
        if fuzzy and not scored and len(qfold) >= FUZZY_MIN_CHARS and len(qkey) >= 4:
            scored = self._fuzzy(qfold, qkey, near, country, admin1, columns)
        best: dict[str, tuple] = {}
        for m in scored:  # one match per place: its best name in any source; imported records win ties
            old = best.get(m[1][1])
            if old is None or _rank(m) > _rank(old):
                best[m[1][1]] = m
        ranked = sorted(best.values(), key=lambda m: m[0], reverse=True)
        return [self._match(m) for m in (ranked[:limit] if limit else ranked)]

    def _fuzzy(self, qfold, qkey, near, country, admin1, columns=_FULL) -> list[tuple]:
        from rapidfuzz import process

        prefix = qkey[:3]
        folds: dict[str, None] = {}
        for _, con in self._open():
            for (f,) in con.execute("SELECT DISTINCT fold FROM names WHERE key >= ? AND key < ? LIMIT ?",
                                    (prefix, prefix + "\U0010ffff", FUZZY_SCAN)):
                folds[f] = None
        hits = process.extract(qfold, list(folds), scorer=Levenshtein.normalized_similarity,
                               score_cutoff=FUZZY_MIN_SIMILARITY, limit=10)
        out = []
        for f, sim, _ in hits:
            for r in self._candidates("key = ? AND fold = ?", (variant_key(f), f), country, cap=CANDIDATES,
                                      columns=columns):
                out.append(self._score(r, qfold, near, admin1, sim))
        return out

    def _candidates(self, where: str | tuple[str, ...], args: tuple, country: str | None, *,
                    order: tuple[str, tuple] | None = None, cap: int | None = None,
                    columns: str = _FULL) -> list[tuple]:
        """Rows whose name matches ``where`` in every source (``cap`` per source), or each of several
        ``where`` clauses taking the same ``args`` (``cap`` per clause and source), in that order.

        A place in several sources comes once per source; the caller keeps its best-scoring match.
        ``where`` and ``order`` speak of the names table only (key, fold, cc, pop): candidates are chosen
        from its covering index, and only the chosen are joined to their places."""
        sources = self._open()
        selects: list[str] = []
        params: tuple = ()
        for clause in ((where,) if isinstance(where, str) else where):
            inner = f"SELECT place, fold FROM s{{i}}.names WHERE {clause}"
            params = (*params, *args)
            if country:
                inner += " AND cc = ?"
                params = (*params, country)
            if order:
                inner += f" ORDER BY {order[0]}"
                params = (*params, *order[1])
            if cap:
                inner += f" LIMIT {int(cap)}"
            selects.append(f"SELECT * FROM ({inner})")
        inner = " UNION ALL ".join(selects)
        one = f"SELECT {columns}, n.fold, {{i}} FROM ({inner}) n JOIN s{{i}}.places p ON p.id = n.place"
        n = len(self._attached)
        sql = " UNION ALL ".join(f"SELECT * FROM ({one.format(i=i)})" for i in range(n))
        con = self._con
        assert con is not None  # (opened with the sources)
        rows = con.execute(sql, params * n).fetchall()
        for i in range(n, len(sources)):  # past SQLite's limit on attached databases: one query each
            rows.extend((*r[:-1], i) for r in sources[i][1].execute(one.format(i=0).replace("s0.", ""), params))
        names = [s for s, _ in sources]
        return [(*r[:-1], names[r[-1]]) for r in rows]

    def _score(self, r: tuple, qfold: str, near, admin1, fuzzy_sim: float | None, *,
               province_alone: bool = False, dwarfed: bool = False) -> tuple:
        """(score, row, tier, distance, reasons) of a candidate row; Match objects are built for the best only."""
        (_, gid, pname, lat, lon, fclass, fcode, cc, adm1, pop, source_id, _, _, mfold, source) = r
        curated = source == DEFAULT_SOURCE and bool(source_id)  # see embedded.build_default
        if fuzzy_sim is not None:
            tier, sim = "fuzzy", fuzzy_sim
        elif mfold == qfold:
            tier, sim = "exact", 1.0
        else:
            tier, sim = "variant", Levenshtein.normalized_similarity(qfold, mfold)
        # Curated names are all verified names of their place, so each counts as primary. A province's own
        # name earns nothing over its capital's: bare, "Dayr az Zawr" or "Hamah" mean the city.
        primary = 1.0 if (curated or province_alone
                          or (mfold == fold(pname) and not (fclass == "A" and fcode != "PCLI")
                              and not dwarfed)) else 0.0
        total = 0.35 * sim + 0.1 * primary + 0.35 * importance(fclass or "", fcode or "", pop or 0,
                                                               whole_population=province_alone)
        weight = 0.8
        if self._focus:
            total += 0.3 * (cc in self._focus)
            weight += 0.3
        if curated:
            total += 0.1
            weight += 0.1
        dist = None
        if near is not None:
            dist = near.distance_km(Coordinate(lat, lon))
            total += 0.3 * math.exp(-dist / 100.0)
            weight += 0.3
        if admin1:
            a = fold(admin1)
            names = (fold(self.admin1_names().get(f"{cc}.{adm1}", "")), fold(adm1 or "")) if adm1 else ()
            total += 0.15 * (1.0 if a and a in names else 0.0)
            weight += 0.15
        lo, hi = BANDS[tier]
        score = lo + (hi - lo) * min(total / weight, 0.999)
        return (score, r, tier, dist, ("curated", tier) if curated else (tier,))

    def _match(self, scored: tuple) -> Match:
        score, r, tier, dist, reasons = scored
        (_, gid, pname, lat, lon, fclass, fcode, cc, adm1, pop, source_id, alts, note, mfold, source) = r
        place = Place(
            id=gid, name=pname, point=Coordinate(lat, lon), source=source, feature_class=fclass or "",
            feature_code=fcode or "", country=cc or "", admin1=adm1 or "",
            admin1_name=self.admin1_names().get(f"{cc}.{adm1}", "") if adm1 else "", population=pop or 0,
            alternatenames=tuple(filter(None, (alts or "").split(","))), source_id=source_id or gid,
            note=note or "",
        )
        return Match(place, score, tier, mfold, dist, reasons)

    # ------------------------------------------------------------------------------------- reverse

    def reverse(self, point: Coordinate, *, limit: int = 1, max_km: float = 50.0) -> list[Match]:
        """The places nearest to ``point`` (populated places first among equals), within ``max_km``."""
        found: dict[str, tuple[float, tuple]] = {}
        for radius_deg in (0.05, 0.25, 1.0, max(1.0, max_km / 100.0)):
            dlon = radius_deg / max(0.05, math.cos(math.radians(point.lat)))
            for source, con in self._open():
                sql = (f"SELECT {_FULL}, p.name FROM places p WHERE p.lat BETWEEN ? AND ? "
                       "AND p.lon BETWEEN ? AND ?")
                for r in con.execute(sql, (point.lat - radius_deg, point.lat + radius_deg,
                                           point.lon - dlon, point.lon + dlon)):
                    if r[1] in found:
                        continue
                    d = point.distance_km(Coordinate(r[3], r[4]))
                    if d <= max_km:
                        found[r[1]] = (d, (*r, source))
            if len(found) >= limit:
                break
        ranked = sorted(found.values(), key=lambda x: (x[0] - 2.0 * (x[1][5] == "P"), x[0]))
        out = []
        for d, r in ranked[:limit]:
            m = self._match(self._score(r, fold(r[2]), None, None, None))
            out.append(Match(m.place, m.score, "reverse", fold(r[2]), d, ("reverse",)))
        return out

    def get(self, place_id: str) -> Place | None:
        for source, con in self._open():
            r = con.execute(f"SELECT {_FULL}, p.name FROM places p WHERE p.gid = ?", (place_id,)).fetchone()
            if r:
                return self._match(self._score((*r, source), fold(r[2]), None, None, None)).place
        return None

    # ---------------------------------------------------------------------------------------- info

    def info(self) -> list[dict[str, Any]]:
        """Every index: source, kind, rows, when built, from what."""
        out: list[dict[str, Any]] = []
        for path in sorted(index_dir(self.home).glob("*.sqlite")):
            meta = read_meta(path)
            if meta is None:
                out.append({"source": path.stem, "status": "unreadable or incomplete", "file": str(path)})
                continue
            out.append({
                "source": path.stem, "kind": meta.get("kind", ""), "places": meta.get("places", 0),
                "names": meta.get("names", 0), "admin1": meta.get("admin1", 0),
                "built_at": meta.get("built_at", ""), "from": meta.get("path", ""),
                "skipped": meta.get("skipped") or {}, "damaged": meta.get("damaged", ""), "file": str(path),
            })
        return out


def _fingerprint(folded: str) -> int:
    return zlib.crc32(folded.encode("utf-8"))


def _rank(scored: tuple) -> float:
    return scored[0] + (0.001 if scored[1][-1] != DEFAULT_SOURCE else 0.0)


def _connect(path: Path) -> sqlite3.Connection:
    con = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True, check_same_thread=False)
    con.execute("PRAGMA query_only = ON")
    con.execute(f"PRAGMA mmap_size = {MMAP_BYTES}")
    return con

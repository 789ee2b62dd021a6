"""Read GeoNames dumps: country files (SY.txt, SY.zip), cities500/1000/5000/15000, allCountries,
and admin1CodesASCII.txt.

The reader streams: it decodes blocks of lines, never the whole file, so memory stays flat on the
1.5 GB allCountries. Damage is reported, never silently dropped: a row with the wrong column count,
a latitude that is not a number, bytes that are not UTF-8, an archive that ends early.

Dump columns (tab-separated, 19): geonameid, name, asciiname, alternatenames, latitude, longitude,
feature class, feature code, country code, cc2, admin1 code, admin2 code, admin3 code, admin4 code,
population, elevation, dem, timezone, modification date.
"""

from __future__ import annotations

import math
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import chain, compress, repeat
from operator import itemgetter, ne
from pathlib import Path

from geo.names import fold_many, variant_keys_many

DUMP_COLUMNS = 19
BLOCK_BYTES = 1 << 18  # a block is parsed a column at a time, all its fields in memory at once


@dataclass
class Problems:
    """Counts of skipped rows by reason, with the first few examples (file:line: what)."""

    path: str
    counts: dict[str, int] = field(default_factory=dict)
    examples: list[str] = field(default_factory=list)
    damaged: str = ""  # set when the file itself is broken (truncated archive, unreadable)
    max_examples: int = 10

    def add(self, reason: str, lineno: int, detail: str = "") -> None:
        self.counts[reason] = self.counts.get(reason, 0) + 1
        if len(self.examples) < self.max_examples:
            where = f"{self.path}:{lineno}" if lineno else self.path
            self.examples.append(f"{where}: {reason}{': ' + detail if detail else ''}")

    def merge(self, other: Problems) -> None:
        for reason, n in other.counts.items():
            self.counts[reason] = self.counts.get(reason, 0) + n
        room = self.max_examples - len(self.examples)
        self.examples.extend(other.examples[:max(0, room)])

    @property
    def skipped(self) -> int:
        return sum(self.counts.values())


class RowError(ValueError):
    """A row that cannot be read; raised only under on_invalid='raise'."""


# ----------------------------------------------------------------------------------------- opening


def _member_name(zf: zipfile.ZipFile, stem: str) -> str:
    txts = [i for i in zf.infolist() if i.filename.endswith(".txt") and "readme" not in i.filename.lower()]
    for info in txts:
        if Path(info.filename).stem == stem:
            return info.filename
    if not txts:
        raise zipfile.BadZipFile("the archive holds no .txt dump")
    return max(txts, key=lambda i: i.file_size).filename


def _salvage_first_member(path: Path) -> Iterator[bytes]:
    """Inflate the dump member of a zip whose directory is missing (a download cut short).

    A zip keeps its table of contents at the end, so a truncated file cannot be opened by zipfile;
    its members' data still follow their local headers from offset 0. Members before the dump (a
    readme) are skipped when their size is recorded in the header.
    """
    with open(path, "rb") as f:
        while True:
            head = f.read(30)
            if len(head) < 30 or head[:4] != b"PK\x03\x04":
                raise zipfile.BadZipFile("not a zip archive, or no dump in what is left of it")
            flags, method = struct.unpack("<HH", head[6:10])
            csize, = struct.unpack("<I", head[18:22])
            name_len, extra_len = struct.unpack("<HH", head[26:30])
            name = f.read(name_len).decode("utf-8", "replace")
            f.read(extra_len)
            if name.endswith(".txt") and "readme" not in name.lower():
                break
            if flags & 0x08:  # size unknown until after the data: cannot skip this member
                raise zipfile.BadZipFile(f"cannot find the dump after {name} in a damaged archive")
            f.seek(csize, 1)
        if method == 0:
            while chunk := f.read(BLOCK_BYTES):
                yield chunk
            return
        if method != 8:
            raise zipfile.BadZipFile(f"unsupported compression method {method}")
        inflate = zlib.decompressobj(-15)
        while chunk := f.read(BLOCK_BYTES):
            try:
                out = inflate.decompress(chunk)
            except zlib.error:
                return
            if out:
                yield out
            if inflate.eof:
                return


def iter_blocks(
    path: Path, problems: Problems, stem: str | None = None, block_bytes: int = BLOCK_BYTES
) -> Iterator[bytes]:
    """Yield blocks of whole lines (bytes), of about ``block_bytes`` each, from a .txt or .zip dump."""
    stem = stem or path.name.split(".")[0]
    if zipfile.is_zipfile(path):
        raw = _zip_chunks(path, stem, problems, block_bytes)
    elif path.suffix.lower() == ".zip":
        problems.damaged = "the archive is truncated or damaged (no zip directory); read what precedes the damage"
        raw = _salvage_first_member(path)
    else:
        raw = _file_chunks(path, block_bytes)
    rest = b""
    for chunk in raw:
        chunk = rest + chunk
        cut = chunk.rfind(b"\n")
        if cut < 0:
            rest = chunk
            continue
        rest = chunk[cut + 1 :]
        yield chunk[: cut + 1]
    if rest:
        if problems.damaged:
            # The last line of a cut-off archive is cut off too: do not import half a row.
            problems.add("incomplete last row", 0, "dropped (the file ends inside it)")
        else:
            yield rest


def text_size(path: Path) -> int | None:
    """How many bytes of dump text ``path`` holds: its size, or its dump member's inflated size for a
    zip (None for a zip without a readable directory)."""
    if path.suffix.lower() != ".zip" and not zipfile.is_zipfile(path):
        return path.stat().st_size
    try:
        with zipfile.ZipFile(path) as zf:
            return zf.getinfo(_member_name(zf, path.name.split(".")[0])).file_size
    except zipfile.BadZipFile:
        return None


def _file_chunks(path: Path, block_bytes: int) -> Iterator[bytes]:
    with open(path, "rb") as f:
        while chunk := f.read(block_bytes):
            yield chunk


def _zip_chunks(path: Path, stem: str, problems: Problems, block_bytes: int) -> Iterator[bytes]:
    try:
        zf = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        problems.damaged = "the archive is damaged; read what precedes the damage"
        yield from _salvage_first_member(path)
        return
    with zf:
        member = _member_name(zf, stem)
        with zf.open(member) as f:
            while True:
                try:
                    chunk = f.read(block_bytes)
                except (zipfile.BadZipFile, EOFError, zlib.error) as e:
                    problems.damaged = f"the archive is damaged inside {member} ({e}); read what precedes it"
                    return
                if not chunk:
                    return
                yield chunk


def _lines(
    block: bytes, first_lineno: int, problems: Problems, strict: bool = False
) -> Iterator[tuple[int, str]]:
    try:
        text = block.decode("utf-8")
    except UnicodeDecodeError:
        # Rare: decode line by line to skip just the bad rows.
        for i, raw in enumerate(block.split(b"\n")[:-1] if block.endswith(b"\n") else block.split(b"\n")):
            try:
                yield first_lineno + i, raw.decode("utf-8")
            except UnicodeDecodeError as e:
                _bad(problems, strict, "not UTF-8", first_lineno + i,
                     f"byte {raw[e.start]:#04x} at column {e.start + 1}")
        return
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    for i, line in enumerate(lines):
        yield first_lineno + i, line


# ------------------------------------------------------------------------------------------ parsing

PlaceRow = tuple  # (rowid, id, name, lat, lon, fclass, fcode, country, admin1, population, altnames)
NameRow = tuple  # (key, fold, place id, country, population)


def name_rows(owners: list[tuple[int, str, int]], names: list[str]) -> list[NameRow]:
    """(key, fold, place, country, population) rows: one per distinct folded name of each place.

    ``owners[i]`` is (place id, country, population) of ``names[i]``.
    """
    folds = fold_many(names)
    # A name in another script is its own key (see variant_keys_many): only the others need working out.
    latin = list(filter(str.isascii, dict.fromkeys(folds)))
    key = dict(zip(latin, variant_keys_many(latin)))
    # dict.fromkeys keeps the first of equal (fold, place) pairs; an empty fold is no name.
    return [(key.get(f, f), f, *owner) for f, owner in dict.fromkeys(zip(folds, owners)) if f]


def parse_dump_block(
    block: bytes, first_lineno: int, first_rowid: int, problems: Problems, strict: bool = False
) -> tuple[list[PlaceRow], list[NameRow], int]:
    """Parse one block of dump lines. Returns place rows, name rows and the number of lines read."""
    return _parse_clean_block(block, first_rowid) or _parse_block_by_row(
        block, first_lineno, first_rowid, problems, strict)


def _parse_clean_block(block: bytes, first_rowid: int) -> tuple[list[PlaceRow], list[NameRow], int] | None:
    """A block whose every line is a good row (nearly all of them), a column at a time: per-row Python
    costs more than the work. None if any line is not; the row-by-row reader then says which and why."""
    try:
        text = block.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if "\r" in text:
        return None
    lines = text.split("\n")
    del text
    if lines[-1] == "":
        lines.pop()
    n = len(lines)
    rows = list(map(str.split, lines, repeat("\t")))
    del lines
    if not rows or set(map(len, rows)) != {DUMP_COLUMNS}:
        return None
    # Only the columns used are kept: the others' strings go now, not with the block's results.
    gids, name, ascii_name, alt, lat, lon, fclass, fcode, cc, admin1, pop = itemgetter(
        0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 14)(list(zip(*rows)))
    del rows
    try:
        lats = list(map(float, lat))
        lons = list(map(float, lon))
    except ValueError:
        return None
    if not (all(map(math.isfinite, lats)) and all(map(math.isfinite, lons)) and all(map(str.isdigit, gids))
            and -90.0 <= min(lats) and max(lats) <= 90.0 and -180.0 <= min(lons) and max(lons) <= 180.0):
        return None
    ids = range(first_rowid + 1, first_rowid + n + 1)
    pops = list(map(int, pop)) if all(map(str.isdigit, pop)) else [int(p) if p.isdigit() else 0 for p in pop]
    places = list(zip(ids, map("geonames:".__add__, gids), name, lats, lons, fclass, fcode, cc, admin1, pops, alt))
    owners = list(zip(ids, cc, pops))
    # Every name, then the ascii names that differ, then the alternate names (name_rows drops repeats).
    differs = list(map(ne, ascii_name, name))
    has_alts = list(map(bool, alt))
    alts = list(compress(alt, has_alts))
    alt_owners = list(compress(owners, has_alts))
    names = [*name, *compress(ascii_name, differs), *",".join(alts).split(",")]
    name_owners = [*owners, *compress(owners, differs),
                   *chain.from_iterable(map(repeat, alt_owners, [a.count(",") + 1 for a in alts]))]
    return places, name_rows(name_owners, names), n


def _parse_block_by_row(
    block: bytes, first_lineno: int, first_rowid: int, problems: Problems, strict: bool = False
) -> tuple[list[PlaceRow], list[NameRow], int]:
    places: list[PlaceRow] = []
    owners: list[tuple[int, str, int]] = []
    names: list[str] = []
    rowid = first_rowid
    nlines = 0
    isfinite = math.isfinite
    for lineno, line in _lines(block, first_lineno, problems, strict):
        nlines += 1
        line = line.rstrip("\r")
        if not line or line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) != DUMP_COLUMNS:
            _bad(problems, strict, "wrong column count", lineno, f"{len(cols)} columns, expected {DUMP_COLUMNS}")
            continue
        try:
            lat = float(cols[4])
            lon = float(cols[5])
        except ValueError:
            _bad(problems, strict, "non-numeric coordinate", lineno, f"latitude {cols[4]!r}, longitude {cols[5]!r}")
            continue
        if not (isfinite(lat) and isfinite(lon) and -90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
            _bad(problems, strict, "coordinate out of range", lineno, f"{cols[4]},{cols[5]}")
            continue
        gid = cols[0].strip()
        if not gid.isdigit():
            _bad(problems, strict, "non-numeric geonameid", lineno, repr(cols[0]))
            continue
        pop = int(cols[14]) if cols[14].isdigit() else 0
        rowid += 1
        name, ascii_name, alt = cols[1], cols[2], cols[3]
        places.append((rowid, "geonames:" + gid, name, lat, lon, cols[6], cols[7], cols[8], cols[10], pop, alt))
        owner = (rowid, cols[8], pop)
        names.append(name)
        owners.append(owner)
        if ascii_name != name:
            names.append(ascii_name)
            owners.append(owner)
        if alt:
            more = alt.split(",")
            names.extend(more)
            owners.extend([owner] * len(more))
    return places, name_rows(owners, names) if names else [], nlines


def parse_admin1_block(
    block: bytes, first_lineno: int, problems: Problems, strict: bool = False
) -> tuple[list[tuple[str, str, str]], int]:
    """admin1CodesASCII.txt: code (CC.NN), name, ascii name, geonameid."""
    rows = []
    nlines = 0
    for lineno, line in _lines(block, first_lineno, problems, strict):
        nlines += 1
        line = line.rstrip("\r")
        if not line:
            continue
        cols = line.split("\t")
        if len(cols) != 4 or "." not in cols[0]:
            _bad(problems, strict, "wrong column count", lineno,
                 f"{len(cols)} columns, expected 4 (CC.NN, name, ascii, id)")
            continue
        rows.append((cols[0], cols[1], "geonames:" + cols[3] if cols[3].isdigit() else ""))
    return rows, nlines


def _bad(problems: Problems, strict: bool, reason: str, lineno: int, detail: str) -> None:
    if strict:
        raise RowError(f"{problems.path}:{lineno}: {reason}: {detail}")
    problems.add(reason, lineno, detail)


def is_admin1_file(path: Path) -> bool:
    return path.name.lower().startswith("admin1codes")


# Place ids are block number * 2**20 + row in block: workers number rows without talking to each other.
ROWS_PER_BLOCK = 1 << 20


def jobs(
    path: Path, problems: Problems, strict: bool = False, block_bytes: int = BLOCK_BYTES
) -> Iterator[tuple[bytes, int, int]]:
    """(block, its first line number, block number) for every block of a dump."""
    lineno = 1
    for index, block in enumerate(iter_blocks(path, problems, block_bytes=block_bytes)):
        yield block, lineno, index
        lineno += block.count(b"\n")


def iter_parsed(path: Path, problems: Problems, strict: bool = False) -> Iterator[tuple[list, list, int]]:
    """Stream a dump as (place rows, name rows, bytes) per block, in this process."""
    for block, lineno, index in jobs(path, problems, strict):
        places, names, _ = parse_dump_block(block, lineno, index * ROWS_PER_BLOCK, problems, strict)
        yield places, names, len(block)


def iter_admin1(path: Path, problems: Problems, strict: bool = False) -> Iterator[list[tuple[str, str, str]]]:
    lineno = 1
    for block in iter_blocks(path, problems):
        rows, n = parse_admin1_block(block, lineno, problems, strict)
        lineno += n
        yield rows

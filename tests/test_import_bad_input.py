"""Bad input for the GeoNames importer: damaged archives, bad rows, bad encodings, bad URLs.

Every test uses a fresh ``home`` under ``tmp_path`` and small dumps written by the test itself; the tests
that need the real ``SY.zip`` read it from ``../shared`` and skip when it is absent. URLs are served by an
HTTP server on 127.0.0.1 started by the test; nothing here uses the internet.
"""

from __future__ import annotations

import http.server
import os
import re
import socket
import sqlite3
import struct
import threading
import time
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from geo.gazetteer import geonames, parallel
from geo.gazetteer.importer import ImportReport, import_file, import_files
from geo.gazetteer.index import index_parts, index_path, read_meta

SHARED = Path(__file__).resolve().parents[2] / "shared"
GEONAMES_SY = SHARED / "data" / "geonames-sy"

# ------------------------------------------------------------------------------------------------ helpers

NAMES = ["Douma", "Harasta", "Jobar", "Zamalka", "Arbin", "Saqba", "Kafr Batna", "Ain Tarma", "Irbin",
         "Hamouriyah"]


def dump_row(gid: int | str, name: str, lat: str = "33.57", lon: str = "36.40", *, alt: str = "",
             ascii_name: str | None = None, population: str = "1000") -> str:
    """One GeoNames dump row: 19 tab-separated columns, no newline."""
    cols = [str(gid), name, name if ascii_name is None else ascii_name, alt, lat, lon, "P", "PPL", "SY", "",
            "08", "", "", "", population, "", "650", "Asia/Damascus", "2024-01-01"]
    assert len(cols) == 19
    return "\t".join(cols)


def good_rows(n: int, first_gid: int = 1000) -> list[str]:
    return [dump_row(first_gid + i, NAMES[i % len(NAMES)] + ("" if i < len(NAMES) else f" {i}"),
                     lat=f"{33.5 + i / 1000:.4f}", lon=f"{36.3 + i / 1000:.4f}")
            for i in range(n)]


def write_dump(path: Path, lines: list[str | bytes]) -> Path:
    """Write ``lines`` (str as UTF-8, bytes as they are), one per line, with a final newline."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"".join((x if isinstance(x, bytes) else x.encode("utf-8")) + b"\n" for x in lines))
    return path


def gids_of(lines: list[str | bytes]) -> set[str]:
    texts = [x.decode("latin-1") if isinstance(x, bytes) else x for x in lines]
    return {"geonames:" + text.split("\t", 1)[0] for text in texts}


def index_files(home: Path, source: str) -> list[Path]:
    """The files holding the rows of ``source``'s index: its shards if it has them, else the file itself."""
    path = index_path(home, source)
    assert path.exists(), f"no index at {path}"
    meta = read_meta(path)
    assert meta is not None, f"{path} is not a complete index"
    return index_parts(path, meta)


def index_gids(home: Path, source: str) -> list[str]:
    """The geonameids in the index of ``source``, in row order."""
    rows: list[tuple[int, str]] = []
    for part in index_files(home, source):
        con = sqlite3.connect(f"file:{part}?mode=ro", uri=True)
        try:
            rows.extend(con.execute("SELECT id, gid FROM places"))
        finally:
            con.close()
    return [gid for _, gid in sorted(rows)]


def index_names(home: Path, source: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for part in index_files(home, source):
        con = sqlite3.connect(f"file:{part}?mode=ro", uri=True)
        try:
            out.update(con.execute("SELECT gid, name FROM places"))
        finally:
            con.close()
    return out


def meta_of(home: Path, source: str) -> dict | None:
    return read_meta(index_path(home, source))


def assert_no_leftovers(home: Path) -> None:
    """A failed or aborted import leaves no temporary index and no partial download behind."""
    gaz = home / "gazetteer"
    if gaz.exists():
        assert [p.name for p in gaz.iterdir() if p.name.startswith(".") or p.suffix == ".tmp"] == []
        referenced = {name for p in gaz.glob("*.sqlite") for name in (read_meta(p) or {}).get("shards", [])}
        assert {p.name for p in gaz.glob("*.shard")} <= referenced
    downloads = home / "downloads"
    if downloads.exists():
        assert [p.name for p in downloads.iterdir() if p.suffix == ".part"] == []


def skipped_line_numbers(report: ImportReport, path: Path) -> dict[int, str]:
    """{line number: reason} from the report's "file:line: reason: detail" examples."""
    out = {}
    for example in report.examples:
        m = re.match(re.escape(str(path)) + r":(\d+): ([^:]+)", example)
        assert m, f"example does not start with '{path}:<line>: ': {example!r}"
        out[int(m.group(1))] = m.group(2)
    return out


def build_previous(tmp_path: Path, home: Path, name: str = "SY.txt", n: int = 6) -> tuple[list[str], dict]:
    """A complete index of the source ``name`` built from ``n`` good rows; returns the rows and its meta."""
    rows = good_rows(n, first_gid=500)
    report = import_file(str(write_dump(tmp_path / "previous" / name, rows)), home)
    assert report.status == "imported", report.summary()
    meta = meta_of(home, Path(name).name.split(".")[0])
    assert meta is not None and meta["places"] == n
    return rows, meta


def assert_previous_intact(home: Path, source: str, rows: list[str], meta: dict) -> None:
    after = meta_of(home, source)
    assert after is not None, "the previous index is gone"
    for key in ("sha256", "built_at", "places"):
        assert after[key] == meta[key], key
    assert after == meta
    assert set(index_gids(home, source)) == gids_of(rows)


def require_sy_zip() -> Path:
    path = GEONAMES_SY / "SY.zip"
    if not path.is_file():
        pytest.skip(f"../shared is absent: {path} not found (shared test data sits beside the repository)")
    return path


def complete_rows_before(cut: bytes) -> list[bytes]:
    """The complete dump lines a streaming inflater gets from the first member of a cut-off zip."""
    assert cut[:4] == b"PK\x03\x04"
    method, = struct.unpack("<H", cut[8:10])
    name_len, extra_len = struct.unpack("<HH", cut[26:30])
    assert method == 8, "SY.zip is expected to be deflated"
    text = zlib.decompressobj(-15).decompress(cut[30 + name_len + extra_len:])
    return text[: text.rfind(b"\n") + 1].splitlines()


@pytest.fixture(autouse=True)
def _no_real_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Should the importer ever ignore ``home``, it still must not touch the user's data directory."""
    monkeypatch.setenv("GEO_HOME", str(tmp_path / "GEO_HOME-not-for-use"))


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


# ------------------------------------------------------------------------------------ a local HTTP server

Handler = Callable[[http.server.BaseHTTPRequestHandler, threading.Event], None]


@contextmanager
def serve(routes: dict[str, Handler]) -> Iterator[str]:
    """Serve ``routes`` (path -> handler) on 127.0.0.1; yields the base URL. Stalled handlers are released
    and the server is shut down on exit."""
    release = threading.Event()

    class RequestHandler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the http.server API
            handler = routes.get(self.path)
            if handler is None:
                self.send_error(404, "Not Found")
                return
            try:
                handler(self, release)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), RequestHandler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        release.set()
        server.shutdown()
        server.server_close()
        thread.join(5)


def send_body(body: bytes) -> Handler:
    def handler(h: http.server.BaseHTTPRequestHandler, release: threading.Event) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "application/octet-stream")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    return handler


def sleep_before_headers(h: http.server.BaseHTTPRequestHandler, release: threading.Event) -> None:
    release.wait(10)  # far longer than the client's timeout; released when the test ends


def stall_mid_body(h: http.server.BaseHTTPRequestHandler, release: threading.Event) -> None:
    body = write_lines_bytes(good_rows(50))
    h.send_response(200)
    h.send_header("Content-Length", str(len(body)))
    h.end_headers()
    h.wfile.write(body[: len(body) // 3])
    h.wfile.flush()
    release.wait(10)


def close_mid_body(h: http.server.BaseHTTPRequestHandler, release: threading.Event) -> None:
    body = write_lines_bytes(good_rows(50))
    h.send_response(200)
    h.send_header("Content-Length", str(len(body)))
    h.end_headers()
    h.wfile.write(body[: len(body) // 3])
    h.close_connection = True


def raw_answer(data: bytes) -> Handler:
    """Answer with ``data`` as it is (not necessarily HTTP), then close."""

    def handler(h: http.server.BaseHTTPRequestHandler, release: threading.Event) -> None:
        h.wfile.write(data)
        h.wfile.flush()
        h.close_connection = True

    return handler


def write_lines_bytes(lines: list[str]) -> bytes:
    return "".join(line + "\n" for line in lines).encode("utf-8")


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ------------------------------------------------------------------------------- 1. a truncated zip archive


def test_truncated_zip_without_previous_index_imports_the_rows_before_the_damage(tmp_path: Path, home: Path):
    full = require_sy_zip().read_bytes()
    with zipfile.ZipFile(GEONAMES_SY / "SY.zip") as zf:
        all_rows = zf.read("SY.txt").splitlines()
    cut = full[: int(len(full) * 0.6)]
    path = tmp_path / "cut" / "SY.zip"
    path.parent.mkdir()
    path.write_bytes(cut)
    expected = complete_rows_before(cut)
    assert 0 < len(expected) < len(all_rows)

    report = import_file(str(path), home)

    assert report.status == "imported", report.summary()
    assert report.source == "SY"
    assert re.search(r"truncat|damag", report.damaged), report.damaged
    summary = report.summary()
    assert str(path) in summary
    assert report.damaged in summary
    assert report.rows == len(expected)
    assert index_gids(home, "SY") == ["geonames:" + r.split(b"\t", 1)[0].decode() for r in expected]
    meta = meta_of(home, "SY")
    assert meta is not None and meta["places"] == len(expected) and meta["damaged"] == report.damaged
    assert not report.ok
    assert_no_leftovers(home)


def test_truncated_zip_keeps_a_complete_previous_index(tmp_path: Path, home: Path):
    sy_zip = require_sy_zip()
    first = import_file(str(sy_zip), home)
    assert first.status == "imported", first.summary()
    assert first.rows == 10_553
    before = meta_of(home, "SY")
    assert before is not None
    gids_before = index_gids(home, "SY")

    path = tmp_path / "cut" / "SY.zip"
    path.parent.mkdir()
    full = sy_zip.read_bytes()
    path.write_bytes(full[: int(len(full) * 0.6)])
    report = import_file(str(path), home)

    assert report.status == "kept-previous", report.summary()
    assert 0 < report.rows < 10_553
    assert re.search(r"truncat|damag", report.damaged)
    summary = report.summary()
    assert str(path) in summary and report.damaged in summary
    assert "kept" in summary
    after = meta_of(home, "SY")
    assert after == before
    assert after["places"] == 10_553
    assert index_gids(home, "SY") == gids_before
    assert_no_leftovers(home)


@pytest.mark.parametrize(
    "content", [b"<html><body>502 Bad Gateway</body></html>\n", b"", b"PK\x03\x04" + b"\0" * 10],
    ids=["html-page", "empty", "cut-inside-the-header"])
def test_a_zip_that_is_no_zip_is_reported_not_raised(tmp_path: Path, home: Path, content: bytes):
    rows, meta = build_previous(tmp_path, home, "SY.txt")
    path = tmp_path / "bad" / "SY.zip"
    path.parent.mkdir()
    path.write_bytes(content)

    report = import_file(str(path), home)

    assert report.status == "failed"
    assert str(path) in report.summary()
    assert_previous_intact(home, "SY", rows, meta)
    assert_no_leftovers(home)


# ----------------------------------------------------------------------- 2. wrong columns, bad coordinates


def test_bad_rows_are_skipped_counted_and_located(tmp_path: Path, home: Path):
    good = good_rows(6)
    lines = [
        good[0],                                        # 1
        good[1],                                        # 2
        "\t".join(good[2].split("\t")[:18]),            # 3: 18 columns
        good[3],                                        # 4
        dump_row(2001, "Jisreen", lat="abc"),           # 5: latitude not a number
        good[4] + "\textra",                            # 6: 20 columns
        "# a comment line",                             # 7: ignored, not skipped
        "",                                             # 8: blank, ignored
        dump_row(2002, "Kfar Sousa", lat="33,51"),      # 9: decimal comma
        good[5],                                        # 10
        "just some text",                               # 11: 1 column
    ]
    path = write_dump(tmp_path / "dumps" / "SY.txt", lines)

    report = import_file(str(path), home)

    assert report.status == "imported", report.summary()
    assert report.rows == 4
    assert report.skipped == {"wrong column count": 3, "non-numeric coordinate": 2}
    assert skipped_line_numbers(report, path) == {
        3: "wrong column count", 5: "non-numeric coordinate", 6: "wrong column count",
        9: "non-numeric coordinate", 11: "wrong column count",
    }
    summary = report.summary()
    assert str(path) in summary
    assert "skipped 5 rows" in summary
    assert sorted(index_gids(home, "SY")) == sorted(gids_of([good[0], good[1], good[3], good[5]]))
    meta = meta_of(home, "SY")
    assert meta["places"] == 4 and meta["skipped"] == report.skipped
    assert not report.ok


def several_blocks(with_bad_rows: bool = True) -> tuple[list[str | bytes], dict[int, tuple[str, str | bytes]]]:
    """Rows for a dump of several read blocks (big enough for the parallel parsers too), and, if asked for,
    bad rows put in the first, a middle and the last block: {line number: (reason, line)}."""
    target = int(4.5 * geonames.BLOCK_BYTES)
    rows: list[str | bytes] = []
    size = 0
    i = 0
    while size < target:
        row = dump_row(100_000 + i, f"Village {i}", lat=f"{33 + (i % 1000) / 1000:.4f}",
                       lon=f"{36 + (i % 997) / 1000:.4f}", alt=f"Qarya {i},Village-{i}")
        rows.append(row)
        size += len(row) + 1
        i += 1
    n = len(rows)
    bad: dict[int, tuple[str, str | bytes]] = {
        2: ("not UTF-8", dump_row(9_000_001, "Alépo", lat="36.2", lon="37.1").encode("latin-1")),
        n // 2: ("wrong column count", "\t".join(["9000002", "Half a row", "33.1"])),
        n - 3: ("non-numeric coordinate", dump_row(9_000_003, "Nowhere", lat="N/A")),
    } if with_bad_rows else {}
    for lineno, (_, line) in bad.items():
        rows[lineno - 1] = line
    return rows, bad


# workers=None: a file this size is parsed by the importer and a forked helper, into one index.
@pytest.mark.parametrize("workers", [1, 2, None])
def test_line_numbers_stay_exact_across_blocks(tmp_path: Path, home: Path, workers: int | None):
    """Bad rows in the first, a middle and the last block are each counted once, with the line number they
    have in the file, however many processes parse it."""
    rows, bad = several_blocks()
    n = len(rows)
    path = write_dump(tmp_path / "dumps" / "big.txt", rows)
    assert path.stat().st_size > 4 * geonames.BLOCK_BYTES

    report = import_file(str(path), home, workers=workers)

    assert report.status == "imported", report.summary()
    assert report.rows == n - 3
    assert report.skipped == {"not UTF-8": 1, "wrong column count": 1, "non-numeric coordinate": 1}
    assert skipped_line_numbers(report, path) == {lineno: reason for lineno, (reason, _) in bad.items()}
    good = [r for k, r in enumerate(rows, 1) if k not in bad]
    gids = index_gids(home, "big")
    assert len(gids) == len(set(gids)) == n - 3
    assert set(gids) == gids_of(good)


# ---------------------------------------------------------------------------------------------- 3. UTF-8


def test_rows_that_are_not_utf8_are_skipped(tmp_path: Path, home: Path):
    good = good_rows(4)
    accented_utf8 = dump_row(3001, "Ḥalab", ascii_name="Halab", alt="Alep,Ḥalab,حلب", lat="36.2", lon="37.16")
    lines: list[str | bytes] = [
        good[0],                                                                        # 1
        dump_row(3002, "Darayya é", lat="33.45", lon="36.25").encode("latin-1"),        # 2
        accented_utf8,                                                                  # 3
        good[1],                                                                        # 4
        dump_row(3003, "Alépo", alt="Alep,Alépo", lat="36.2", lon="37.1").encode("latin-1"),  # 5
        good[2],                                                                        # 6
        good[3],                                                                        # 7
    ]
    path = write_dump(tmp_path / "dumps" / "SY.txt", lines)

    report = import_file(str(path), home)

    assert report.status == "imported", report.summary()
    assert report.rows == 5
    assert report.skipped == {"not UTF-8": 2}
    assert skipped_line_numbers(report, path) == {2: "not UTF-8", 5: "not UTF-8"}
    assert str(path) in report.summary()
    assert set(index_gids(home, "SY")) == gids_of([*good, accented_utf8])
    assert index_names(home, "SY")["geonames:3001"] == "Ḥalab"


def test_raise_stops_at_a_row_that_is_not_utf8(tmp_path: Path, home: Path):
    rows, meta = build_previous(tmp_path, home, "SY.txt")
    latin1 = dump_row(3003, "Alépo", lat="36.2", lon="37.1").encode("latin-1")
    lines: list[str | bytes] = [*good_rows(2), latin1]
    path = write_dump(tmp_path / "dumps" / "SY.txt", lines)

    report = import_file(str(path), home, on_invalid="raise")

    assert report.status == "failed", report.summary()
    assert f"{path}:3" in report.error
    assert_previous_intact(home, "SY", rows, meta)


# ----------------------------------------------------------------------------------- 4. the on_invalid policy


def test_raise_fails_on_the_first_bad_row_and_keeps_the_previous_index(tmp_path: Path, home: Path):
    rows, meta = build_previous(tmp_path, home, "SY.txt")
    good = good_rows(5, first_gid=7000)
    lines = [good[0], good[1], good[2], dump_row(7100, "Tell Rifaat", lat="thirty-six"), good[3], good[4]]
    path = write_dump(tmp_path / "new" / "SY.txt", lines)

    report = import_file(str(path), home, on_invalid="raise")

    assert report.status == "failed"
    assert f"{path}:4:" in report.error
    assert "non-numeric coordinate" in report.error
    summary = report.summary()
    assert str(path) in summary and "failed" in summary
    assert_previous_intact(home, "SY", rows, meta)
    assert_no_leftovers(home)


def test_raise_on_a_bad_row_in_the_helpers_half_keeps_the_previous_index(tmp_path: Path, home: Path):
    rows, meta = build_previous(tmp_path, home, "big.txt")
    lines, bad = several_blocks(with_bad_rows=False)
    lineno = len(lines) - 3  # in the last block: the forked helper's half
    lines[lineno - 1] = dump_row(9_000_003, "Nowhere", lat="N/A")
    path = write_dump(tmp_path / "dumps" / "big.txt", lines)

    report = import_file(str(path), home, on_invalid="raise")

    assert report.status == "failed"
    assert f"{path}:{lineno}: non-numeric coordinate" in report.error
    assert_previous_intact(home, "big", rows, meta)
    assert_no_leftovers(home)


def test_a_helper_that_dies_fails_the_import_and_keeps_the_previous_index(
    tmp_path: Path, home: Path, monkeypatch: pytest.MonkeyPatch
):
    rows, meta = build_previous(tmp_path, home, "big.txt")
    lines, _ = several_blocks(with_bad_rows=False)
    path = write_dump(tmp_path / "dumps" / "big.txt", lines)
    monkeypatch.setattr(parallel, "_helper", lambda *args: os._exit(3))  # the forked child runs this

    report = import_file(str(path), home)

    assert report.status == "failed"
    assert "helper died" in report.error
    assert_previous_intact(home, "big", rows, meta)
    assert_no_leftovers(home)


def test_raise_on_a_truncated_zip_keeps_the_previous_index(tmp_path: Path, home: Path):
    full = require_sy_zip().read_bytes()
    rows, meta = build_previous(tmp_path, home, "SY.txt")
    path = tmp_path / "cut" / "SY.zip"
    path.parent.mkdir()
    path.write_bytes(full[: int(len(full) * 0.6)])

    report = import_file(str(path), home, on_invalid="raise")

    assert report.status == "failed"
    assert str(path) in report.error
    assert re.search(r"truncat|damag", report.error)
    assert_previous_intact(home, "SY", rows, meta)
    assert_no_leftovers(home)


def test_unknown_on_invalid_is_a_value_error_listing_the_choices(tmp_path: Path, home: Path):
    path = write_dump(tmp_path / "dumps" / "SY.txt", good_rows(3))
    with pytest.raises(ValueError, match="on_invalid") as info:
        import_file(str(path), home, on_invalid="bogus")
    message = str(info.value)
    for choice in ("raise", "warn", "ignore", "bogus"):
        assert choice in message
    assert meta_of(home, "SY") is None


def test_ignore_skips_and_counts_like_warn(tmp_path: Path, home: Path):
    good = good_rows(3)
    lines = [good[0], "a\tb", good[1], dump_row(1, "X", lat="?"), good[2]]
    path = write_dump(tmp_path / "dumps" / "SY.txt", lines)
    report = import_file(str(path), home, on_invalid="ignore")
    assert report.status == "imported"
    assert report.rows == 3
    assert report.skipped == {"wrong column count": 1, "non-numeric coordinate": 1}
    assert set(index_gids(home, "SY")) == gids_of(good)


def test_ignore_reports_only_the_counts(tmp_path: Path, home: Path):
    good = good_rows(3)
    path = write_dump(tmp_path / "dumps" / "SY.txt", [good[0], "a\tb", good[1], good[2]])
    report = import_file(str(path), home, on_invalid="ignore")
    assert report.skipped == {"wrong column count": 1}
    assert report.examples == []


# ------------------------------------------------------------------------------------------ 5. idempotence


def test_reimporting_the_same_file_is_a_no_op(tmp_path: Path, home: Path):
    rows = good_rows(7)
    path = write_dump(tmp_path / "dumps" / "SY.txt", rows)
    first = import_file(str(path), home)
    assert first.status == "imported" and first.rows == 7
    meta = meta_of(home, "SY")
    stat = index_path(home, "SY").stat()

    second = import_file(str(path), home)

    assert second.status == "unchanged", second.summary()
    assert second.rows == 7
    assert str(path) in second.summary()
    assert meta_of(home, "SY") == meta
    after = index_path(home, "SY").stat()
    assert (after.st_ino, after.st_mtime_ns) == (stat.st_ino, stat.st_mtime_ns), "the index was rebuilt"
    assert set(index_gids(home, "SY")) == gids_of(rows)

    copy = write_dump(tmp_path / "elsewhere" / "SY.txt", rows)  # same bytes, another path: still unchanged
    assert import_file(str(copy), home).status == "unchanged"
    assert meta_of(home, "SY") == meta


def test_reimporting_a_file_with_bad_rows_still_reports_them(tmp_path: Path, home: Path):
    good = good_rows(3)
    path = write_dump(tmp_path / "dumps" / "SY.txt", [good[0], "a\tb", good[1], good[2]])
    first = import_file(str(path), home)
    assert first.skipped == {"wrong column count": 1}
    second = import_file(str(path), home)
    assert second.status == "unchanged"
    assert second.skipped == first.skipped
    assert not second.ok


# ------------------------------------------------------------------------------------------------ 6. URLs


FAILING_URLS = {
    # name: (route handler or None for a port nobody listens on, pattern the error must match)
    "refused": (None, r"unreachable|refused"),
    "slow-headers": (sleep_before_headers, r"timed out|no answer within 0\.5 s"),
    "stall-mid-body": (stall_mid_body, r"timed out|stalled.*0\.5 s"),
    "closed-mid-body": (close_mid_body, r"closed|lost|incomplete"),
    "http-404": ("missing", r"404"),
}


@pytest.mark.parametrize("kind", list(FAILING_URLS))
def test_a_url_that_fails_is_reported_and_keeps_the_previous_index(tmp_path: Path, home: Path, kind: str):
    rows, meta = build_previous(tmp_path, home, "SY.txt")
    handler, pattern = FAILING_URLS[kind]
    t0 = time.monotonic()
    if handler is None:
        url = f"http://127.0.0.1:{free_port()}/SY.txt"
        report = import_file(url, home, timeout=0.5)
    else:
        routes = {} if handler == "missing" else {"/SY.txt": handler}
        with serve(routes) as base:
            url = base + "/SY.txt"
            report = import_file(url, home, timeout=0.5)
    elapsed = time.monotonic() - t0

    assert elapsed < 5, f"the import took {elapsed:.1f} s"
    assert report.status == "failed", report.summary()
    assert url in report.error
    assert re.search(pattern, report.error), report.error
    assert url in report.summary()
    assert report.rows == 0
    assert_previous_intact(home, "SY", rows, meta)
    assert not (home / "downloads" / "SY.txt").exists()
    assert_no_leftovers(home)


CRASHING_URLS = {
    # a chunked answer cut off inside a chunk: http.client.IncompleteRead
    "chunked-cut": raw_answer(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                              + b"%x\r\n" % len(write_lines_bytes(good_rows(2)))
                              + write_lines_bytes(good_rows(2))
                              + b"\r\n400\r\n1000\tDouma"),
    # a server that does not speak HTTP (a URL pointing at another service): http.client.BadStatusLine
    "not-http": raw_answer(b"SSH-2.0-OpenSSH_9.6\r\n"),
}


@pytest.mark.parametrize("kind", list(CRASHING_URLS))
def test_a_url_that_answers_garbage_is_reported_not_raised(tmp_path: Path, home: Path, kind: str):
    rows, meta = build_previous(tmp_path, home, "SY.txt")
    with serve({"/SY.txt": CRASHING_URLS[kind]}) as base:
        url = base + "/SY.txt"
        try:
            report = import_file(url, home, timeout=0.5)
        finally:
            assert_previous_intact(home, "SY", rows, meta)
            assert_no_leftovers(home)
    assert report.status == "failed"
    assert url in report.error


# --------------------------------------------------------------------------------------- 7. a URL that works


def test_a_url_serving_a_good_dump_is_downloaded_and_imported(tmp_path: Path, home: Path):
    rows = good_rows(9)
    body = write_lines_bytes(rows)
    with serve({"/export/dump/SY.txt": send_body(body)}) as base:
        url = base + "/export/dump/SY.txt"
        report = import_file(url, home, timeout=5)
        again = import_file(url, home, timeout=5)

    assert report.status == "imported", report.summary()
    assert report.rows == 9
    assert report.skipped == {}
    assert report.source == "SY"
    downloaded = home / "downloads" / "SY.txt"
    assert downloaded.read_bytes() == body
    assert Path(report.path) == downloaded
    assert str(downloaded) in report.summary()
    assert set(index_gids(home, "SY")) == gids_of(rows)
    assert again.status == "unchanged"
    assert_no_leftovers(home)


def test_a_url_serving_a_zip_is_imported(tmp_path: Path, home: Path):
    rows = good_rows(12)
    archive = tmp_path / "SY.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("SY.txt", write_lines_bytes(rows))
        zf.writestr("readme.txt", "not a dump\tat all\n")
    with serve({"/SY.zip": send_body(archive.read_bytes())}) as base:
        report = import_file(base + "/SY.zip", home, timeout=5)
    assert report.status == "imported", report.summary()
    assert report.rows == 12 and report.skipped == {} and not report.damaged
    assert (home / "downloads" / "SY.zip").read_bytes() == archive.read_bytes()
    assert set(index_gids(home, "SY")) == gids_of(rows)


# --------------------------------------------------------------------------------- 8. missing, empty, folder


def test_a_file_that_does_not_exist(tmp_path: Path, home: Path):
    path = tmp_path / "nowhere" / "SY.txt"
    report = import_file(str(path), home)
    assert report.status == "failed"
    assert str(path) in report.error
    assert "no such file" in report.error
    assert str(path) in report.summary()
    assert meta_of(home, "SY") is None
    assert_no_leftovers(home)


def test_a_folder_is_not_a_dump(tmp_path: Path, home: Path):
    folder = tmp_path / "SY"
    folder.mkdir()
    report = import_file(str(folder), home)
    assert report.status == "failed"
    assert str(folder) in report.summary()
    assert "folder" in report.error


@pytest.mark.parametrize("content", [b"", b"\n\n", b"# only a comment\n"],
                         ids=["empty", "blank-lines", "comment"])
def test_a_file_without_rows_fails_and_keeps_the_previous_index(tmp_path: Path, home: Path, content: bytes):
    rows, meta = build_previous(tmp_path, home, "SY.txt")
    path = tmp_path / "empty" / "SY.txt"
    path.parent.mkdir()
    path.write_bytes(content)

    report = import_file(str(path), home)

    assert report.status == "failed"
    assert str(path) in report.error
    assert "no readable rows" in report.error
    assert str(path) in report.summary()
    assert report.rows == 0
    assert_previous_intact(home, "SY", rows, meta)
    assert_no_leftovers(home)


def test_a_file_of_only_bad_rows_fails_with_the_counts(tmp_path: Path, home: Path):
    csv = ["id,name,lat,lon", "1,Douma,33.57,36.40", "2,Jobar,33.53,36.33"]
    path = write_dump(tmp_path / "dumps" / "SY.txt", csv)
    report = import_file(str(path), home)
    assert report.status == "failed"
    assert "no readable rows" in report.error and str(path) in report.error
    assert report.skipped == {"wrong column count": 3}
    assert meta_of(home, "SY") is None
    assert_no_leftovers(home)


# ----------------------------------------------------------------------------------------- 9. several files


def test_import_files_goes_on_after_a_bad_one(tmp_path: Path, home: Path):
    rows_a = good_rows(4, first_gid=10)
    rows_b = good_rows(5, first_gid=50)
    good_a = write_dump(tmp_path / "dumps" / "SY.txt", rows_a)
    missing = tmp_path / "dumps" / "LB.txt"
    empty = tmp_path / "dumps" / "TR.txt"
    empty.write_bytes(b"")
    broken = write_dump(tmp_path / "dumps" / "IQ.txt", ["x\ty", "1\t2\t3"])
    good_b = write_dump(tmp_path / "dumps" / "JO.txt", [*rows_b, "bad\trow"])

    reports = import_files([str(good_a), str(missing), str(empty), str(broken), str(good_b)], home)

    assert [r.status for r in reports] == ["imported", "failed", "failed", "failed", "imported"]
    for report, path in zip(reports, [good_a, missing, empty, broken, good_b], strict=True):
        assert str(path) in report.summary()
    assert reports[0].rows == 4 and reports[4].rows == 5
    assert reports[4].skipped == {"wrong column count": 1}
    assert set(index_gids(home, "SY")) == gids_of(rows_a)
    assert set(index_gids(home, "JO")) == gids_of(rows_b)
    for source in ("LB", "TR", "IQ"):
        assert meta_of(home, source) is None
    assert_no_leftovers(home)


def test_import_files_goes_on_after_a_zip_that_is_no_zip(tmp_path: Path, home: Path):
    rows = good_rows(4)
    bad = tmp_path / "dumps" / "LB.zip"
    bad.parent.mkdir()
    bad.write_bytes(b"<html>404</html>\n")
    good = write_dump(tmp_path / "dumps" / "SY.txt", rows)
    reports = import_files([str(bad), str(good)], home)
    assert [r.status for r in reports] == ["failed", "imported"]
    assert set(index_gids(home, "SY")) == gids_of(rows)

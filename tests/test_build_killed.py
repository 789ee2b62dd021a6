"""A build killed with SIGKILL, while parsing or while writing the maps: the previous maps are intact, the
store is consistent, and the next run completes, parsing only what the killed run had not."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import TESTS
from tests.test_build_incremental import article, control, status

OUTPUTS = ("control.geojson", "areas.geojson", "advances.geojson", "events.geojson", "places.geojson",
           "places.json", "index.html")
PLACES = ["Manbij", "Palmyra", "Khan Touman", "Aleppo", "Homs", "Hama", "Idlib", "Raqqa", "Azaz", "Jarablus",
          "Saraqib", "Douma", "Qusayr", "Kobani", "Marea", "Darayya"]
ACTORS = ["Rebels", "Government forces", "Islamic State fighters", "Kurdish YPG fighters"]


def seeds_and_more(src: Path, n: int) -> None:
    src.mkdir()
    for p in (TESTS.parent / "seeds").iterdir():
        shutil.copy(p, src / p.name)
    for i in range(n):
        place, actor = PLACES[i % len(PLACES)], ACTORS[i % len(ACTORS)]
        article(src, f"z{i:04d}", f"{actor} captured {place} on Monday after {i + 2} days of fighting, a monitor "
                                  f"said. Residents of {PLACES[(i + 3) % len(PLACES)]} fled.\n",
                f"2016-{1 + i % 12:02d}-{1 + i % 28:02d}")


def snapshot(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in OUTPUTS}


def store_consistent(store: Path) -> tuple[int, int]:
    """The store passes SQLite's integrity check, and each parsed document has its parse, events and
    mentions; nothing else has any. Returns (parsed, pending)."""
    con = sqlite3.connect(store)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        parsed = {k for (k,) in con.execute("SELECT key FROM documents WHERE status = 'parsed'")}
        with_parse = {k for (k,) in con.execute("SELECT key FROM parses")}
        assert parsed == with_parse
        for key, events in con.execute("SELECT key, events FROM parses"):
            n = con.execute("SELECT count(*) FROM events WHERE key = ?", (key,)).fetchone()[0]
            assert n == len(json.loads(events)), key
        orphans = con.execute("SELECT count(*) FROM events WHERE key NOT IN (SELECT key FROM parses)").fetchone()[0]
        assert orphans == 0
        pending = con.execute("SELECT count(*) FROM documents WHERE status = 'pending'").fetchone()[0]
        return len(parsed), pending
    finally:
        con.close()


def geo(home: Path, *args, script: str | None = None) -> subprocess.Popen:
    cmd = [sys.executable, "-c", script] if script else [sys.executable, "-m", "geo"]
    return subprocess.Popen([*cmd, "--home", str(home), "build", *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, cwd=TESTS.parent)


def wait_for(condition, timeout: float = 60.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return
        time.sleep(0.005)
    raise AssertionError("timed out")


def parsed_count(store: Path) -> int:
    try:
        con = sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=1)
        try:
            return con.execute("SELECT count(*) FROM documents WHERE status = 'parsed'").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return 0


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)")
def test_killed_while_parsing(tmp_path, default_home):
    src, out = tmp_path / "news", tmp_path / "maps"
    seeds_and_more(src, 0)
    assert geo(default_home, src, "--out", out).wait(120) == 0
    before = snapshot(out)
    for p in src.glob("*"):
        p.unlink()
    seeds_and_more_dir = tmp_path / "more"
    seeds_and_more(seeds_and_more_dir, 600)
    for p in seeds_and_more_dir.iterdir():
        shutil.copy(p, src / p.name)
    store = out / ".geo" / "store.sqlite"

    proc = geo(default_home, src, "--out", out)
    wait_for(lambda: parsed_count(store) >= 5 + 40)
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    assert proc.returncode == -signal.SIGKILL

    assert snapshot(out) == before  # the previous maps, byte for byte
    parsed, pending = store_consistent(store)
    assert 45 <= parsed < 605 and parsed + pending == 605

    proc = geo(default_home, src, "--out", out)
    assert proc.wait(180) == 0, proc.stdout.read()
    st = status(out)
    assert st["documents"]["parsed"] == 605 - parsed  # only what the killed run had not parsed
    assert st["documents"]["in_store"] == 605
    assert store_consistent(store) == (605, 0)
    assert {"Manbij", "Tadmur", "Saraqib"} <= set(control(out))
    assert len(control(out)) > len(json.loads(before["control.geojson"])["features"])
    assert snapshot(out)["index.html"] != before["index.html"]


# Runs geo's command line with the maps' writing slowed down after the third file: the test kills it there.
SLOW_WRITE = """
import sys, time
from pathlib import Path
import geo.build as b
real = b._write_temp
written = []
def slow(path, text):
    tmp = real(path, text)
    written.append(path)
    if len(written) == 3:
        Path(sys.argv[-1]).write_text("writing")
        time.sleep(60)
    return tmp
b._write_temp = slow
from geo.cli.main import cli
cli(sys.argv[1:-1])
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL (POSIX)")
def test_killed_while_writing_the_maps(tmp_path, default_home):
    src, out = tmp_path / "news", tmp_path / "maps"
    seeds_and_more(src, 0)
    assert geo(default_home, src, "--out", out).wait(120) == 0
    before = snapshot(out)
    article(src, "new", "Kurdish YPG fighters captured Manbij from Islamic State on Friday.\n", "2016-08-12")
    marker = tmp_path / "marker"

    proc = geo(default_home, src, "--out", out, marker, script=SLOW_WRITE)
    wait_for(marker.exists)
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    assert snapshot(out) == before  # three new files were written beside the old ones, none renamed
    assert list(out.glob(".*.geojson.*")) or list(out.glob(".places.json.*"))  # the killed run's leftovers
    store_consistent(out / ".geo" / "store.sqlite")

    proc = geo(default_home, src, "--out", out)
    assert proc.wait(120) == 0, proc.stdout.read()
    assert status(out)["maps_redrawn"] and status(out)["documents"]["parsed"] == 0  # parsed before the kill
    assert control(out)["Manbij"]["holder"] == "kurds"
    assert not [p for p in out.iterdir() if p.name.startswith(".") and p.name != ".geo"]  # leftovers removed
    for name in OUTPUTS[:-2]:
        json.loads((out / name).read_text(encoding="utf-8"))
    assert os.path.getsize(out / "index.html") > 100_000

"""An import killed midway (SIGKILL, no cleanup code runs) leaves the previous index usable."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from geo.gazetteer.importer import import_file
from geo.gazetteer.index import index_path, read_meta
from geo.gazetteer.lookup import Gazetteer


def write_dump(path: Path, rows: int, name: str) -> Path:
    with open(path, "w", encoding="utf-8") as f:
        for i in range(rows):
            f.write("\t".join([str(5_000_000 + i), f"{name} {i}", f"{name} {i}", f"Alt {name} {i},Qarya {i}",
                               f"{33 + (i % 900) / 1000:.4f}", f"{36 + (i % 800) / 1000:.4f}", "P", "PPL", "XX",
                               "", "01", "", "", "", "10", "", "0", "Etc/UTC", "2024-01-01"]) + "\n")
    return path


def test_sigkill_during_import_leaves_the_previous_index(tmp_path):
    home = tmp_path / "home"
    small = write_dump(tmp_path / "big.txt", 2_000, "Oldvillage")
    assert import_file(str(small), home).status == "imported"
    before = read_meta(index_path(home, "big"))

    # A much larger file of the same source, imported in another process that we kill midway.
    write_dump(tmp_path / "dumps.txt", 1, "x")
    bigger = tmp_path / "new"
    bigger.mkdir()
    big = write_dump(bigger / "big.txt", 400_000, "Newvillage")
    code = "import sys; from geo.gazetteer.importer import import_file; import_file(sys.argv[1], sys.argv[2])"
    proc = subprocess.Popen([sys.executable, "-c", code, str(big), str(home)], start_new_session=True)
    deadline = time.monotonic() + 30
    gaz_dir = home / "gazetteer"
    # Wait until the import has started writing (a temporary index or a shard appears), then kill it all.
    while time.monotonic() < deadline and not any(p.name.startswith(".") or p.suffix == ".shard"
                                                  for p in gaz_dir.iterdir()):
        time.sleep(0.05)
    assert proc.poll() is None, "the import finished before it could be killed: make the file bigger"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)

    assert read_meta(index_path(home, "big")) == before
    found = Gazetteer(home, default=False).lookup("Oldvillage 17", limit=1)
    assert found and found[0].place.id == "geonames:5000017"

    # The next import completes and clears what the killed one left behind.
    report = import_file(str(big), home)
    assert report.status == "imported" and report.rows == 400_000
    assert [p.name for p in gaz_dir.iterdir() if p.name.startswith(".")] == []
    referenced = set(read_meta(index_path(home, "big")).get("shards", []))
    assert {p.name for p in gaz_dir.glob("*.shard")} == referenced
    assert Gazetteer(home, default=False).lookup("Newvillage 399999", limit=1)[0].place.id == "geonames:5399999"

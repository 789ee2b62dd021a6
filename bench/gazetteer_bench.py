"""Gazetteer benchmark: import rate and peak memory, time to first lookup, lookups per second.

    python bench/gazetteer_bench.py [--rows 2000000] [--repeat 3]

Reads ../shared/data/geonames-sy/SY.txt; writes a synthetic dump of --rows rows (GeoNames layout) to a
temporary folder. Every figure is the median of --repeat runs; each run is a fresh process, so the
interpreter start, imports and caches are counted as a user would meet them. Goals (2-core machine):
import >= 100k rows/s, peak memory < 300 MB on the 2M-row file, first lookup < 0.3 s, >= 20k lookups/s.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHARED = HERE.parents[1] / "shared"
sys.path.insert(0, str(HERE))

from synthetic_dump import write_dump  # noqa: E402

_IMPORT = r"""
import json, resource, sys, time
from geo.gazetteer.importer import import_file
t = time.perf_counter()
r = import_file(sys.argv[1], sys.argv[2], force=True)
dt = time.perf_counter() - t
# VmHWM is this process's own peak (ru_maxrss would carry over the parent's across exec).
hwm = next(line for line in open("/proc/self/status") if line.startswith("VmHWM:"))
kb = int(hwm.split()[1])
kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # the largest worker, forked from here
print(json.dumps({"status": r.status, "rows": r.rows, "seconds": dt, "self_mb": kb / 1024, "worker_mb": kids / 1024}))
"""

_FIRST = r"""
import time
from geo.gazetteer.lookup import Gazetteer
m = Gazetteer(__import__("sys").argv[1]).lookup("Tall Qrah", limit=1)
assert m and m[0].place.id == "geonames:163484", m
"""

_RATE = r"""
import json, random, sys, time
from geo.gazetteer.lookup import Gazetteer
home, names_file = sys.argv[1], sys.argv[2]
names = json.load(open(names_file, encoding="utf-8"))
gaz = Gazetteer(home)
gaz.lookup("Aleppo")
t = time.perf_counter()
hits = sum(1 for n in names if gaz.lookup(n, limit=1))
cold = len(names) / (time.perf_counter() - t)
# A news-like stream: the same names again and again (Zipf), as a geoparser asks them.
rng = random.Random(3)
stream = [names[min(int(rng.paretovariate(1.1)) - 1, len(names) - 1)] for _ in range(100_000)]
t = time.perf_counter()
for n in stream:
    gaz.lookup(n, limit=1)
warm = len(stream) / (time.perf_counter() - t)
print(json.dumps({"cold": cold, "warm": warm, "hits": hits, "n": len(names)}))
"""


def run(code: str, *args: str) -> tuple[str, float]:
    t = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", code, *args], check=True, capture_output=True, text=True)
    return out.stdout, time.perf_counter() - t


def import_runs(path: Path, home: Path, repeat: int) -> dict:
    runs = [json.loads(run(_IMPORT, str(path), str(home))[0]) for _ in range(repeat)]
    assert all(r["status"] == "imported" for r in runs), runs
    rows = runs[0]["rows"]
    return {
        "rows": rows,
        "rate": statistics.median(rows / r["seconds"] for r in runs),
        "seconds": statistics.median(r["seconds"] for r in runs),
        "self_mb": max(r["self_mb"] for r in runs),
        "worker_mb": max(r["worker_mb"] for r in runs),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=2_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    sy = SHARED / "data" / "geonames-sy" / "SY.txt"
    if not sy.exists():
        sys.exit(f"{sy} not found: the benchmark reads ../shared")
    with tempfile.TemporaryDirectory(prefix="geo-bench-") as tmp:
        tmp = Path(tmp)
        home = tmp / "home"
        print(f"{'measure':<44} {'median':>14}  goal")
        r = import_runs(sy, home, args.repeat)
        print(f"{'import SY.txt (' + format(r['rows'], ',') + ' rows), rows/s':<44} {r['rate']:>14,.0f}  >= 100,000")
        print(f"{'  peak memory, MB (main / largest worker)':<44} {r['self_mb']:>8.0f} / {r['worker_mb']:<4.0f}")

        dump = write_dump(tmp / "synthetic.txt", args.rows)
        r = import_runs(dump, tmp / "home-big", max(1, args.repeat // 2))
        print(f"{'import synthetic ' + format(args.rows, ',') + ' rows, rows/s':<44} {r['rate']:>14,.0f}  >= 100,000")
        print(f"{'  seconds':<44} {r['seconds']:>14.1f}")
        peak = r["self_mb"] + r["worker_mb"] * 2
        print(f"{'  peak memory, MB (main + 2 workers)':<44} {peak:>14.0f}  < 300"
              f"   (main {r['self_mb']:.0f}, worker {r['worker_mb']:.0f})")
        dump.unlink()

        # The home with SY imported, as a user has it; the default index is built by the first run.
        run(_FIRST, str(home))
        firsts = [run(_FIRST, str(home))[1] for _ in range(max(5, args.repeat))]
        print(f"{'process start to first lookup, s':<44} {statistics.median(firsts):>14.3f}  < 0.3")
        bare = [run("pass")[1] for _ in range(5)]
        print(f"{'  (of which a bare python start, s)':<44} {statistics.median(bare):>14.3f}")

        names = [line.split("\t")[1] for line in sy.read_text(encoding="utf-8").splitlines()]
        names = list(dict.fromkeys(random.Random(1).sample(names, 5000)))
        names_file = tmp / "names.json"
        names_file.write_text(json.dumps(names), encoding="utf-8")
        rates = [json.loads(run(_RATE, str(home), str(names_file))[0]) for _ in range(args.repeat)]
        cold = statistics.median(x["cold"] for x in rates)
        warm = statistics.median(x["warm"] for x in rates)
        print(f"{'lookups/s, distinct names, uncached':<44} {cold:>14,.0f}  >= 20,000")
        print(f"{'lookups/s, news-like repeated names':<44} {warm:>14,.0f}  >= 20,000")
        print(f"{'  names found':<44} {rates[0]['hits']:>8,} of {rates[0]['n']:,}")


if __name__ == "__main__":
    main()

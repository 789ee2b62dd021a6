"""Incremental build benchmark: with N documents in the store, how long a run that adds one article takes.

    python bench/incremental_bench.py [--docs 10000] [--repeat 3] [--home H]

Writes N synthetic news articles (a folder of .txt files with .meta.json sidecars, 1-2 kB each, naming
Syrian places from the gazetteer and the seed factions) into a temporary folder, builds them once (the
store and the maps), then --repeat times adds one new article and times ``geo build`` in a fresh process
(wall clock, interpreter start included, as cron would run it). Also times a run that finds nothing new.
Goal (issue 6): adding one article to a store of 10,000 documents finishes in under 2 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ACTORS = ["Islamic State fighters", "Government forces", "Rebels", "Kurdish YPG fighters", "Nusra Front militants",
          "Syrian troops backed by Russian air strikes", "Insurgents", "Pro-regime militias"]
VERBS = ["captured", "seized", "took control of", "advanced toward", "besieged", "shelled", "recaptured",
         "overran", "attacked"]
DAYS = ["on Monday", "on Tuesday", "overnight", "on Thursday", "yesterday", "late on Friday", "today"]
FILLER = [
    "The Syrian Observatory for Human Rights, a Britain-based monitor, said at least {n} people were killed.",
    "Residents said the fighting had cut the main road and that food prices had doubled within a week.",
    "A spokesman for the group said the offensive would continue until the whole province was taken.",
    "Aid agencies warned that tens of thousands of civilians could be displaced in the coming days.",
    "State television said army units had inflicted heavy losses on the terrorists.",
    "The claims could not be independently verified because of restrictions on access for journalists.",
]


def syrian_places(home: Path) -> list[str]:
    from geo.gazetteer.embedded import ensure_default
    from geo.gazetteer.index import index_dir

    ensure_default(home)
    names = set()
    for path in index_dir(home).glob("*.sqlite"):
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            names |= {r[0] for r in con.execute("SELECT name FROM places WHERE country = 'SY' AND fclass = 'P'")}
        except sqlite3.DatabaseError:
            pass
        con.close()
    from unidecode import unidecode

    # As an English-language report would spell them: no diacritics, no ayn or hamza marks.
    plain = {unidecode(n).replace("'", "").replace("`", "") for n in names}
    return sorted(n for n in plain if len(n) > 3)


def article(rng: random.Random, places: list[str], i: int) -> tuple[str, dict]:
    p = rng.sample(places, 6)
    lines = [f"{rng.choice(ACTORS)} {rng.choice(VERBS)} {p[0]} {rng.choice(DAYS)}, "
             f"a monitoring group said, in the latest fighting in the north of the country."]
    lines.append(f"{rng.choice(ACTORS)} {rng.choice(VERBS)} the villages of {p[1]}, {p[2]} and {p[3]} "
                 f"after heavy clashes.")
    lines += rng.sample(FILLER, 3)
    lines.append(f"Fighting was also reported near {p[4]}, about {rng.randint(5, 40)} km from {p[5]}.")
    rng.shuffle(lines[2:])
    text = f"Report {i}: fighting in northern Syria\n\n" + " ".join(lines).format(n=rng.randint(3, 60)) + "\n"
    day = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(700))
    meta = {"title": f"Report {i}", "outlet": f"Outlet {i % 9}", "published": day.isoformat(),
            "url": f"https://news.example/{i}"}
    return text, meta


def write_article(folder: Path, rng: random.Random, places: list[str], i: int) -> None:
    text, meta = article(rng, places, i)
    (folder / f"a{i:06d}.txt").write_text(text, encoding="utf-8")
    (folder / f"a{i:06d}.meta.json").write_text(json.dumps(meta), encoding="utf-8")


def run_build(home: Path, src: Path, out: Path) -> tuple[float, dict]:
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "geo", "--home", str(home), "build", str(src), "--out", str(out)],
                          capture_output=True, text=True)
    seconds = time.perf_counter() - t
    if proc.returncode != 0:
        raise SystemExit(f"geo build failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    return seconds, json.loads((out / "status.json").read_text(encoding="utf-8"))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, default=10_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--home", type=Path, help="gazetteer home (default: a temporary one with the embedded default)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="geo-incr-bench-") as tmp:
        tmp = Path(tmp)
        home = args.home or tmp / "home"
        places = syrian_places(home)
        src, out = tmp / "articles", tmp / "maps"
        src.mkdir()
        rng = random.Random(7)
        for i in range(args.docs):
            write_article(src, rng, places, i)
        first, status = run_build(home, src, out)
        print(f"{args.docs:,} synthetic articles, {sum(f.stat().st_size for f in src.glob('*.txt')) / 1e6:.1f} MB "
              f"of text, {len(places)} Syrian place names")
        print(f"first build (parse all, draw maps), s               {first:8.1f}   "
              f"({args.docs / first:,.0f} documents/s; {status['events']:,} events)")
        adds, idles = [], []
        for k in range(args.repeat):
            write_article(src, rng, places, args.docs + k)
            seconds, status = run_build(home, src, out)
            assert status["documents"]["parsed"] == 1 and status["documents"]["new"] == 1, status
            adds.append(seconds)
            seconds, status = run_build(home, src, out)
            assert status["documents"]["parsed"] == 0 and not status["maps_redrawn"], status
            idles.append(seconds)
        html = (out / "index.html").stat().st_size / 1e6
        print(f"add one article and redraw, median s (of {args.repeat})      {statistics.median(adds):8.2f}   goal < 2"
              f"   runs: {', '.join(f'{s:.2f}' for s in adds)}")
        print(f"a run with nothing new, median s                    {statistics.median(idles):8.2f}")
        print(f"store {status['documents']['in_store']:,} documents; index.html {html:.1f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

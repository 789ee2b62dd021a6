"""Geoparser evaluation: recognition and resolution on the seeds gold, LGL, GeoWebNews and GeoVirus.

    python bench/eval_geoparse.py [--home DIR] [--import-sy] [--corpora seeds,lgl,gwn,geovirus]
                                  [--limit-docs N] [--json]

Runs ``geo.parse`` over every gold document and prints one table: recognition precision/recall/F1 on
exact spans, F1 on overlapping spans, end-to-end resolution (acc@1/10/161 km, median km, AUC of log
errors, over the gold mentions with coordinates that were recognised; see ``geo/evaluation.py``), the
gazetteer reach (share of gold points whose place is in the gazetteer at all: its GeoNames id is a record,
or a candidate for the gold name lies within 161 km) and, when ``geo.geoparse.resolve_span`` exists,
accuracy within 161 km with gold spans on the last 30% of the documents (Mordecai 3's protocol). The
published figures for the same corpora follow the table.

Gold is read from ``../shared`` (never copied into the repository): ``tests/data/seeds_gold.jsonl`` with
``seeds/``, and ``shared/eval/gritta/{lgl.xml,GWN.xml,GeoVirus.xml}``. The "seeds SY" row scores the same run
on the Syrian gold mentions only (other gold is left out, not counted against the parser).

The gazetteer is the one in ``--home`` (default: ``GEO_HOME``, else the per-user data directory). The LGL,
GeoWebNews and GeoVirus figures are meant with the Syrian GeoNames dump imported, i.e. after

    geo gazetteer import ../shared/data/geonames-sy/SY.zip

or with ``--import-sy``, which imports it (and ``admin1CodesASCII.txt``) into the chosen home first. Those
corpora are mostly about the US and elsewhere, so the gazetteer reach column says how much of their gold
any resolver could get right with this home.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SHARED = REPO.parent / "shared"

CORPORA = ("seeds", "lgl", "gwn", "geovirus")

# /work/shared/README.md, "Published figures on the same corpora".
PUBLISHED = [
    "Recognition, LGL, exact-span F1: Topocluster 0.71, GeoTxt 0.68, Edinburgh Geoparser 0.62, CLAVIN 0.57 "
    "(Gritta et al., \"What's missing in geographical parsing?\", 2017)",
    "Resolution with gold spans, acc@161km: Mordecai 3 LGL 82.7%, GeoWebNews 94.1% (its README; test split = "
    "last 30% of documents); CamCoder LGL 76%, GeoVirus 82% (Gritta et al. 2018)",
]

COLUMNS = ("corpus", "docs", "gold mentions", "P exact", "R exact", "F1 exact", "F1 overlap", "acc@1km",
           "acc@10km", "acc@161km", "median km", "AUC", "gaz reach", "gold-span acc@161")


def load_parse() -> Callable[..., dict]:
    """``geo.parse``, imported only now: the geoparser may not exist yet in this checkout."""
    import importlib

    import geo

    fn = getattr(geo, "parse", None)
    if fn is None:
        try:
            fn = importlib.import_module("geo.parse")
        except ImportError:
            fn = None
    if fn is not None and not callable(fn):  # a module geo.parse holding the function
        fn = getattr(fn, "parse", None)
    if not callable(fn):
        raise SystemExit("eval_geoparse: geo.parse is not available in this checkout (the geoparser is not "
                         "installed or not written yet); nothing to evaluate")
    return fn


def load_resolve_span() -> Callable[..., Any] | None:
    try:
        from geo.geoparse import resolve_span
    except ImportError:
        return None
    return resolve_span if callable(resolve_span) else None


def _accepts(fn: Callable[..., Any], name: str) -> bool:
    """Whether ``fn`` names the keyword ``name`` (a ``**kwargs`` catch-all does not count)."""
    try:
        return name in inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False


def _latlon(x: Any) -> tuple[float, float] | None:
    """A resolver's answer as (lat, lon): a pair, a dict, a Place, or a Match."""
    if x is None:
        return None
    if isinstance(x, (tuple, list)) and len(x) == 2:
        return float(x[0]), float(x[1])
    if isinstance(x, dict):
        return None if x.get("lat") is None or x.get("lon") is None else (float(x["lat"]), float(x["lon"]))
    place = getattr(x, "place", x)
    lat, lon = getattr(place, "lat", None), getattr(place, "lon", None)
    return None if lat is None or lon is None else (float(lat), float(lon))


def _gold(name: str, shared: Path, repo: Path) -> Any:
    from geo import evaluation as ev

    gritta = shared / "eval" / "gritta"
    if name == "seeds":
        return ev.load_seeds(repo / "tests" / "data" / "seeds_gold.jsonl", repo / "seeds")
    return {"lgl": lambda: ev.load_lgl(gritta / "lgl.xml"), "gwn": lambda: ev.load_gwn(gritta / "GWN.xml"),
            "geovirus": lambda: ev.load_geovirus(gritta / "GeoVirus.xml")}[name]()


def _cell(v: float | None) -> str:
    return "-" if v is None else f"{v:.3f}"


def _table(rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = [" | ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths)))
             for r in rows]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(lines)


def _not_demonym(m) -> bool:
    from geo.geoparse.lexicon import load
    from geo.names import fold

    return fold(m.text) not in load().demonyms and m.kind != "Demonym"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--home", help="geo home with the gazetteer (default: GEO_HOME, else the per-user dir)")
    ap.add_argument("--import-sy", action="store_true",
                    help="import ../shared/data/geonames-sy/SY.zip (and admin1CodesASCII.txt) into the home first")
    ap.add_argument("--corpora", default=",".join(CORPORA), help=f"comma-separated subset of {','.join(CORPORA)}")
    ap.add_argument("--limit-docs", type=int, default=None, metavar="N", help="first N documents of each corpus")
    ap.add_argument("--shared", type=Path, default=SHARED, help="the shared data folder (default: ../shared)")
    ap.add_argument("--json", action="store_true", help="print the results as JSON instead of a table")
    args = ap.parse_args(argv)

    corpora = [c.strip().lower() for c in args.corpora.split(",") if c.strip()]
    unknown = sorted(set(corpora) - set(CORPORA))
    if unknown:
        ap.error(f"unknown corpora {unknown}; choose from {', '.join(CORPORA)}")
    if any(c != "seeds" for c in corpora) and not (args.shared / "eval" / "gritta").is_dir():
        raise SystemExit(f"eval_geoparse: {args.shared / 'eval' / 'gritta'} not found (the shared evaluation data)")

    from geo import evaluation as ev
    from geo.home import geo_home

    home = geo_home(args.home)
    # Parsers that build their own gazetteer find it through GEO_HOME; set before the first parse.
    os.environ["GEO_HOME"] = str(home)
    notes: list[str] = []
    if args.import_sy:
        from geo.gazetteer.importer import import_file

        sy = args.shared / "data" / "geonames-sy" / "SY.zip"
        for spec in (sy, sy.with_name("admin1CodesASCII.txt")):
            if not spec.exists():
                raise SystemExit(f"eval_geoparse: {spec} not found")
            report = import_file(str(spec), home)
            print(report.summary(), file=sys.stderr)
            if report.status == "failed":
                raise SystemExit(f"eval_geoparse: importing {spec} failed")

    parse = load_parse()
    resolve_span = load_resolve_span()
    from geo.gazetteer.lookup import Gazetteer

    gaz = Gazetteer(home)
    if "SY" not in gaz.source_names:
        notes.append(f"the gazetteer in {home} has no SY import: LGL/GWN/GeoVirus figures are meant with it "
                     "(geo gazetteer import ../shared/data/geonames-sy/SY.zip, or --import-sy)")
    parse_kw = {"gazetteer": gaz} if _accepts(parse, "gazetteer") else {}
    resolve_kw = {"gazetteer": gaz} if resolve_span and _accepts(resolve_span, "gazetteer") else {}
    if resolve_span is None:
        notes.append("gold-span column skipped: geo.geoparse.resolve_span is not available")

    def resolver(text: str, start: int, end: int) -> tuple[float, float] | None:
        return _latlon(resolve_span(text, start, end, **resolve_kw))

    results: list[dict[str, Any]] = []
    for name in corpora:
        corpus = _gold(name, args.shared, REPO)
        notes.extend(corpus.notes())
        docs = list(corpus)[: args.limit_docs] if args.limit_docs else list(corpus)
        predicted: dict[str, list[dict]] = {}
        failures = 0
        t0 = time.perf_counter()
        for doc in docs:
            try:
                predicted[doc.id] = list(parse(doc.text, **parse_kw).get("toponyms", []))
            except Exception as e:  # one bad document must not hide the scores of the others
                failures += 1
                if failures == 1:
                    notes.append(f"{corpus.name}: geo.parse raised on doc {doc.id}: {type(e).__name__}: {e}")
        seconds = time.perf_counter() - t0
        notes.append(f"{corpus.name}: parsed {len(docs)} docs in {seconds:.1f} s")
        if failures:
            notes.append(f"{corpus.name}: geo.parse raised on {failures} docs (scored as no predictions)")

        rows = [(corpus.name, None, None)]
        if name == "seeds":
            rows.append(("seeds SY", lambda m: bool(m.meta.get("syrian")), lambda m: bool(m.meta.get("syrian"))))
        if name == "gwn":
            # Mordecai 3 and CamCoder resolve the GWN spans that have a GeoNames id (gwn_full.txt's 2,401).
            rows = [(corpus.name, None, lambda m: m.geonameid is not None)]
        if name in ("lgl", "gwn"):
            # This project does not count demonyms ("American", "Russian") as places; these corpora do.
            rows.append((f"{corpus.name} w/o demonyms", _not_demonym, None))
        for label, subset, span_subset in rows:
            s = ev.score(docs, predicted, subset=subset)
            if s.unresolved:
                notes.append(f"{label}: {s.unresolved} recognised gold mentions left unresolved by the parser "
                             "(scored as antipodal errors)")
            try:
                reached, total = ev.gazetteer_reach(docs, gaz, subset=subset)
                reach = reached / total if total else None
            except Exception as e:  # reach is context; the parser's scores still stand
                reach = None
                notes.append(f"{label}: gazetteer reach failed: {type(e).__name__}: {e}")
            span_scores = None
            if resolve_span is not None:
                split = "all" if name == "seeds" else "test"
                span_scores = ev.score_resolution_with_gold_spans(docs, resolver, split=split,
                                                                  subset=span_subset or subset)
            results.append({"corpus": label, "scores": s, "reach": reach, "gold_spans": span_scores,
                            "seconds": seconds, "failures": failures})
    notes.append("gold-span acc@161: last 30% of documents (Mordecai 3's test split) for LGL/GWN/GeoVirus, all "
                 "documents for the seeds; GWN spans with a GeoNames id only (Mordecai 3, CamCoder)")

    if args.json:
        out = {
            "home": str(home),
            "rows": [{"corpus": r["corpus"], **r["scores"].as_dict(), "gazetteer_reach": r["reach"],
                      "gold_spans": r["gold_spans"].as_dict() if r["gold_spans"] else None,
                      "parse_seconds": r["seconds"], "parse_failures": r["failures"]} for r in results],
            "notes": notes,
            "published": PUBLISHED,
        }
        print(json.dumps(out, indent=2))
        return 0

    table = [list(COLUMNS)]
    for r in results:
        s, g = r["scores"], r["gold_spans"]
        table.append([r["corpus"], *s.row(), _cell(r["reach"]), _cell(g.acc_161km if g else None)])
    if resolve_span is None:
        for row in table:
            row.pop()
    print(_table(table))
    print()
    print(f"home: {home}")
    for n in notes:
        print(f"- {n}")
    print("Published, for comparison:")
    for p in PUBLISHED:
        print(f"- {p}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

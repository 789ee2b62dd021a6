"""Event-to-location on the 'captured' and 'capture' sentences of the event-location gold (Halterman 2019).

    python bench/event_location.py [--home H] [--limit N] [--show 10]

For each accepted sentence whose trigger verb is "captured" or "capture", geo parses the sentence and
names the place(s) where that capture happened: the places of the events its extractor finds at the
trigger, else the place the verb's clause locates it at ("in X", "at X", "near X"). Scored on tokens
against the gold LOCATION spans, micro-averaged, as in the paper (token precision and recall over 0.83).
Reads ../shared/eval/event-location/labeled_text.jsonl.zip (one JSON array).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE.parents[1] / "shared" / "eval" / "event-location" / "labeled_text.jsonl.zip"
TRIGGERS = ("captured", "capture")
_LOCATES = re.compile(r"\b(?:in|at|near|outside|from|into|of)\s+(?:the\s+)?(?:\w+\s+){0,2}$", re.I)


def load(path: Path) -> list[dict]:
    with zipfile.ZipFile(path) as z:
        data = json.loads(z.read("labeled_text.jsonl"))
    out = []
    for r in data:
        if r.get("answer", "accept") != "accept":
            continue
        verbs = [s for s in r.get("spans", []) if s["label"] == "VERB"]
        if len(verbs) == 1 and r["text"][verbs[0]["start"]:verbs[0]["end"]].lower() in TRIGGERS:
            out.append(r)
    return out


def predict(parser, record: dict) -> list[tuple[int, int]]:
    """Character spans of the places where the trigger's event happened."""
    text = record["text"]
    verb = next(s for s in record["spans"] if s["label"] == "VERB")
    parsed = parser.parse(text)
    at_trigger = [e["place"] for e in parsed.get("events", [])
                  if e["action"] in ("captured", "advanced_toward") and verb["start"] - 80 <= e["place"]["start"]
                  and e.get("cue", "").lower().split()[0:1] == [text[verb["start"]:verb["end"]].lower()]]
    if at_trigger:
        return [(p["start"], p["end"]) for p in at_trigger]
    places = parsed["toponyms"]
    # The clause's locative: "captured ... in Kabul", "captured near Aleppo", "in Idlib, rebels captured".
    best = None
    for t in places:
        gap = abs(t["start"] - verb["end"]) if t["start"] >= verb["end"] else abs(verb["start"] - t["end"])
        if _LOCATES.search(text[max(0, t["start"] - 25):t["start"]]) and (best is None or gap < best[0]):
            best = (gap, t)
    return [(best[1]["start"], best[1]["end"])] if best else []


def tokens_in(record: dict, spans: list[tuple[int, int]]) -> set[int]:
    return {t["id"] for t in record["tokens"] for a, b in spans if t["start"] < b and a < t["end"]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--home", help="gazetteer home (default: GEO_HOME or the per-user directory)")
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--show", type=int, default=0, help="print this many errors")
    args = ap.parse_args(argv)
    if not DATA.exists():
        print(f"{DATA} not found: this benchmark reads ../shared", file=sys.stderr)
        return 2
    from geo.gazetteer.lookup import Gazetteer
    from geo.geoparse import Geoparser

    records = load(DATA)
    if args.limit:
        records = records[: args.limit]
    parser = Geoparser(Gazetteer(args.home))
    tp = fp = fn = 0
    shown = 0
    t0 = time.perf_counter()
    for r in records:
        gold = tokens_in(r, [(s["start"], s["end"]) for s in r["spans"] if s["label"] == "LOCATION"])
        pred = tokens_in(r, predict(parser, r))
        tp += len(gold & pred)
        fp += len(pred - gold)
        fn += len(gold - pred)
        if args.show and shown < args.show and gold != pred:
            shown += 1
            g = " ".join(t["text"] for t in r["tokens"] if t["id"] in gold)
            p = " ".join(t["text"] for t in r["tokens"] if t["id"] in pred)
            print(f"- gold [{g}] predicted [{p}]: {r['text'][:160]}")
    seconds = time.perf_counter() - t0
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print(f"sentences: {len(records)} ('captured'/'capture' triggers, accepted), {seconds:.1f} s")
    print(f"token precision {precision:.3f}  recall {recall:.3f}  F1 {f1:.3f}   (goal: >= 0.83 each, Halterman 2019)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

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
import sys
import time
import zipfile
from pathlib import Path

from geo.events.locate import event_places

HERE = Path(__file__).resolve().parent
DATA = HERE.parents[1] / "shared" / "eval" / "event-location" / "labeled_text.jsonl.zip"
TRIGGERS = ("captured", "capture")


def span_chars(record: dict, span: dict) -> tuple[int, int]:
    """A gold span's character offsets. About one LOCATION span in six carries token indices in its
    start/end (its `text` says "Las Vegas" where start/end cut "w"); token_start/token_end are right
    in all but a handful, so they are read first."""
    ids = record["_ids"]
    a, b = span.get("token_start"), span.get("token_end")
    if a in ids and b in ids:
        return ids[a]["start"], ids[b]["end"]
    return span["start"], span["end"]


def load(path: Path) -> list[dict]:
    """One record per sentence and trigger: where a sentence was labelled more than once, the
    gold-standard relabel (source RELABEL) wins, else the first accepted label."""
    with zipfile.ZipFile(path) as z:
        data = json.loads(z.read("labeled_text.jsonl"))
    chosen: dict[tuple[str, str], dict] = {}
    for r in data:
        if r.get("answer", "accept") != "accept":
            continue
        r["_ids"] = {t["id"]: t for t in r["tokens"]}
        verbs = [s for s in r.get("spans", []) if s["label"] == "VERB"]
        if len(verbs) != 1:
            continue
        a, b = span_chars(r, verbs[0])
        word = r["text"][a:b].lower()
        if word not in TRIGGERS:
            continue
        r["_verb"] = (a, b)
        key = (" ".join(r["text"].split()), word)
        if key not in chosen or (r.get("source") == "RELABEL" and chosen[key].get("source") != "RELABEL"):
            chosen[key] = r
    return list(chosen.values())


def predict(parser, record: dict) -> list[tuple[int, int]]:
    """Character spans of the places where the trigger's event happened (``geo.events.locate``)."""
    parsed = parser.parse(record["text"])
    found = event_places(record["text"], parsed["toponyms"], record["_verb"], events=parsed.get("events", ()))
    return [(p["start"], p["end"]) for p in found]


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
        gold = tokens_in(r, [span_chars(r, s) for s in r["spans"] if s["label"] == "LOCATION"])
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

"""Event-to-location on the 'captured' and 'capture' sentences of the event-location gold (Halterman 2019).

    python bench/event_location.py [--home H] [--limit N] [--show 10]

For each accepted sentence whose trigger verb is "captured" or "capture", geo parses the sentence and
``geo.events.locate.event_places`` names the place(s) where that capture happened (the places of events
the extractor read off the trigger, else the verb's object, passive subject or clause locative). Scored on
tokens against the gold LOCATION spans, micro-averaged, as in the paper (token precision and recall over
0.83). Printed for all sentences, for the gold-standard relabels (source RELABEL) alone, and for the
first-pass annotators against those relabels: how far the labels themselves agree.

Two held-out rows score 138 more 'captured'/'capture' sentences each that this project relabelled to
the relabels' convention (bench/data/event_location_heldout.jsonl and event_location_heldout2.jsonl, see
bench/data/README.md): drawn at random from the first-pass sentences before geo was run on them, and
kept apart since, so no rule was written from them. Keep it that way: --show never prints them, nor
another outlet's near-copy of one.

A last row scores the gold-standard relabels of the other event words ("killed", "shot", "detonated",
...): sentences no rule here was written from, so a check of how the linking carries over to text it
has not been tuned on (those verbs rarely take a place as their object, so it reads lower).

Reading the gold: one sentence is often labelled twice (a first pass and a RELABEL); the relabel is kept.
About one LOCATION span in six carries token indices in its start/end, so spans are read by
token_start/token_end. Reads ../shared/eval/event-location/labeled_text.jsonl.zip (one JSON array).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import time
import zipfile
from pathlib import Path

from geo.events.locate import event_places

HERE = Path(__file__).resolve().parent
DATA = HERE.parents[1] / "shared" / "eval" / "event-location" / "labeled_text.jsonl.zip"
HELD_OUT = HERE / "data" / "event_location_heldout.jsonl"
HELD_OUT_2 = HERE / "data" / "event_location_heldout2.jsonl"  # a second draw, labelled the same way
SYNTHETIC = HERE / "data" / "event_location_synthetic.jsonl"
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


def load(path: Path, *, others: bool = False) -> tuple[list[dict], list[tuple[dict, dict]]]:
    """One record per sentence and trigger: where a sentence was labelled more than once, the
    gold-standard relabel (source RELABEL) wins, else the first accepted label. Also the pairs
    (first-pass label, relabel) of the sentences labelled both ways: how far the annotators agree.
    ``others``: the sentences of every trigger but TRIGGERS instead."""
    data = read_array(path)
    chosen: dict[tuple[str, str], dict] = {}
    first_pass: dict[tuple[str, str], dict] = {}
    for r in data:
        if r.get("answer", "accept") != "accept":
            continue
        verbs = [s for s in r.get("spans", []) if s["label"] == "VERB"]
        if len(verbs) != 1:
            continue
        a, b = span_chars(r, verbs[0])
        word = r["text"][a:b].lower()
        if (word in TRIGGERS) == others:
            continue
        r["_verb"] = (a, b)
        key = (" ".join(r["text"].split()), word)
        if r.get("source") != "RELABEL":
            first_pass.setdefault(key, r)
        if key not in chosen or (r.get("source") == "RELABEL" and chosen[key].get("source") != "RELABEL"):
            chosen[key] = r
    pairs = [(first_pass[k], r) for k, r in chosen.items() if r.get("source") == "RELABEL" and k in first_pass]
    return list(chosen.values()), pairs


def read_array(path: Path) -> list[dict]:
    with zipfile.ZipFile(path) as z:
        data = json.loads(z.read("labeled_text.jsonl"))
    for r in data:
        r["_ids"] = {t["id"]: t for t in r["tokens"]}
    return data


def load_held_out(path: Path, data: list[dict]) -> list[tuple[dict, set[int]]]:
    """(record, gold tokens) for each sentence of the held-out relabels: a row names its sentence by its
    index in the gold array, checked against the first 12 hex digits of the text's SHA-1 and against
    each span's text."""
    out = []
    with open(path, encoding="utf-8") as f:
        for line_no, line in enumerate(f, 1):
            row = json.loads(line)
            r = data[row["index"]]
            if hashlib.sha1(r["text"].encode()).hexdigest()[:12] != row["sha1"]:
                raise ValueError(f"{path}:{line_no}: sentence {row['index']} is not the one labelled (SHA-1 differs)")
            spans = []
            for a, b, name in row["locations"]:
                if r["text"][a:b] != name:
                    raise ValueError(f"{path}:{line_no}: characters {a}-{b} read {r['text'][a:b]!r}, not {name!r}")
                spans.append((a, b))
            out.append(({**r, "_verb": tuple(row["verb"])}, tokens_in(r, spans)))
    return out


def load_synthetic(path: Path) -> list[tuple[dict, set[int]]]:
    """(record, gold tokens) of the project's own sentences: tokens are runs of word characters, named
    by their start offset."""
    out = []
    with open(path, encoding="utf-8") as f:
        for line_no, line in enumerate(f, 1):
            row = json.loads(line)
            text = row["text"]
            for a, b, name in row["locations"]:
                if text[a:b] != name:
                    raise ValueError(f"{path}:{line_no}: characters {a}-{b} read {text[a:b]!r}, not {name!r}")
            out.append(({"text": text, "_verb": tuple(row["verb"])}, word_starts(text, row["locations"])))
    return out


def _words(text: str) -> frozenset[str]:
    return frozenset(re.findall(r"\w+", text.lower()))


def _near_copy(words: frozenset[str], others: list[frozenset[str]]) -> bool:
    """Whether most words of the shorter sentence are in the other: the same report in another outlet's
    wording ("Outraged by the killing on Tuesday, ..." and "Outraged by Tuesday's killings, ...")."""
    return any(len(words & o) > 0.6 * min(len(words), len(o)) for o in others)


def word_starts(text: str, spans) -> set[int]:
    return {a + m.start() for a, b, *_ in spans for m in re.finditer(r"\w+", text[a:b])}


def gold_tokens(record: dict) -> set[int]:
    return tokens_in(record, [span_chars(record, s) for s in record["spans"] if s["label"] == "LOCATION"])


class Score:
    def __init__(self) -> None:
        self.tp = self.fp = self.fn = self.n = 0

    def add(self, gold: set[int], pred: set[int]) -> None:
        self.n += 1
        self.tp += len(gold & pred)
        self.fp += len(pred - gold)
        self.fn += len(gold - pred)

    def line(self, label: str) -> str:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return f"{label:<44} {self.n:>5}  {p:>9.3f} {r:>6.3f} {f:>6.3f}"


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

    records, pairs = load(DATA)
    if args.limit:
        records = records[: args.limit]
    parser = Geoparser(Gazetteer(args.home))
    array = read_array(DATA)
    held = load_held_out(HELD_OUT, array)
    held_2 = load_held_out(HELD_OUT_2, array)
    # Never shown: the held-out sentences, and the other outlets' near-copies of them in the gold.
    never_shown = [_words(r["text"]) for r, _ in held + held_2]
    everything, relabelled = Score(), Score()
    shown = 0
    t0 = time.perf_counter()
    for r in records:
        gold = gold_tokens(r)
        pred = tokens_in(r, predict(parser, r))
        everything.add(gold, pred)
        if r.get("source") == "RELABEL":
            relabelled.add(gold, pred)
        if args.show and shown < args.show and gold != pred \
                and not _near_copy(_words(r["text"]), never_shown):
            shown += 1
            g = " ".join(t["text"] for t in r["tokens"] if t["id"] in gold)
            p = " ".join(t["text"] for t in r["tokens"] if t["id"] in pred)
            print(f"- gold [{g}] predicted [{p}]: {r['text'][:160]}")
    ours, ours_2, pooled = Score(), Score(), Score()
    for score, rows in ((ours, held), (ours_2, held_2)):
        for r, gold in rows:
            pred = tokens_in(r, predict(parser, r))
            score.add(gold, pred)
            pooled.add(gold, pred)
    synthetic = Score()
    for r, gold in load_synthetic(SYNTHETIC):
        synthetic.add(gold, word_starts(r["text"], predict(parser, r)))
    held_out = Score()
    for r in load(DATA, others=True)[0]:
        if r.get("source") == "RELABEL":
            held_out.add(gold_tokens(r), tokens_in(r, predict(parser, r)))
    seconds = time.perf_counter() - t0
    humans = Score()
    for first, relabel in pairs:
        humans.add(gold_tokens(relabel), gold_tokens(first))
    print(f"'captured'/'capture' triggers, accepted, one label per sentence; {seconds:.1f} s")
    print(f"{'':<44} {'sentences':>5}  precision {'recall':>6} {'F1':>6}")
    print(everything.line("geo, all sentences"))
    print(relabelled.line("geo, gold-standard relabels only"))
    print(humans.line("first-pass annotators against the relabels"))
    print(ours.line("geo, held-out relabels (this project's)"))
    print(ours_2.line("geo, held-out relabels, second draw"))
    print(pooled.line("geo, held-out relabels, both draws"))
    print(synthetic.line("geo, this project's own sentences (tuned on)"))
    print(held_out.line("geo, relabels of the other event words"))
    print("goal: >= 0.83 precision and recall (Halterman 2019, a model trained on this data)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

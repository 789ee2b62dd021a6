"""The seeds gold is hand-written; these checks keep it honest (offsets, overlaps, coverage)."""

import json

from tests.conftest import TESTS

GOLD = TESTS / "data" / "seeds_gold.jsonl"
SEEDS = TESTS.parent / "seeds"


def gold_rows():
    return [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_every_gold_offset_points_at_its_text():
    rows = gold_rows()
    assert len(rows) >= 250
    # newline="": offsets count characters as stored, whatever line ends a checkout gives the files.
    texts = {p.name: open(p, encoding="utf-8", newline="").read() for p in SEEDS.glob("*.txt")}
    for r in rows:
        assert texts[r["doc"]][r["start"]:r["end"]] == r["text"], r


def test_gold_covers_all_five_seeds_without_overlaps():
    rows = gold_rows()
    assert {r["doc"] for r in rows} == {p.name for p in SEEDS.glob("*.txt")}
    by_doc = {}
    for r in rows:
        by_doc.setdefault(r["doc"], []).append((r["start"], r["end"]))
    for spans in by_doc.values():
        spans.sort()
        assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))


def test_gold_coordinates_are_valid_and_syrian_places_are_in_syria():
    for r in gold_rows():
        assert -90 <= r["lat"] <= 90 and -180 <= r["lon"] <= 180
        if r["syrian"]:
            # Syria's bounding box, roughly: 32.3-37.4 N, 35.7-42.4 E
            assert 32.0 <= r["lat"] <= 37.5 and 35.5 <= r["lon"] <= 42.5, r

"""Scoring of recognition and resolution (geo.evaluation), its gold loaders, and the evaluation benchmark.

Metric tests use tiny hand-made gold with the expected values worked out in comments. Loader tests read the
real corpora in ../shared when present and assert the counts verified against shared/eval/gritta/SOURCE.md.
The geoparser is replaced by a stand-in defined here, so these tests do not depend on its quality.
"""

from __future__ import annotations

import collections
import importlib.util
import math
import re
import sys
from pathlib import Path

import pytest

from geo import evaluation as ev
from geo.evaluation import GoldDoc, GoldMention, error_auc, score, score_resolution_with_gold_spans

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(__file__).resolve().parents[2] / "shared"
GRITTA = SHARED / "eval" / "gritta"
SEEDS_GOLD = REPO / "tests" / "data" / "seeds_gold.jsonl"
SEEDS_DIR = REPO / "seeds"
KM_PER_DEG_LAT = math.pi * 6371.0088 / 180  # 111.195 km: distance of 1 degree along a meridian
LN_MAX = math.log(20039)  # 9.905436


def gritta(name: str) -> Path:
    path = GRITTA / name
    if not path.exists():
        pytest.skip(f"{path} not found: the shared evaluation corpora (../shared beside the repo) are absent")
    return path


def m(start: int, end: int, text: str = "", lat: float | None = 0.0, lon: float | None = 0.0, **meta) -> GoldMention:
    return GoldMention(start, end, text or "x" * (end - start), lat, lon, None, None, meta)


def p(start: int, end: int, lat: float | None = 0.0, lon: float | None = 0.0) -> dict:
    return {"start": start, "end": end, "lat": lat, "lon": lon}


def north_of_null_island(km: float) -> tuple[float, float]:
    """A point ``km`` north of (0, 0): along a meridian the great-circle distance is R * dlat."""
    return (km / KM_PER_DEG_LAT, 0.0)


# ---------------------------------------------------------------------------------------- recognition


def test_exact_versus_overlap():
    doc = GoldDoc("d", "", [m(0, 6), m(10, 15), m(20, 25)])
    preds = {"d": [p(0, 6), p(9, 15), p(30, 35)]}
    s = score([doc], preds)
    # Exact: only (0,6) -> tp 1 of 3 predicted and 3 gold: P = R = F1 = 1/3.
    # Overlap: (0,6) and (9,15)~(10,15) -> tp 2: P = R = F1 = 2/3. (30,35) is a false positive in both.
    assert (s.gold, s.predicted, s.tp_exact, s.tp_overlap) == (3, 3, 1, 2)
    assert s.precision_exact == pytest.approx(1 / 3) and s.recall_exact == pytest.approx(1 / 3)
    assert s.f1_exact == pytest.approx(1 / 3)
    assert s.precision_overlap == pytest.approx(2 / 3) and s.recall_overlap == pytest.approx(2 / 3)
    assert s.f1_overlap == pytest.approx(2 / 3)


def test_each_gold_matched_at_most_once_and_each_prediction_once():
    # Two predictions inside one gold span: one matches, the other is a false positive.
    # P = 1/2, R = 1/1, F1 = 2 * 0.5 * 1 / 1.5 = 2/3.
    s = score([GoldDoc("d", "", [m(0, 10)])], {"d": [p(0, 5), p(5, 10)]})
    assert (s.tp_overlap, s.predicted, s.gold) == (1, 2, 1)
    assert s.f1_overlap == pytest.approx(2 / 3)
    # One prediction over two gold spans ("Damascus and Baghdad"): it matches one of them.
    # P = 1/1, R = 1/2, F1 = 2/3.
    s = score([GoldDoc("d", "", [m(0, 8), m(13, 20)])], {"d": [p(0, 20)]})
    assert (s.tp_overlap, s.predicted, s.gold) == (1, 1, 2)
    assert (s.precision_overlap, s.recall_overlap) == (1.0, 0.5)
    # The same span predicted twice: the duplicate is a false positive, not a second hit.
    s = score([GoldDoc("d", "", [m(0, 6)])], {"d": [p(0, 6), p(0, 6)]})
    assert (s.tp_exact, s.tp_overlap, s.predicted) == (1, 1, 2)


def test_exact_pairs_are_matched_before_overlaps():
    # Gold (0,6) and (7,12); predictions (0,12) and (7,12). By overlap length alone (0,12) could take (7,12)
    # (5 chars, as much as the exact pair) and leave (0,6) a 6-char overlap... exact pairs go first:
    # (7,12)=(7,12), then (0,12) takes (0,6). tp_exact 1, tp_overlap 2.
    s = score([GoldDoc("d", "", [m(0, 6), m(7, 12)])], {"d": [p(0, 12), p(7, 12)]})
    assert (s.tp_exact, s.tp_overlap, s.predicted) == (1, 2, 2)
    assert ev.match_spans([(0, 6), (7, 12)], [(0, 12), (7, 12)]) == {1: (1, True), 0: (0, False)}


def test_touching_spans_do_not_overlap_and_missing_docs_have_no_predictions():
    docs = [GoldDoc("a", "", [m(0, 5)]), GoldDoc("b", "", [m(0, 5)])]
    s = score(docs, {"a": [p(5, 9)], "not-in-gold": [p(0, 5)]})
    # (5,9) only touches (0,5): a false positive. "b" has no predictions; "not-in-gold" is ignored.
    assert (s.docs, s.gold, s.predicted, s.tp_overlap) == (2, 2, 1, 0)
    assert (s.precision_overlap, s.recall_overlap, s.f1_overlap) == (0.0, 0.0, 0.0)


def test_empty_gold_and_predictions():
    s = score([], {})
    assert (s.gold, s.predicted, s.f1_exact, s.resolution_n) == (0, 0, 0.0, 0)
    assert s.acc_161km is None and s.median_km is None and s.auc is None
    assert s.row()[6:] == ["-", "-", "-", "-", "-"]


def test_subset_leaves_other_gold_out_instead_of_counting_it_wrong():
    doc = GoldDoc("d", "", [m(0, 6, syrian=True), m(10, 16, syrian=False), m(20, 26, syrian=False)])
    preds = {"d": [p(0, 6), p(10, 16), p(19, 22), p(40, 45)]}
    s = score([doc], preds, subset=lambda g: g.meta["syrian"])
    # Gold: only (0,6). (10,16) matches a left-out mention, (19,22) overlaps one: neither counts.
    # Counted predictions: (0,6) hit and (40,45) false positive -> P = 1/2, R = 1/1.
    assert (s.gold, s.predicted, s.tp_exact) == (1, 2, 1)
    assert (s.precision_exact, s.recall_exact) == (0.5, 1.0)
    # Without the subset: 3 gold, 4 predicted, hits (0,6), (10,16) exact and (19,22)~(20,26) overlap.
    s = score([doc], preds)
    assert (s.gold, s.predicted, s.tp_exact, s.tp_overlap) == (3, 4, 2, 3)


# ----------------------------------------------------------------------------------------- resolution


def test_km_thresholds_median_and_mean():
    errors = [0.5, 5.0, 100.0, 1000.0]
    gold = GoldDoc("d", "", [m(10 * i, 10 * i + 5) for i in range(len(errors))])
    preds = {"d": [p(10 * i, 10 * i + 5, *north_of_null_island(e)) for i, e in enumerate(errors)]}
    s = score([gold], preds)
    assert s.errors_km == pytest.approx(errors, rel=1e-9)
    # <= 1 km: 0.5 -> 1/4; <= 10 km: 0.5, 5 -> 2/4; <= 161 km: 0.5, 5, 100 -> 3/4.
    assert (s.acc_1km, s.acc_10km, s.acc_161km) == pytest.approx((0.25, 0.5, 0.75))
    # Median of 4 = (5 + 100) / 2 = 52.5; mean = 1105.5 / 4 = 276.375.
    assert s.median_km == pytest.approx(52.5) and s.mean_km == pytest.approx(276.375)
    assert (s.gold_with_point, s.resolution_n, s.unresolved) == (4, 4, 0)


def test_threshold_is_inclusive_at_161_km():
    gold = GoldDoc("d", "", [m(0, 5), m(10, 15)])
    preds = {"d": [p(0, 5, *north_of_null_island(161.0)), p(10, 15, *north_of_null_island(161.5))]}
    s = score([gold], preds)
    assert s.acc_161km == pytest.approx(0.5)  # 161.0 counts, 161.5 does not


def test_resolution_only_over_recognised_gold_with_points_and_unresolved_is_the_worst_error():
    doc = GoldDoc("d", "", [m(0, 5), m(10, 15), m(20, 25, lat=None, lon=None), m(30, 35)])
    preds = {"d": [p(0, 5), p(10, 15, None, None), p(20, 25)]}
    s = score([doc], preds)
    # Recognised with a point: (0,5) error 0 and (10,15) unresolved. (20,25) has no gold point; (30,35)
    # was not recognised. So n = 2, errors [0, pi * 6371.0088 = 20015.11 km], acc@161 = 1/2.
    assert (s.gold, s.gold_with_point, s.resolution_n, s.unresolved) == (4, 3, 2, 1)
    assert s.errors_km[0] == 0.0 and s.errors_km[1] == pytest.approx(20015.11, abs=0.01)
    assert s.acc_161km == 0.5 and s.median_km == pytest.approx(20015.11 / 2, abs=0.01)


def test_auc_hand_computed_and_bounded():
    # Perfect: every ln(1 + 0) = 0.
    assert error_auc([0.0, 0.0, 0.0]) == 0.0
    # One error of 99 km: ln(100) / ln(20039) = 4.605170 / 9.905436 = 0.464913.
    assert error_auc([99.0]) == pytest.approx(math.log(100) / LN_MAX)
    assert error_auc([99.0]) == pytest.approx(0.464913, abs=1e-6)
    # [99, 0, 9] sorted -> x = [0, ln 10, ln 100] = [0, 2.302585, 4.605170]; trapezoids (0 + 2.302585)/2 +
    # (2.302585 + 4.605170)/2 = 4.605170; divided by (3 - 1) * 9.905436 = 19.810871 -> 0.232457.
    assert error_auc([99.0, 0.0, 9.0]) == pytest.approx(0.232457, abs=1e-6)
    # Worst: antipodal errors, ln(1 + 20015.11) / ln(20039) = 9.904293 / 9.905436 = 0.999885 < 1.
    worst = error_auc([ev.UNRESOLVED_ERROR_KM] * 5)
    assert worst == pytest.approx(0.999885, abs=1e-6) and worst < 1.0
    assert error_auc([]) is None
    # Larger errors never lower it.
    assert error_auc([1.0, 10.0]) < error_auc([1.0, 100.0]) < error_auc([1000.0, 100.0])


def test_scores_row_and_dict():
    s = score([GoldDoc("d", "", [m(0, 5)])], {"d": [p(0, 5)]})
    assert len(s.row()) == len(ev.Scores.HEADER)
    assert s.row()[:6] == ["1", "1", "1.000", "1.000", "1.000", "1.000"]
    d = s.as_dict()
    assert "errors_km" not in d and d["f1_exact"] == 1.0 and d["auc"] == 0.0
    assert s.as_dict(errors=True)["errors_km"] == (0.0,)


# ------------------------------------------------------------------------------ gold-span protocol


def test_resolution_with_gold_spans_all_and_test_split():
    # Ten documents, each with one gold mention at (0,0); the resolver answers 50 km off for documents
    # 0..6 and exactly for 7..9. int(10 * 0.7) = 7, so the test split is documents 7, 8, 9.
    docs = [GoldDoc(str(i), f"doc {i}", [m(0, 3, "doc")]) for i in range(10)]
    calls = []

    def resolve(text: str, start: int, end: int):
        calls.append(text)
        return north_of_null_island(50.0) if int(text.split()[1]) < 7 else (0.0, 0.0)

    r = score_resolution_with_gold_spans(docs, resolve, split="all")
    # All: 3 of 10 within 1 km, all within 161 km; median of seven 50s and three 0s = 50.
    assert (r.docs, r.n, r.acc_1km, r.acc_161km) == (10, 10, pytest.approx(0.3), 1.0)
    assert r.median_km == pytest.approx(50.0)
    calls.clear()
    r = score_resolution_with_gold_spans(docs, resolve, split="test")
    assert calls == ["doc 7", "doc 8", "doc 9"]
    assert (r.docs, r.n, r.acc_1km, r.auc) == (3, 3, 1.0, 0.0)
    with pytest.raises(ValueError):
        score_resolution_with_gold_spans(docs, resolve, split="dev")


def test_gold_spans_skip_mentions_without_points_and_count_unresolved():
    doc = GoldDoc("d", "Aleppo and Nowhere and Idlib",
                  [m(0, 6, "Aleppo"), m(11, 18, "Nowhere", lat=None, lon=None), m(23, 28, "Idlib", keep=False)])
    r = score_resolution_with_gold_spans([doc], lambda text, s, e: None)
    assert (r.n, r.unresolved, r.acc_161km) == (2, 2, 0.0)  # Aleppo and Idlib; Nowhere has no point
    r = score_resolution_with_gold_spans([doc], lambda text, s, e: (0.0, 0.0), subset=lambda g: g.meta.get("keep", 1))
    assert (r.n, r.acc_1km) == (1, 1.0)


# ------------------------------------------------------------------------------- gazetteer reach


class _Place:
    def __init__(self, lat: float, lon: float) -> None:
        self.lat, self.lon = lat, lon


class _Match:
    def __init__(self, lat: float, lon: float) -> None:
        self.place = _Place(lat, lon)


class FakeGazetteer:
    """Knows geonames:1 by id, and the name "Tall" at two places: 0.5 degrees (~56 km) and 5 degrees off."""

    def get(self, place_id: str):
        return _Place(0.0, 0.0) if place_id == "geonames:1" else None

    def lookup(self, name: str, *, limit: int = 5):
        return [_Match(5.0, 0.0), _Match(0.5, 0.0)][:limit] if name == "Tall" else []


def test_gazetteer_reach_by_id_or_by_a_candidate_within_161_km():
    doc = GoldDoc("d", "", [
        GoldMention(0, 4, "Else", 0.0, 0.0, "1"),  # by id
        GoldMention(5, 9, "Tall", 0.0, 0.0, None),  # second candidate is 55.6 km away
        GoldMention(10, 14, "Tall", 3.0, 0.0, None),  # 2.5 and 2 degrees: 278 and 222 km, too far
        GoldMention(15, 19, "Gone", 0.0, 0.0, "2"),  # unknown id, unknown name
        GoldMention(20, 24, "Tall", None, None, None),  # no gold point: not counted
    ])
    assert ev.gazetteer_reach([doc], FakeGazetteer()) == (2, 4)


# ---------------------------------------------------------------------------------------- stand-in parser


def standin_parse(text: str, **_: object) -> dict:
    """A stand-in for geo.parse: finds a few names by regex and resolves them from a fixed table."""
    places = {"Aleppo": (36.2, 37.16), "Idlib": (35.93, 36.63), "Damascus": (33.51, 36.29), "Raqqa": None}
    out = []
    for mt in re.finditer(r"\b(" + "|".join(places) + r")\b", text):
        point = places[mt.group(1)]
        out.append({"text": mt.group(1), "start": mt.start(), "end": mt.end(), "name": mt.group(1),
                    "lat": point[0] if point else None, "lon": point[1] if point else None})
    return {"toponyms": out}


def test_scoring_a_stand_in_parser_end_to_end():
    text = "Rebels left Aleppo for Idlib. Raqqa and Homs were quiet."
    doc = GoldDoc("d", text, [
        GoldMention(12, 18, "Aleppo", 36.2, 37.16, "170063"),
        GoldMention(23, 28, "Idlib", 36.2, 37.16, None),  # gold deliberately at Aleppo: ~59 km off
        GoldMention(30, 35, "Raqqa", 35.95, 39.01, "163915"),
        GoldMention(40, 44, "Homs", 34.73, 36.72, "169577"),
    ])
    assert all(text[g.start:g.end] == g.text for g in doc.mentions)
    s = score([doc], ev.predictions([doc], standin_parse))
    # Found Aleppo, Idlib, Raqqa (3 exact of 3 predicted; 4 gold): P = 1, R = 3/4, F1 = 6/7.
    assert (s.precision_exact, s.recall_exact) == (1.0, 0.75) and s.f1_exact == pytest.approx(6 / 7)
    # Resolution over the 3 recognised: Aleppo 0 km, Idlib ~59 km, Raqqa unresolved -> acc@1 1/3, acc@161 2/3.
    assert (s.resolution_n, s.unresolved) == (3, 1)
    assert (s.acc_1km, s.acc_161km) == pytest.approx((1 / 3, 2 / 3))
    assert 50 < s.median_km < 70


# ------------------------------------------------------------------------------------------ loaders


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_loader_detects_a_systematic_shift_and_skips_mismatches_with_a_count(tmp_path):
    # GeoVirus-style XML whose offsets are all one too high, plus one span that is simply wrong.
    xml = """<articles><article><source>u</source><text>In Pandi, Bulacan today.</text><locations>
    <location><name>Pandi</name><start>4</start><end>9</end><lat>14.87</lat><lon>120.95</lon><page>p</page></location>
    <location><name>Bulacan</name><start>11</start><end>18</end><lat>15</lat><lon>121.08</lon><page>p</page></location>
    <location><name>Manila</name><start>1</start><end>7</end><lat>14.6</lat><lon>121</lon><page>p</page></location>
    </locations></article></articles>"""
    c = ev.load_geovirus(_write(tmp_path / "gv.xml", xml))
    assert (c.offset_shift, c.shifted, dict(c.skipped)) == (-1, 2, {"text[start:end] differs from the gold phrase": 1})
    assert [(g.start, g.end, g.text) for g in c[0].mentions] == [(3, 8, "Pandi"), (10, 17, "Bulacan")]
    assert any("skipped" in n for n in c.notes())


def test_lgl_style_loader_keeps_toponyms_without_coordinates(tmp_path):
    xml = """<articles><article docid="7"><text><![CDATA[Memphis St. in Alexandria.]]></text><toponyms>
    <toponym><start>0</start><end>11</end><phrase>Memphis St.</phrase></toponym>
    <toponym><start>15</start><end>25</end><phrase>Alexandria</phrase><gaztag geonameid="4314550">
    <name>Alexandria</name><fclass>P</fclass><fcode>PPL</fcode><lat>31.3113</lat><lon>-92.4451</lon></gaztag></toponym>
    </toponyms></article></articles>"""
    c = ev.load_lgl(_write(tmp_path / "lgl.xml", xml))
    (doc,) = c
    assert doc.id == "7" and [g.has_point for g in doc.mentions] == [False, True]
    assert doc.mentions[1].geonameid == "4314550" and doc.mentions[1].lat == pytest.approx(31.3113)
    assert not c.skipped and c.offset_shift == 0


def test_seeds_loader_refuses_a_wrong_offset(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"From Aleppo\r\nto Idlib")
    good = '{"doc": "a.txt", "start": 16, "end": 21, "text": "Idlib", "lat": 35.9, "lon": 36.6, "syrian": true, ' \
           '"gold_id": "geonames:169389", "approx": false}\n'
    c = ev.load_seeds(_write(tmp_path / "g.jsonl", good), tmp_path)  # CRLF counted: "Idlib" at 16
    assert c[0].mentions[0].geonameid == "169389" and c[0].mentions[0].meta["syrian"] is True
    with pytest.raises(ValueError, match="Idlib"):
        ev.load_seeds(_write(tmp_path / "g.jsonl", good.replace('"start": 16, "end": 21', '"start": 15, "end": 20')),
                      tmp_path)


def test_seeds_gold_counts():
    c = ev.load_seeds(SEEDS_GOLD, SEEDS_DIR)
    # tests/data/SEEDS_GOLD.md, "Counts".
    assert {d.id: len(d.mentions) for d in c} == {
        "000_c9f6004725ca73ec.txt": 91, "001_ff18e766832115bd.txt": 84, "002_8fdc9a9e89936a64.txt": 25,
        "003_38b6dddc6dbe3e80.txt": 40, "004_3468634f849ddd99.txt": 24}
    mentions = [g for d in c for g in d.mentions]
    assert len(mentions) == 264 and all(g.has_point for g in mentions)
    assert sum(g.meta["syrian"] for g in mentions) == 163
    assert sum(g.geonameid is not None for g in mentions) == 251  # 10 approx:*, 3 icao:OS66
    assert all(d.text[g.start:g.end] == g.text for d in c for g in d.mentions)


def test_lgl_counts_match_source_md():
    c = ev.load_lgl(gritta("lgl.xml"))
    mentions = [g for d in c for g in d.mentions]
    # SOURCE.md: 588 articles, 5,088 toponyms, 4,462 with GeoNames id + lat/lon. Offsets are exact.
    assert (len(c), len(mentions)) == (588, 5088)
    assert sum(g.has_point for g in mentions) == 4462 == sum(g.geonameid is not None for g in mentions)
    assert (c.offset_shift, c.shifted, dict(c.skipped)) == (0, 0, {})
    assert all(d.text[g.start:g.end] == g.text for d in c for g in d.mentions)
    assert len({d.id for d in c}) == 588


def test_geovirus_counts_and_its_one_character_offset_shift():
    c = ev.load_geovirus(gritta("GeoVirus.xml"))
    mentions = [g for d in c for g in d.mentions]
    # SOURCE.md: 229 articles, 2,170 locations with lat/lon. Every offset in the file is one too high.
    assert (len(c), len(mentions), sum(g.has_point for g in mentions)) == (229, 2170, 2170)
    assert (c.offset_shift, c.shifted, dict(c.skipped)) == (-1, 2170, {})
    assert all(d.text[g.start:g.end] == g.text for d in c for g in d.mentions)


def test_gwn_counts_types_and_skipped_headline_spans():
    c = ev.load_gwn(gritta("GWN.xml"))
    mentions = [g for d in c for g in d.mentions]
    assert len(c) == 200
    # 6,612 spans: 3,892 non-toponyms excluded, 2,720 toponyms, of which 2 lie in the headline (negative
    # offsets, article 123: "American" and "US") and are skipped with a count.
    assert dict(c.excluded) == {"Non_Lit_Expression": 2037, "Literal_Expression": 1423, "Non_Toponym": 432}
    assert dict(c.skipped) == {"offsets outside the article text": 2}
    assert len(mentions) == 2718
    assert sorted(c.examples) == ["123[-139:-131] 'American'", "123[-239:-237] 'US'"]
    # SOURCE.md: Literal 850, Literal_Modifier 181, Mixed 269, Metonymic 372, Demonym 73; the skipped two
    # are Non_Literal_Modifier (503 in the file).
    kinds = collections.Counter(g.kind for g in mentions)
    assert kinds == {"Literal": 850, "Literal_Modifier": 181, "Mixed": 269, "Metonymic": 372, "Demonym": 73,
                     "Non_Literal_Modifier": 501, "Embedded_Non_Lit": 279, "Coercion": 135, "Embedded_Literal": 21,
                     "Homonym": 20, "Language": 17}
    # SOURCE.md: 2,601 spans carry lat/lon; 2,401 also a GeoNames id (both less the 2 skipped).
    assert sum(g.has_point for g in mentions) == 2599
    assert sum(g.geonameid is not None for g in mentions) == 2399
    assert c.offset_shift == 0 and c.shifted == 0
    assert all(d.text[g.start:g.end] == g.text for d in c for g in d.mentions)
    literal = ev.load_gwn(gritta("GWN.xml"), types=ev.GWN_LITERAL_TYPES)
    assert literal.mentions == 850 + 269 + 135 + 21 + 181


def test_gwn_full_txt_is_the_geonames_id_subset_of_the_xml():
    c = ev.load_gwn(gritta("GWN.xml"))
    loaded = {(d.id, g.start, g.end): g for d in c for g in d.mentions}
    lines = gritta("gwn_full.txt").read_text(encoding="utf-8").split("\n")[:200]  # one line per article
    entries, unmatched = 0, []
    for doc, line in zip(c, lines):
        for entry in filter(None, line.split("||")):
            _, mention, lat, lon, start, end = entry.split(",,")
            entries += 1
            g = loaded.get((doc.id, int(start), int(end)))
            if g is None:
                unmatched.append((doc.id, mention))
                continue
            assert g.text == mention and g.geonameid is not None
            assert (g.lat, g.lon) == pytest.approx((float(lat), float(lon)))
    # 2,401 entries: all but five are loaded GWN mentions with the same span and point. The five: the two
    # headline spans, and three stale gwn_full spans whose text is off ("BA-Karachi" for XML "Karachi",
    # "U.S" for "U.S.", "aranaque Regional Trial Court" for "Paranaque ...").
    assert entries == 2401
    assert sorted(unmatched) == [("123", "American"), ("123", "US"), ("169", "BA-Karachi"), ("297", "U.S"),
                                 ("302", "aranaque Regional Trial Court")]


# ------------------------------------------------------------------------------------------ benchmark


@pytest.fixture
def bench(monkeypatch):
    spec = importlib.util.spec_from_file_location("eval_geoparse", REPO / "bench" / "eval_geoparse.py")
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "eval_geoparse", module)
    spec.loader.exec_module(module)
    return module


def test_bench_exits_with_a_clear_message_without_geo_parse(bench, monkeypatch):
    import geo

    monkeypatch.setattr(geo, "parse", None, raising=False)
    monkeypatch.setitem(sys.modules, "geo.parse", None)  # no geo/parse.py module either
    with pytest.raises(SystemExit, match="geo.parse is not available"):
        bench.load_parse()


def test_bench_prints_one_table_with_a_stand_in_parser(bench, monkeypatch, capsys, default_home):
    import geo

    monkeypatch.setenv("GEO_HOME", str(default_home))  # the bench sets it; restore it afterwards
    monkeypatch.setattr(geo, "parse", standin_parse, raising=False)
    monkeypatch.setattr(bench, "load_resolve_span", lambda: (lambda text, start, end: (36.2, 37.16)))
    assert bench.main(["--corpora", "seeds", "--home", str(default_home)]) == 0
    out = capsys.readouterr().out
    header = out.splitlines()[0]
    assert [h.strip() for h in header.split("|")] == list(bench.COLUMNS)
    rows = {line.split("|")[0].strip(): [c.strip() for c in line.split("|")] for line in out.splitlines()[2:4]}
    assert set(rows) == {"seeds", "seeds SY"}
    assert rows["seeds"][1:3] == ["5", "264"] and rows["seeds SY"][2] == "163"
    assert "Topocluster 0.71" in out and "94.1%" in out

    monkeypatch.setattr(bench, "load_resolve_span", lambda: None)
    assert bench.main(["--corpora", "seeds", "--home", str(default_home), "--limit-docs", "2"]) == 0
    out = capsys.readouterr().out
    assert "gold-span" not in out.splitlines()[0] and "resolve_span is not available" in out
    assert out.splitlines()[2].split("|")[1].strip() == "2"

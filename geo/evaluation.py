"""Scoring toponym recognition and resolution against gold corpora (LGL, GeoWebNews, GeoVirus, the seeds).

Library only: loaders return gold documents, :func:`score` compares a geoparser's output with them, and
nothing here prints. ``bench/eval_geoparse.py`` turns the results into a table.

Recognition
    Precision, recall and F1 on exact spans (same start and end) and on overlapping spans. Matching is
    one-to-one: each gold mention is matched at most once and each predicted toponym at most once.
    Exact pairs are taken first, then overlapping pairs by the length of the overlap (longest first),
    so the exact matching is maximal and the overlap matching never steals an exact partner.

Resolution (end to end)
    Over the gold mentions that have coordinates and were recognised (overlap match): the share of
    errors within 1, 10 and 161 km (``error <= k``), the median and mean error in km, and the AUC of the
    error curve (see :func:`error_auc`). A recognised mention the parser left unresolved (``lat`` or
    ``lon`` None) counts as an error of :data:`UNRESOLVED_ERROR_KM` (the antipodal distance): it is a
    miss, and leaving it out would reward a parser for abstaining.

Resolution with gold spans
    :func:`score_resolution_with_gold_spans` hands every gold span to a resolver, which is the protocol
    Mordecai 3 (accuracy within 161 km) and CamCoder report. ``split="test"`` keeps the last 30% of the
    documents, Mordecai's test split.

AUC (Gritta et al. 2018, "Which Melbourne? Augmenting Geocoding with Maps" (CamCoder), following
"What's missing in geographical parsing?" 2017). With the N errors sorted ascending and
``x_i = ln(1 + e_i)`` (km):

    AUC = sum_{i=0}^{N-2} (x_i + x_{i+1}) / 2  /  ((N - 1) * ln(20039))

i.e. ``numpy.trapz(x) / ((N - 1) * ln(20039))``, the trapezoidal area under the curve of sorted log errors
with unit spacing, divided by the area of the curve at height ln(20039) (errors of ~20,039 km, half the Earth's
circumference). For N = 1 it is ``x_0 / ln(20039)``. 0 is perfect, lower is better. The +1 keeps a
0 km error at 0. Errors are great-circle distances on a sphere of radius 6371.0088 km, so no error
exceeds pi * 6371.0088 = 20,015.1 km and the AUC stays below ln(20016.1) / ln(20039) = 0.99989.
(CamCoder's code applies ``numpy.trapz`` to the errors in corpus order; sorting only changes which two
points get half weight, an O(1/N) difference.)
"""

from __future__ import annotations

import json
import logging
import math
import statistics
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from geo.point import EARTH_RADIUS_KM

log = logging.getLogger(__name__)

MAX_ERROR_KM = 20039.0  # the normaliser of Gritta et al.'s AUC
UNRESOLVED_ERROR_KM = math.pi * EARTH_RADIUS_KM  # antipodal distance (~20,015 km): the worst possible answer
THRESHOLDS_KM = (1.0, 10.0, 161.0)
TEST_SHARE = 0.3  # Mordecai 3's test split: the last 30% of the documents

# GeoWebNews' Pragmatic Taxonomy (Gritta et al. 2019). The literal group names a place as a place, the
# associative group uses a place name for something related to it (a government, people, a modifier).
GWN_LITERAL_TYPES = frozenset({"Literal", "Mixed", "Coercion", "Embedded_Literal", "Literal_Modifier"})
GWN_ASSOCIATIVE_TYPES = frozenset(
    {"Metonymic", "Non_Literal_Modifier", "Demonym", "Language", "Homonym", "Embedded_Non_Lit"}
)
GWN_TOPONYM_TYPES = GWN_LITERAL_TYPES | GWN_ASSOCIATIVE_TYPES
# Annotated but not toponyms: organisations and the like, and locational/non-locational expressions.
GWN_NON_TOPONYM_TYPES = frozenset({"Non_Toponym", "Literal_Expression", "Non_Lit_Expression"})

Subset = Callable[["GoldMention"], bool]


# ------------------------------------------------------------------------------------------------ gold


@dataclass(frozen=True)
class GoldMention:
    """One gold toponym: ``text == doc.text[start:end]``; lat/lon None when the corpus gives no point."""

    start: int
    end: int
    text: str
    lat: float | None
    lon: float | None
    geonameid: str | None
    kind: str | None = None  # the corpus's label for the span (GeoWebNews type), None elsewhere
    meta: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)  # other gold fields

    @property
    def has_point(self) -> bool:
        return self.lat is not None and self.lon is not None


@dataclass
class GoldDoc:
    id: str
    text: str
    mentions: list[GoldMention]


class GoldCorpus(list[GoldDoc]):
    """A list of :class:`GoldDoc` that also says what loading fixed and what it had to leave out.

    ``skipped``: reason -> gold spans dropped (never silently: also logged as a warning).
    ``shifted``: spans whose offsets were corrected by the corpus-wide ``offset_shift``.
    ``excluded``: spans left out on purpose (e.g. GeoWebNews non-toponym types), by label.
    """

    def __init__(self, docs: Iterable[GoldDoc] = (), *, name: str = "") -> None:
        super().__init__(docs)
        self.name = name
        self.skipped: Counter[str] = Counter()
        self.examples: list[str] = []
        self.offset_shift = 0
        self.shifted = 0
        self.excluded: Counter[str] = Counter()

    @property
    def mentions(self) -> int:
        return sum(len(d.mentions) for d in self)

    def notes(self) -> list[str]:
        out = []
        if self.shifted:
            out.append(f"{self.name}: {self.shifted:,} gold offsets shifted by {self.offset_shift:+d} "
                       "(systematic in the corpus) so that text[start:end] equals the phrase")
        for reason, n in sorted(self.skipped.items()):
            out.append(f"{self.name}: {n:,} gold spans skipped: {reason}")
        return out


def _skip(corpus: GoldCorpus, reason: str, example: str) -> None:
    corpus.skipped[reason] += 1
    if len(corpus.examples) < 20:
        corpus.examples.append(example)


def _float(s: str | None) -> float | None:
    s = (s or "").strip()
    return float(s) if s else None


def _detect_shift(items: Iterable[tuple[str, int, int, str]], window: int = 3) -> int:
    """The offset correction most spans of a corpus need (0 unless the corpus is systematically off)."""
    votes: Counter[int] = Counter()
    for text, start, end, phrase in items:
        for d in range(-window, window + 1):
            if 0 <= start + d and text[start + d:end + d] == phrase:
                votes[d] += 1
    if not votes:
        return 0
    best = max(votes.values())
    # A tie goes to 0: shift only when the corpus says so.
    return 0 if votes.get(0, 0) == best else votes.most_common(1)[0][0]


def _build(corpus: GoldCorpus, raw: list[tuple[str, str, list[dict[str, Any]]]]) -> GoldCorpus:
    """``raw``: (doc id, text, spans with start/end/phrase/lat/lon/geonameid/kind/meta) -> checked docs."""
    shift = _detect_shift((text, s["start"], s["end"], s["phrase"]) for _, text, spans in raw for s in spans)
    corpus.offset_shift = shift
    for doc_id, text, spans in raw:
        mentions = []
        for s in spans:
            start, end, phrase = s["start"] + shift, s["end"] + shift, s["phrase"]
            where = f"{doc_id}[{s['start']}:{s['end']}] {phrase!r}"
            if s["start"] < 0 or s["end"] > len(text):
                _skip(corpus, "offsets outside the article text", where)
                continue
            if start < 0 or text[start:end] != phrase:
                _skip(corpus, "text[start:end] differs from the gold phrase", f"{where} != {text[start:end]!r}")
                continue
            if shift:
                corpus.shifted += 1
            mentions.append(GoldMention(start, end, phrase, s.get("lat"), s.get("lon"), s.get("geonameid"),
                                        s.get("kind"), s.get("meta") or {}))
        mentions.sort(key=lambda m: (m.start, m.end))
        corpus.append(GoldDoc(doc_id, text, mentions))
    if corpus.skipped:
        log.warning("%s: skipped %d gold spans (%s); e.g. %s", corpus.name, sum(corpus.skipped.values()),
                    dict(corpus.skipped), "; ".join(corpus.examples[:3]))
    return corpus


def load_lgl(path: str | Path) -> GoldCorpus:
    """LGL (Lieberman et al. 2010) in Gritta's XML: every ``<toponym>`` is gold for recognition; the 4,462
    with a ``<gaztag geonameid>`` carry the point used for resolution (the other 626 have none)."""
    root = ET.parse(path).getroot()
    raw = []
    for art in root.iter("article"):
        text = art.findtext("text") or ""
        spans = []
        for tp in art.iter("toponym"):
            gaz = tp.find("gaztag")
            spans.append({
                "start": int(tp.findtext("start")), "end": int(tp.findtext("end")), "phrase": tp.findtext("phrase"),
                "lat": _float(gaz.findtext("lat")) if gaz is not None else None,
                "lon": _float(gaz.findtext("lon")) if gaz is not None else None,
                "geonameid": gaz.get("geonameid") if gaz is not None else None,
                "meta": {"name": gaz.findtext("name"), "fcode": gaz.findtext("fcode")} if gaz is not None else {},
            })
        raw.append((art.get("docid") or str(len(raw)), text, spans))
    return _build(GoldCorpus(name="LGL"), raw)


def load_geovirus(path: str | Path) -> GoldCorpus:
    """GeoVirus (Gritta et al. 2018): 229 WikiNews articles, every ``<location>`` with lat/lon and a
    Wikipedia page (no GeoNames ids). Documents have no id in the file; their position ("0".."228") is used.

    The file's offsets are one too high throughout (``text[start-1:end-1] == name`` for all 2,170
    locations); the shift is detected corpus-wide and corrected, and the count is kept in ``shifted``."""
    root = ET.parse(path).getroot()
    raw = []
    for i, art in enumerate(root.iter("article")):
        spans = [{
            "start": int(loc.findtext("start")), "end": int(loc.findtext("end")), "phrase": loc.findtext("name"),
            "lat": _float(loc.findtext("lat")), "lon": _float(loc.findtext("lon")), "geonameid": None,
            "meta": {"page": loc.findtext("page")},
        } for loc in art.iter("location")]
        raw.append((str(i), art.findtext("text") or "", spans))
    return _build(GoldCorpus(name="GeoVirus"), raw)


def load_gwn(path: str | Path, *, types: Iterable[str] = GWN_TOPONYM_TYPES) -> GoldCorpus:
    """GeoWebNews (Gritta et al. 2019, "A Pragmatic Guide to Geoparsing Evaluation") from GWN.xml.

    The XML annotates 6,612 spans typed by the Pragmatic Taxonomy. Which count as gold:

    * Recognition: the toponym types, literal (Literal, Mixed, Coercion, Embedded_Literal, Literal_Modifier)
      and associative (Metonymic, Non_Literal_Modifier, Demonym, Language, Homonym, Embedded_Non_Lit):
      2,720 spans. This is the paper's own geotagging gold: its evaluation drops Non_Toponym,
      Literal_Expression and Non_Lit_Expression and divides by "2,720 (size of GeoWebNews)". The
      ``nonLocational`` flag is "Yes" only on expression spans (1,763 of them), which are not toponyms, so
      "toponym type and nonLocational != Yes" selects the same 2,720. Pass ``types=GWN_LITERAL_TYPES``
      for a literal-only gold (1,456 spans). Spans of other types are counted in ``excluded``.
    * Resolution: the toponyms with ``<latitude>/<longitude>`` (2,601). 2,401 of them also have a
      ``geonamesID``; those are exactly the entries of ``gwn_full.txt``, the CamCoder-format geocoding gold
      the paper evaluates (same coordinates), so ``subset=lambda m: m.geonameid is not None`` reproduces
      that set. The XML is read rather than gwn_full.txt because gwn_full.txt has no text and three of its
      spans are stale (they do not match the XML's, which are right).

    Offsets are relative to ``<text>`` (the headline is kept apart in ``<title>``). Five spans in two
    articles lie in the headline (negative offsets); two are toponyms ("American", "US" in article 123)
    and are skipped with a count in ``skipped``. All other spans match their ``extractedName`` exactly.
    """
    wanted = frozenset(types)
    root = ET.parse(path).getroot()
    corpus = GoldCorpus(name="GeoWebNews")
    raw = []
    for art in root.iter("article"):
        spans = []
        for tp in art.iter("toponym"):
            kind = (tp.findtext("type") or "").strip()
            if kind not in wanted or (tp.findtext("nonLocational") or "").strip() == "Yes":
                corpus.excluded[kind] += 1
                continue
            spans.append({
                "start": int(tp.findtext("start")), "end": int(tp.findtext("end")),
                "phrase": tp.findtext("extractedName"), "kind": kind,
                "lat": _float(tp.findtext("latitude")), "lon": _float(tp.findtext("longitude")),
                "geonameid": (tp.findtext("geonamesID") or "").strip() or None,
                "meta": {"name": tp.findtext("normalisedName") or "", "modifier": tp.findtext("modifierType") or ""},
            })
        raw.append((art.get("file") or str(len(raw)), art.findtext("text") or "", spans))
    return _build(corpus, raw)


def load_seeds(gold_jsonl: str | Path, seeds_dir: str | Path) -> GoldCorpus:
    """The project's hand-checked gold for the seed articles (tests/data/SEEDS_GOLD.md).

    Every ``*.txt`` in ``seeds_dir`` is a document (one without gold lines still counts predictions as
    false positives). Texts are read with ``newline=""``: the files have CRLF endings and the offsets count
    them. ``meta`` keeps name, country, syrian, gold_id and approx, e.g. ``subset=lambda m: m.meta["syrian"]``.
    Unlike the XML corpora this gold is ours and guaranteed exact, so a mismatch raises ValueError.
    """
    seeds_dir = Path(seeds_dir)
    texts = {}
    for p in sorted(seeds_dir.glob("*.txt")):
        with open(p, encoding="utf-8", newline="") as f:
            texts[p.name] = f.read()
    by_doc: dict[str, list[GoldMention]] = {name: [] for name in texts}
    with open(gold_jsonl, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            g = json.loads(line)
            if g["doc"] not in texts:
                raise ValueError(f"{gold_jsonl}:{n}: document {g['doc']!r} is not in {seeds_dir}")
            text = texts[g["doc"]]
            if text[g["start"]:g["end"]] != g["text"]:
                raise ValueError(f"{gold_jsonl}:{n}: {g['doc']}[{g['start']}:{g['end']}] is "
                                 f"{text[g['start']:g['end']]!r}, gold says {g['text']!r}")
            gold_id = g.get("gold_id") or ""
            gid = gold_id.split(":", 1)[1] if gold_id.startswith("geonames:") else None
            meta = {k: g.get(k) for k in ("name", "country", "syrian", "gold_id", "approx")}
            by_doc[g["doc"]].append(GoldMention(g["start"], g["end"], g["text"], g.get("lat"), g.get("lon"), gid,
                                                None, meta))
    corpus = GoldCorpus(name="seeds")
    for name, text in texts.items():
        corpus.append(GoldDoc(name, text, sorted(by_doc[name], key=lambda m: (m.start, m.end))))
    return corpus


# ------------------------------------------------------------------------------------------- metrics


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance, the same formula as :meth:`geo.point.Coordinate.distance_km`."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def error_auc(errors_km: Sequence[float]) -> float | None:
    """Gritta et al.'s AUC of sorted log errors (module docstring): 0 perfect, < 1 always, None if empty."""
    if not errors_km:
        return None
    xs = sorted(math.log1p(max(0.0, e)) for e in errors_km)
    norm = math.log(MAX_ERROR_KM)
    if len(xs) == 1:
        return xs[0] / norm
    area = sum((a + b) / 2 for a, b in zip(xs, xs[1:]))  # trapezoids of unit width
    return area / ((len(xs) - 1) * norm)


def error_stats(errors_km: Sequence[float]) -> dict[str, float | None]:
    """acc@1/10/161 km (error <= k), median and mean km, AUC; all None when there is no error to score."""
    n = len(errors_km)
    out: dict[str, float | None] = {}
    for k in THRESHOLDS_KM:
        out[f"acc_{k:g}km"] = sum(1 for e in errors_km if e <= k) / n if n else None
    out["median_km"] = statistics.median(errors_km) if n else None
    out["mean_km"] = statistics.fmean(errors_km) if n else None
    out["auc"] = error_auc(errors_km)
    return out


def _prf(tp: int, n_pred: int, n_gold: int) -> tuple[float, float, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _fmt(v: float | None, spec: str) -> str:
    return "-" if v is None else format(v, spec)


@dataclass
class _ErrorStats:
    """Resolution errors of the mentions a run scored: within 1/10/161 km, median and mean km, AUC."""

    acc_1km: float | None = None
    acc_10km: float | None = None
    acc_161km: float | None = None
    median_km: float | None = None
    mean_km: float | None = None
    auc: float | None = None
    errors_km: tuple[float, ...] = field(default=(), repr=False)

    def as_dict(self, *, errors: bool = False) -> dict[str, Any]:
        d = asdict(self)
        if not errors:
            d.pop("errors_km")
        return d


@dataclass
class ResolutionScores(_ErrorStats):
    """Resolution alone (gold spans given): accuracy within 1/10/161 km, median/mean km, AUC."""

    docs: int = 0
    n: int = 0  # gold mentions scored (with coordinates, in the split and subset)
    unresolved: int = 0  # of which the resolver returned nothing (scored as UNRESOLVED_ERROR_KM)

    HEADER = ("docs", "n", "unresolved", "acc@1km", "acc@10km", "acc@161km", "median km", "mean km", "AUC")

    def row(self) -> list[str]:
        return [str(self.docs), str(self.n), str(self.unresolved), _fmt(self.acc_1km, ".3f"),
                _fmt(self.acc_10km, ".3f"), _fmt(self.acc_161km, ".3f"), _fmt(self.median_km, ".1f"),
                _fmt(self.mean_km, ".1f"), _fmt(self.auc, ".3f")]


@dataclass
class Scores(_ErrorStats):
    """Recognition (exact and overlap) and end-to-end resolution of one run over one corpus."""

    docs: int = 0
    gold: int = 0  # gold mentions for recognition (after the subset)
    predicted: int = 0  # predicted toponyms counted (those on left-out gold are not)
    tp_exact: int = 0
    tp_overlap: int = 0
    precision_exact: float = 0.0
    recall_exact: float = 0.0
    f1_exact: float = 0.0
    precision_overlap: float = 0.0
    recall_overlap: float = 0.0
    f1_overlap: float = 0.0
    gold_with_point: int = 0  # gold mentions with coordinates: the resolution gold
    resolution_n: int = 0  # of which recognised (overlap): the denominator of acc@k
    unresolved: int = 0  # recognised but not resolved by the parser (scored as UNRESOLVED_ERROR_KM)

    HEADER = ("docs", "gold", "P exact", "R exact", "F1 exact", "F1 overlap", "acc@1km", "acc@10km",
              "acc@161km", "median km", "AUC")

    def row(self) -> list[str]:
        """Cells for :attr:`HEADER`: proportions to 3 decimals, km to 1."""
        return [str(self.docs), str(self.gold), f"{self.precision_exact:.3f}", f"{self.recall_exact:.3f}",
                f"{self.f1_exact:.3f}", f"{self.f1_overlap:.3f}", _fmt(self.acc_1km, ".3f"),
                _fmt(self.acc_10km, ".3f"), _fmt(self.acc_161km, ".3f"), _fmt(self.median_km, ".1f"),
                _fmt(self.auc, ".3f")]


def _span(p: Mapping[str, Any]) -> tuple[int, int]:
    return int(p["start"]), int(p["end"])


def _point(p: Mapping[str, Any]) -> tuple[float, float] | None:
    lat, lon = p.get("lat"), p.get("lon")
    return None if lat is None or lon is None else (float(lat), float(lon))


def match_spans(gold: Sequence[tuple[int, int]], pred: Sequence[tuple[int, int]]) -> dict[int, tuple[int, bool]]:
    """One-to-one matching: gold index -> (pred index, exact). Exact pairs first, then the longest overlaps
    (ties: the pair whose boundaries differ least, then document order)."""
    pairs = []
    for gi, (gs, ge) in enumerate(gold):
        for pi, (ps, pe) in enumerate(pred):
            overlap = min(ge, pe) - max(gs, ps)
            if overlap > 0:
                exact = gs == ps and ge == pe
                pairs.append((not exact, -overlap, abs(gs - ps) + abs(ge - pe), gi, pi))
    pairs.sort()
    out: dict[int, tuple[int, bool]] = {}
    used: set[int] = set()
    for inexact, _, _, gi, pi in pairs:
        if gi not in out and pi not in used:
            out[gi] = (pi, not inexact)
            used.add(pi)
    return out


def score(gold: Sequence[GoldDoc], predicted: Mapping[str, Sequence[Mapping[str, Any]]], *,
          subset: Subset | None = None) -> Scores:
    """Score predictions (doc id -> toponyms with start, end, lat, lon) against ``gold``.

    ``subset``: a predicate on gold mentions. Mentions it rejects are left out rather than made wrong:
    they are not gold, and a prediction matched to one (or overlapping one and matched to nothing) is
    neither a true nor a false positive. E.g. ``lambda m: m.meta["syrian"]`` scores only Syrian places
    without punishing a parser for also finding Moscow. Documents missing from ``predicted`` have no
    predictions; ids not in ``gold`` are ignored.
    """
    s = Scores(docs=len(gold))
    errors: list[float] = []
    for doc in gold:
        preds = list(predicted.get(doc.id, ()))
        pspans = [_span(p) for p in preds]
        keep = [subset is None or subset(m) for m in doc.mentions]
        matched = match_spans([(m.start, m.end) for m in doc.mentions], pspans)
        pred_status: dict[int, bool] = {}  # pred index -> counted (True) / left out (False)
        for gi, (pi, exact) in matched.items():
            pred_status[pi] = keep[gi]
            if not keep[gi]:
                continue
            s.tp_overlap += 1
            s.tp_exact += exact
        for pi, (ps, pe) in enumerate(pspans):
            if pi not in pred_status:  # unmatched: a false positive unless it sits on left-out gold
                pred_status[pi] = not any(not k and min(m.end, pe) > max(m.start, ps)
                                          for m, k in zip(doc.mentions, keep))
        s.predicted += sum(pred_status.values())
        for gi, m in enumerate(doc.mentions):
            if not keep[gi]:
                continue
            s.gold += 1
            if not m.has_point:
                continue
            s.gold_with_point += 1
            if gi not in matched:
                continue
            point = _point(preds[matched[gi][0]])
            if point is None:
                s.unresolved += 1
                errors.append(UNRESOLVED_ERROR_KM)
            else:
                errors.append(haversine_km(m.lat, m.lon, *point))
    s.precision_exact, s.recall_exact, s.f1_exact = _prf(s.tp_exact, s.predicted, s.gold)
    s.precision_overlap, s.recall_overlap, s.f1_overlap = _prf(s.tp_overlap, s.predicted, s.gold)
    s.resolution_n = len(errors)
    for k, v in error_stats(errors).items():
        setattr(s, k, v)
    s.errors_km = tuple(errors)
    return s


def heldout_docs(docs: Sequence[GoldDoc]) -> list[GoldDoc]:
    """Mordecai 3's test split: the last 30% of the documents, in corpus order."""
    return list(docs[int(len(docs) * (1 - TEST_SHARE)):])


def score_resolution_with_gold_spans(
    gold: Sequence[GoldDoc],
    resolve_fn: Callable[[str, int, int], tuple[float, float] | None],
    *,
    split: Literal["all", "test"] = "all",
    subset: Subset | None = None,
) -> ResolutionScores:
    """Resolve every gold span that has coordinates with ``resolve_fn(text, start, end) -> (lat, lon) | None``.

    ``split="test"`` scores only the last 30% of the documents (Mordecai 3's test split: its README reports
    LGL 82.7% and GeoWebNews 94.1% within 161 km). None from the resolver is an error of
    :data:`UNRESOLVED_ERROR_KM`.
    """
    if split not in ("all", "test"):
        raise ValueError(f"split must be 'all' or 'test', not {split!r}")
    docs = heldout_docs(gold) if split == "test" else list(gold)
    r = ResolutionScores(docs=len(docs))
    errors: list[float] = []
    for doc in docs:
        for m in doc.mentions:
            if not m.has_point or (subset is not None and not subset(m)):
                continue
            got = resolve_fn(doc.text, m.start, m.end)
            if got is None:
                r.unresolved += 1
                errors.append(UNRESOLVED_ERROR_KM)
            else:
                errors.append(haversine_km(m.lat, m.lon, float(got[0]), float(got[1])))
    r.n = len(errors)
    for k, v in error_stats(errors).items():
        setattr(r, k, v)
    r.errors_km = tuple(errors)
    return r


# ---------------------------------------------------------------------------------- parser & gazetteer


def predictions(docs: Iterable[GoldDoc], parse: Callable[[str], Mapping[str, Any]]) -> dict[str, list[dict]]:
    """Run ``parse(text) -> {"toponyms": [...]}`` over each document: doc id -> toponym dicts."""
    return {doc.id: [dict(t) for t in parse(doc.text).get("toponyms", [])] for doc in docs}


def gazetteer_reach(gold: Sequence[GoldDoc], gazetteer: Any, *, radius_km: float = 161.0,
                    subset: Subset | None = None) -> tuple[int, int]:
    """(reached, total) over gold mentions with coordinates: is the place in the gazetteer at all?

    Reached when the gold GeoNames id (``geonames:<id>``, or the seeds' ``gold_id``) is a record of
    ``gazetteer.get``, or else when any of ``gazetteer.lookup(text, limit=50)`` lies within ``radius_km`` of
    the gold point. The ceiling on resolution accuracy that the gazetteer alone imposes.
    """
    reached = total = 0
    seen: dict[tuple, bool] = {}  # the same place is named again and again
    for doc in gold:
        for m in doc.mentions:
            if not m.has_point or (subset is not None and not subset(m)):
                continue
            total += 1
            ids = tuple(dict.fromkeys(i for i in (f"geonames:{m.geonameid}" if m.geonameid else None,
                                                  m.meta.get("gold_id")) if i))
            key = (ids, m.text, round(m.lat, 3), round(m.lon, 3))
            if key not in seen:
                seen[key] = any(gazetteer.get(i) is not None for i in ids) or any(
                    haversine_km(m.lat, m.lon, c.place.lat, c.place.lon) <= radius_km
                    for c in gazetteer.lookup(m.text, limit=50))
            reached += seen[key]
    return reached, total

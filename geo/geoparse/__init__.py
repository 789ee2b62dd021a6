"""The geoparser: find every place an article names and resolve it, keeping offsets and provenance.

    >>> import geo
    >>> doc = geo.parse("IS drove rebels out of Tall Qrah and Kafar Qares.", published="2015-10-09")
    >>> [(t["text"], t["id"]) for t in doc["toponyms"]]
"""

from __future__ import annotations

import csv
from pathlib import Path

from geo.gazetteer.embedded import curated_path
from geo.gazetteer.lookup import Gazetteer
from geo.geoparse import lexicon
from geo.geoparse.recognize import Recognizer
from geo.geoparse.resolve import resolve, to_record
from geo.geoparse.tokens import Sentences

DEFAULT_FOCUS = ("SY",)


class Geoparser:
    """Recogniser and resolver over one gazetteer; build once, call ``parse`` for each text."""

    def __init__(self, gazetteer: Gazetteer | None = None, *, home: str | Path | None = None,
                 focus: tuple[str, ...] | None = None, not_places: Path | None = None) -> None:
        self.gazetteer = gazetteer or Gazetteer(home)
        # A conflict map is about some countries: the user's focus, else the countries of the dumps they
        # imported, else Syria, the project's subject.
        self.focus = tuple(focus) if focus is not None else (self.gazetteer.focus or DEFAULT_FOCUS)
        lx = lexicon.load(not_places)
        self.recognizer = Recognizer(lx, self.gazetteer.name_keys(), set(), _abbreviations())

    def parse(self, text: str, **meta) -> dict:
        sentences = Sentences(text)
        spans = self.recognizer.find(text, sentences)
        resolved = resolve(spans, self.gazetteer, focus=self.focus)
        out = {k: v for k, v in meta.items() if v is not None}
        out["toponyms"] = [to_record(r, sentences) for r in resolved]
        return out

    def resolve_span(self, text: str, start: int, end: int) -> tuple[float, float] | None:
        """Resolution alone, for a span someone else found (the gold-span protocol of evaluations)."""
        from geo.geoparse.recognize import Span
        from geo.names import keys

        phrase = text[start:end]
        f, k = keys(phrase)
        sentences = Sentences(text)
        spans = self.recognizer.find(text, sentences)
        spans = [s for s in spans if not (s.start < end and start < s.end)]
        spans.append(Span(start, end, phrase, f, k, known=True))
        for r in resolve(spans, self.gazetteer, focus=self.focus):
            if r.span.start == start and r.match is not None:
                return (r.match.place.lat, r.match.place.lon)
        return None


def _abbreviations() -> set[str]:
    out = set()
    with open(curated_path().with_name("country_aliases.tsv"), encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            out.update(a for a in row["aliases"].split("|") if a.replace(".", "").isupper())
    return out


_default: Geoparser | None = None


def default_parser() -> Geoparser:
    global _default
    if _default is None:
        _default = Geoparser()
    return _default


def parse(text: str, *, published: str | None = None, parser: Geoparser | None = None, **meta) -> dict:
    """Toponyms of ``text`` with offsets, sentence, resolved place, score and alternatives."""
    return (parser or default_parser()).parse(text, published=published, **meta)


def resolve_span(text: str, start: int, end: int, parser: Geoparser | None = None) -> tuple[float, float] | None:
    return (parser or default_parser()).resolve_span(text, start, end)

"""The geoparser: find every place an article names and resolve it, keeping offsets and provenance.

    >>> import geo
    >>> doc = geo.parse("IS drove rebels out of Tall Qrah and Kafar Qares.", published="2015-10-09")
    >>> [(t["text"], t["id"]) for t in doc["toponyms"]]
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from geo.gazetteer.embedded import curated_path
from geo.gazetteer.lookup import Gazetteer
from geo.geoparse import lexicon
from geo.geoparse.recognize import Recognizer
from geo.geoparse.resolve import CANDIDATES, notable, resolve, to_record
from geo.geoparse.tokens import Sentences

DEFAULT_FOCUS = ("SY",)


class Geoparser:
    """Recogniser and resolver over one gazetteer; build once, call ``parse`` for each text."""

    def __init__(self, gazetteer: Gazetteer | None = None, *, home: str | Path | None = None,
                 focus: tuple[str, ...] | None = None, not_places: Path | None = None,
                 factions: Path | None = None, events: bool = True, fallback=None) -> None:
        self.gazetteer = gazetteer or Gazetteer(home)
        # A conflict map is about some countries: the user's focus, else the countries of the dumps they
        # imported, else Syria, the project's subject.
        self.focus = tuple(focus) if focus is not None else (self.gazetteer.focus or DEFAULT_FOCUS)
        lx = lexicon.load(not_places)
        from geo.events.actors import Factions

        known = Factions.load(extra=factions)
        # The factions' names of several words are not places either ("Hayat Tahrir al-Sham" is not
        # al-Sham, Syria): the user's own factions file is masked as the package's list is.
        # Not those that open with a country or city: "US-led coalition", "Syria's army" still name them.
        lx.not_places.extend(a for f in known.by_id.values() for a in (*f.aliases, *f.context_aliases)
                             if " " in a and a[:1].isupper() and not self._opens_with_place(a))
        self.factions = known if events else None
        self.recognizer = Recognizer(lx, self.gazetteer.name_keys(), _abbreviations(), self._exact_name)
        self.gazetteer.name_prints()  # (read now, with the keys, rather than by the first parse)
        # A GeocoderChain whose online geocoder is asked for names the gazetteer lacks but the text marks
        # as places ("the village of X"); None: they stay unplaced, with their reason.
        self.fallback = fallback

    def _exact_name(self, name: str) -> bool:
        if not self.gazetteer.may_be_named(name):
            return False
        found = self.gazetteer.lookup(name, limit=3, fuzzy=False, alternatenames=False)
        return any(m.tier == "exact" for m in found)

    def _opens_with_place(self, phrase: str) -> bool:
        first = re.split(r"[\s-]|['’]s\b", phrase, maxsplit=1)[0]
        found = self.gazetteer.lookup(first, limit=1, fuzzy=False, alternatenames=False)
        return bool(found) and found[0].tier == "exact" and notable(found[0])

    def parse(self, text: str, **meta) -> dict:
        sentences = Sentences(text)
        spans = []
        for offset, chunk in chunks(text):
            # A text of one chunk shares its sentence splits with the rest of the parse.
            for s in self.recognizer.find(chunk, sentences if len(chunk) == len(text) else None):
                if self._hopeless(s):
                    continue
                s.start += offset
                s.end += offset
                spans.append(s)
        resolved = resolve(spans, self.gazetteer, focus=self.focus, text=text)
        out = {"doc": meta.pop("doc", None), "title": meta.pop("title", None),
               "published": meta.pop("published", None), **meta}
        out["toponyms"] = [to_record(r, sentences) for r in resolved]
        if self.fallback is not None:
            for t in out["toponyms"]:
                if t["lat"] is None:
                    self._ask_fallback(t)
        if self.factions is not None:
            from geo.events.extract import extract

            out["events"] = [e.to_dict() for e in extract(out, text, self.factions, sentences)]
        return out

    def _ask_fallback(self, t: dict) -> None:
        loc = self.fallback.geocode_online(t["text"], country_codes=list(self.focus) or None)
        if loc is None:
            t["reason"] = (t.get("reason") or "") + "; not found by the online geocoder either"
            return
        raw = loc.raw if isinstance(loc.raw, dict) else {}
        t.update(name=raw.get("display_name", loc.address).split(",")[0].strip() or t["text"],
                 lat=loc.latitude, lon=loc.longitude, id=str(raw.get("id") or f"{raw.get('source')}:{loc.address}"),
                 source=raw.get("source") or "online", feature_code=raw.get("type"), score=0.5, match="online")
        t.pop("reason", None)

    def _hopeless(self, s) -> bool:
        """A capitalised first word of a sentence that the gazetteer knows only as a spelling variant of
        something: no document context will make it a place, so it is dropped before it takes memory."""
        if s.tokens != 1 or not s.sentence_start or s.cue is not None:
            return False
        if not self.gazetteer.may_be_named(s.text, folded=s.fold):
            return True  # (known at once: no place bears this very name)
        # The same call as resolve() makes, so the answer is cached for it.
        found = self.gazetteer.lookup(s.text, limit=CANDIDATES, fuzzy=False, focus=tuple(self.focus) or None,
                                      alternatenames=False)
        return not found or found[0].tier != "exact"

    def resolve_span(self, text: str, start: int, end: int) -> tuple[float, float] | None:
        """Resolution alone, for a span someone else found (the gold-span protocol of evaluations)."""
        from geo.geoparse.recognize import Span
        from geo.names import keys

        phrase = text[start:end]
        country = self._country_of_demonym(phrase)
        if country is not None:
            return country  # "American", marked as a place by someone else: the country
        f, k = keys(phrase)
        sentences = Sentences(text)
        spans = self.recognizer.find(text, sentences)
        spans = [s for s in spans if not (s.start < end and start < s.end)]
        spans.append(Span(start, end, phrase, f, k, known=True))
        for r in resolve(spans, self.gazetteer, focus=self.focus, text=text):
            if r.span.start == start and r.match is not None:
                return (r.match.place.lat, r.match.place.lon)
        return None

    def _country_of_demonym(self, phrase: str) -> tuple[float, float] | None:
        from geo.names import fold

        found = lexicon.demonym_countries().get(fold(phrase))
        if found is None:
            return None
        iso, name = found
        for m in self.gazetteer.lookup(name, limit=5, fuzzy=False, alternatenames=False):
            if m.place.feature_code == "PCLI" and m.place.country == iso:
                return (m.place.lat, m.place.lon)
        return None


CHUNK_CHARS = 500_000


def chunks(text: str, size: int = CHUNK_CHARS):
    """(offset, piece) of a long text, cut at line breaks: recognition holds one piece's words at a time,
    so a 20 MB file takes memory for 500 kB of it, and time in proportion to its length."""
    start = 0
    n = len(text)
    while start < n:
        end = min(n, start + size)
        if end < n:
            cut = text.rfind("\n", start + size // 2, end)
            if cut == -1:
                cut = text.rfind(" ", start + size // 2, end)
            end = cut + 1 if cut != -1 else end
        yield start, text[start:end]
        start = end


def _abbreviations() -> set[str]:
    """Abbreviations that are names of places as printed (US, U.S., UK, W.Va.): exempt from the rules
    that drop acronyms and common words."""
    out: set[str] = set()
    for name, column in (("country_aliases.tsv", "aliases"), ("us_states.tsv", "aliases")):
        with open(curated_path().with_name(name), encoding="utf-8", newline="") as f:
            for row in csv.DictReader((r for r in f if not r.startswith("#")), delimiter="\t"):
                out.update(a for a in row[column].split("|")
                           if a.replace(".", "").replace(" ", "").isupper() or a.endswith("."))
    return {a.rstrip(".") if a.count(".") == 1 else a for a in out}


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

"""Word lists the recogniser uses: what is not a place, which words cue a place and of what kind.

They are data files in ``geo/geoparse/data`` (users may pass their own), loaded once.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from geo.names import fold

DATA = Path(__file__).parent / "data"


@dataclass(frozen=True)
class Cue:
    words: str  # folded, e.g. "air base"
    position: str  # "before" or "after" the name, or "opens" it ("Kafr" in "Kafr Nabl")
    prefers: tuple[str, ...]  # feature classes ("S") or class.code ("S.AIRB")
    in_name: bool = False  # capitalised after a name, the word is part of it ("Tishreen Dam")


@dataclass
class Lexicon:
    not_places: list[str] = field(default_factory=list)  # phrases (original case) to mask
    common: frozenset[str] = frozenset()  # folded single words that are not places on their own
    demonyms: frozenset[str] = frozenset()  # folded: syrian, iranian, ...
    cues: list[Cue] = field(default_factory=list)

    def cue_after(self) -> dict[str, Cue]:
        return {c.words: c for c in self.cues if c.position == "after"}

    def cue_before(self) -> dict[str, Cue]:
        return {c.words: c for c in self.cues if c.position == "before"}

    def cue_opens(self) -> dict[str, Cue]:
        """Generic words that open a place's name ("Kafr Nabl"), keyed by their folded form."""
        return {c.words: c for c in self.cues if c.position == "opens"}


def _lines(path: Path) -> list[str]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            out.append(line)
    return out


@lru_cache(maxsize=4)
def load(extra_not_places: Path | None = None) -> Lexicon:
    not_places = _lines(DATA / "not_places.txt")
    if extra_not_places is not None:
        not_places += _lines(extra_not_places)
    common = frozenset(w for line in _lines(DATA / "common_words.txt") for w in line.split())
    cues = []
    with open(DATA / "cues.tsv", encoding="utf-8", newline="") as f:
        rows = [r for r in f if not r.startswith("#")]
    for row in csv.DictReader(rows, delimiter="\t"):
        cues.append(Cue(fold(row["cue"]), row["position"], tuple(row["prefers"].split(",")),
                        (row.get("in_name") or "no").strip() == "yes"))
    return Lexicon(not_places=not_places, common=common, demonyms=_demonyms(), cues=cues)


def _demonyms() -> frozenset[str]:
    """Syrian, Iranian, Russian...: from countryinfo's demonyms, plus the plural and -ese/-ish forms."""
    out: set[str] = set()
    for info in _countryinfo():
        demonym = (info.get("demonym") or "").strip()
        if demonym and fold(demonym) != fold(info.get("name") or ""):  # Gibraltar, Djibouti: the place
            d = fold(demonym)
            out.update({d, d + "s"})
    out.update(fold(w) for w in _lines(DATA / "demonyms.txt"))
    return frozenset(out)


@lru_cache(maxsize=1)
def demonym_countries() -> dict[str, tuple[str, str]]:
    """Folded demonym (and its plural) -> (ISO code, country name): "russian" -> ("RU", "Russia"). For a
    mention someone else marked as a place ("American" in a gold standard), not for recognition."""
    best: dict[str, tuple[int, str, str]] = {}  # a shared demonym means the most populous country
    for info in _countryinfo():
        demonym = (info.get("demonym") or "").strip()
        iso = (info.get("ISO") or {}).get("alpha2", "")
        name = info.get("name") or ""
        if not demonym or not iso or fold(demonym) == fold(name):
            continue
        d = fold(demonym)
        forms = [d, d + "s"]
        first = d.split()[0]
        if " " in d and fold(name).startswith(first + " "):
            forms.append(first)  # "Saudi" for Saudi Arabian
        population = int(info.get("population") or 0)
        for form in forms:
            if form not in best or best[form][0] < population:
                best[form] = (population, iso, name)
    return {form: (iso, name) for form, (_, iso, name) in best.items()}


@lru_cache(maxsize=1)
def _countryinfo() -> tuple[dict, ...]:
    """countryinfo's country files, read once for both demonym tables."""
    import countryinfo

    out = []
    for path in sorted((Path(countryinfo.__file__).parent / "data").glob("*.json")):
        with open(path, encoding="utf-8") as f:
            out.append(json.load(f))
    return tuple(out)

"""``geo build``: sources -> documents -> places -> (events, territory, layers as they land) -> files.

Until the geoparser, event and map stages land, a build resolves the capitalised names each article
uses against the gazetteer and writes them to ``<out>/places.json`` (and prints them), so the
quickstart shows what the gazetteer makes of the seeds.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from geo.gazetteer.lookup import Gazetteer

# Runs of capitalised words, with the particles Arabic names carry inside them (Sahl al-Ghab, Deir ez-Zor).
_NAME = re.compile(
    r"\b(?:[A-Z][\w'’`‘-]+)(?:\s+(?:(?:al|el|ar|as|ash|ad|az|ez|at|an|de|of)[-\s])?[A-Z][\w'’`‘-]+){0,3}"
)
_NOT_PLACES = frozenset(
    "the a an he she it they we i in on at as but if and or this that these those there his her its their "
    "january february march april may june july august september october november december monday tuesday "
    "wednesday thursday friday saturday sunday today yesterday".split()
)


@dataclass
class BuildResult:
    documents: int = 0
    failed: list[str] = field(default_factory=list)
    places: list[dict] = field(default_factory=list)


def iter_documents(sources: Iterable[Path]) -> Iterable[Path]:
    for src in sources:
        if src.is_dir():
            yield from sorted(p for p in src.rglob("*.txt") if p.is_file())
        else:
            yield src


def build(sources: list[Path], out: Path, *, home: Path | None = None,
          echo: Callable[[str], None] = print, focus: tuple[str, ...] = ("SY",)) -> BuildResult:
    gaz = Gazetteer(home, focus=focus)
    result = BuildResult()
    found: dict[str, dict] = {}
    for path in iter_documents(sources):
        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError as e:
            result.failed.append(f"{path}: {e}")
            echo(f"{path}: cannot read: {e}")
            continue
        result.documents += 1
        counts = Counter(m.group() for m in _NAME.finditer(text))
        for phrase, n in counts.items():
            if phrase.lower() in _NOT_PLACES:
                continue
            best = gaz.lookup(phrase, limit=1, fuzzy=False)
            if not best or best[0].tier != "exact" or not _plausible(best[0].place, focus):
                continue
            rec = found.setdefault(best[0].place.id, {**best[0].to_dict(), "mentions": 0, "as": set(), "docs": set()})
            rec["mentions"] += n
            rec["as"].add(phrase)
            rec["docs"].add(path.name)
    result.places = sorted(
        ({**r, "as": sorted(r["as"]), "docs": sorted(r["docs"])} for r in found.values()),
        key=lambda r: -r["mentions"],
    )
    out.mkdir(parents=True, exist_ok=True)
    _write_atomic(out / "places.json", json.dumps(result.places, ensure_ascii=False, indent=1))
    echo(f"{result.documents} documents, {len(result.places)} places -> {out / 'places.json'}")
    for r in result.places:
        echo(f"{r['mentions']:4d}  {r['name']:<28} {r['lat']:9.5f},{r['lon']:9.5f}  {r['id']:<28} "
             f"as {', '.join(r['as'])}")
    return result


def _plausible(place, focus: tuple[str, ...]) -> bool:
    """Without the geoparser's context, trust only places in the focus countries, countries, and
    large cities: a capitalised word such as "Mr" or "One" is also some village somewhere."""
    return place.country in focus or place.feature_code == "PCLI" or place.population >= 100_000


def _write_atomic(path: Path, text: str) -> None:
    """Temporary file, then rename: a reader never sees half a file."""
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise

"""``geo build``: sources -> documents -> toponyms -> (events, territory, layers as they land) -> files.

Until the event and map stages land, a build parses every document and writes the places it names to
``<out>/places.json`` (each with the mentions that cite it) and prints them.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from geo.documents import DocumentError, read
from geo.gazetteer.lookup import Gazetteer
from geo.geoparse import Geoparser


@dataclass
class BuildResult:
    documents: int = 0
    failed: list[str] = field(default_factory=list)
    places: list[dict] = field(default_factory=list)


def build(sources: list[Path], out: Path, *, home: Path | None = None,
          echo: Callable[[str], None] = print, focus: tuple[str, ...] | None = None) -> BuildResult:
    parser = Geoparser(Gazetteer(home), focus=focus)
    result = BuildResult()
    found: dict[str, dict] = {}
    for doc in read(sources):
        if isinstance(doc, DocumentError):
            result.failed.append(f"{doc.source}: {doc.error}")
            echo(f"{doc.source}: {doc.error}")
            continue
        result.documents += 1
        for w in doc.warnings:
            echo(f"warning: {w}")
        parsed = parser.parse(doc.text, **doc.meta())
        for t in parsed["toponyms"]:
            if t["id"] is None:
                continue
            rec = found.setdefault(t["id"], {k: t[k] for k in ("id", "name", "lat", "lon", "source",
                                                               "feature_code", "country")} | {"mentions": []})
            rec["mentions"].append({"doc": doc.id, "text": t["text"], "start": t["start"], "end": t["end"],
                                    "sentence": t["sentence"], "published": doc.published, "outlet": doc.outlet})
    result.places = sorted(found.values(), key=lambda r: -len(r["mentions"]))
    out.mkdir(parents=True, exist_ok=True)
    _write_atomic(out / "places.json", json.dumps(result.places, ensure_ascii=False, indent=1))
    echo(f"{result.documents} documents, {len(result.places)} places -> {out / 'places.json'}")
    for r in result.places:
        spellings = sorted({m["text"] for m in r["mentions"]})
        echo(f"{len(r['mentions']):4d}  {r['name']:<28} {r['lat']:9.5f},{r['lon']:10.5f}  {r['id']:<28} "
             f"as {', '.join(spellings)}")
    return result


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

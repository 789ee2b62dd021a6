"""``geo build``: sources -> documents -> toponyms and events -> territory -> layers (GeoJSON) -> HTML.

Writes into ``--out``: ``control.geojson``, ``areas.geojson`` (control areas), ``advances.geojson``,
``events.geojson``, ``places.geojson``,
``index.html`` (drawn from those same layers) and ``places.json`` (every place with the mentions that cite
it). Each file is written to a temporary name and renamed, so a viewer never sees half a map.
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
    layers: dict[str, dict] = field(default_factory=dict)
    as_of: str | None = None


def build(sources: list[Path], out: Path, *, home: Path | None = None,
          echo: Callable[[str], None] = print, focus: tuple[str, ...] | None = None,
          as_of: str | None = None, self_contained: bool = True) -> BuildResult:
    """Parse ``sources`` and write the map files into ``out``. ``as_of`` (YYYY-MM-DD) draws the state on
    that date: later events are left out. ``self_contained`` inlines Leaflet (works with no network)."""
    from geo.areas import areas_layer
    from geo.events.extract import Event
    from geo.layers import advances_layer, control_layer, events_layer, places_layer
    from geo.maps import render
    from geo.territory import merge, territory

    parser = Geoparser(Gazetteer(home), focus=focus)
    result = BuildResult()
    found: dict[str, dict] = {}
    parsed_docs: list[dict] = []
    events: list[Event] = []
    for doc in read(sources):
        if isinstance(doc, DocumentError):
            result.failed.append(f"{doc.source}: {doc.error}")
            echo(f"{doc.source}: {doc.error}")
            continue
        result.documents += 1
        for w in doc.warnings:
            echo(f"warning: {w}")
        parsed = parser.parse(doc.text, **doc.meta())
        parsed_docs.append(parsed)
        events.extend(Event(**e) for e in parsed.get("events", []))
        for t in parsed["toponyms"]:
            if t["id"] is None:
                continue
            rec = found.setdefault(t["id"], {k: t[k] for k in ("id", "name", "lat", "lon", "source",
                                                               "feature_code", "country")} | {"mentions": []})
            rec["mentions"].append({"doc": doc.id, "text": t["text"], "start": t["start"], "end": t["end"],
                                    "sentence": t["sentence"], "published": doc.published, "outlet": doc.outlet})
    result.places = sorted(found.values(), key=lambda r: -len(r["mentions"]))
    merged = merge(events)
    if as_of is not None:
        merged = [m for m in merged if not m.date or m.date <= as_of]
    states = territory(merged)
    dates = [e.date for e in merged if e.date]
    result.as_of = as_of or (max(dates) if dates else None)
    factions = parser.factions
    result.layers = {
        "control": control_layer(states, factions), "areas": areas_layer(states, factions),
        "advances": advances_layer(states, merged, factions),
        "events": events_layer(merged, factions), "places": places_layer(parsed_docs),
    }
    out.mkdir(parents=True, exist_ok=True)
    for name, layer in result.layers.items():
        _write_atomic(out / f"{name}.geojson", json.dumps(layer, ensure_ascii=False, allow_nan=False))
    _write_atomic(out / "places.json", json.dumps(result.places, ensure_ascii=False, indent=1))
    _write_atomic(out / "index.html", render(result.layers, factions, title="geo: control and advances",
                                             as_of=result.as_of, self_contained=self_contained))
    counts = ", ".join(f"{len(v['features'])} {k}" for k, v in result.layers.items())
    echo(f"{result.documents} documents, {len(result.places)} places, {len(merged)} events ({counts}) -> "
         f"{out / 'index.html'}")
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
        os.chmod(tmp, 0o644)  # mkstemp makes it private; maps are meant to be served and shared
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise

"""The HTML map (folium), drawn from the GeoJSON layers that are also written as files.

Every string that came from an article is escaped before it reaches HTML or JavaScript: popups are built
here from escaped text, never from raw properties.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from geo.events.actors import Factions


def _e(value) -> str:
    """Escape for HTML, and for the JavaScript template literals folium puts popups and tooltips in:
    without the last three, an article's "${...}" would run as code."""
    text = html.escape("" if value is None else str(value), quote=True)
    return text.replace("\\", "&#92;").replace("`", "&#96;").replace("$", "&#36;")


def _cite(sources: list[dict], limit: int = 3) -> str:
    rows = []
    for s in sources[:limit]:
        where = " · ".join(_e(x) for x in (s.get("outlet"), s.get("published"), s.get("doc")) if x)
        link = f' <a href="{_e(s["url"])}" target="_blank" rel="noopener">link</a>' \
            if str(s.get("url") or "").startswith(("http://", "https://")) else ""
        rows.append(f"<blockquote>{_e(s.get('sentence'))}</blockquote><small>{where}{link}</small>")
    more = f"<small>and {len(sources) - limit} more reports</small>" if len(sources) > limit else ""
    return "".join(rows) + more


def control_popup(p: dict) -> str:
    lines = [f"<b>{_e(p['place'])}</b>", f"{_e(p['status'])}: {_e(p.get('holder_name') or 'unknown')}"]
    if p.get("since"):
        lines.append(f"since {_e(p['since'])}" + (f", from {_e(p['from_actor'])}" if p.get("from_actor") else ""))
    if p.get("parts"):
        lines.append(f"divided: {_e(p['parts'])}")
    if p.get("besieged_by"):
        lines.append(f"besieged by {_e(p['besieged_by'])}")
    if p.get("claimed"):
        lines.append("<i>claimed by the party itself</i>")
    lines.append(f"reports: {int(p.get('corroboration') or 0)}")
    return "<br>".join(lines) + _cite(p.get("sources") or [])


def event_popup(p: dict) -> str:
    actor, place = p.get("actor_name") or "unknown actor", p.get("place") or p.get("to_place")
    head = f"<b>{_e(actor)}</b> {_e(p['action'])} <b>{_e(place)}</b>"
    when = f"<br>{_e(p.get('date'))}" + (" (claimed)" if p.get("claimed") else "")
    if p.get("from_place"):
        when += f"<br>from {_e(p['from_place'])}" + (" (nearest place held)" if p.get("origin") == "nearest held"
                                                      else "")
    when += f"<br>reports: {int(p.get('corroboration') or 0)}"
    return head + when + _cite(p.get("sources") or [])


def place_popup(p: dict) -> str:
    n = int(p.get("mentions") or 0)
    return (f"<b>{_e(p.get('place'))}</b><br>written {_e(p.get('spellings'))}<br>"
            f"{n} mention{'s' if n != 1 else ''} in {int(p.get('documents') or 0)} reports"
            + _cite(p.get("sources") or [], limit=PLACE_SOURCES_SHOWN))


PLACE_SOURCES_SHOWN = 3


ASSETS = Path(__file__).parent / "maps_assets"
_REMOTE = re.compile(r'<script src="https?://[^"]+"></script>\s*|<link rel="stylesheet" href="https?://[^"]+"\s*/?>\s*')


def _inline_assets(page: str) -> str:
    """Drop the CDN links folium writes and put Leaflet (and markercluster) in the page itself."""
    page = _REMOTE.sub("", page)
    css = "".join(f"<style>{(ASSETS / n).read_text(encoding='utf-8')}</style>"
                  for n in ("leaflet.css", "MarkerCluster.css", "MarkerCluster.Default.css"))
    js = "".join(f"<script>{(ASSETS / n).read_text(encoding='utf-8')}</script>"
                 for n in ("jquery.min.js", "leaflet.js", "leaflet.markercluster.js"))
    return page.replace("<head>", "<head>" + css + js, 1)


def _script(code: str):
    """Raw JavaScript rendered among the map's own, after the elements added to the map before it."""
    from branca.element import MacroElement
    from jinja2 import Template

    el = MacroElement()
    el.code = code  # inserted verbatim (no autoescape): it is our code, its data is escaped JSON
    el._template = Template("{% macro script(this, kwargs) %}{{ this.code }}{% endmacro %}")
    return el


_DRAW = """
(function () {
  const data = __DATA__;
  const map = __MAP__;
  window.geoShapes = {};
  for (const [key, layer] of Object.entries(data.layers)) {
    const group = window[data.groups[key]];
    window.geoShapes[key] = [];
    for (const f of layer) {
      let shape, head = null;
      if (f.area) {
        shape = L.geoJSON(f.area, {style: {color: f.colour, weight: 1, fillColor: f.colour,
                                           fillOpacity: f.contested ? 0.15 : 0.3, dashArray: f.contested ? '4' : null},
                                   interactive: true});
      } else if (f.line) {
        shape = L.polyline(f.line, {color: f.colour, weight: 3, opacity: 0.9, dashArray: f.dash});
        head = L.circleMarker(f.line[f.line.length - 1], {radius: 4, color: f.colour, fill: true,
                                                           fillColor: f.colour, fillOpacity: 1}).addTo(group);
      } else {
        shape = L.circleMarker(f.at, {radius: f.radius, color: f.stroke || f.colour, weight: f.weight,
                                      fill: true, fillColor: f.colour, fillOpacity: f.opacity, dashArray: f.dash});
      }
      // Popup and tooltip are HTML escaped by geo.maps: setContent takes them as markup, not code.
      if (f.popup) shape.bindPopup(f.popup, {maxWidth: 360});
      if (f.tip) shape.bindTooltip(f.tip);
      shape.addTo(group);
      window.geoShapes[key].push({shape: shape, head: head, f: f, group: group});
    }
  }
  // Frame the front (control and advances), not every country the articles mention.
  if (data.bounds) map.fitBounds(data.bounds, {padding: [20, 20]});
})();
"""

# The time slider: each controlled place takes its state on the chosen date (from its timeline), and an
# advance shows from its date on. Play steps through the dates and loops.
_SLIDER = """
(function () {
  const dates = __DATES__;
  if (!dates.length) return;
  const map = __MAP__;
  const title = document.getElementById('geo-asof');
  function show(i) {
    const t = dates[i];
    for (const c of window.geoShapes.control) {
      let now = null;
      for (const e of c.f.timeline) { if (e[0] === null || e[0] <= t) now = e; }
      if (now === null || (now[1] === null && now[2] === 'unknown')) { c.group.removeLayer(c.shape); continue; }
      c.shape.setStyle({fillColor: now[3], color: now[2] === 'besieged' ? '#000000' : now[3],
                        fillOpacity: now[2] === 'contested' ? 0.5 : 0.85});
      c.group.addLayer(c.shape);
    }
    for (const a of window.geoShapes.advances) {
      const on = !a.f.date || a.f.date <= t;
      for (const s of [a.shape, a.head]) { if (s) { if (on) a.group.addLayer(s); else a.group.removeLayer(s); } }
    }
    if (title) title.textContent = t;
    slider.value = i;
  }
  const Box = L.Control.extend({onAdd: function () {
    const div = L.DomUtil.create('div', 'geo-time leaflet-bar');
    div.style.background = 'white'; div.style.padding = '4px 8px'; div.style.font = '12px sans-serif';
    div.innerHTML = '<button type="button" id="geo-play">play</button> ' +
      '<input type="range" id="geo-slider" style="width:260px;vertical-align:middle">';
    L.DomEvent.disableClickPropagation(div);
    return div;
  }});
  new Box({position: 'bottomright'}).addTo(map);
  const slider = document.getElementById('geo-slider');
  slider.min = 0; slider.max = dates.length - 1; slider.value = dates.length - 1;
  slider.addEventListener('input', () => show(Number(slider.value)));
  let timer = null;
  document.getElementById('geo-play').addEventListener('click', function () {
    if (timer) { clearInterval(timer); timer = null; this.textContent = 'play'; return; }
    this.textContent = 'pause';
    timer = setInterval(() => show((Number(slider.value) + 1) % dates.length), 800);  // loops
  });
  window.geoShowDate = show;
  show(dates.length - 1);
})();
"""


DRAWN = ("areas", "control", "advances", "events", "places")  # in this order: areas beneath the points


def drawable(key: str, f: dict) -> dict | None:
    """What the page draws for one GeoJSON feature: position, style, and its popup escaped here."""
    p, g = f["properties"], f["geometry"]
    if key == "areas":
        return {"area": g, "colour": p["colour"], "contested": p["status"] == "contested",
                "tip": _e(f"{p['holder_name']} ({p['status']}): {p['places']}")}
    if key == "advances":
        return {"line": [[lat, lon] for lon, lat in g["coordinates"]], "colour": p["colour"], "date": p["date"],
                "dash": "6" if p["claimed"] else None, "popup": event_popup(p),
                "tip": _e(f"{p['actor_name']} → {p['to_place']} {p['date'] or ''}")}
    lon, lat = g["coordinates"]
    if key == "control":
        return {"at": [lat, lon], "radius": 9, "colour": p["colour"], "timeline": p.get("timeline") or [],
                "stroke": "#000000" if p["status"] == "besieged" else p["colour"],
                "weight": 3 if p["status"] != "held" else 1, "opacity": 0.5 if p["status"] == "contested" else 0.85,
                "dash": "4" if p["claimed"] else None, "popup": control_popup(p),
                "tip": _e(f"{p['place']}: {p['status']}")}
    if key == "events":
        if p["action"] not in ("besieged", "attacked", "contested", "lost"):
            return None
        return {"at": [lat, lon], "radius": 5, "colour": p["colour"], "weight": 1, "opacity": 0.6,
                "popup": event_popup(p)}
    return {"at": [lat, lon], "radius": 4, "colour": "#3366cc", "weight": 1, "opacity": 0.7,
            "popup": place_popup(p)}


def drawable_json(key: str, f: dict) -> str | None:
    """A drawable as JSON that is safe inside a <script> element (ASCII, no "</")."""
    d = drawable(key, f)
    return None if d is None else json.dumps(d, ensure_ascii=True, allow_nan=False).replace("</", "<\\/")


# Placeholders the page skeleton carries; filled with each build's data (the data last, so nothing in an
# article is ever taken for a placeholder).
_AS_OF_HEADING, _AS_OF_TITLE, _COUNTS, _DATES, _DATA = (
    "@@geo-as-of-heading@@", "@@geo-as-of-title@@", "@@geo-counts@@", "@@geo-dates@@", "@@geo-data@@")


def skeleton(factions: Factions, *, title: str, self_contained: bool = True) -> tuple[str, dict[str, str]]:
    """The page without its data: folium's map, layer groups, legend and scripts, with placeholders.
    Returns the page and the JavaScript names of the layer groups (the data says which group it draws in).
    It depends only on the factions, the title and ``self_contained``, so a build can keep it."""
    import folium
    from folium.plugins import MarkerCluster

    m = folium.Map(location=[35.0, 38.5], zoom_start=7, tiles="OpenStreetMap", prefer_canvas=True,
                   control_scale=True)
    # Offline base layer: country and governorate outlines shipped with the package (Natural Earth).
    with open(ASSETS / "basemap.geojson", encoding="utf-8") as f:
        basemap = json.load(f)
    folium.GeoJson(basemap, name="Outlines (offline)", control=True, interactive=False,
                   style_function=lambda feat: {
                       "color": "#555555" if feat["properties"]["kind"] == "country" else "#aaaaaa",
                       "weight": 1.5 if feat["properties"]["kind"] == "country" else 0.7,
                       "fill": feat["properties"]["kind"] == "country", "fillColor": "#f4f1ea",
                       "fillOpacity": 0.6}).add_to(m)
    # Points, lines and areas are drawn in the browser from the layers themselves (one script, whatever
    # the number of features); each feature carries its popup as HTML escaped here, never raw article text.
    labels = {"areas": ("Control areas", True), "control": ("Control", True), "advances": ("Advances", True),
              "events": ("Sieges, strikes and other events", False), "places": ("Every place mentioned", False)}
    groups = {}
    for key in DRAWN:
        label, show = labels[key]
        group = folium.FeatureGroup(name=label, show=show).add_to(m)
        if key == "places":
            group = MarkerCluster().add_to(group)
        groups[key] = group.get_name()
    _script(_DRAW.replace("__DATA__", _DATA).replace("__MAP__", m.get_name())).add_to(m)
    _script(_SLIDER.replace("__DATES__", _DATES).replace("__MAP__", m.get_name())).add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    legend = "".join(
        f'<div><span style="display:inline-block;width:12px;height:12px;background:{_e(f.colour)};'
        f'margin-right:6px"></span>{_e(f.name)}</div>' for f in factions.by_id.values())
    m.get_root().html.add_child(folium.Element(
        f'<div id="geo-title" style="position:fixed;top:10px;left:60px;z-index:1000;background:white;'
        f'padding:4px 10px;font:bold 15px sans-serif;border-radius:4px">{_e(title)}{_AS_OF_HEADING}</div>'
        f'<div id="geo-legend" style="position:fixed;bottom:60px;left:10px;z-index:1000;background:white;'
        f'padding:6px 10px;font:12px sans-serif;border-radius:4px">{legend}</div>'))
    m.get_root().header.add_child(folium.Element(f"<title>{_e(title)}{_AS_OF_TITLE}</title>"))
    # The number of features of each layer, for scripts and tests that read the page.
    m.get_root().html.add_child(folium.Element(
        f'<script type="application/json" id="geo-layers">{_COUNTS}</script>'))
    page = m.get_root().render()
    return (_inline_assets(page) if self_contained else page), groups


def fill(page: str, groups: dict[str, str], drawables: dict[str, list[str]], *, counts: dict[str, int],
         dates: list[str], bounds: list[list[float]] | None, as_of: str | None) -> str:
    """The skeleton with one build's data: ``drawables`` holds, per layer, features as ``drawable_json``."""
    dates = [d for d in dates if re.fullmatch(r"\d{4}-\d\d-\d\d", d)]  # only dates reach the script
    page = (page.replace(_AS_OF_HEADING, f' — as of <span id="geo-asof">{_e(as_of)}</span>' if as_of else "")
            .replace(_AS_OF_TITLE, f" — as of {_e(as_of)}" if as_of else "")
            .replace(_COUNTS, json.dumps(counts))
            .replace(_DATES, json.dumps(dates)))
    head, tail = page.split(_DATA, 1)
    layers = ",".join(f'"{k}":[' + ",".join(drawables.get(k, ())) + "]" for k in DRAWN)
    data = f'{{"groups":{json.dumps(groups)},"bounds":{json.dumps(bounds)},"layers":{{{layers}}}}}'
    return head + data + tail


def render(layers: dict[str, dict], factions: Factions, *, title: str, as_of: str | None,
           self_contained: bool = True) -> str:
    """A self-describing HTML page from whole layers: layer control, legend, popups citing each claim.
    Self-contained (the default) inlines Leaflet, so the layers show with no network."""
    page, groups = skeleton(factions, title=title, self_contained=self_contained)
    drawables = {k: [d for d in (drawable_json(k, f) for f in layers.get(k, {"features": []})["features"]) if d]
                 for k in DRAWN}
    return fill(page, groups, drawables, counts={k: len(v["features"]) for k, v in layers.items()},
                dates=slider_dates(layers["control"]["features"], layers["advances"]["features"]),
                bounds=bounds([layers["control"], layers["advances"]]), as_of=as_of)


def slider_dates(control: list[dict], advances: list[dict]) -> list[str]:
    return sorted({e[0] for f in control for e in f["properties"].get("timeline", []) if e[0]}
                  | {f["properties"]["date"] for f in advances if f["properties"]["date"]})


def bounds(collections: list[dict]) -> list[list[float]] | None:
    """[[south, west], [north, east]] of the features' points, or None."""
    points = [c for layer in collections for f in layer["features"] for c in
              ([f["geometry"]["coordinates"]] if f["geometry"]["type"] == "Point" else f["geometry"]["coordinates"])]
    if not points:
        return None
    lons, lats = [p[0] for p in points], [p[1] for p in points]
    return [[min(lats), min(lons)], [max(lats), max(lons)]]

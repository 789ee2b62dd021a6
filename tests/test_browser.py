"""The seeds' map in headless Chromium: no console errors, what is drawn matches the GeoJSON, layers
toggle, a popup shows its source sentence, and a hostile article's script never runs.

Needs Debian's chromium and chromium-driver and the selenium package (.ci/run installs them)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from geo.cli.main import cli
from tests.conftest import TESTS

CHROMIUM, DRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
pytestmark = pytest.mark.skipif(not (CHROMIUM.exists() and DRIVER.exists()),
                                reason="needs Debian's chromium and chromium-driver (apt-get install chromium "
                                       "chromium-driver; .ci/run does)")
webdriver = pytest.importorskip("selenium.webdriver", reason="needs the selenium package (.ci/run installs it)")

EVIL = ('Rebels captured Khan Touman <script>window.pwned=1</script> <img src=x onerror="window.pwned=2"> '
        "today. Rebels also took Kafrnaha ${window.pwned=3}.")


@pytest.fixture(scope="module")
def page(tmp_path_factory, default_home):
    src = tmp_path_factory.mktemp("news")
    for p in (TESTS.parent / "seeds").glob("*"):
        shutil.copy(p, src / p.name)
    (src / "zz_evil.txt").write_text(EVIL, encoding="utf-8")
    (src / "zz_evil.meta.json").write_text(json.dumps({"published": "2016-05-08", "outlet": "<i>x</i>"}))
    out = tmp_path_factory.mktemp("maps")
    res = CliRunner().invoke(cli, ["--home", str(default_home), "build", str(src), "--out", str(out)],
                             catch_exceptions=False)
    assert res.exit_code == 0, res.output
    return out


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = str(CHROMIUM)
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium')}", "--window-size=1200,900"):
        opts.add_argument(flag)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(DRIVER)), options=opts)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


# The page's Leaflet map and its layers, counted by kind of what is drawn on the map now.
COUNT = """
const map = window[Object.keys(window).find(k => k.startsWith('map_') && window[k] instanceof L.Map)];
let circles = 0, lines = 0, clusters = 0;
map.eachLayer(l => {
  if (l instanceof L.CircleMarker && !l.__parent) circles++;  // __parent: shown by a marker cluster
  else if (l instanceof L.Polyline && !(l instanceof L.Polygon)) lines++;  // polygons: outlines, areas
  if (L.MarkerClusterGroup && l instanceof L.MarkerClusterGroup) clusters += l.getLayers().length;
});
return [circles, lines, clusters];
"""


def features(out: Path, name: str) -> list[dict]:
    return json.loads((out / f"{name}.geojson").read_text(encoding="utf-8"))["features"]


def test_the_map_in_a_browser(browser, page):
    browser.get((page / "index.html").as_uri())
    errors = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"
              and "tile.openstreetmap.org" not in e["message"]]  # tiles are unreachable offline, by design
    assert errors == []
    assert browser.execute_script("return typeof window.pwned") == "undefined"

    control, advances = features(page, "control"), features(page, "advances")
    circles, lines, clusters = browser.execute_script(COUNT)
    # Shown at start: one circle per controlled place, a line and its head per advance.
    assert (circles, lines) == (len(control) + len(advances), len(advances))
    assert clusters == 0

    # A popup cites its source sentence.
    browser.execute_script("""
      const map = window[Object.keys(window).find(k => k.startsWith('map_') && window[k] instanceof L.Map)];
      map.eachLayer(l => { if (l.getPopup && l.getPopup() && !window.opened) {
        const c = l.getPopup().getContent(); const t = (c.textContent || c).toString();
        if (t.includes('drove out rebels')) { l.openPopup(); window.opened = true; } } });""")
    popup = browser.find_elements("css selector", ".leaflet-popup-content")[-1].get_attribute("textContent")
    assert "IS militants drove out rebels from the localities of Tall Qrah" in popup

    # Toggle "Every place mentioned" on, "Control" off.
    for label in browser.find_elements("css selector", ".leaflet-control-layers-overlays label"):
        if label.text.strip() in ("Every place mentioned", "Control"):
            label.find_element("css selector", "input").click()
    circles2, lines2, clusters2 = browser.execute_script(COUNT)
    assert clusters2 == len(features(page, "places"))
    assert circles2 == len(advances) and lines2 == len(advances)

    # The hostile article's popup shows its markup as text, and nothing of it ran.
    browser.execute_script("""
      const map = window[Object.keys(window).find(k => k.startsWith('map_') && window[k] instanceof L.Map)];
      window.opened = false;
      map.closePopup();
      map.eachLayer(l => { if (l.getPopup && l.getPopup() && !window.opened) {
        const c = l.getPopup().getContent(); const t = (c.textContent || c).toString();
        if (t.includes('window.pwned=3')) { l.openPopup(); window.opened = true; } } });""")
    popup = browser.find_elements("css selector", ".leaflet-popup-content")[-1].get_attribute("textContent")
    assert "${window.pwned=3}" in popup and "<i>x</i>" in popup
    assert browser.execute_script("return typeof window.pwned") == "undefined"


def test_the_time_slider_steps_through_dates(browser, page):
    browser.get((page / "index.html").as_uri())
    slider = browser.find_element("css selector", "#geo-slider")
    last = int(slider.get_attribute("max"))
    assert last >= 2
    # On the first date (the 2014 Manbij caption), one place is held; on the last, all of them.
    browser.execute_script("window.geoShowDate(0)")
    first = browser.execute_script(COUNT)[0]
    assert browser.find_element("css selector", "#geo-asof").text == "2014-01-08"
    browser.execute_script(f"window.geoShowDate({last})")
    full = browser.execute_script(COUNT)[0]
    assert first < full
    control, advances = features(page, "control"), features(page, "advances")
    assert full == len(control) + len(advances)
    # Play advances the date, and pauses.
    browser.execute_script("window.geoShowDate(0)")
    browser.find_element("css selector", "#geo-play").click()
    import time

    time.sleep(2)
    browser.find_element("css selector", "#geo-play").click()
    assert int(slider.get_attribute("value")) > 0

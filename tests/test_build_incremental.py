"""Incremental builds from folders: only new and changed documents are parsed, failures are kept and
retried, a lock keeps two builds apart, a corrupt store is set aside, status.json says what happened,
and a map drawn piece by piece is the map drawn whole."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from geo.cli.main import EX_TEMPFAIL, cli
from tests.conftest import TESTS

KHAN_TOUMAN = "Rebels captured the town of Khan Touman from government forces on Thursday, a monitoring group said.\n"
TALL_QRAH = "Islamic State fighters seized the villages of Tall Qrah and Kafar Qares north of Aleppo overnight.\n"
MANBIJ = "Kurdish YPG fighters captured Manbij from Islamic State on Friday, the Syrian Observatory said.\n"
PALMYRA = "Government forces recaptured Palmyra from Islamic State on Sunday.\n"


def article(folder: Path, name: str, text: str, published: str, outlet: str = "Test Wire") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    (folder / f"{name}.meta.json").write_text(json.dumps({"published": published, "outlet": outlet}))
    return folder / f"{name}.txt"


def build(home: Path, *args: str):
    return CliRunner().invoke(cli, ["--home", str(home), "build", *map(str, args)], catch_exceptions=False)


def status(out: Path) -> dict:
    return json.loads((out / "status.json").read_text(encoding="utf-8"))


def control(out: Path) -> dict[str, dict]:
    features = json.loads((out / "control.geojson").read_text(encoding="utf-8"))["features"]
    return {f["properties"]["place"]: f["properties"] for f in features}


def test_a_second_run_parses_only_the_new_article_and_the_map_follows(tmp_path, default_home):
    src, out = tmp_path / "news", tmp_path / "maps"
    article(src, "a", KHAN_TOUMAN, "2016-05-08")
    article(src, "b", TALL_QRAH, "2015-10-09")
    res = build(default_home, src, "--out", out)
    assert res.exit_code == 0, res.output
    first = status(out)
    assert first["documents"] == {**first["documents"], "seen": 2, "new": 2, "parsed": 2, "failed": 0}
    assert "Manbij" not in control(out) and control(out)["Khan Tuman"]["holder"] == "rebels"

    article(src, "c", MANBIJ, "2016-08-12")
    res = build(default_home, src, "--out", out)
    assert res.exit_code == 0, res.output
    second = status(out)
    assert second["documents"]["new"] == 1 and second["documents"]["parsed"] == 1
    assert second["documents"]["in_store"] == 3 and second["maps_redrawn"]
    assert control(out)["Manbij"]["holder"] == "kurds"
    assert control(out)["Tall Qarah"]["holder"] == "islamic_state"  # the old articles stay on the map
    assert "Manbij" in (out / "index.html").read_text(encoding="utf-8")

    # Nothing new: nothing parsed, the maps not rewritten.
    before = (out / "index.html").stat().st_mtime_ns
    res = build(default_home, src, "--out", out)
    assert res.exit_code == 0 and "up to date" in res.output
    assert status(out)["documents"]["parsed"] == 0 and not status(out)["maps_redrawn"]
    assert (out / "index.html").stat().st_mtime_ns == before

    # A changed article is parsed again, alone; --full parses everything.
    article(src, "a", KHAN_TOUMAN.replace("Rebels", "Nusra Front militants"), "2016-05-08")
    build(default_home, src, "--out", out)
    assert status(out)["documents"]["changed"] == 1 and status(out)["documents"]["parsed"] == 1
    assert control(out)["Khan Tuman"]["holder"] == "nusra"
    build(default_home, src, "--out", out, "--full")
    assert status(out)["documents"]["parsed"] == 3


def test_an_article_removed_from_its_folder_stays_on_the_map(tmp_path, default_home):
    src, out = tmp_path / "news", tmp_path / "maps"
    gone = article(src, "a", MANBIJ, "2016-08-12")
    article(src, "b", PALMYRA, "2016-03-27")
    build(default_home, src, "--out", out)
    gone.unlink()
    article(src, "c", TALL_QRAH, "2015-10-09")
    assert build(default_home, src, "--out", out).exit_code == 0
    assert {"Manbij", "Tadmur", "Tall Qarah"} <= set(control(out))


def test_a_map_drawn_piece_by_piece_is_the_map_drawn_whole(tmp_path, default_home):
    """Articles added one run at a time, then the same folder built from nothing: the same layers."""
    src, out, whole = tmp_path / "news", tmp_path / "maps", tmp_path / "whole"
    seeds = sorted((TESTS.parent / "seeds").glob("*.txt"))
    extra = [("x1", MANBIJ, "2016-08-12"), ("x2", PALMYRA, "2016-03-27"), ("x3", TALL_QRAH, "2015-10-10")]
    src.mkdir()
    for p in seeds:
        shutil.copy(p, src / p.name)
        shutil.copy(p.with_name(p.stem + ".meta.json"), src / (p.stem + ".meta.json"))
        assert build(default_home, src, "--out", out).exit_code == 0
    for name, text, day in extra:
        article(src, name, text, day)
        assert build(default_home, src, "--out", out).exit_code == 0
    assert build(default_home, src, "--out", whole).exit_code == 0
    for layer in ("control", "areas", "advances", "events", "places"):
        a = json.loads((out / f"{layer}.geojson").read_text(encoding="utf-8"))
        b = json.loads((whole / f"{layer}.geojson").read_text(encoding="utf-8"))
        assert a == b, layer
    assert len(json.loads((out / "advances.geojson").read_text(encoding="utf-8"))["features"]) >= 2
    page_a = (out / "index.html").read_text(encoding="utf-8")
    page_b = (whole / "index.html").read_text(encoding="utf-8")
    data_a = page_a.split('"layers":', 1)[1].split(";\n  const map", 1)[0]
    data_b = page_b.split('"layers":', 1)[1].split(";\n  const map", 1)[0]
    assert data_a == data_b and len(data_a) > 10_000


def test_a_bad_document_is_kept_with_its_error_and_retried(tmp_path, default_home):
    src, out = tmp_path / "news", tmp_path / "maps"
    article(src, "good", MANBIJ, "2016-08-12")
    (src / "bad.txt").write_bytes(b"\x00\x01binary\x00" * 50)
    res = build(default_home, src, "--out", out)
    assert res.exit_code == 1
    assert "bad.txt: binary file" in res.output
    st = status(out)
    assert not st["ok"] and st["documents"]["failed"] == 1 and "bad.txt" in st["failures"][0]
    assert control(out)["Manbij"]["holder"] == "kurds"  # the rest was built
    con = sqlite3.connect(out / ".geo" / "store.sqlite")
    assert con.execute("SELECT status, error FROM documents WHERE doc = 'bad.txt'").fetchone()[0] == "failed"
    con.close()

    # Next run: tried again (still failing), the good one not parsed again.
    res = build(default_home, src, "--out", out)
    assert res.exit_code == 1 and status(out)["documents"]["parsed"] == 0
    # Fixed: parsed, and the failure is gone.
    (src / "bad.txt").write_text(PALMYRA, encoding="utf-8")
    res = build(default_home, src, "--out", out)
    assert res.exit_code == 0, res.output
    assert status(out)["ok"] and control(out)["Tadmur"]["holder"] == "government"


def test_a_document_that_breaks_the_parser_does_not_stop_the_others(tmp_path, default_home, monkeypatch):
    from geo.geoparse import Geoparser

    src, out = tmp_path / "news", tmp_path / "maps"
    article(src, "a", MANBIJ, "2016-08-12")
    article(src, "b", PALMYRA + " TRIGGER", "2016-03-27")
    real = Geoparser.parse

    def fragile(self, text, **meta):
        if "TRIGGER" in text:
            raise RuntimeError("boom")
        return real(self, text, **meta)

    monkeypatch.setattr(Geoparser, "parse", fragile)
    res = build(default_home, src, "--out", out)
    assert res.exit_code == 1 and "b.txt: parse failed: RuntimeError: boom" in res.output
    assert "Manbij" in control(out) and "Tadmur" not in control(out)
    monkeypatch.setattr(Geoparser, "parse", real)
    res = build(default_home, src, "--out", out)  # retried, though the file did not change
    assert res.exit_code == 0 and status(out)["documents"]["parsed"] == 1
    assert "Tadmur" in control(out)


def test_a_missing_source_is_reported_and_the_others_built(tmp_path, default_home):
    src, out = tmp_path / "news", tmp_path / "maps"
    article(src, "a", MANBIJ, "2016-08-12")
    res = build(default_home, tmp_path / "nowhere", src, "--out", out)
    assert res.exit_code == 1
    assert f"{tmp_path / 'nowhere'}: no such file or folder" in res.output
    assert "Manbij" in control(out)


def test_two_builds_never_overlap(tmp_path, default_home):
    from geo.config import Config
    from geo.lock import BuildLock

    src, out = tmp_path / "news", tmp_path / "maps"
    article(src, "a", MANBIJ, "2016-08-12")
    with BuildLock(Config(out=out).lock_path):
        res = CliRunner().invoke(cli, ["--home", str(default_home), "build", str(src), "--out", str(out)])
    assert res.exit_code == EX_TEMPFAIL
    assert "another build is running" in res.output
    assert not (out / "index.html").exists()
    assert build(default_home, src, "--out", out).exit_code == 0  # the lock is released


def test_a_corrupt_store_is_set_aside_and_rebuilt(tmp_path, default_home):
    src, out = tmp_path / "news", tmp_path / "maps"
    article(src, "a", MANBIJ, "2016-08-12")
    assert build(default_home, src, "--out", out).exit_code == 0
    store = out / ".geo" / "store.sqlite"
    for suffix in ("-wal", "-shm"):
        Path(f"{store}{suffix}").unlink(missing_ok=True)
    store.write_bytes(b"this is not a database, it was overwritten by accident" * 100)
    article(src, "b", PALMYRA, "2016-03-27")
    res = build(default_home, src, "--out", out)
    assert res.exit_code == 0, res.output
    assert "not a usable geo store" in res.output and "moved it to" in res.output
    aside = list(store.parent.glob("store.sqlite.corrupt-*"))
    assert aside and aside[0].read_bytes().startswith(b"this is not a database")
    assert {"Manbij", "Tadmur"} <= set(control(out))
    assert status(out)["warnings"] and status(out)["documents"]["in_store"] == 2


def test_stale_temporary_files_of_a_killed_build_are_removed(tmp_path, default_home):
    src, out = tmp_path / "news", tmp_path / "maps"
    article(src, "a", MANBIJ, "2016-08-12")
    out.mkdir()
    (out / ".index.html.abc123").write_text("half a page")
    assert build(default_home, src, "--out", out).exit_code == 0
    assert not list(out.glob(".index.html.*"))


def test_status_json_records_the_run(tmp_path, default_home):
    src, out = tmp_path / "news", tmp_path / "maps"
    article(src, "a", MANBIJ, "2016-08-12")
    build(default_home, src, "--out", out)
    st = status(out)
    assert st["ok"] is True and st["duration_s"] > 0
    assert st["started"] <= st["finished"] and st["finished"].startswith("20")
    assert st["documents"] == {"seen": 1, "new": 1, "changed": 0, "parsed": 1, "failed": 0, "in_store": 1}
    assert st["as_of"] == "2016-08-12" and st["maps_redrawn"] is True


def test_events_at_places_no_gazetteer_has_are_reported_not_dropped_in_silence(tmp_path, default_home):
    src, out = tmp_path / "news", tmp_path / "maps"
    article(src, "a", "Islamic State fighters captured Kafr Zubeidiyeh and Manbij on Friday.\n", "2016-08-12")
    result = build(default_home, src, "--out", out)
    warnings = status(out)["warnings"]
    assert any("1 events name places no gazetteer here has" in w and "Kafr Zubeidiyeh" in w for w in warnings), \
        warnings
    assert "Kafr Zubeidiyeh" in result.output
    assert list(control(out)) == ["Manbij"]  # the placed one is drawn
    # a second run with nothing new warns no more
    build(default_home, src, "--out", out)
    assert status(out)["warnings"] == []


# ---------------------------------------------------------------------------------------------- geo.toml


def test_geo_toml_drives_the_build(tmp_path, default_home, monkeypatch):
    src = tmp_path / "news"
    article(src, "a", MANBIJ, "2016-08-12")
    (tmp_path / "geo.toml").write_text('out = "site"\nschedule = "15m"\nsources = ["news/"]\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(cli, ["--home", str(default_home), "build"], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    assert "Manbij" in control(tmp_path / "site")


def test_config_errors_name_the_file_and_the_key(tmp_path):
    from geo.config import ConfigError, load

    cases = {
        'sorces = ["x"]': "sorces: unknown key",
        'sources = ["x"]\nschedule = "often"': "schedule: 'often' is not an interval",
        'sources = ["ftp://example.org/feed"]': "sources[0]: 'ftp://example.org/feed': only http and https",
        'sources = [{feed = "x/y"}]': "sources[0]: feed 'x/y' is not an http(s) URL",
        'sources = [{path = "a", glob = "b"}]': "sources[0]: a table needs exactly one of path, glob or feed",
        'sources = []': "sources: no sources",
        'sources = ["x"]\nfactions = "missing.json"': "factions:",
        'sources = ["x"]\nfocus = ["Syria"]': "focus: must be a list of two-letter country codes",
        'sources = ["x"]\n[geocoder]\nonline = "google"': "geocoder.online: only \"nominatim\"",
        'sources = ["x"': "not valid TOML",
    }
    for text, expected in cases.items():
        path = tmp_path / "geo.toml"
        path.write_text(text, encoding="utf-8")
        with pytest.raises(ConfigError) as err:
            load(path)
        assert str(err.value).startswith(f"{path}: ") and expected in str(err.value), (text, str(err.value))
    with pytest.raises(ConfigError, match="no such file"):
        load(tmp_path / "absent.toml")


def test_config_sources_and_relative_paths(tmp_path):
    from geo.config import load

    (tmp_path / "f.json").write_text("{}")
    (tmp_path / "geo.toml").write_text(
        'out = "site"\nfactions = "f.json"\nfocus = ["sy", "IQ"]\nschedule = "1h30m"\n'
        'sources = ["news/", "archive/**/*.html", "https://example.org/rss.xml",'
        ' {feed = "http://example.net/atom", outlet = "Example Net"}]\n', encoding="utf-8")
    cfg = load(tmp_path / "geo.toml")
    assert cfg.out == tmp_path / "site" and cfg.store_path == tmp_path / "site" / ".geo" / "store.sqlite"
    assert cfg.factions == tmp_path / "f.json" and cfg.focus == ("SY", "IQ") and cfg.schedule == 5400
    kinds = [(s.kind, s.location, s.outlet) for s in cfg.sources]
    assert kinds == [("path", str(tmp_path / "news"), ""), ("glob", str(tmp_path / "archive/**/*.html"), ""),
                     ("feed", "https://example.org/rss.xml", ""), ("feed", "http://example.net/atom", "Example Net")]


def test_intervals():
    from geo.config import parse_interval

    assert [parse_interval(x) for x in ("15m", "1h", "1h30m", "90s", "1d", 30, "0.5s")] == \
        [900, 3600, 5400, 90, 86400, 30, 0.5]
    for bad in ("", "15", "m", "15 minutes", "0s", -5, "1h-5m"):
        with pytest.raises(ValueError):
            parse_interval(bad)


# ------------------------------------------------------------------------------------------------ watch


class FakeClock:
    def __init__(self) -> None:
        self.t = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 6))
        self.t += seconds


def test_runs_keep_to_their_grid_and_survive_failures():
    from geo.lock import BuildLocked
    from geo.schedule import repeat

    clock, log, started = FakeClock(), [], []
    durations = iter([10, 70, 20, 5, 0])
    outcomes = iter([None, RuntimeError("feed down"), BuildLocked("busy"), None, None])

    def run():
        started.append(clock.t)
        clock.t += next(durations)
        e = next(outcomes)
        if e:
            raise e

    failures = repeat(run, 60, runs=5, echo=log.append, sleep=clock.sleep, clock=clock)
    # 0: 10 s; 60: overran to 130, so the next slot is 180 (not a burst at 120); 180; 240; 300.
    assert started == [0, 60, 180, 240, 300]
    assert failures == 1
    assert any("run failed: RuntimeError: feed down" in m for m in log)
    assert any("skipped: busy" in m for m in log)


def test_geo_watch_runs_the_build_on_schedule(tmp_path, default_home):
    src, out = tmp_path / "news", tmp_path / "maps"
    article(src, "a", MANBIJ, "2016-08-12")
    res = CliRunner().invoke(cli, ["--home", str(default_home), "watch", str(src), "--out", str(out),
                                   "--every", "0.2s", "--runs", "2"], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    assert res.output.count("Manbij") >= 1 and "up to date" in res.output  # the second run found nothing new
    assert status(out)["documents"]["in_store"] == 1
    bad = CliRunner().invoke(cli, ["--home", str(default_home), "watch", str(src), "--out", str(out)])
    assert bad.exit_code != 0 and "how often" in bad.output


def test_a_json_lines_file_that_grows_is_read_again_and_only_its_new_lines_parsed(tmp_path, default_home):
    src, out = tmp_path / "news.jsonl", tmp_path / "maps"
    lines = [{"id": "m1", "text": MANBIJ, "published": "2016-08-12", "outlet": "Wire A"},
             {"id": "p1", "text": PALMYRA, "published": "2016-03-27", "outlet": "Wire B"}]
    src.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    assert build(default_home, src, "--out", out).exit_code == 0
    assert status(out)["documents"]["parsed"] == 2
    with open(src, "a", encoding="utf-8") as f:
        f.write(json.dumps({"id": "t1", "text": TALL_QRAH, "published": "2015-10-09"}) + "\n")
    assert build(default_home, src, "--out", out).exit_code == 0
    st = status(out)["documents"]
    assert (st["seen"], st["new"], st["parsed"], st["in_store"]) == (3, 1, 1, 3)
    assert control(out)["Tall Qarah"]["sources"][0]["doc"] == "t1"


def test_the_gazetteers_of_geo_toml_are_imported_once(tmp_path, default_home):
    from tests.test_import_bad_input import dump_row, write_dump

    home = tmp_path / "home"
    (home / "gazetteer").mkdir(parents=True)
    (home / "gazetteer" / "default.sqlite").symlink_to(default_home / "gazetteer" / "default.sqlite")
    write_dump(tmp_path / "mini.txt", [dump_row(9900001, "Zqurtiyeh", lat="36.3000", lon="37.1000")])
    article(tmp_path / "news", "a", "Rebels captured Zqurtiyeh on Monday, activists said.\n", "2016-02-01")
    (tmp_path / "geo.toml").write_text('sources = ["news/"]\ngazetteers = ["mini.txt"]\n', encoding="utf-8")
    args = ["--home", str(home), "build", "--config", str(tmp_path / "geo.toml")]
    res = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert res.exit_code == 0, res.output
    assert "importing gazetteer" in res.output
    assert control(tmp_path / "maps")["Zqurtiyeh"]["place_id"] == "geonames:9900001"
    res = CliRunner().invoke(cli, args, catch_exceptions=False)
    assert res.exit_code == 0 and "importing gazetteer" not in res.output


def test_a_build_that_stops_half_way_says_so_in_status_json(tmp_path, default_home, monkeypatch):
    import geo.build

    src, out = tmp_path / "news", tmp_path / "maps"
    article(src, "a", MANBIJ, "2016-08-12")

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(geo.build, "write_all", broken)
    res = CliRunner().invoke(cli, ["--home", str(default_home), "build", str(src), "--out", str(out)])
    assert res.exit_code == 1 and "No space left on device" in res.output and "Traceback" not in res.output
    st = status(out)
    assert st["ok"] is False and "No space left on device" in st["failures"][-1]
    assert not (out / "index.html").exists()


def test_a_newer_parser_reads_the_stored_articles_again(tmp_path, default_home, monkeypatch):
    import geo.build

    src, out = tmp_path / "news", tmp_path / "maps"
    article(src, "a", KHAN_TOUMAN, "2016-05-08")
    article(src, "b", TALL_QRAH, "2015-10-09")
    assert build(default_home, src, "--out", out).exit_code == 0
    build(default_home, src, "--out", out)
    assert status(out)["documents"]["parsed"] == 0
    # An upgrade of geo changes the parser's files: every stored article is parsed again.
    monkeypatch.setattr(geo.build, "parser_digest", lambda root=None: "a newer parser")
    assert build(default_home, src, "--out", out).exit_code == 0
    assert status(out)["documents"]["parsed"] == 2


def test_the_parser_digest_follows_the_parsers_files(tmp_path):
    from geo.build import parser_digest

    (tmp_path / "geoparse" / "data").mkdir(parents=True)
    (tmp_path / "events").mkdir()
    words = tmp_path / "geoparse" / "data" / "not_places.txt"
    words.write_text("Free Syrian Army\n", encoding="utf-8")
    (tmp_path / "events" / "extract.py").write_text("x = 1\n", encoding="utf-8")
    first = parser_digest(tmp_path)
    assert parser_digest(tmp_path) == first
    words.write_text("Free Syrian Army\nSyrian Arab Army\n", encoding="utf-8")  # a word list changes
    assert parser_digest(tmp_path) != first


def test_the_grid_finds_every_holding_within_reach():
    # Brute force against the grid: every point within reach of a position is among those it returns,
    # in Syria, near the antimeridian and far north.
    import math
    import random

    import numpy as np

    from geo.incremental import REACH_KM, _Grid

    rng = random.Random(3)
    lat = np.array([rng.uniform(32, 37.5) for _ in range(400)] + [rng.uniform(60, 75) for _ in range(100)]
                   + [rng.uniform(-20, -10) for _ in range(100)])
    lon = np.array([rng.uniform(35, 42.5) for _ in range(400)] + [rng.uniform(170, 180) for _ in range(50)]
                   + [rng.uniform(-180, -170) for _ in range(50)] + [rng.uniform(177, 180) for _ in range(100)])
    targets = [(rng.uniform(32, 37.5), rng.uniform(35, 42.5)) for _ in range(200)] \
        + [(rng.uniform(60, 75), rng.choice([179.5, -179.5, 175.0])) for _ in range(50)] \
        + [(rng.uniform(-20, -10), 179.9) for _ in range(20)] + [(rng.uniform(-20, -10), 178.0) for _ in range(20)]
    grid = _Grid(lat, lon, REACH_KM)

    def km(a, b, c, d):
        p, q = math.radians(a), math.radians(c)
        h = math.sin((q - p) / 2) ** 2 + math.cos(p) * math.cos(q) * math.sin(math.radians(d - b) / 2) ** 2
        return 2 * 6371.0088 * math.asin(math.sqrt(min(h, 1.0)))

    checked = 0
    for t_lat, t_lon in targets:
        within = {i for i in range(len(lat)) if km(t_lat, t_lon, lat[i], lon[i]) <= REACH_KM}
        got = set(grid.around(t_lat, t_lon).tolist())
        assert within <= got, (t_lat, t_lon, within - got)
        checked += len(within)
    assert checked > 200  # the test compared real neighbours, not empty sets
    assert len(grid.around(35.0, 38.0)) < len(lat) / 2  # and the grid does leave most points out


def test_an_advance_is_redrawn_when_a_holding_near_it_changes(tmp_path, default_home):
    """A place whose own reports did not change still gets a new arrow when its attacker takes a town
    within reach of it: the incremental map equals the map built whole."""
    src, out, whole = tmp_path / "news", tmp_path / "maps", tmp_path / "whole"
    article(src, "a", "Islamic State fighters advanced toward the Kweires air base on Sunday.\n", "2015-10-12")
    assert build(default_home, src, "--out", out).exit_code == 0
    before = json.loads((out / "advances.geojson").read_text(encoding="utf-8"))["features"]
    article(src, "b", TALL_QRAH, "2015-10-10")
    assert build(default_home, src, "--out", out).exit_code == 0
    assert build(default_home, src, "--out", whole).exit_code == 0
    a = json.loads((out / "advances.geojson").read_text(encoding="utf-8"))
    b = json.loads((whole / "advances.geojson").read_text(encoding="utf-8"))
    assert a == b
    assert a["features"] != before  # the arrow to Kweires now starts from the villages IS took

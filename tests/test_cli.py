"""The command line is a thin layer: these tests check what a user sees and the exit codes."""

from __future__ import annotations

import json

from click.testing import CliRunner

from geo.cli.main import cli
from tests.conftest import shared_path


def invoke(home, *args):
    return CliRunner().invoke(cli, ["--home", str(home), *args], catch_exceptions=False)


def test_help_lists_the_subcommands():
    out = CliRunner().invoke(cli, ["--help"]).output
    assert "gazetteer" in out and "build" in out
    out = CliRunner().invoke(cli, ["gazetteer", "--help"]).output
    for sub in ("import", "lookup", "info"):
        assert sub in out


def test_lookup_json_has_the_documented_fields(sy_home):
    res = invoke(sy_home, "gazetteer", "lookup", "Tal Qarah", "--json", "--limit", "3")
    assert res.exit_code == 0, res.output
    rows = json.loads(res.output)
    assert 1 <= len(rows) <= 3
    for key in ("name", "lat", "lon", "id", "source", "feature_code", "country", "admin1", "score"):
        assert key in rows[0]
    assert rows[0]["id"] == "geonames:163484"
    assert rows == sorted(rows, key=lambda r: -r["score"])


def test_lookup_options_near_country_and_bad_input(sy_home):
    res = invoke(sy_home, "gazetteer", "lookup", "Palmyra", "--country", "SY", "--near", "34.5,38.3", "--json")
    rows = json.loads(res.output)
    assert rows and all(r["country"] == "SY" for r in rows) and "distance_km" in rows[0]
    res = CliRunner().invoke(cli, ["--home", str(sy_home), "gazetteer", "lookup", "Aleppo", "--near", "95,1"])
    assert res.exit_code == 2 and "--near" in res.output
    res = invoke(sy_home, "gazetteer", "lookup", "Xqzvwy Jjkkq")
    assert res.exit_code == 1


def test_import_and_info_through_the_cli(tmp_path, default_home):
    sy_txt = shared_path("data", "geonames-sy", "SY.txt")
    home = tmp_path / "home"
    (home / "gazetteer").mkdir(parents=True)
    (home / "gazetteer" / "default.sqlite").write_bytes((default_home / "gazetteer" / "default.sqlite").read_bytes())
    bad = tmp_path / "broken.txt"
    bad.write_text("not\ta\tdump\n", encoding="utf-8")
    res = CliRunner().invoke(cli, ["--home", str(home), "gazetteer", "import", str(sy_txt), str(bad)])
    assert res.exit_code == 1  # one file failed...
    assert "10,553 places into 'SY'" in res.output  # ...and the other was imported
    assert str(bad) in res.output and "wrong column count" in res.output
    again = invoke(home, "gazetteer", "import", str(sy_txt))
    assert again.exit_code == 0 and "unchanged" in again.output
    info = json.loads(invoke(home, "gazetteer", "info", "--json").output)
    by_source = {r["source"]: r for r in info}
    assert by_source["SY"]["places"] == 10553 and by_source["default"]["places"] > 200_000
    assert "built" in invoke(home, "gazetteer", "info").output


def test_home_comes_from_the_environment(tmp_path, monkeypatch, default_home):
    monkeypatch.setenv("GEO_HOME", str(default_home))
    res = CliRunner().invoke(cli, ["gazetteer", "info", "--json"])
    assert res.exit_code == 0
    assert {r["source"] for r in json.loads(res.output)} == {"default"}


def test_build_prints_and_writes_the_resolved_places(tmp_path, default_home):
    seeds = shared_path("seeds")
    out = tmp_path / "maps"
    res = invoke(default_home, "build", str(seeds), "--out", str(out))
    assert res.exit_code == 0, res.output
    places = json.loads((out / "places.json").read_text(encoding="utf-8"))
    by_id = {p["id"]: p for p in places}
    assert {"geonames:163484", "icao:OS66", "curated:madrasat-al-mushat", "geonames:170063"} <= set(by_id)
    assert "Tall Qarah" in res.output
    # Every place cites its mentions: document, offsets, sentence.
    m = by_id["geonames:163484"]["mentions"][0]
    assert m["text"] == "Tall Qrah" and "Tall Qrah" in m["sentence"] and m["end"] > m["start"]

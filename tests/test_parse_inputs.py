"""geo parse on bad and varied input: nothing crashes, failures are records, the exit code tells."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from geo.cli.main import cli
from geo.documents import Document, DocumentError, read


def run_parse(home, *args, input=None):
    res = CliRunner().invoke(cli, ["--home", str(home), "parse", *args], input=input, catch_exceptions=False)
    lines = [json.loads(x) for x in res.stdout.splitlines() if x.strip()]
    return res, lines


def test_text_with_sidecar_metadata_and_jsonl_and_stdin(tmp_path, default_home):
    (tmp_path / "a.txt").write_text("Rebels took Khan Touman.", encoding="utf-8")
    (tmp_path / "a.meta.json").write_text(json.dumps({"title": "T", "published": "2016-05-08",
                                                      "outlet": "VICE", "url": "https://x.test/a"}))
    (tmp_path / "b.jsonl").write_text(json.dumps({"id": "b1", "text": "Shelling in Idlib."}) + "\n", encoding="utf-8")
    res, lines = run_parse(default_home, str(tmp_path))
    assert res.exit_code == 0, res.output
    by_doc = {d["doc"]: d for d in lines}
    a = by_doc["a.txt"]
    assert (a["title"], a["published"], a["outlet"]) == ("T", "2016-05-08", "VICE")
    assert [t["text"] for t in a["toponyms"]] == ["Khan Touman"]
    assert [t["text"] for t in by_doc["b1"]["toponyms"]] == ["Idlib"]
    res, lines = run_parse(default_home, "-", input="Fighting near Manbij.")
    assert lines[0]["doc"] == "stdin" and lines[0]["toponyms"][0]["text"] == "Manbij"


def test_empty_binary_and_invalid_utf8_files(tmp_path, default_home):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blob.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (tmp_path / "latin1.txt").write_bytes("Les rebelles à Alep et à Idlib.".encode("latin-1"))
    (tmp_path / "ok.txt").write_text("Clashes in Hama.", encoding="utf-8")
    res, lines = run_parse(default_home, str(tmp_path))
    assert res.exit_code == 1  # the binary file failed...
    by_doc = {d["doc"]: d for d in lines}
    assert "binary" in by_doc["blob.txt"]["error"]
    assert by_doc["empty.txt"]["toponyms"] == []
    assert "not valid UTF-8" in " ".join(by_doc["latin1.txt"]["warnings"])
    assert [t["text"] for t in by_doc["latin1.txt"]["toponyms"]] == ["Alep", "Idlib"]  # Alep: French for Aleppo
    assert [t["text"] for t in by_doc["ok.txt"]["toponyms"]] == ["Hama"]  # ...and the rest went on
    assert "blob.txt" in res.stderr


def test_bad_jsonl_lines_are_error_records_and_the_rest_go_on(tmp_path):
    path = tmp_path / "feed.jsonl"
    path.write_text('{"text": "In Homs."}\nnot json\n{"title": "no text"}\n{"text": "In Hama."}\n', encoding="utf-8")
    docs = list(read([path]))
    assert [type(d).__name__ for d in docs] == ["Document", "DocumentError", "DocumentError", "Document"]
    assert docs[1].source.endswith("feed.jsonl:2") and "not JSON" in docs[1].error


def test_html_with_scripts_is_read_as_text(tmp_path, default_home):
    page = tmp_path / "page.html"
    page.write_text("<html><head><title>Aleppo news</title><script>var Damascus = 1;</script></head>"
                    "<body><p>Rebels advanced on <b>Idlib</b>.</p><style>.Homs{}</style></body></html>",
                    encoding="utf-8")
    (doc,) = list(read([page]))
    assert isinstance(doc, Document)
    assert "Idlib" in doc.text and "Damascus" not in doc.text and "Homs" not in doc.text
    assert doc.title == "Aleppo news"


def test_a_missing_file_is_an_error_record(tmp_path):
    (err,) = list(read([tmp_path / "nope.txt"]))
    assert isinstance(err, DocumentError) and err.error == "no such file"


_BIG = r"""
import json, sys, time
from geo.gazetteer.lookup import Gazetteer
from geo.geoparse import Geoparser
parser = Geoparser(Gazetteer(sys.argv[1]))
para = "Government forces shelled the rebel-held town of Kafrnaha. " + "Talks went on while analysts wrote " \
       "long reports about the economy and the weather and the prices of bread. " * 25 + "\n"
parser.parse(para * 10)
sizes = {}
for n in (1_000, 10_000):
    text = para * n
    t = time.perf_counter()
    doc = parser.parse(text)
    sizes[n] = (len(text), time.perf_counter() - t, len(doc["toponyms"]))
    del text, doc
# VmHWM, not ru_maxrss: the latter survives exec and would report the forking pytest's own peak.
hwm = next(line for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(json.dumps({"sizes": sizes, "peak_mb": int(hwm.split()[1]) / 1024}))
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads peak memory from Linux /proc")
def test_a_20_mb_text_runs_in_linear_time_and_bounded_memory(default_home):
    # In a process of its own, so that its peak memory is its own.
    out = subprocess.run([sys.executable, "-c", _BIG, str(default_home)], capture_output=True, text=True,
                         timeout=600, check=True)
    got = json.loads(out.stdout)
    (_, t_small, n_small), (chars_big, t_big, n_big) = got["sizes"]["1000"], got["sizes"]["10000"]
    assert chars_big > 19_000_000
    assert (n_small, n_big) == (1_000, 10_000)
    assert t_big < 10 * t_small * 2.5  # ten times the text, about ten times the time
    # The process with its gazetteer loaded takes ~130 MB; 20 MB of text must not add more than a few times
    # its own size (recognition holds one 500 kB chunk's words at a time).
    assert got["peak_mb"] < 350, got


def test_html_main_text_comes_from_trafilatura_not_the_fallback():
    """trafilatura is a dependency: it must import (lxml 6 moved lxml.html.clean out, see pyproject.toml)
    and keep the article while dropping the page's navigation, scripts and footer."""
    from geo.documents import extract_html

    page = ("<html><head><title>Kurds take Manbij | Wire</title><script>var s = 'Rebels took Damascus';</script>"
            "</head><body><nav>Home | Syria | Iraq | Homs news</nav><article><h1>Kurds take Manbij</h1><p>Kurdish "
            "YPG fighters captured Manbij from Islamic State on Friday, the Syrian Observatory said. The town lies "
            "near the Turkish border and had been held by the group since 2014.</p></article>"
            "<footer>More from Aleppo</footer></body></html>")
    text, title, warnings = extract_html(page)
    assert warnings == []
    assert "captured Manbij from Islamic State" in text and title == "Kurds take Manbij | Wire"
    assert "Damascus" not in text and "Homs news" not in text and "More from Aleppo" not in text

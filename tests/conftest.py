"""Shared fixtures. The embedded default index takes seconds to build, so it is built once a session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"
TESTS = Path(__file__).resolve().parent


def pytest_report_header(config: pytest.Config) -> str:
    """Which geo the session tests: the source tree, or an installed build (CI runs the suite on both)."""
    import geo.geoparse.recognize as recognize

    build = "pure Python" if recognize.__file__.endswith(".py") else "compiled (mypyc)"
    return f"geo under test: {build}, {Path(recognize.__file__).parent.parent}"


def shared_path(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"../shared is absent ({path} not found): this test reads the shared evaluation data")
    return path


@pytest.fixture(scope="session")
def default_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home with only the embedded default index."""
    from geo.gazetteer.embedded import ensure_default

    home = tmp_path_factory.mktemp("default-home")
    ensure_default(home)
    return home


@pytest.fixture(scope="session")
def sy_home(tmp_path_factory: pytest.TempPathFactory, default_home: Path) -> Path:
    """The default index plus ../shared's SY.zip and admin1CodesASCII.txt imported."""
    from geo.gazetteer.importer import import_file

    sy_zip = shared_path("data", "geonames-sy", "SY.zip")
    home = tmp_path_factory.mktemp("sy-home")
    (home / "gazetteer").mkdir()
    shutil.copy(default_home / "gazetteer" / "default.sqlite", home / "gazetteer" / "default.sqlite")
    for spec in (sy_zip, sy_zip.with_name("admin1CodesASCII.txt")):
        report = import_file(str(spec), home)
        assert report.status == "imported", report.summary()
    return home

"""Hatchling build hook: compile geoparse's hot modules with mypyc into a regular wheel.

Compiling is only a speed-up, never a requirement: with no C compiler, no Python headers, a
mypy that rejects the code, or GEO_PURE_PYTHON=1, the wheel is the pure-Python one, with a
warning. Editable installs are never compiled, so a developer's .py edits always take effect.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

# The parse path (geo parse: recognition, resolution, events) with the gazetteer lookup and the record
# classes it reads most; the rest of geo stays interpreted and imports them as usual. (Not geo/point.py:
# a compiled Coordinate would refuse a bad latitude with a TypeError, not with InvalidCoordinate.)
COMPILED = ["geo/gazetteer/place.py", "geo/gazetteer/lookup.py", "geo/names.py",
            "geo/geoparse/__init__.py", "geo/geoparse/lexicon.py", "geo/geoparse/tokens.py",
            "geo/geoparse/recognize.py", "geo/geoparse/resolve.py",
            "geo/events/extract.py", "geo/events/actors.py", "geo/events/dates.py", "geo/events/locate.py"]


def _pure_requested() -> bool:
    return os.environ.get("GEO_PURE_PYTHON", "") not in ("", "0")


class MypycHook(BuildHookInterface):
    _work: str | None = None

    def dependencies(self) -> list[str]:
        # So that a forced pure build needs neither mypy nor setuptools (e.g. where they won't install).
        return [] if _pure_requested() else ["mypy>=1.10", "setuptools>=61"]

    def initialize(self, version: str, build_data: dict) -> None:
        if self.target_name != "wheel" or version == "editable" or _pure_requested():
            return
        self._work = tempfile.mkdtemp(prefix="geo-mypyc-")
        # A child process, so that whatever mypyc or the compiler does (exit, crash, litter the
        # current directory) can't fail this build or touch the source tree.
        run = subprocess.run([sys.executable, __file__, self.root, self._work],
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        lib = Path(self._work, "lib")
        built = {str(p): p.relative_to(lib).as_posix() for p in lib.rglob("*") if p.is_file()}
        if run.returncode or not built:
            tail = "\n".join(run.stdout.splitlines()[-15:])
            self.app.display_warning(f"geo: mypyc compile failed, building the pure-Python wheel instead:\n{tail}")
            return
        build_data["pure_python"] = False
        build_data["infer_tag"] = True  # the .so files are for this interpreter and platform only
        build_data["force_include"].update(built)

    def finalize(self, version: str, build_data: dict, artifact_path: str) -> None:
        if self._work:
            shutil.rmtree(self._work, ignore_errors=True)


def _compile(root: str, work: str) -> None:
    """Runs in the child: build the extension modules into WORK/lib."""
    from mypyc.build import mypycify
    from setuptools import setup

    # mypy and setuptools write into the current directory, and setuptools would read the
    # project's pyproject.toml from it as its own: so work from the scratch directory.
    os.chdir(work)
    # The build environment lacks geo's runtime dependencies (rapidfuzz, unidecode...), and
    # mypyc fails on any type error in a module it merely follows: neither is a fault in the
    # compiled modules, which are still checked in full.
    args = ["--ignore-missing-imports", "--follow-imports=silent", f"--config-file={root}/pyproject.toml"]
    extensions = mypycify(args + [os.path.join(root, p) for p in COMPILED], target_dir=os.path.join(work, "c"))
    setup(name="geo-compiled", ext_modules=extensions,
          script_args=["build_ext", "--build-lib", "lib", "--build-temp", "tmp"])


if __name__ == "__main__":
    _compile(*sys.argv[1:3])

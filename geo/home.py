"""Where indexes and caches live: ``--home``, else ``GEO_HOME``, else a per-user data directory."""

from __future__ import annotations

import os
from pathlib import Path


def geo_home(home: str | os.PathLike[str] | None = None) -> Path:
    if home is None:
        home = os.environ.get("GEO_HOME") or None
    if home is None:
        from platformdirs import user_data_dir

        home = user_data_dir("geo", appauthor=False)
    path = Path(home).expanduser()
    path.mkdir(parents=True, exist_ok=True)
    return path

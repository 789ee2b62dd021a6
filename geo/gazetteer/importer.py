"""Import GeoNames dumps into the persistent index."""

from __future__ import annotations

import gc
import os
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from geo.exc import GazetteerError, ImportFailed
from geo.gazetteer import fetch, geonames, parallel
from geo.gazetteer.index import IndexBuilder, index_path, read_meta
from geo.home import geo_home
from geo.policy import OnInvalid

ADMIN1_SOURCE = "admin1"
RESERVED_SOURCES = {"default"}
PARALLEL_FROM_BYTES = 16 << 20
HELPER_FROM_BYTES = 256 << 10  # below this, starting a second process costs more than it saves

Progress = Callable[[str, int, int | None], None]  # (what, done, total) in bytes


@dataclass
class ImportReport:
    """What an import did, in words a user can act on."""

    spec: str
    source: str = ""
    path: str = ""
    status: str = "failed"  # imported | unchanged | kept-previous | failed
    rows: int = 0
    names: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    examples: list[str] = field(default_factory=list)
    damaged: str = ""
    error: str = ""
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status in ("imported", "unchanged") and not self.damaged and not self.skipped

    @property
    def rate(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0

    def summary(self) -> str:
        where = self.path or self.spec
        if self.status == "failed":
            return f"{where}: import failed: {self.error}; the previous index is unchanged"
        if self.status == "unchanged":
            text = f"{where}: unchanged since its last import ({self.rows:,} places in '{self.source}')"
            if self.skipped or self.damaged:
                text += f"; that import skipped {sum(self.skipped.values()):,} rows"
                text += f"; {self.damaged}" if self.damaged else ""
            return text
        parts = [f"{where}: {self.rows:,} places into '{self.source}' in {self.seconds:.1f} s"]
        if self.skipped:
            total = sum(self.skipped.values())
            detail = ", ".join(f"{n:,} {reason}" for reason, n in sorted(self.skipped.items()))
            parts.append(f"skipped {total:,} rows ({detail})")
        if self.damaged:
            parts.append(self.damaged)
        if self.status == "kept-previous":
            parts.append("the previous, larger index of this source was kept")
        return "; ".join(parts)


def source_name(path: Path) -> str:
    if geonames.is_admin1_file(path):
        return ADMIN1_SOURCE
    stem = path.name.split(".")[0] or "source"
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in stem)
    return "import-" + safe if safe in RESERVED_SOURCES else safe


def import_file(
    spec: str,
    home: Path | str | None = None,
    *,
    on_invalid: str | OnInvalid = OnInvalid.WARN,
    timeout: float = 30.0,
    progress: Progress | None = None,
    force: bool = False,
    workers: int | None = None,
) -> ImportReport:
    """Import one dump (path, URL or dump name). Never raises for bad input: the report says what went wrong."""
    policy = OnInvalid.get(on_invalid)
    home = geo_home(home)
    report = ImportReport(spec=spec)
    t0 = time.perf_counter()
    try:
        path = fetch.resolve(
            spec, home / "downloads", timeout=timeout,
            progress=(lambda d, t: progress("download", d, t)) if progress else None,
        )
    except (GazetteerError, OSError) as e:
        report.error = str(e)
        return report
    report.path = str(path)
    report.source = source = source_name(path)
    final = index_path(home, source)
    digest = fetch.sha256_of(path)
    previous = read_meta(final)
    if previous and previous.get("sha256") == digest and not force:
        report.status = "unchanged"
        report.rows = int(previous.get("places", 0) or previous.get("admin1", 0))
        # What was wrong with the file the first time is still wrong: say it again.
        report.skipped = dict(previous.get("skipped") or {})
        report.damaged = previous.get("damaged") or ""
        report.seconds = time.perf_counter() - t0
        return report

    problems = geonames.Problems(path=str(path))
    strict = policy is OnInvalid.RAISE
    builder = IndexBuilder(final, source)
    total_bytes = None if path.suffix == ".zip" else path.stat().st_size
    shards: list[Path] = []
    meta: dict = {}
    # An import makes a great many short-lived tuples that hold no cycles: the cyclic collector would
    # scan them again and again and free nothing (a tenth of the time of a one-process import).
    collecting = gc.isenabled()
    gc.disable()
    try:
        done = 0
        helper_bytes = None
        if workers is None:
            # Parsing is the cost; extra processes pay for themselves only past a few blocks.
            # A small country file stays one index (every shard costs each lookup a query), parsed with
            # a forked helper on the second core. The blocks are held in memory for it: small text only.
            cores = min(2, os.cpu_count() or 1)
            workers = cores if path.stat().st_size > PARALLEL_FROM_BYTES else 1
            if cores > 1 and workers == 1 and source != ADMIN1_SOURCE and parallel.can_fork_helper():
                text = geonames.text_size(path)
                helper_bytes = text if text and HELPER_FROM_BYTES <= text <= PARALLEL_FROM_BYTES else None
        if source == ADMIN1_SOURCE:
            for rows in geonames.iter_admin1(path, problems, strict):
                builder.add_admin1(rows)
                report.rows += len(rows)
        elif workers > 1:
            built = parallel.build_shards(
                path, final, source, problems, strict=strict, workers=workers,
                progress=(lambda d: progress("import", d, total_bytes)) if progress else None)
            shards = built.paths
            report.rows, report.names = built.places, built.names
            meta = {"shards": [p.name for p in shards], "places": built.places, "names": built.names}
        elif helper_bytes:
            parallel.build_with_helper(
                path, builder, problems, strict=strict, block_bytes=max(32 << 10, helper_bytes // 32),
                progress=(lambda d: progress("import", d, total_bytes)) if progress else None)
            report.rows = builder.places
            report.names = builder.names
        else:
            for places, names, nbytes in geonames.iter_parsed(path, problems, strict):
                builder.add(places, names)
                done += nbytes
                if progress:
                    progress("import", done, total_bytes)
            report.rows = builder.places
            report.names = builder.names
        if strict and problems.damaged:
            raise geonames.RowError(f"{path}: {problems.damaged}")
        if report.rows == 0:
            raise ImportFailed(f"{path}: no readable rows" + (f" ({problems.damaged})" if problems.damaged else ""))
        report.skipped = dict(problems.counts)
        report.examples = [] if policy is OnInvalid.IGNORE else list(problems.examples)
        report.damaged = problems.damaged
        if problems.damaged and previous and int(previous.get("places", 0)) > report.rows:
            # A cut-off download must not replace a complete index of the same source.
            builder.abort()
            parallel.remove(shards)
            report.status = "kept-previous"
        else:
            builder.commit({
                "path": str(path), "spec": spec, "sha256": digest, "kind": "geonames",
                "skipped": report.skipped, "damaged": report.damaged, **meta,
            })
            report.status = "imported"
            # The new index is in place: shards of the one it replaced (or of killed imports) can go.
            parallel.remove(parallel.stale_files(final, keep=[p.name for p in shards]))
    except (geonames.RowError, ImportFailed, OSError, zipfile.BadZipFile) as e:
        builder.abort()
        parallel.remove(shards)
        report.status = "failed"
        report.error = f"{path}: {e}" if str(path) not in str(e) else str(e)
        report.skipped = dict(problems.counts)
        report.examples = list(problems.examples)
    except BaseException:
        builder.abort()
        parallel.remove(shards)
        raise
    finally:
        if collecting:
            gc.enable()
    report.seconds = time.perf_counter() - t0
    return report


def import_files(specs: list[str], home: Path | str | None = None, **kwargs) -> list[ImportReport]:
    """Import several dumps; one that fails does not stop the others."""
    return [import_file(spec, home, **kwargs) for spec in specs]

"""Import a large dump on every core: each worker parses blocks and writes its own index shard.

Parsing names is the cost of an import, and so are inserting rows and building the indexes; a worker
that does all three for its share of the blocks keeps both cores busy to the end, with nothing pickled
back to the main process. The main process only reads and hands out blocks (at most two per worker in
flight, so memory stays flat). Shards carry a generation in their names; the caller switches to them by
renaming the source's main index file, which lists them, into place.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import queue
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from geo.exc import ImportFailed
from geo.gazetteer import geonames
from geo.gazetteer.index import IndexBuilder

SHARD_SUFFIX = ".shard"


@dataclass
class Shards:
    paths: list[Path]
    places: int
    names: int


def shard_paths(final: Path, workers: int) -> list[Path]:
    generation = f"{time.time_ns():x}{os.getpid():x}"
    return [final.with_name(f"{final.stem}.{generation}-{k}{SHARD_SUFFIX}") for k in range(workers)]


def stale_files(final: Path, keep: list[str]) -> list[Path]:
    """What earlier imports of this source left: shards no index refers to (replaced, or written by a
    killed import), and temporary files of processes that no longer run."""
    stale = [p for p in final.parent.glob(f"{final.stem}.*{SHARD_SUFFIX}") if p.name not in keep]
    for tmp in [*final.parent.glob(f".{final.name}.*.tmp"), *final.parent.glob(f".{final.stem}.*{SHARD_SUFFIX}.*.tmp")]:
        pid = tmp.name.rsplit(".", 2)[-2]
        if pid.isdigit() and not _alive(int(pid)):
            stale.append(tmp)
    return stale


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def build_shards(
    dump: Path,
    final: Path,
    source: str,
    problems: geonames.Problems,
    *,
    strict: bool,
    workers: int,
    progress: Callable[[int], None] | None = None,
) -> Shards:
    ctx = mp.get_context("fork" if "fork" in mp.get_all_start_methods() else "spawn")
    paths = shard_paths(final, workers)
    tasks = ctx.Queue(maxsize=2 * workers)
    results = ctx.Queue()
    procs = [
        ctx.Process(target=_worker, args=(p, source, str(dump), strict, tasks, results), daemon=True)
        for p in paths
    ]
    for p in procs:
        p.start()
    outcomes: list[tuple] = []
    try:
        done = 0
        for job in geonames.jobs(dump, problems, strict):
            _put(tasks, job, results, outcomes, procs)
            done += len(job[0])
            if progress:
                progress(done)
        for _ in procs:
            _put(tasks, None, results, outcomes, procs)
        while len(outcomes) < len(procs):
            _collect(results, outcomes, procs, block=True)
        for p in procs:
            p.join()
        failures = [o for o in outcomes if o[0] == "error"]
        for o in outcomes:
            problems.merge(o[3])
        if failures:
            kind, message = failures[0][1], failures[0][2]
            raise geonames.RowError(message) if kind == "RowError" else ImportFailed(message)
        return Shards(paths=[p for p in paths if p.exists()], places=sum(o[1] for o in outcomes if o[0] == "ok"),
                      names=sum(o[2] for o in outcomes if o[0] == "ok"))
    except BaseException:
        for p in procs:
            if p.is_alive():
                p.terminate()
            p.join()
        remove(paths)
        raise


def remove(paths: list[Path]) -> None:
    for p in paths:
        p.unlink(missing_ok=True)
        for tmp in p.parent.glob(f".{p.name}.*.tmp"):
            tmp.unlink(missing_ok=True)


def _put(tasks, job, results, outcomes, procs) -> None:
    """Hand a job out; notice a worker that failed instead of waiting on it forever."""
    while True:
        try:
            tasks.put(job, timeout=0.2)
            return
        except queue.Full:
            _collect(results, outcomes, procs, block=False)
            if any(o[0] == "error" for o in outcomes):
                raise ImportFailed(next(o[2] for o in outcomes if o[0] == "error")) from None


def _collect(results, outcomes, procs, *, block: bool) -> None:
    try:
        outcomes.append(results.get(timeout=0.5 if block else 0.0))
    except queue.Empty:
        dead = [p for p in procs if p.exitcode not in (None, 0)]
        if dead and len(outcomes) < len(procs):
            raise ImportFailed(f"an import worker died (exit code {dead[0].exitcode})") from None


def _worker(path: Path, source: str, dump: str, strict: bool, tasks, results) -> None:
    problems = geonames.Problems(path=dump)
    builder = IndexBuilder(path, source, cache_mb=24)  # per worker: the workers' caches add up
    try:
        while (job := tasks.get()) is not None:
            block, lineno, index = job
            places, names, _ = geonames.parse_dump_block(
                block, lineno, index * geonames.ROWS_PER_BLOCK, problems, strict)
            builder.add(places, names)
        if builder.places:
            builder.commit({"kind": "shard", "shard_of": source})
        else:
            builder.abort()
        results.put(("ok", builder.places, builder.names, problems))
    except BaseException as e:  # report, never hang the main process
        builder.abort()
        results.put(("error", type(e).__name__, str(e), problems))

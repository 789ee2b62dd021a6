"""Import a dump on two cores.

A large dump: each worker parses blocks and writes its own index shard. Parsing names is the cost of an
import, and so are inserting rows and building the indexes; a worker that does all three for its share
of the blocks keeps both cores busy to the end, with nothing pickled back to the main process. The main
process only reads and hands out blocks (at most two per worker in flight, so memory stays flat). Shards
carry a generation in their names; the caller switches to them by renaming the source's main index file,
which lists them, into place.

A small dump stays one index (every shard costs each lookup a query): a forked helper parses the second
half of it into a file of its own while the main process parses the first, and its rows are copied into
the main index before that is indexed (see ``build_with_helper``).
"""

from __future__ import annotations

import multiprocessing as mp
import os
import pickle
import queue
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

from geo.exc import ImportFailed
from geo.gazetteer import geonames
from geo.gazetteer.index import IndexBuilder, temp_path

SHARD_SUFFIX = ".shard"
# The main process's part of a small dump, in bytes: a little under half, as a GeoNames dump is in
# geonameid order and its first, older rows carry more alternate names (SY.txt: 10% more in its first half).
_MAIN_SHARE = 0.47


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


def can_fork_helper() -> bool:
    """A forked child gets only the thread that forked: a lock another thread held stays locked in it."""
    return "fork" in mp.get_all_start_methods() and threading.active_count() == 1


def build_with_helper(
    dump: Path,
    builder: IndexBuilder,
    problems: geonames.Problems,
    *,
    strict: bool,
    block_bytes: int,
    progress: Callable[[int], None] | None = None,
) -> None:
    """Parse ``dump`` into ``builder`` with a forked helper taking the second half of its blocks.

    The helper writes its rows, unindexed, into a temporary file of its own (named after its pid, so a
    killed import's file is recognised as stale), which ``builder`` then copies: copying rows inside
    SQLite costs a small part of parsing them. Place ids come from block numbers, so they follow the file
    as in an index built by one process, and lookups find the same. The blocks are read first (a small
    dump fits in memory) and the helper inherits them, so nothing is sent to it; it sends back one pickle,
    its counts and problems. A bare fork and pipe: multiprocessing's cost more to start than the helper
    saves on a small file.
    """
    jobs = list(geonames.jobs(dump, problems, strict, block_bytes))
    total = sum(len(block) for block, _, _ in jobs)
    half, size = 0, 0
    while half < len(jobs) and size < total * _MAIN_SHARE:
        size += len(jobs[half][0])
        half += 1
    read_end, write_end = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        raise
    if pid == 0:
        os.close(read_end)
        _helper(jobs[half:], builder.final, builder.source, str(dump), strict, write_end)
    os.close(write_end)  # the helper holds the only writing end: its death reads as end of file
    part = temp_path(builder.final, pid)
    try:
        done = 0
        for block, lineno, index in jobs[:half]:
            places, names, _ = geonames.parse_dump_block(
                block, lineno, index * geonames.ROWS_PER_BLOCK, problems, strict)
            builder.add(places, names)
            done += len(block)
            if progress:
                progress(done)
        with open(read_end, "rb", closefd=False) as results:
            sent = results.read()
        _, status = os.waitpid(pid, 0)
        pid = 0
        if not sent:
            raise ImportFailed(f"the import helper died (exit code {os.waitstatus_to_exitcode(status)})")
        outcome = pickle.loads(sent)
        problems.merge(outcome[-1])
        if outcome[0] == "error":
            raise geonames.RowError(outcome[2]) if outcome[1] == "RowError" else ImportFailed(outcome[2])
        if outcome[1]:
            builder.merge(part, outcome[1], outcome[2])
        if progress:
            progress(total)
    finally:
        os.close(read_end)
        if pid:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        part.unlink(missing_ok=True)  # attached to builder's connection until it closes; POSIX allows this


def _helper(jobs: list[tuple[bytes, int, int]], final: Path, source: str, dump: str, strict: bool,
            results: int) -> NoReturn:
    """The forked helper's whole life: it leaves by os._exit, never returning into the caller's code."""
    code = 1
    try:
        problems = geonames.Problems(path=dump)
        builder = None
        try:
            builder = IndexBuilder(final, source)
            for block, lineno, index in jobs:
                places, names, _ = geonames.parse_dump_block(
                    block, lineno, index * geonames.ROWS_PER_BLOCK, problems, strict)
                builder.add(places, names)
            builder.close_unindexed()
            outcome: tuple = ("ok", builder.places, builder.names, problems)
        except BaseException as e:  # reported, so the main process says what went wrong
            if builder:
                builder.abort()
            outcome = ("error", type(e).__name__, str(e), problems)
        with open(results, "wb") as out:
            out.write(pickle.dumps(outcome))
        code = 0
    finally:
        os._exit(code)


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

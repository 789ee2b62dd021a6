"""Runs on a schedule, in one process: ``geo watch --every 15m``.

Runs start on a fixed grid (start, start + interval, ...): a slow run delays the next one, never shifts
the grid, and a run that overruns several slots is followed by one run, not a burst. A run that raises
is reported and the schedule goes on; one that finds another build holding the lock is skipped.
"""

from __future__ import annotations

import datetime as dt
import time
import traceback
from collections.abc import Callable

from geo.lock import BuildLocked


def repeat(run: Callable[[], object], interval: float, *, runs: int | None = None,
           echo: Callable[[str], None] = print, sleep: Callable[[float], None] = time.sleep,
           clock: Callable[[], float] = time.monotonic) -> int:
    """Call ``run`` every ``interval`` seconds, ``runs`` times (None: forever). Returns the failures."""
    if interval <= 0:
        raise ValueError("the interval must be more than zero")
    failures = done = 0
    start = clock()
    slot = 0
    while runs is None or done < runs:
        stamp = dt.datetime.now().isoformat(timespec="seconds")
        try:
            run()
        except BuildLocked as e:
            echo(f"{stamp} skipped: {e}")
        except Exception as e:  # noqa: BLE001 - a failed run is reported; the schedule goes on
            failures += 1
            echo(f"{stamp} run failed: {type(e).__name__}: {e}\n{traceback.format_exc(limit=3)}")
        done += 1
        if runs is not None and done >= runs:
            break
        elapsed = clock() - start
        slot = max(slot + 1, int(elapsed // interval) + (elapsed % interval > 0))
        sleep(max(0.0, start + slot * interval - clock()))
    return failures

"""A lock so two builds of one map never overlap (a cron run and ``geo watch``, say).

An advisory ``flock`` on a file beside the store: the kernel releases it when the holder exits, however
it exits, so a killed build never leaves a stale lock behind.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from geo.exc import GeoError


class BuildLocked(GeoError, BlockingIOError):
    """Another build holds the lock."""


class BuildLock:
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._fd: int | None = None

    def acquire(self) -> None:
        import fcntl

        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as e:
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "another process"
            os.close(fd)
            if e.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise BuildLocked(f"another build is running ({holder}; lock {self.path}): "
                                  "this run does nothing") from None
            raise
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()}".encode(), 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing drops the flock
            self._fd = None

    def __enter__(self) -> BuildLock:
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()

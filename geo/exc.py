"""The single exception root of geo.

As in geopy, each class also inherits the builtin it stands for, so callers that only know the
standard library (``except ValueError``) still catch it.
"""

from __future__ import annotations


class GeoError(Exception):
    """Root of every error geo raises on purpose."""


class InvalidCoordinate(GeoError, ValueError):
    """A latitude or longitude that is not a finite number in range."""


class GazetteerError(GeoError):
    """Something is wrong with a gazetteer index or its sources."""


class GazetteerNotFound(GazetteerError, FileNotFoundError):
    """An index or a dump file that does not exist."""


class ImportFailed(GazetteerError, RuntimeError):
    """An import that could not produce an index; the previous index is left as it was."""


class SourceUnavailable(GazetteerError, ConnectionError):
    """A URL that could not be fetched (unreachable, refused, HTTP error)."""


class SourceTimedOut(SourceUnavailable, TimeoutError):
    """A URL that did not answer in time."""


class FeedError(GeoError, ConnectionError):
    """A feed or article URL that could not be fetched or read; the message names the URL and the problem."""

    def __init__(self, url: str, problem: str, *, status: int | None = None) -> None:
        # One message argument, so OSError does not read the arguments as (errno, strerror).
        super().__init__(f"{url}: {problem}")
        self.url = url
        self.problem = problem
        self.status = status  # the HTTP status when the server answered with an error

    def __reduce__(self):  # keep pickling (multiprocessing) working with the two-argument constructor
        return (type(self), (self.url, self.problem), {"status": self.status})

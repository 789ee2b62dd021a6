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

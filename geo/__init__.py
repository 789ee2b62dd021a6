"""geo: news about an armed conflict in, maps that cite every claim out.

Data flows one way: sources -> documents -> mentions -> places -> events -> territory -> layers -> files.
"""

from geo.exc import GeoError
from geo.point import Coordinate

__version__ = "0.1.0"

__all__ = ["Coordinate", "GeoError", "__version__", "parse"]


def parse(text: str, *, published: str | None = None, **meta):
    """Find and resolve every place ``text`` names: see ``geo.geoparse``."""
    from geo.geoparse import parse as _parse  # the gazetteer loads on first use, not on import

    return _parse(text, published=published, **meta)

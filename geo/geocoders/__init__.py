"""geopy geocoders for geo: the local gazetteer, and a chain that falls back to Nominatim.

>>> from geo.geocoders import GeocoderChain, LocalGazetteer, online_nominatim
>>> chain = GeocoderChain(online=online_nominatim(user_agent="my-newsroom-mapper (me@example.org)"))
>>> chain.geocode("Tall Qrah, Aleppo, Syria").raw["source"]  # doctest: +SKIP
'default'
"""

from geo.geocoders.cache import MISS, GeocodeCache
from geo.geocoders.chain import GeocoderChain, HookedRateLimiter, online_nominatim
from geo.geocoders.local import LocalGazetteer

__all__ = ["MISS", "GeocodeCache", "GeocoderChain", "HookedRateLimiter", "LocalGazetteer", "online_nominatim"]

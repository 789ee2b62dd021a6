"""Local gazetteer first; an online geocoder (Nominatim) only for what it does not know.

The online service is reached through geopy's ``RateLimiter`` (Nominatim's usage policy: at most one request
a second) and a persistent :class:`GeocodeCache` (the policy also asks to cache), and its failures never fail
the caller: a timeout or an HTTP error is logged and the local answer stands.
"""

from __future__ import annotations

import inspect
import logging
import os
from collections.abc import Callable, Iterable
from typing import Any

from geopy.adapters import BaseSyncAdapter, RequestsAdapter, URLLibAdapter
from geopy.exc import GeocoderServiceError
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import Nominatim
from geopy.geocoders.base import DEFAULT_SENTINEL, Geocoder
from geopy.location import Location

from geo import __version__
from geo.geocoders.cache import MISS, GeocodeCache
from geo.geocoders.local import LocalGazetteer, to_coordinate
from geo.point import Coordinate

logger = logging.getLogger("geo.geocoders")

NOMINATIM_MIN_DELAY_S = 1.0  # https://operations.osmfoundation.org/policies/nominatim/: max 1 request/s
DEFAULT_USER_AGENT = f"geo/{__version__} (Syrian war news mapper)"

# What an online failure looks like: geopy's service errors (timeouts, HTTP 5xx, refused, rate limited,
# unparsable answers) and plain OS errors from adapters or geocoders that do not wrap them.
ONLINE_ERRORS: tuple[type[BaseException], ...] = (GeocoderServiceError, OSError)

Answer = Location | list[Location] | None


def online_nominatim(
    user_agent: str = DEFAULT_USER_AGENT,
    domain: str = "nominatim.openstreetmap.org",
    scheme: str | None = "https",
    **kwargs: Any,
) -> Nominatim:
    """The default online geocoder. Give a ``user_agent`` that identifies your deployment (the policy).

    Unless an ``adapter_factory`` is given, HTTP requests are not retried by the transport: geopy's
    RequestsAdapter retries a read timeout twice inside urllib3, which would send three requests in one
    rate-limiter slot. Retries belong to the chain's RateLimiter (``max_retries``), which spaces them.
    """
    kwargs.setdefault("adapter_factory", _adapter_without_retries)
    return Nominatim(user_agent=user_agent, domain=domain, scheme=scheme, **kwargs)


def _adapter_without_retries(*, proxies: Any, ssl_context: Any) -> BaseSyncAdapter:
    try:
        return RequestsAdapter(proxies=proxies, ssl_context=ssl_context, max_retries=0)
    except ImportError:  # no requests: urllib does not retry by itself
        return URLLibAdapter(proxies=proxies, ssl_context=ssl_context)


class HookedRateLimiter(RateLimiter):
    """geopy's RateLimiter with its clock and sleep injectable (tests, or a shared process-wide clock).

    geopy reads both through the ``_clock`` and ``_sleep`` methods; overriding those keeps its slot logic.
    """

    def __init__(self, func: Callable[..., Any], *, sleep: Callable[[float], Any] | None = None,
                 clock: Callable[[], float] | None = None, **kwargs: Any) -> None:
        super().__init__(func, **kwargs)
        self._sleep_hook = sleep
        self._clock_hook = clock

    def _clock(self) -> float:
        return self._clock_hook() if self._clock_hook is not None else super()._clock()

    def _sleep(self, seconds: float) -> None:
        if self._sleep_hook is not None:
            self._sleep_hook(seconds)
        else:
            super()._sleep(seconds)


class GeocoderChain(Geocoder):
    """``geocode``/``reverse`` through the local gazetteer, then (if configured) an online geocoder.

    The online geocoder is asked only when the local answer is empty, or when ``min_local_score`` is set
    and the best local score is below it; its answer then replaces the local one (if it has any). Every
    Location's ``raw["source"]`` names where it came from: the gazetteer index (``"default"``, ``"SY"``…)
    or the online geocoder (``"nominatim"``).

    ``min_delay_seconds``, ``max_retries``, ``error_wait_seconds``, ``sleep`` and ``clock`` go to the
    rate limiter; ``cache`` defaults to ``<home>/cache/geocode.sqlite`` when an online geocoder is set.
    """

    def __init__(
        self,
        local: LocalGazetteer | None = None,
        online: Geocoder | None = None,
        *,
        home: str | os.PathLike[str] | None = None,
        cache: GeocodeCache | None = None,
        online_name: str | None = None,
        min_local_score: float | None = None,
        min_delay_seconds: float = NOMINATIM_MIN_DELAY_S,
        max_retries: int = 0,
        error_wait_seconds: float | None = None,
        sleep: Callable[[float], Any] | None = None,
        clock: Callable[[], float] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.local = local if local is not None else LocalGazetteer(home=home)
        self.online = online
        self.online_name = online_name or (type(online).__name__.lower() if online is not None else None)
        self.min_local_score = min_local_score
        self.cache = cache if cache is not None or online is None else GeocodeCache(home=home)
        # One limiter for geocode and reverse: they share the service's quota. Failures are re-raised
        # (not swallowed into None) so they are logged here and never cached as "nothing found".
        wait = 5.0 if error_wait_seconds is None else error_wait_seconds
        self.rate_limiter = HookedRateLimiter(
            self._call_online, sleep=sleep, clock=clock, min_delay_seconds=min_delay_seconds,
            max_retries=max_retries, swallow_exceptions=False,
            error_wait_seconds=max(min_delay_seconds, wait),
        )

    # ------------------------------------------------------------------------------------------ public

    def geocode(
        self,
        query: Any,
        *,
        exactly_one: bool = True,
        limit: int | None = None,
        country_codes: str | Iterable[str] | None = None,
        near: Coordinate | None = None,
        timeout: Any = DEFAULT_SENTINEL,
    ) -> Answer:
        local = self.local.geocode(query, exactly_one=exactly_one, limit=limit, country_codes=country_codes,
                                   near=near)
        if not self._wants_online(local):
            return local
        codes = [country_codes] if isinstance(country_codes, str) else country_codes
        params = {"exactly_one": exactly_one, "limit": limit,
                  "country_codes": sorted(c.lower() for c in codes) if codes else None}
        online = self._online("geocode", query, params, timeout)
        return online if online else local

    def geocode_online(self, query: Any, *, country_codes: str | Iterable[str] | None = None,
                       timeout: Any = DEFAULT_SENTINEL) -> Location | None:
        """The online geocoder alone (cached, rate limited), for a name the local gazetteer already lacks;
        None when there is no online geocoder, it finds nothing, or it fails (logged)."""
        if self.online is None:
            return None
        codes = [country_codes] if isinstance(country_codes, str) else country_codes
        params = {"exactly_one": True, "limit": None,
                  "country_codes": sorted(c.lower() for c in codes) if codes else None}
        answer = self._online("geocode", query, params, timeout)
        return answer[0] if isinstance(answer, list) else answer

    def reverse(
        self,
        query: Any,
        *,
        exactly_one: bool = True,
        max_km: float = 50.0,
        timeout: Any = DEFAULT_SENTINEL,
    ) -> Answer:
        point = to_coordinate(query)
        local = self.local.reverse(point, exactly_one=exactly_one, max_km=max_km)
        if not self._wants_online(local):
            return local
        online = self._online("reverse", point, {"exactly_one": exactly_one}, timeout)
        return online if online else local

    # -------------------------------------------------------------------------------------- internals

    def _wants_online(self, local: Answer) -> bool:
        if self.online is None:
            return False
        if not local:
            return True
        if self.min_local_score is None:
            return False
        best = local if isinstance(local, Location) else local[0]
        return float(best.raw.get("score", 0.0)) < self.min_local_score

    def _online(self, method: str, query: Any, params: dict[str, Any], timeout: Any) -> Answer:
        """The online answer, from the cache or the service; None (and a warning) if the service failed."""
        name = self.online_name or "online"
        # Nominatim instances on different servers can answer differently: the domain is part of the key.
        key_params = {**params, "domain": getattr(self.online, "domain", None)}
        if self.cache is not None:
            hit = self.cache.get(name, query, {"method": method, **key_params})
            if hit is not MISS:
                return hit
        kwargs = dict(params)
        if timeout is not DEFAULT_SENTINEL:
            kwargs["timeout"] = timeout
        try:
            answer = self.rate_limiter(method, query, **kwargs)
        except ONLINE_ERRORS as e:
            logger.warning("%s %s(%r) failed, keeping the local answer: %s: %s",
                           name, method, query, type(e).__name__, e)
            return None
        answer = self._tag(answer, name)
        if self.cache is not None:
            self.cache.put(name, query, {"method": method, **key_params}, answer)
        return answer

    def _call_online(self, method: str, query: Any, **kwargs: Any) -> Answer:
        assert self.online is not None
        func = getattr(self.online, method)
        if method == "reverse" and isinstance(query, Coordinate):
            query = query.to_geopy()
        # Keywords a given geocoder does not take (country_codes is Nominatim's) are dropped, not errors.
        accepted = inspect.signature(func).parameters
        if not any(p.kind is p.VAR_KEYWORD for p in accepted.values()):
            kwargs = {k: v for k, v in kwargs.items() if k in accepted}
        return func(query, **{k: v for k, v in kwargs.items() if v is not None})

    @staticmethod
    def _tag(answer: Answer, name: str) -> Answer:
        """Say where each Location came from, in its raw record, so a map can cite it."""
        if answer is None:
            return None

        def tag(loc: Location) -> Location:
            raw = dict(loc.raw) if isinstance(loc.raw, dict) else {"response": loc.raw}
            raw["source"] = name
            if "id" not in raw and raw.get("osm_type") and raw.get("osm_id"):
                raw["id"] = f"osm:{raw['osm_type']}/{raw['osm_id']}"  # stable across Nominatim servers
            return Location(loc.address, loc.point, raw)

        return [tag(loc) for loc in answer] if isinstance(answer, list) else tag(answer)

    def __repr__(self) -> str:
        return f"GeocoderChain(local={self.local!r}, online={self.online_name!r}, cache={self.cache!r})"

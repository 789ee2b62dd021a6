"""``geo.toml``: what a scheduled build reads and where it writes.

    out = "maps"                      # the map and its GeoJSON
    schedule = "15m"                  # geo watch: every 15 minutes
    factions = "factions.json"        # optional: your factions, colours and actor names
    focus = ["SY"]                    # optional: the countries the news is about
    gazetteers = ["SY"]               # optional: GeoNames dumps imported once into the home
    sources = [
      "seeds/",                                     # a folder of .txt/.html/.jsonl articles
      "articles/**/*.html",                         # a glob
      "https://www.example.org/syria/rss.xml",      # an RSS or Atom feed
      { feed = "https://example.net/atom", outlet = "Example Net" },
    ]

    [feeds]                           # optional: how feeds and article pages are fetched
    timeout = 20                      # seconds per request
    retries = 3                       # on timeouts, 5xx and 429, with exponential backoff
    max_bytes = 10_000_000

    [geocoder]                        # optional: an online geocoder for places the gazetteer lacks
    online = "nominatim"
    user_agent = "my-newsroom-map (me@example.org)"

Relative paths are relative to the file's folder. Every problem is reported with the file and the key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from geo.exc import GeoError

SOURCE_KINDS = ("path", "glob", "feed")
_KNOWN = {"out", "store", "home", "schedule", "factions", "focus", "gazetteers", "sources", "geocoder", "feeds"}
_GEOCODER_KEYS = {"online", "user_agent", "domain", "timeout", "min_delay_seconds"}
_FEED_KEYS = {"timeout", "retries", "backoff", "max_bytes"}


class ConfigError(GeoError, ValueError):
    """A configuration file that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class Source:
    kind: str  # path (a file or folder) | glob | feed
    location: str  # an absolute path, an absolute glob pattern, or an http(s) URL
    outlet: str = ""  # the outlet name for a feed's articles (default: the feed's title)

    def __str__(self) -> str:
        return self.location


@dataclass
class Config:
    sources: list[Source] = field(default_factory=list)
    out: Path = Path("maps")
    store: Path | None = None  # default: <out>/.geo/store.sqlite
    home: Path | None = None  # the gazetteer home (default: --home, $GEO_HOME, the user data folder)
    schedule: float | None = None  # seconds between runs of geo watch
    factions: Path | None = None
    focus: tuple[str, ...] | None = None
    gazetteers: list[str] = field(default_factory=list)
    geocoder: dict = field(default_factory=dict)
    feeds: dict = field(default_factory=dict)  # timeout, retries, backoff, max_bytes (geo.feeds.Fetcher)
    path: Path | None = None  # the file it was read from

    @property
    def store_path(self) -> Path:
        return self.store or self.out / ".geo" / "store.sqlite"

    @property
    def lock_path(self) -> Path:
        return self.store_path.with_name("build.lock")


def source(spec: str, base: Path | None = None, outlet: str = "") -> Source:
    """A source from how a user writes it: a URL is a feed, a pattern with * ? [ is a glob, else a path."""
    spec = spec.strip()
    if re.match(r"(?i)https?://", spec):
        return Source("feed", spec, outlet)
    if "://" in spec:
        raise ValueError(f"{spec!r}: only http and https feeds are read")
    p = Path(spec).expanduser()
    if base is not None and not p.is_absolute():
        p = base / p
    kind = "glob" if any(c in spec for c in "*?[") else "path"
    return Source(kind, str(p), outlet)


def parse_interval(text: str | int | float) -> float:
    """Seconds from '15m', '1h30m', '90s', '2h', '1d' (or a number of seconds)."""
    if isinstance(text, (int, float)) and not isinstance(text, bool):
        seconds = float(text)
    else:
        s = str(text).strip().lower().replace(" ", "")
        parts = re.findall(r"(\d+(?:\.\d+)?)([smhd])", s)
        if not parts or "".join(n + u for n, u in parts) != s:
            raise ValueError(f"{text!r} is not an interval like 15m, 1h or 1h30m")
        seconds = sum(float(n) * {"s": 1, "m": 60, "h": 3600, "d": 86400}[u] for n, u in parts)
    if seconds <= 0:
        raise ValueError(f"{text!r}: the interval must be more than zero")
    return seconds


def load(path: str | Path) -> Config:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib

    path = Path(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"{path}: cannot read: {e}") from None
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{path}: not valid TOML: {e}") from None
    return from_dict(raw, path)


def from_dict(raw: dict, path: Path) -> Config:
    base = path.resolve().parent

    def fail(key: str, msg: str) -> ConfigError:
        return ConfigError(f"{path}: {key}: {msg}")

    unknown = sorted(set(raw) - _KNOWN)
    if unknown:
        raise fail(unknown[0], f"unknown key (known: {', '.join(sorted(_KNOWN))})")
    cfg = Config(path=path)

    def a_path(key: str) -> Path | None:
        v = raw.get(key)
        if v is None:
            return None
        if not isinstance(v, str) or not v.strip():
            raise fail(key, "must be a path (a string)")
        p = Path(v).expanduser()
        return p if p.is_absolute() else base / p

    cfg.out = a_path("out") or base / "maps"
    cfg.store = a_path("store")
    cfg.home = a_path("home")
    cfg.factions = a_path("factions")
    if cfg.factions is not None and not cfg.factions.is_file():
        raise fail("factions", f"{cfg.factions} does not exist")
    if "schedule" in raw:
        try:
            cfg.schedule = parse_interval(raw["schedule"])
        except ValueError as e:
            raise fail("schedule", str(e)) from None
    if "focus" in raw:
        focus = raw["focus"]
        if isinstance(focus, str):
            focus = [focus]
        if not isinstance(focus, list) or not all(isinstance(c, str) and re.fullmatch(r"[A-Za-z]{2}", c)
                                                  for c in focus):
            raise fail("focus", "must be a list of two-letter country codes, like [\"SY\", \"IQ\"]")
        cfg.focus = tuple(c.upper() for c in focus)
    gaz = raw.get("gazetteers", [])
    if not isinstance(gaz, list) or not all(isinstance(g, str) and g.strip() for g in gaz):
        raise fail("gazetteers", "must be a list of GeoNames dumps: names (\"SY\"), paths or URLs")
    cfg.gazetteers = [g if re.match(r"(?i)https?://|^[A-Za-z0-9]+$", g) else str(base / Path(g).expanduser())
                      for g in gaz]
    for key, known in (("geocoder", _GEOCODER_KEYS), ("feeds", _FEED_KEYS)):
        table = raw.get(key, {})
        if not isinstance(table, dict):
            raise fail(key, "must be a table")
        extra = sorted(set(table) - known)
        if extra:
            raise fail(f"{key}.{extra[0]}", f"unknown key (known: {', '.join(sorted(known))})")
        setattr(cfg, key, dict(table))
    for key in ("timeout", "backoff"):
        if key in cfg.feeds and (not isinstance(cfg.feeds[key], (int, float)) or cfg.feeds[key] < 0):
            raise fail(f"feeds.{key}", "must be a number of seconds")
    for key in ("retries", "max_bytes"):
        if key in cfg.feeds and (not isinstance(cfg.feeds[key], int) or cfg.feeds[key] < 0):
            raise fail(f"feeds.{key}", "must be a whole number")
    if cfg.geocoder and cfg.geocoder.get("online", "nominatim") != "nominatim":
        raise fail("geocoder.online", "only \"nominatim\" is supported")
    sources = raw.get("sources", [])
    if not isinstance(sources, list):
        raise fail("sources", "must be a list")
    for i, item in enumerate(sources):
        key = f"sources[{i}]"
        try:
            if isinstance(item, str):
                cfg.sources.append(source(item, base))
            elif isinstance(item, dict):
                kinds = [k for k in ("path", "glob", "feed") if k in item]
                extra = sorted(set(item) - {"path", "glob", "feed", "outlet"})
                if len(kinds) != 1 or extra:
                    raise ValueError("a table needs exactly one of path, glob or feed (and optionally outlet)")
                s = source(str(item[kinds[0]]), base, str(item.get("outlet", "")))
                if kinds[0] == "feed" and s.kind != "feed":
                    raise ValueError(f"feed {item['feed']!r} is not an http(s) URL")
                cfg.sources.append(s)
            else:
                raise ValueError("must be a string or a table")
        except ValueError as e:
            raise fail(key, str(e)) from None
    if not cfg.sources:
        raise fail("sources", "no sources: list folders, globs or feed URLs")
    return cfg

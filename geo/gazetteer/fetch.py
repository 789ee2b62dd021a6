"""Turn what the user named (a path, a URL, or a GeoNames dump name like ``SY``) into a local file."""

from __future__ import annotations

import hashlib
import http.client
import os
import re
import shutil
import socket
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from geo.exc import GazetteerNotFound, SourceTimedOut, SourceUnavailable

GEONAMES_DUMP = "https://download.geonames.org/export/dump/"
# Names GeoNames publishes under export/dump/ that a user may type without a path.
_DUMP_NAMES = re.compile(r"^([A-Z]{2}|cities(500|1000|5000|15000)|allCountries|admin1CodesASCII)$")


def dump_url(name: str) -> str | None:
    """``SY`` -> the SY.zip download; ``cities500`` -> cities500.zip; ``admin1CodesASCII`` -> .txt."""
    stem = name.removesuffix(".zip").removesuffix(".txt")
    if not _DUMP_NAMES.match(stem):
        return None
    suffix = ".txt" if stem == "admin1CodesASCII" else ".zip"
    return GEONAMES_DUMP + stem + suffix


def is_url(text: str) -> bool:
    return text.startswith(("http://", "https://"))


def resolve(
    spec: str,
    downloads: Path,
    *,
    timeout: float = 30.0,
    progress: Callable[[int, int | None], None] | None = None,
) -> Path:
    """A local path for ``spec``: the file itself, or a download of the URL it names."""
    path = Path(spec).expanduser()
    if path.exists():
        if path.is_dir():
            raise GazetteerNotFound(f"{spec}: is a folder; name a dump file (SY.zip, cities500.zip, ...)")
        return path
    url = spec if is_url(spec) else dump_url(spec)
    if url is None:
        raise GazetteerNotFound(f"{spec}: no such file (and not a URL or a GeoNames dump name such as SY)")
    return download(url, downloads, timeout=timeout, progress=progress)


def download(
    url: str,
    downloads: Path,
    *,
    timeout: float = 30.0,
    progress: Callable[[int, int | None], None] | None = None,
) -> Path:
    """Stream ``url`` into ``downloads`` (temporary file, then rename). ``timeout`` bounds each read."""
    downloads.mkdir(parents=True, exist_ok=True)
    name = Path(urllib.request.url2pathname(url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1])).name
    if not name:
        name = hashlib.sha1(url.encode()).hexdigest()[:12]
    target = downloads / name
    request = urllib.request.Request(url, headers={"User-Agent": "geo-gazetteer/0.1"})
    try:
        response = urllib.request.urlopen(request, timeout=timeout)  # noqa: S310 - http(s) checked by caller
    except urllib.error.HTTPError as e:
        raise SourceUnavailable(f"{url}: HTTP {e.code} {e.reason}") from None
    except urllib.error.URLError as e:
        if isinstance(e.reason, (socket.timeout, TimeoutError)):
            raise SourceTimedOut(f"{url}: no answer within {timeout:g} s") from None
        raise SourceUnavailable(f"{url}: unreachable ({e.reason})") from None
    except TimeoutError:
        raise SourceTimedOut(f"{url}: no answer within {timeout:g} s") from None
    except (OSError, http.client.HTTPException) as e:
        raise SourceUnavailable(f"{url}: unreachable or not an HTTP server ({e!r})") from None
    total = response.headers.get("Content-Length")
    total_n = int(total) if total and total.isdigit() else None
    fd, tmp = tempfile.mkstemp(prefix=name + ".", suffix=".part", dir=downloads)
    done = 0
    try:
        with response, os.fdopen(fd, "wb") as out:
            while True:
                try:
                    chunk = response.read(1 << 20)
                except TimeoutError:
                    raise SourceTimedOut(
                        f"{url}: stalled after {done:,} bytes (no data for {timeout:g} s)"
                    ) from None
                except (OSError, http.client.HTTPException) as e:
                    raise SourceUnavailable(f"{url}: connection closed after {done:,} bytes ({e!r})") from None
                if not chunk:
                    break
                out.write(chunk)
                done += len(chunk)
                if progress:
                    progress(done, total_n)
        if total_n is not None and done < total_n:
            raise SourceUnavailable(f"{url}: connection closed after {done:,} of {total_n:,} bytes")
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        shutil.copyfileobj(f, _HashWriter(h), 1 << 20)
    return h.hexdigest()


class _HashWriter:
    def __init__(self, h: hashlib._Hash) -> None:
        self.h = h

    def write(self, b: bytes) -> int:
        self.h.update(b)
        return len(b)

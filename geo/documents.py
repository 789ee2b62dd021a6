"""Documents from what the user gives: text files (with an optional ``NAME.meta.json`` sidecar), HTML
pages, JSON Lines of ``{"text": ...}``, folders of those, or standard input.

A document that cannot be read becomes a ``DocumentError`` naming the file and what is wrong, and the
rest go on. Text that is not valid UTF-8 is decoded with replacement characters and a warning.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

TEXT_SUFFIXES = {".txt", ".text", ".md"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
META_FIELDS = ("title", "url", "outlet", "published")
MAX_BYTES = 200 << 20  # a document larger than this is not an article


@dataclass
class Document:
    id: str
    text: str
    title: str = ""
    url: str = ""
    outlet: str = ""
    published: str | None = None
    source: str = ""  # the file (and line) it came from
    warnings: list[str] = field(default_factory=list)

    def meta(self) -> dict:
        return {"doc": self.id, "title": self.title, "url": self.url, "outlet": self.outlet,
                "published": self.published, "source": self.source}


@dataclass
class DocumentError:
    id: str
    source: str
    error: str

    def record(self) -> dict:
        return {"doc": self.id, "source": self.source, "error": self.error}


def read(inputs: Iterable[str | Path]) -> Iterator[Document | DocumentError]:
    for item in inputs:
        if str(item) == "-":
            yield from _stdin()
            continue
        path = Path(item)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and wanted(p.name))
            if not files:
                yield DocumentError(path.name, str(path), "folder holds no .txt, .html or .jsonl files")
            for p in files:
                yield from read_file(p)
        elif path.exists():
            yield from read_file(path)
        else:
            yield DocumentError(path.name, str(path), "no such file")


_SUFFIXES = tuple(TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES)


def wanted(name: str) -> bool:
    """An article file by its name: .txt, .html or .jsonl, not hidden, not a sidecar."""
    low = name.lower()
    return low.endswith(_SUFFIXES) and not low.startswith(".") and not low.endswith(".meta.json")


def sidecar_name(name: str) -> str | None:
    """``NAME.meta.json`` for ``NAME.txt`` (None for a name without a suffix)."""
    stem, dot, _ = name.rpartition(".")
    return f"{stem}.meta.json" if dot and stem else None


def read_file(path: Path) -> Iterator[Document | DocumentError]:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            yield DocumentError(path.name, str(path), f"{size:,} bytes: larger than {MAX_BYTES:,}, not an article")
            return
        data = path.read_bytes()
    except OSError as e:
        yield DocumentError(path.name, str(path), f"cannot read: {e.strerror or e}")
        return
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        yield from _jsonl(data, path.name, str(path))
        return
    if b"\x00" in data[:8192]:
        yield DocumentError(path.name, str(path), "binary file (NUL bytes), not text")
        return
    text, warnings = decode(data, str(path))
    doc = Document(id=path.name, text=text, source=str(path), warnings=warnings)
    if suffix in HTML_SUFFIXES:
        doc.text, doc.title, more = extract_html(text)
        doc.warnings += more
    _sidecar(doc, path)
    if not doc.text.strip():
        doc.warnings.append(f"{path}: empty document")
    yield doc


def decode(data: bytes, where: str) -> tuple[str, list[str]]:
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as e:
        text = data.decode("utf-8", errors="replace")
        bad = text.count("\ufffd")
        return text, [f"{where}: not valid UTF-8 (first bad byte at {e.start}); {bad:,} characters replaced"]


def _sidecar(doc: Document, path: Path) -> None:
    name = sidecar_name(path.name)
    meta_path = path.with_name(name) if name else None
    if meta_path is None or not meta_path.exists():
        return
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if not isinstance(meta, dict):
            raise ValueError("not a JSON object")
    except (OSError, ValueError) as e:
        doc.warnings.append(f"{meta_path}: metadata ignored ({e})")
        return
    for key in META_FIELDS:
        if meta.get(key) not in (None, ""):
            setattr(doc, key, str(meta[key]))
    doc.id = str(meta.get("id") or doc.id)


def _jsonl(data: bytes, name: str, where: str) -> Iterator[Document | DocumentError]:
    text, warnings = decode(data, where)
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        ident = f"{name}:{n}"
        try:
            obj = json.loads(line)
        except ValueError as e:
            yield DocumentError(ident, f"{where}:{n}", f"not JSON ({e.msg} at column {e.colno})")
            continue
        if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
            yield DocumentError(ident, f"{where}:{n}", 'expected an object with a "text" string')
            continue
        doc = Document(id=str(obj.get("id") or ident), text=obj["text"], source=f"{where}:{n}",
                       warnings=list(warnings) if n == 1 else [])
        for key in META_FIELDS:
            if obj.get(key) not in (None, ""):
                setattr(doc, key, str(obj[key]))
        yield doc


def _stdin() -> Iterator[Document | DocumentError]:
    data = sys.stdin.buffer.read()
    head = data.lstrip()[:1]
    if head == b"{":
        yield from _jsonl(data, "stdin", "<stdin>")
        return
    if b"\x00" in data[:8192]:
        yield DocumentError("stdin", "<stdin>", "binary input (NUL bytes), not text")
        return
    text, warnings = decode(data, "<stdin>")
    yield Document(id="stdin", text=text, source="<stdin>", warnings=warnings)


# ------------------------------------------------------------------------------------------------ HTML


class _TextOnly(HTMLParser):
    """Fallback extractor: the text of a page without scripts, styles and page furniture."""

    SKIP = {"script", "style", "noscript", "template", "nav", "footer", "header", "aside", "form", "svg"}
    BLOCK = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "article", "section"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.title = ""
        self._skip = 0
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self._skip += 1
        elif tag == "title":
            self._in_title = True
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self.SKIP and self._skip:
            self._skip -= 1
        elif tag == "title":
            self._in_title = False
        elif tag in self.BLOCK:
            self.parts.append("\n")

    def text(self) -> str:
        return "\n".join(" ".join(line.split()) for line in "".join(self.parts).splitlines() if line.strip())

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        elif not self._skip:
            self.parts.append(data)


def extract_html(html: str) -> tuple[str, str, list[str]]:
    """(main text, title, warnings), by trafilatura; the page's whole text if it finds no main text."""
    fallback = _TextOnly()
    fallback.feed(html)
    title = " ".join(fallback.title.split())
    try:
        import trafilatura
    except ImportError as e:  # a broken install (lxml): the page's text still goes through
        return fallback.text(), title, [f"trafilatura cannot be imported ({e}): used the whole page's text"]
    text = trafilatura.extract(html, include_comments=False, include_tables=False, favor_precision=True)
    if not text:
        return fallback.text(), title, ["no main text found in the page: used the whole page's text"]
    return text, title, []

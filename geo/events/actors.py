"""Who is who: factions, their colours, and the words news uses for them (a data file users override)."""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from dataclasses import dataclass
from pathlib import Path

from geo.exc import GeoError

DEFAULT_FACTIONS = Path(__file__).parent / "data" / "factions.json"
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


class FactionsError(GeoError, ValueError):
    """A factions file that cannot be used."""


@dataclass(frozen=True, slots=True)
class Faction:
    id: str
    name: str
    colour: str
    aliases: tuple[str, ...]
    context_aliases: tuple[str, ...] = ()
    held_by_forms: tuple[str, ...] = ()  # "rebel" in "rebel-held"
    voices: tuple[str, ...] = ()  # outlets and offices that speak for it: "state media", "Amaq"


@dataclass(frozen=True, slots=True)
class ActorMention:
    faction: str  # a Faction id
    text: str
    start: int
    end: int
    contextual: bool  # matched a context alias ("the jihadists")


class Factions:
    """The factions in force, and a matcher for their names in text."""

    def __init__(self, factions: dict[str, Faction]) -> None:
        self.by_id = dict(factions)
        strict: list[str] = []
        loose: list[str] = []
        self._owner: dict[tuple[str, bool], tuple[str, bool]] = {}
        for f in self.by_id.values():
            for alias, contextual in [(a, False) for a in f.aliases] + [(a, True) for a in f.context_aliases]:
                exact = alias.replace(".", "").replace("-", "").isupper()
                key = alias if exact else alias.lower()
                self._owner.setdefault((key, exact), (f.id, contextual))
                (strict if exact else loose).append(alias)
        # Longest first, so "Islamic State fighters" wins over "Islamic State", and whole words only.
        self._strict = _alternation(strict, flags=0)
        self._loose = _alternation(loose, flags=re.IGNORECASE)
        # The same names lower-cased, for a case-sensitive search of the lower-cased text: twice as fast.
        self._loose_lower = _alternation([a.lower() for a in loose], flags=0)
        self._held = {form.lower(): f.id for f in self.by_id.values() for form in f.held_by_forms}
        voices = [(v, f.id) for f in self.by_id.values() for v in f.voices]
        self._voice_owner = {v.lower(): fid for v, fid in voices}
        self._voices = _alternation([v for v, _ in voices], flags=re.IGNORECASE)
        names = strict + loose
        # The longest a match can be: a search of part of a text reads this far past its end.
        self._longest = max((max(len(a), len(a.lower())) for a in names), default=0)
        # A name with a sentence end inside ("Gen. X" split after "Gen.") could span two sentences: then
        # only a search of the whole text finds it as one would.
        self._within_sentences = not any(_SENTENCE_BREAK.search(a) for a in names)

    def voice(self, text: str) -> str | None:
        """The faction whose own outlet or office ``text`` names ("state television", "Amaq"), if any."""
        m = self._voices.search(text) if self._voices is not None else None
        return self._voice_owner[m.group().lower()] if m else None

    def held_by(self, modifier: str) -> str | None:
        """The faction of the word before "-held": "rebel" -> rebels, "IS" -> Islamic State."""
        return self._held.get(modifier.strip().lower())

    @classmethod
    def load(cls, path: str | Path | None = None, *, extra: str | Path | None = None) -> Factions:
        """The package's factions, or those of ``path``; ``extra`` replaces or adds factions by id."""
        factions = _read(Path(path) if path else DEFAULT_FACTIONS)
        if extra is not None:
            factions.update(_read(Path(extra)))
        return cls(factions)

    def __getitem__(self, faction_id: str) -> Faction:
        return self.by_id[faction_id]

    def find(self, text: str, within: list[tuple[int, int]] | None = None) -> list[ActorMention]:
        """Every faction name in ``text``; context aliases only where the faction is also named outright
        in it. With ``within``, sorted, disjoint ranges of the text that each start where a sentence does,
        only the names that start inside them (the same as the whole text's): most of an article names no
        place, and events are read only where places are named."""
        low = text.lower()
        whole = [(0, len(text))]
        ranges = within if within is not None and self._within_sentences else whole
        found = self._found(text, low, ranges)
        named = {a.faction for a in found if not a.contextual}
        if ranges is not whole and any(a.contextual and a.faction not in named for a in found):
            # ("the jihadists" here, "Islamic State" only in a sentence outside the ranges)
            named.update(a.faction for a in self._found(text, low, _outside(ranges, len(text))) if not a.contextual)
        if within is not None and ranges is whole:
            found = [a for a in found if _inside(within, a.start)]
        return sorted((a for a in found if not a.contextual or a.faction in named), key=lambda a: a.start)

    def _found(self, text: str, low: str, ranges: list[tuple[int, int]]) -> list[ActorMention]:
        """The names that start inside ``ranges``, the longest where two overlap. (No name spans a
        sentence boundary, so no name outside the ranges overlaps one inside.)"""
        candidates = []
        # (A few letters lower-case to two, "İ" to "i̇": offsets would shift, so such a text is searched as is.)
        loose = (self._loose_lower, low) if len(low) == len(text) else (self._loose, text)
        for pattern, exact, haystack in ((self._strict, True, text), (*loose[:1], False, loose[1])):
            if pattern is None:
                continue
            for a, b in ranges:
                # (read up to the longest name past the range's end: a name that starts inside ends there)
                for m in pattern.finditer(haystack, a, min(len(haystack), b + self._longest + 1)):
                    if m.start() >= b:
                        break
                    candidates.append((m, exact))
        # The longest name wins where two overlap ("IS militants" over "IS").
        candidates.sort(key=lambda c: (-(c[0].end() - c[0].start()), c[0].start()))
        found: list[ActorMention] = []
        taken: list[tuple[int, int]] = []
        for m, exact in candidates:
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            key = m.group() if exact else m.group().lower()
            faction, contextual = self._owner[(key, exact)]
            found.append(ActorMention(faction, text[m.start():m.end()], m.start(), m.end(), contextual))
            taken.append((m.start(), m.end()))
        return found


# What a name must hold to run across a sentence end (see tokens.Sentences): a mark or a closing quote
# before a space, a line break, or a space it opens with.
_SENTENCE_BREAK = re.compile(r"[.!?\"”’)]\s|[\n\r]|^\s")


def _inside(ranges: list[tuple[int, int]], at: int) -> bool:
    k = bisect_right(ranges, at, key=lambda r: r[0]) - 1
    return k >= 0 and ranges[k][0] <= at < ranges[k][1]


def _outside(ranges: list[tuple[int, int]], n: int) -> list[tuple[int, int]]:
    """The parts of [0, n) that sorted, disjoint ``ranges`` leave out."""
    out = []
    at = 0
    for a, b in ranges:
        if a > at:
            out.append((at, a))
        at = max(at, b)
    if at < n:
        out.append((at, n))
    return out


def _alternation(aliases: list[str], flags: int) -> re.Pattern[str] | None:
    """One pattern for many names, as a trie ("Islamic State( of Iraq( and (Syria|the Levant))?)?"): Python's
    regex engine tries a flat alternation's branches one by one at every position, a trie's once."""
    if not aliases:
        return None
    words = {a.lower() for a in aliases} if flags & re.I else set(aliases)
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}
    if not flags & re.I and all(ch.isupper() for ch in trie):
        # Names that open with a capital (FSA, IS): the look-behind after the first letter, so the pattern
        # opens with a letter and the engine skips to the few capitals instead of trying every position.
        branches = [re.escape(ch) + rf"(?<![\w-]{re.escape(ch)})" + _trie(child) for ch, child in sorted(trie.items())]
        return re.compile(rf"(?:{'|'.join(branches)})(?![\w-])", flags)
    return re.compile(rf"(?<![\w-]){_trie(trie)}(?![\w-])", flags)


def _trie(node: dict) -> str:
    """The regex of a trie node: its branches, optional where a name may end here. Greedy, so the
    longest name that fits wins, as a longest-first alternation would."""
    branches = [re.escape(ch) + _trie(child) for ch, child in sorted(node.items()) if ch]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if "" in node else body


def _read(path: Path) -> dict[str, Faction]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise FactionsError(f"{path}: cannot read factions ({e})") from None
    raw = data.get("factions") if isinstance(data, dict) else None
    if not isinstance(raw, dict):
        raise FactionsError(f'{path}: expected {{"factions": {{id: {{name, colour, aliases}}}}}}')
    out: dict[str, Faction] = {}
    for fid, f in raw.items():
        if not isinstance(f, dict) or not isinstance(f.get("name"), str):
            raise FactionsError(f"{path}: faction {fid!r} needs a name")
        colour = f.get("colour", "#888888")
        if not isinstance(colour, str) or not _COLOUR.match(colour):
            raise FactionsError(f"{path}: faction {fid!r} has colour {colour!r}; expected #rrggbb")
        aliases = f.get("aliases", [])
        context = f.get("context_aliases", [])
        if not all(isinstance(a, str) and a.strip() for a in [*aliases, *context]):
            raise FactionsError(f"{path}: faction {fid!r} has an alias that is not a non-empty string")
        held = f.get("held_by_forms", [])
        if not all(isinstance(a, str) and a.strip() for a in held):
            raise FactionsError(f"{path}: faction {fid!r} has a held_by_forms entry that is not a non-empty string")
        voices = f.get("voices", [])
        if not all(isinstance(a, str) and a.strip() for a in voices):
            raise FactionsError(f"{path}: faction {fid!r} has a voices entry that is not a non-empty string")
        out[fid] = Faction(fid, f["name"], colour, tuple(aliases), tuple(context), tuple(held), tuple(voices))
    return out

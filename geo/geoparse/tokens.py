"""Words and sentences with their character offsets: everything downstream cites text by offset."""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import NamedTuple

# A word: letters (any script), digits and the marks that sit inside transliterated names (A'zaz, Mari`).
# Dotted abbreviations (U.S., U.K.) are one word. A possessive 's is not part of the word.
_WORD = re.compile(r"(?:[^\W\d_]\.){2,}|[^\W_](?:[\w'’‘`ʿʾ]*[^\W_])?")
_WORD_SPLIT = re.compile(f"({_WORD.pattern})")
# Sentence ends: . ! ? followed by space and an upper-case letter or a quote, or a line break.
# (Every alternative opens with its one character, not a class, so the engine skips straight to the
# candidates instead of trying the pattern at every character.)
_AFTER_MARK = r"[\"”’)]*\s+(?=[\"“‘(]?[A-Z0-9])"
_SENTENCE_END = re.compile(rf"\.{_AFTER_MARK}|!{_AFTER_MARK}|\?{_AFTER_MARK}|\n\s*\n|\r\n|\n")
# Not after an abbreviation that comes before a name or a number: "St. Paul", "Gen. Smith", "Oct. 9",
# "U.S. Marines" (tested on the few characters before a candidate end, not at every full stop).
_ABBREVIATION = re.compile(r"(?:\b(?:St|Mt|Ft|Mr|Mrs|Ms|Dr|Gen|Lt|Col|Sgt|Sen|Rep|Gov|Capt|Maj|Jan|Feb|Mar|Apr|Jun|"
                           r"Jul|Aug|Sep|Sept|Oct|Nov|Dec|No)|\bU\.S|\bU\.N|\bU\.K)\.$")


class Token(NamedTuple):
    """A word with its offsets. A named tuple: a document makes tens of thousands, and a tuple is built
    several times faster than a frozen dataclass."""

    text: str
    start: int
    end: int
    sep: str  # the characters between the previous word and this one
    capitalised: bool  # its first letter is a capital


# Lower-case words allowed inside a multi-word name: Arabic articles and particles (Sahl al-Ghab, Deir
# ez-Zor, Ras al Ain), and the linking words of European names (Gulf of Aden, Lanao del Norte, Rio do Sul).
PARTICLES = frozenset("al el ar as ash ad az ez at an ul bin ibn bani of de la del do da dos das di du".split())
_CAP = r"[A-Z\u00C0-\u00D6\u00D8-\u00DE\u0100-\u017F\u1E00-\u1EFF]"
_PARTICLE = "(?:" + "|".join(sorted(PARTICLES, key=len, reverse=True)) + ")"
# A run of capitalised words (with the particles inside Arabic names, and an article before one:
# "al-Hader"). Only these can name places, so only these are split into words.
# The pattern opens with the capital and checks the character before it after, so the engine skips to
# capitals; an article before the run is added in Python (``_with_article``).
_REGION = re.compile(
    rf"{_CAP}(?<![\w'’][\s\S])[\w'’‘`ʿʾ.]*"
    rf"(?:[ -](?:{_PARTICLE}[ -]|[ei]-)*{_CAP}[\w'’‘`ʿʾ.]*|-[ei] (?={_CAP}))*")  # ("Shar-e Naw")
_REGION_SPLIT = re.compile(f"({_REGION.pattern})")
# The Arabic article in the spellings that open a name on their own ("al-Bab", "ash Shaddadi").
LEADING_ARTICLES = frozenset("al el ar as ash ad az ez at an".split())


def _with_article(text: str, start: int) -> int:
    """Where a run starting at ``start`` really starts: before an Arabic article joined to it by a space or
    hyphen ("al-Bab", "ash Shaddadi"), if a word does not run into the article."""
    if start < 3 or text[start - 1] not in " -":
        return start
    for a in (start - 3, start - 4):
        if a >= 0 and text[a:start - 1] in LEADING_ARTICLES and (a == 0 or not word_char(text[a - 1])):
            return a
    return start


def word_char(ch: str) -> bool:
    return ch.isalnum() or ch in "_'’"  # (what [\w'’] matches)


def tokenize_capitalised(text: str) -> list[Token]:
    """The words of the capitalised runs of ``text`` only, with ``sep`` measured in the whole text (so a
    lower-case word between two runs still separates them)."""
    out: list[Token] = []
    prev_end = 0
    end = 0
    # Split, not iterated match by match: the runs and the text between them come as one list of strings,
    # with no match object and no method call per run. (gap, run, gap, run, ..., gap)
    pieces = _REGION_SPLIT.split(text)
    for k in range(1, len(pieces), 2):
        gap, run = pieces[k - 1], pieces[k]
        start = end + len(gap)
        end = start + len(run)
        # (the article's letters checked inline first: most runs follow a space and no article)
        first = _with_article(text, start) if start >= 3 and text[start - 1] in " -" and (
            text[start - 3:start - 1] in LEADING_ARTICLES or text[start - 4:start - 1] in LEADING_ARTICLES) else start
        if first == start and run.isalnum():  # one word, the usual case: no second regex over it
            # (the gap is the separator unless the last run's word stopped short of its end: "St.")
            sep = gap if prev_end == start - len(gap) else text[prev_end:start]
            out.append(_new_token(Token, (run, start, end, sep, run[:1].isupper())))
            prev_end = end
            continue
        words = _WORD_SPLIT.split(text[first:end])  # (the same, for the words of the run)
        w_end = first
        for i in range(1, len(words), 2):
            word = words[i]
            w_start = w_end + len(words[i - 1])
            w_end = w_start + len(word)
            if word.endswith(("'s", "’s")) and len(word) > 2:  # "Assad's" is Assad
                out.append(_new_token(Token, (word[:-2], w_start, w_end - 2, text[prev_end:w_start],
                                              word[:1].isupper())))
            else:
                out.append(_new_token(Token, (word, w_start, w_end, text[prev_end:w_start], word[:1].isupper())))
            prev_end = w_end
    return out


_new_token = tuple.__new__  # (a Token without the Python-level __new__ a named tuple adds: half the time)


_ALNUM = re.compile(r"[^\W_]")  # what str.isalnum accepts, searched in C


class Sentences:
    """Sentence spans of a text; ``at(offset)`` finds the sentence around a character."""

    def __init__(self, text: str) -> None:
        starts = [0]
        for m in _SENTENCE_END.finditer(text):
            at = m.start()
            if text[at] in ".!?":
                at += 1  # (the sentence ends after its mark)
                if text[at - 1] == "." and _ABBREVIATION.search(text, max(0, at - 6), at):
                    continue
            starts.append(m.end())
        self.text = text
        self.starts = starts
        self._at: dict[int, str] = {}

    def span(self, offset: int) -> tuple[int, int]:
        i = bisect_right(self.starts, offset) - 1
        end = self.starts[i + 1] if i + 1 < len(self.starts) else len(self.text)
        return self.starts[i], end

    def at(self, offset: int) -> str:
        start, end = self.span(offset)
        got = self._at.get(start)
        if got is None:  # (a sentence that names several places is cut out once)
            got = self._at[start] = self.text[start:end].strip()
        return got

    def is_start(self, offset: int) -> bool:
        """True if only punctuation and quotes stand between the sentence start and ``offset``."""
        start = self.starts[bisect_right(self.starts, offset) - 1]
        if start < offset and self.text[start].isalnum():
            return False  # (most sentences open with a word: no search needed)
        return _ALNUM.search(self.text, start, offset) is None

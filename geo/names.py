"""Name keys that survive how Arabic place names are written in English.

Two keys per name:

- ``fold(name)``: lower case, diacritics and ayn/hamza marks gone, hyphens and punctuation turned into
  single spaces, Arabic script transliterated. Equal folds are an *exact* match
  ("Tall Qarāḩ" == "tall qarah").
- ``variant_key(fold)``: a consonant skeleton. Arabic short vowels are not written, so English spellings
  of one name differ mostly in vowels, doubled letters, articles and digraphs: Tall/Tal/Tell,
  Kafr/Kafar/Kfar/Kefr, Deir/Dayr, Sheikh/Shaykh/Sheik, al-/el-/ar-/ash-, ou/oo/u, ei/ey/ay, q/k.
  Equal keys are a *variant* match. The key is lossy on purpose; ranking sorts out collisions.

Both are pure functions of the string and cached, because imports and lookups call them on the same
names again and again.
"""

from __future__ import annotations

import re
import unicodedata
from itertools import compress
from operator import not_

# Marks that stand for ayn and hamza (or are typed in their place) carry no letter in English spellings.
_APOSTROPHES = "'`´‘’ʼʽʾʿˈˊˋ′ʻ"
# Arabic harakat, tatweel and Quranic marks: vowel signs that English spellings render inconsistently.
_ARABIC_MARKS = frozenset([chr(c) for c in range(0x064B, 0x0660)] + ["\u0670", "\u0640"])
# Arabic letters unidecode renders oddly for place names; ta marbuta is an "a(h)" ending.
# Alif, waw and ya are long vowels inside a word (consonants at its start, handled in fold()).
_ARABIC_LETTERS = {"ة": "a", "ى": "a", "ء": "", "ئ": "y", "ؤ": "w", "أ": "a", "إ": "i", "آ": "a", "ع": "",
                   "ا": "a", "و": "u", "ي": "i", "ی": "i"}
_LATIN_SPECIAL = {"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "đ": "d", "ł": "l", "ı": "i", "þ": "th"}


class _FoldTable(dict):
    """A ``str.translate`` table that fills itself: each code point is worked out once."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        if ch in _APOSTROPHES or ch in _ARABIC_MARKS or unicodedata.combining(ch):
            out = ""
        elif ch in _ARABIC_LETTERS:
            out = _ARABIC_LETTERS[ch]
        elif ch.isalnum() and ch.isascii():
            out = ch.lower()
        elif ch.isspace():
            out = " "
        else:
            low = ch.lower()
            if low in _LATIN_SPECIAL:
                out = _LATIN_SPECIAL[low]
            else:
                base = unicodedata.normalize("NFKD", low)
                base = "".join(c for c in base if not unicodedata.combining(c))
                if base.isascii() and base.isalnum():
                    out = base
                elif _is_arabic(ch):
                    from unidecode import unidecode

                    out = unidecode(ch).lower()
                    out = "".join(c for c in out if c.isalnum())
                elif ch.isalnum():
                    out = low  # other scripts: kept as they are; an exact match still works
                else:
                    out = " "  # punctuation, hyphens, brackets
        self[code] = out
        return out


def _has_arabic(text: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" for ch in text)


def _is_arabic(ch: str) -> bool:
    return "\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f" or "\ufb50" <= ch <= "\ufeff"


_FOLD = _FoldTable()
_FOLD[ord("\n")] = "\n"  # the separator of batched names (see fold_many)
# The same table for ASCII, as bytes: bytes.translate is far faster than a dict-driven str.translate.
_ASCII_MAP = bytes((ord(_FOLD[c]) if len(_FOLD[c]) == 1 else c) for c in range(256) if c < 128) + bytes(range(128, 256))
_ASCII_DELETE = bytes(c for c in range(128) if _FOLD[c] == "")
# Each pattern starts with its letters and looks back from there ("not after an Arabic letter"): a
# pattern that starts with a look-behind is tried at every position, one that starts with a literal
# is searched for, several times faster on a batch of names.
_ARABIC_ARTICLE = re.compile(r"ال(?<![\u0600-\u06ff]ال)(?=[\u0600-\u06ff]{2})")
_ARABIC_INITIAL_W = re.compile(r"و(?<![\u0600-\u06ff]و)")
_ARABIC_INITIAL_Y = re.compile(r"ي(?<![\u0600-\u06ff]ي)")
_ARABIC_ANY = re.compile(r"[\u0600-\u06ff]")
_SPACES = re.compile(r" {2,}")
_fold_cache: dict[str, str] = {}
_key_cache: dict[str, str] = {}
_CACHE_MAX = 200_000


def _tidy(blob: str) -> str:
    """Runs of spaces to one, and none at either end of a line."""
    if "  " in blob:
        blob = _SPACES.sub(" ", blob)
    if " \n" in blob:
        blob = blob.replace(" \n", "\n")
    if "\n " in blob:
        blob = blob.replace("\n ", "\n")
    return blob.strip(" ")


def _fold_ascii(blob: str) -> str:
    return _tidy(blob.encode("ascii").translate(_ASCII_MAP, _ASCII_DELETE).decode("ascii"))


def _fold_other(blob: str) -> str:
    if _ARABIC_ANY.search(blob):
        # Arabic article written joined to its noun: make it a word of its own, like "al-" in Latin
        # script; waw and ya starting a word are consonants (inside a word they are long vowels).
        blob = _ARABIC_ARTICLE.sub("al ", blob)
        blob = _ARABIC_INITIAL_W.sub("w", blob)
        blob = _ARABIC_INITIAL_Y.sub("y", blob)
    return _tidy(blob.translate(_FOLD))


def _batch(fn, items: list[str]) -> list[str]:
    """``fn`` over ``items`` as one newline-joined string."""
    out = fn("\n".join(items)).split("\n")
    if len(out) != len(items):  # an item held a newline of its own: one at a time
        out = [fn(x.replace("\n", " ")) for x in items]
    return out


def _batched(items: list[str], ascii_fn, other_fn) -> list[str]:
    """Apply ``ascii_fn``/``other_fn`` to the ASCII and the other items, each group in one batch, and
    return the results in the original order."""
    if len(items) == 1 and "\n" not in items[0]:  # one name (a query): no batching to do
        return [(ascii_fn if items[0].isascii() else other_fn)(items[0])]
    is_ascii = list(map(str.isascii, items))
    if all(is_ascii):
        return _batch(ascii_fn, items)
    if not any(is_ascii):
        return _batch(other_fn, items)
    asc = iter(_batch(ascii_fn, list(compress(items, is_ascii))))
    oth = iter(_batch(other_fn, list(compress(items, map(not_, is_ascii)))))
    # Interleave back without a Python-level loop: each flag picks the iterator to draw from.
    return list(map(next, map((oth, asc).__getitem__, is_ascii)))


def fold_many(names: list[str]) -> list[str]:
    """``fold`` of many names at once.

    Names are joined with newlines and each step runs once over the whole batch: a GeoNames import
    folds millions of short names, and per-name call overhead would cost more than the work itself.
    """
    return _batched(names, _fold_ascii, _fold_other)


def fold(name: str) -> str:
    """Exact-match form of a name: see the module docstring."""
    got = _fold_cache.get(name)
    if got is None:
        got = fold_many([name])[0]
        if len(_fold_cache) >= _CACHE_MAX:
            _fold_cache.clear()  # bounded memory during a 13M-row import
        _fold_cache[name] = got
    return got


# Arabic article in its Latin spellings, with sun-letter assimilation (ar-Raqqa, ash-Shaykh, az-Zor).
ARTICLES = frozenset("al el il ul ar er as es ash esh at et ath az ez ad ed adh an en".split())
# An article is dropped only where a name follows it on the same line ("Al" alone stays a name).
# _skeleton starts every line with a space, so the pattern starts with a literal (see _ARABIC_ARTICLE).
_ARTICLE = re.compile(rb" (?:" + "|".join(sorted(ARTICLES, key=len, reverse=True)).encode() + rb") (?=\S)")
# A letter followed by itself goes: a run becomes one letter, and the replacement is a literal
# (a group reference in it would cost a Python call per match).
_DOUBLE = re.compile(rb"([a-z])(?=\1)")
# Digraphs, replaced in this order: sch, sh, ch -> S; kh, gh, th, dh -> their first letter; dj -> j,
# ph -> f, ck -> k, x -> ks. The four "h" ones are one pass that drops the h (none can make another).
_DIGRAPHS_S = ((b"sch", b"S"), (b"sh", b"S"), (b"ch", b"S"))
_DIGRAPH_H = re.compile(rb"h(?<=[kgtd]h)")  # (look-behind second: see _ARABIC_ARTICLE)
_DIGRAPHS_REST = ((b"dj", b"j"), (b"ph", b"f"), (b"ck", b"k"), (b"x", b"ks"))
# q and c are k too: one letter for one, so the last pass does it (no step in between tells them apart).
_KEY_LETTERS = bytes.maketrans(b"qc", b"kk")
# w/y after a vowel and before a consonant (or the end) are the second half of a diphthong:
# Dayr/Deir, Zawr/Zor, Kuwayris/Kweires.
_DIPHTHONG = re.compile(rb"[wy](?<=[aeiou][wy])(?![aeiou])")  # (look-behind second: see _ARABIC_ARTICLE)
_FINAL_H = re.compile(rb"h\b")
# A word's first vowel is kept as one marker: without it Aleppo, Idlib and Azaz shrink to one or two
# letters and match half the gazetteer.
_INITIAL_VOWEL = re.compile(rb"\b[aeiou]+")


def _skeleton(blob: str) -> str:
    # The spaces added here go with all the others at the end.
    b = b" " + blob.encode("ascii").replace(b"\n", b"\n ")
    b = _ARTICLE.sub(b"", b)
    b = _DOUBLE.sub(b"", b)
    for x, y in _DIGRAPHS_S:
        b = b.replace(x, y)
    b = _DIGRAPH_H.sub(b"", b)
    for x, y in _DIGRAPHS_REST:
        b = b.replace(x, y)
    b = _DIPHTHONG.sub(b"a", b)
    b = _FINAL_H.sub(b"", b)
    b = _INITIAL_VOWEL.sub(b"A", b)
    return b.translate(_KEY_LETTERS, b"aeiou ").decode("ascii")


def variant_keys_many(folds: list[str]) -> list[str]:
    """``variant_key`` of many folded names at once (see ``fold_many`` for why).

    Only Latin-script (and transliterated Arabic) names get a skeleton; names in other scripts are
    their own key, so they still match exactly.
    """
    out = _batched(folds, _skeleton, lambda blob: blob)
    if "" in out:
        for i, key in enumerate(out):
            if not key:  # a name of vowels only ("Ai"): keep it whole rather than an empty key
                out[i] = folds[i].replace(" ", "")
    return out


def variant_key(folded: str) -> str:
    """Consonant skeleton of a folded name (pass ``fold(name)``)."""
    got = _key_cache.get(folded)
    if got is None:
        got = variant_keys_many([folded])[0]
        if len(_key_cache) >= _CACHE_MAX:
            _key_cache.clear()
        _key_cache[folded] = got
    return got


# Vowel spellings that transliterations of one Arabic vowel differ by (ee/i, ou/u, ei/ay), evened out
# before doubled letters go: Maaret/Maarrat, Misreen/Misrin, Shughour/Shughur.
_VOWEL_SPELLINGS = (("ee", "i"), ("ou", "u"), ("oo", "u"), ("ei", "ay"), ("ai", "ay"))
_DOUBLE_STR = re.compile(r"([a-z])\1+")


def vowel_form(folded: str) -> str:
    """A folded name with some choices English spellings of Arabic names differ by evened out: the
    article's sun-letter forms (an, ash, ad) as al, the spellings of one long vowel, doubled letters.
    Unlike ``variant_key`` it keeps every vowel, so a spelling of another name stays unlike it:
    "maaret misreen" gives "maret misrin", "maarrat misrin" gives "marat misrin"."""
    words = folded.split()
    out = []
    for i, w in enumerate(words):
        if w in ARTICLES and i + 1 < len(words):
            out.append("al")
            continue
        for a, b in _VOWEL_SPELLINGS:
            w = w.replace(a, b)
        out.append(_DOUBLE_STR.sub(r"\1", w))
    return " ".join(out)


def keys(name: str) -> tuple[str, str]:
    """(fold, variant key) of a raw name."""
    f = fold(name)
    return f, variant_key(f)

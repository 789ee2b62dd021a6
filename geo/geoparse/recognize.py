"""Find the spans of a text that name places, driven by the gazetteer.

Every run of capitalised words (with the particles Arabic names carry: al-, ez-, bin) is a candidate;
its folded form and its transliteration key are looked up in the gazetteer's name keys held in memory (a
hash-based multi-pattern match), longest first, left to right. What is known not to be a place
(organisations, demonyms, months, titles, common words) is masked first. Context patterns ("the
villages of A, B and C", "the town of X", "X air base") make a span a place even when the gazetteer lacks
it; such a span is reported unresolved, with the reason.
"""

from __future__ import annotations

import re
from bisect import bisect_left, insort
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from geo.geoparse.lexicon import Cue, Lexicon
from geo.geoparse.tokens import LEADING_ARTICLES, PARTICLES, Sentences, Token, tokenize_capitalised, word_char
from geo.names import fold, fold_many, variant_keys_many

MAX_WORDS = 5
NORM_CACHE = 100_000  # capitalised runs whose normal forms are kept between texts
# These are English words too: as an article they must be joined by a hyphen (as-Sweida, not "as Sweida").
HYPHEN_ONLY_ARTICLES = frozenset("as at an".split())
# An all-capitals word of this length or less is an acronym (IS, SDF, YPG) unless the gazetteer has it
# verbatim as an abbreviation of a country (US, UK, UAE).
ACRONYM_MAX = 4
# Words capitalised only because a sentence starts with them: "In Deir Ezzor" is Deir Ezzor, whatever
# the gazetteer's "In Deir" may be. (A hyphen keeps an article: "As-Suwayda".)
SENTENCE_OPENERS = frozenset("in at on from after before as for by to with near outside inside around across into "
                             "toward towards since during under over between against through and but or while "
                             "when if so the a an this that".split())
# A capitalised word right after a title is a person: "Mr. Moore", "Sen. Stevens", "President Lincoln".
TITLES = frozenset(
    "Mr Mrs Ms Dr Sen Rep Gov Gen Lt Col Sgt Capt Maj Prof Rev Det President Senator Governor Mayor Judge "
    "General Minister Secretary Commander Colonel Captain Spokesman Spokeswoman Officer Detective Coach Pastor "
    "Chief Sheriff Deputy Trooper Attorney Justice".split())
# A name that opens with the Arabic article after a preposition of place ("in al-Dawr", "near Al-Rai")
# names a place; not after "to" or "from" ("loyal to al-Assad", "defectors from al-Nusra").
ARABIC_ARTICLES = frozenset("al Al el El".split())
_AT_ARABIC = re.compile(r"\b(?:in|near|at|outside|inside|around|into|toward|towards)\s+$", re.I)
ARABIC_PLACE = Cue("in al-", "before", ("P",))
# Arabic tall/tell, "hill", opens many village names; a gazetteer may have the name without it.
HILL_PREFIXES = frozenset("Tal Tall Tell Tel".split())
# "Western Afghanistan", "Northern Iraq", "East Mosul": a part of a country, province or city, named with it.
REGION_PREFIXES = frozenset("North South East West Northern Southern Eastern Western Central Upper Lower".split())
# Feature words that are also common surnames (Christopher Hill, Michael Bay): a name ending in one that
# the gazetteer lacks is a place only after "the" ("the Hill", not "Lauryn Hill").
SURNAME_FEATURES = frozenset("hill lake bay".split())
# "captured Biju Hill", "on Zeitoun Hill": where a hill, not a Mr Hill, is meant.
_TAKEN_OR_AT = re.compile(r"\b(?:on|atop|near|toward|towards|overlooking|captured|recaptured|seized|took|retook|"
                          r"stormed|shelled)\s+$")
# "the Baliem Valley", "the north Arabian Sea": what comes before a name that ends in its feature word.
_THE_BEFORE = re.compile(r"(?:^|\W)[Tt]he\s+(?:[a-z][\w-]*\s+)?$")
# "north of", "20 km (12 miles) southeast of": a bearing from a place (here after a name: the name is a
# place; resolve.py looks for it near the place after the bearing).
BEARING = (r"(?:(?:about|some|around|nearly|roughly|just)\s+)?(?:(?P<dist>\d+(?:\.\d+)?)\s*-?\s*"
           r"(?P<unit>km|kms|kilometers|kilometres|miles|mi)\b\.?\s*(?:\([^)]*\)\s*)?)?"
           r"(?:north|south|east|west)(?:-?(?:east|west))?(?:ern)?\s+(?:of|from)\s+")
_BEARING_AFTER = re.compile(r",\s+" + BEARING + r"(?:the\s+)?[A-Z]")
BEARING_PLACE = Cue("north/south/east/west of", "after", ("P",))
# An apposition that says what kind of place a name is, and then where: ", a town 700 km northeast of",
# ", a small village in", ", the provincial capital," (not ", a town official").
_KIND_AFTER = re.compile(r",\s+(?:a|an|the)\s+(?:[a-z][\w-]*\s+){0,2}?(town|village|city|hamlet|district|suburb|"
                         r"region|province|port)(?=\s*[,.;]|\s+(?:in|on|near|of|about|some|just|located|close|outside|"
                         r"along|north|south|east|west)\b|\s+\d)")
_POSSESSIVE_INSIDE = re.compile(r"['’]s\b")
# A name the gazetteer lacks after a preposition of place, followed by what follows a place: "in Haditha
# on Friday", "near Pibor, where".
_IN_PLACE = re.compile(r"(?<![A-Za-z])(?:in|near|outside|(?:headquarters|base|camp|garrison|airport|prison|port|"
                       r"stronghold|outpost|crossing)\s+at)\s+$")
_PLACE_FOLLOWS = re.compile(r"(?:\s*[,.;:]|\s+(?:on|in|near|and|last|this|early|late|after|before|during|since|"
                            r"until|when|where|yesterday|today|overnight|province|district|city|town|village|"
                            r"region|area|camp)\b)")
IN_PLACE = Cue("in X", "before", ("P",))
# "captured Burdhubo from the government forces": what a seizure took from an armed side is a place.
_TAKEN_BEFORE = re.compile(r"\b(?:captured?|captures|capturing|seized?|seizes|seizing|took|taken?|takes|taking|"
                           r"retook|retaken|recaptured?|overran|overrun|wrested|wrest)\s+"
                           # ("captured Hayyan and Bayyanoun from the rebels": the list's last item too)
                           r"(?-i:(?:[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*){0,2}(?:\s*,\s*(?:and\s+)?|\s+and\s+)){0,4})$",
                           re.I)
_FROM_SIDE = re.compile(r"\s+from\s+(?:the\s+)?(?:[\w'’-]+\s+){0,3}?(?:rebels?|insurgents?|militants?|forces|troops|"
                        r"army|government|regime|fighters|jihadists|guerrillas|militias?|Islamists|Taliban|"
                        r"separatists|opposition|Islamic State|IS|ISIS|ISIL|Daesh)\b")
TAKEN_FROM = Cue("taken from", "before", ("P",))
_NOT_IN_PLACE = frozenset("War Battle Hall Chambers Court Class Region Affairs".split())  # "in World War I"
# Names between two places of a list: ", Mahagi and ", ", Suluk, Mabrouka and ".
_NAME = (r"(?:(?:al|el|Al|El|ad|Ad|ar|as|ash|az|ez)-)?[A-Z][\w'’`-]*"
         r"(?:\s+(?:(?:al|el|ad|ar|bin|de|del)[\s-])?[A-Z][\w'’`-]*){0,3}")
_ITEM = re.compile(_NAME)
_SEP = r"(?:\s*,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+)"
_ITEMS_BETWEEN = re.compile(rf"{_SEP}(?:{_NAME}{_SEP}){{1,2}}")
_LIST_SEP = re.compile(_SEP)
_LIST_OPENER = re.compile(r"(?:\b(?:in|at|near|into|toward|towards|from|around|outside|between|captured|"
                          r"seized|took|retook|recaptured|overran|stormed|entered|shelled|bombed|hit|struck|attacked|"
                          r"controls?|controlled|held|holds?)\s+(?:the\s+(?:[a-z][\w-]*\s+){0,2}?(?:of\s+)?)?|"
                          r"\b(?:towns|villages|cities|areas|districts|provinces|regions|countries|states|counties)"
                          r"\b[^.;]{0,30}?\s+(?:including|such as)\s+)$")  # ("a board including Day, Edwards": no)
LIST_ITEM = Cue("an item of a list of places", "after", ("P", "A"))
ENGLISH_ARTICLES = frozenset(f(w) for w in "the a an this that".split() for f in (str, str.capitalize, str.upper))
# Words that make a capitalised run an institution named after a place: "Springfield Bus Co.",
# "Aleppo University", "Homs Central Prison". The place word that opens such a run is still a place.
INSTITUTIONS = frozenset(
    "Transit Bus Co Company Corp Inc School Schools University College Hospital Police Department Council Board "
    "Court Church Library Museum Center Centre Zoo Prison Jail Authority Commission Chamber Times Post Herald "
    "Gazette Journal Tribune Observer Club Bank Airport Stadium Mall Market High Symphony Orchestra "
    "Accord Accords Agreement Treaty Declaration Protocol Convention".split())  # ("Camp David Accords")
# Dates end a name: "the town of Huddur Tuesday" is Huddur, on a Tuesday.
DATE_WORDS = frozenset("january february march april may june july august september october november december "
                       "monday tuesday wednesday thursday friday saturday sunday".split())
_DATE_FORMS = frozenset(f(w) for w in DATE_WORDS for f in (str.capitalize, str.upper))
# Abbreviations that open a name and keep their full stop: "St. Paul", "Mt. Hermon", "Ft. Worth".
DOTTED_OPENERS = frozenset("St Ste Sta Mt Ft Pt".split())
# The Persian ezafe joins a name's words with hyphens: "Mazar-e-Sharif", "Pul-i-Khumri".
EZAFE = frozenset("e i".split())
# A run's fold, variant key, and whether the gazetteer has that key.
Normal = tuple[str, str, bool]
_UNSET: Normal = ("", "", False)
LIST_SEP = re.compile(r"^\s*(?:,\s*(?:and\s+|or\s+)?|\s+(?:and|or)\s+)(?:the\s+)?$")
_COMMA_THE = re.compile(r"\s*,\s*the\s+")  # ", the X" after a name: an apposition, not an item
_HYPHEN_LOWER = re.compile(r"-[a-z]")  # "IS-held": the name is an owner


def tokens_text(tokens: list[Token], start: int, end: int) -> str:
    i = bisect_left(tokens, start, key=lambda t: t.start)
    out = []
    while i < len(tokens) and tokens[i].end <= end:
        out.append(tokens[i].text)
        i += 1
    return " ".join(out)


@dataclass(slots=True, init=False)
class Span:
    start: int
    end: int
    text: str
    fold: str  # fold(text)
    key: str  # variant_key(fold)
    cue: Cue | None = None  # a context word said this is a place
    sentence_start: bool = False
    tokens: int = 1
    known: bool = True  # the gazetteer has the name (exactly or as a variant)
    # Part of a longer run of capitalised words that is not itself a known name ("Rami Abdel Rahman",
    # a title-case headline), or a word such a run used elsewhere in the text ("Assad" after "Bashar
    # al-Assad"): most likely part of a person's or an organisation's name.
    in_name: bool = False
    in_list: bool = False  # found as an item of a cued list
    after_the: bool = False  # "the Levant": right after a lowercase "the"
    part_of: str | None = None  # "the Old City section of Homs": the place it is a part of
    near_to: str | None = None  # "Bashiqa, northeast of Mosul": placed near it by the text, and not found there
    modifier: bool = False  # opens an institution's name: "Huntsville Memorial Hospital"
    # "Tishreen Dam": looked up as "Tishreen", reported with the feature word that is part of its name.
    name_end: int | None = None
    name_text: str | None = None
    # "Tal Mardikh": looked up as Mardikh (the gazetteer's name), reported from name_start.
    name_start: int | None = None
    prefix_dropped: bool = False
    region_of: bool = False  # "Western Afghanistan": looked up as Afghanistan, which must be a country or the like
    after_in: bool = False  # right after "in", "near" or "outside": "in Haditha"

    # Written out, not generated by @dataclass: a compiled (mypyc) build runs a generated __init__ in the
    # interpreter, and a text makes thousands of spans.
    def __init__(self, start: int, end: int, text: str, fold: str, key: str, cue: Cue | None = None,
                 sentence_start: bool = False, tokens: int = 1, known: bool = True, in_name: bool = False,
                 in_list: bool = False, after_the: bool = False, part_of: str | None = None,
                 near_to: str | None = None, modifier: bool = False, name_end: int | None = None,
                 name_text: str | None = None, name_start: int | None = None, prefix_dropped: bool = False,
                 region_of: bool = False, after_in: bool = False) -> None:
        self.start = start
        self.end = end
        self.text = text
        self.fold = fold
        self.key = key
        self.cue = cue
        self.sentence_start = sentence_start
        self.tokens = tokens
        self.known = known
        self.in_name = in_name
        self.in_list = in_list
        self.after_the = after_the
        self.part_of = part_of
        self.near_to = near_to
        self.modifier = modifier
        self.name_end = name_end
        self.name_text = name_text
        self.name_start = name_start
        self.prefix_dropped = prefix_dropped
        self.region_of = region_of
        self.after_in = after_in


class Recognizer:
    def __init__(self, lexicon: Lexicon, name_keys: dict[str, None], abbreviations: set[str],
                 exact: Callable[[str], bool] | None = None) -> None:
        self.lx = lexicon
        self.keys = name_keys
        # Whether the gazetteer has this very name (not only one spelled alike); rarely asked.
        self._exact: Callable[[str], bool] = exact or (lambda name: True)
        self.abbreviations = abbreviations  # original-case country abbreviations: US, U.S., UK
        self.cue_after = lexicon.cue_after()
        # capitalised, as a feature word that is part of a name is written
        self._cue_last_words = {f(w.split()[-1]) for w in self.cue_after for f in (str.capitalize, str.upper)}
        self.cue_before = lexicon.cue_before()
        self.cue_opens = lexicon.cue_opens()
        # the first words of those cues as written in text ("Kafr", "KAFR", "Gulf"), checked before folding
        self._opener_forms = {f(w.split()[0]) for w in self.cue_opens for f in (str.capitalize, str.upper)}

        def alternation(words) -> str:
            return "|".join(re.escape(w).replace(r"\ ", r"[\s-]+") for w in sorted(words, key=len, reverse=True))

        self._after = re.compile(r"[\s-]+(" + alternation(self.cue_after) + r")\b", re.IGNORECASE)
        # Their first three letters: after a name and one space, a word that opens with none of them is no cue.
        self._after_heads = {w[:3] for w in self.cue_after} \
            if all(len(w) >= 3 and w[:3].isalpha() and w[:3].isascii() for w in self.cue_after) else None
        self._before = re.compile(r"\b(" + alternation(self.cue_before) + r")\s+of\s+(?:the\s+)?$", re.IGNORECASE)
        phrases = sorted(lexicon.not_places, key=len, reverse=True)
        # (a space in a phrase is a hyphen too: "al-Jazeera" is Al Jazeera)
        self._mask = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(p).replace(r"\ ", r"[\s-]+") for p in phrases)
                                + r")(?!\w)",
                                re.IGNORECASE) if phrases else None
        # The masked phrases' first three letters, lower-cased (a space also as a hyphen): a word that opens
        # with none of them is not tried against the whole alternation. (Only for ASCII, where lower() is all
        # IGNORECASE does.)
        self._mask_heads = {h for p in phrases for h in (p[:3].lower(), p[:3].lower().replace(" ", "-"))} \
            if all(p[:3].isascii() and len(p) >= 3 for p in phrases) else None
        # (fold, variant key, known) of the capitalised runs seen before: the same names recur across articles.
        self._norm: dict[str, Normal] = {}

    # ------------------------------------------------------------------------------------------

    def find(self, text: str, sentences: Sentences | None = None) -> list[Span]:
        sentences = sentences or Sentences(text)
        tokens = tokenize_capitalised(text)
        masked = self._masked(text, tokens)
        cont = _continuations(tokens, masked)
        grams = self._grams(tokens, masked, cont)
        if not grams:
            return []
        strings = [text[tokens[i].start:tokens[j].end] for i, j in grams]
        # For each first word, its runs (last word, text, normal forms), shortest first.
        by_start: dict[int, list[tuple[int, str, Normal]]] = {}
        for (i, j), s, normal in zip(grams, strings, self._normalised(strings)):
            by_start.setdefault(i, []).append((j, s, normal))
        spans: list[Span] = []
        n = len(tokens)
        openers = {t for t in range(n - 1) if tokens[t].text.lower() in SENTENCE_OPENERS
                   and tokens[t + 1].sep == " " and sentences.is_start(tokens[t].start)}
        i = 0
        while i < n:
            runs = by_start.get(i)
            if not runs:
                i += 1
                continue
            if i + 1 < n and by_start.get(i + 1) and i in openers:
                i += 1
                continue
            longest, _, (_, _, known) = runs[-1]
            if longest > i and self._person_named_like_a_place(text, tokens, i, longest, known):
                i = longest + 1
                continue
            chosen = None
            for j, s, (f, k, known) in reversed(runs):  # longest first
                span = self._accept(text, tokens, i, j, s, f, k, known, sentences)
                if span is not None:
                    chosen = (span, j)
                    break
            if chosen:
                spans.append(chosen[0])
                i = chosen[1] + 1
            else:
                i += 1
        for sp in spans:
            if sp.tokens == 1:  # (what resolution asks of one-word names only)
                sp.after_in = _in_place_before(text, sp.start, 12)
        self._lists(text, tokens, spans, masked, sentences, cont)
        self._between(text, tokens, spans, masked, sentences)
        self._again(text, spans, sentences)
        self._runs(text, tokens, spans, masked, cont, openers)
        spans.sort(key=lambda s: s.start)
        return spans

    def _normalised(self, strings: list[str]) -> list[Normal]:
        """(fold, variant key, known) of each string, from the cache or folded in one batch."""
        cache = self._norm
        out: list[Normal] = []
        missing: dict[str, list[int]] = {}  # (each folded once, however often the text writes it)
        for s in strings:
            got = cache.get(s)
            if got is None:
                missing.setdefault(s, []).append(len(out))
                got = _UNSET
            out.append(got)
        if missing:
            names = list(missing)
            folds = fold_many(names)
            if len(cache) + len(names) > NORM_CACHE:
                cache.clear()  # bounded memory over an endless feed
            for s, f, k in zip(names, folds, variant_keys_many(folds)):
                cache[s] = normal = (f, k, k in self.keys)
                for at in missing[s]:
                    out[at] = normal
        return out

    def _runs(self, text: str, tokens: list[Token], spans: list[Span], masked: list[bool], cont: list[bool],
              openers: AbstractSet[int] = frozenset()) -> None:
        """Mark spans that sit inside longer capitalised runs or follow a title (see ``Span.in_name``)."""
        words: set[str] = set()
        for s in spans:
            before = text[max(0, s.start - 16):s.start].split()
            if before and before[-1].rstrip(".") in TITLES:
                s.in_name = True
                words.update(s.fold.split())
        runs: list[tuple[int, int, bool]] = []
        i, n = 0, len(tokens)
        while i < n:
            if not tokens[i].capitalised or masked[i] or i in openers:
                i += 1
                continue
            j = i
            while j + 1 < n and cont[j + 1] \
                    and (tokens[j + 1].capitalised or (j + 2 < n and tokens[j + 2].capitalised)):
                j += 1
            if j > i:
                runs.append((tokens[i].start, tokens[j].end,
                             any(tokens[k].text in INSTITUTIONS for k in range(i + 1, j + 1))))
            i = j + 1
        exact = {(s.start if s.name_start is None else s.name_start, s.name_end or s.end) for s in spans}
        ordered = sorted(spans, key=lambda s: s.start)
        starts = [s.start for s in ordered]
        for a, b, institution in runs:
            if (a, b) in exact:
                continue  # the whole run is a place name
            k = bisect_left(starts, a)
            # "Springfield Bus Co.", "Aleppo University": the word that opens an institution's name may
            # be a place the text names on its own elsewhere ("Springfield, Ohio"): it does not make
            # those mentions part of a name.
            place_first = institution and k < len(ordered) and ordered[k].start == a
            first_words = len(ordered[k].fold.split()) if place_first else 0
            if place_first:
                ordered[k].modifier = True  # "Huntsville Memorial Hospital": Huntsville, if it is a town of note
                k += 1
            while k < len(ordered) and ordered[k].start < b:  # the spans inside this run
                if ordered[k].end <= b:
                    ordered[k].in_name = True
                k += 1
            run_words = fold(tokens_text(tokens, a, b)).split()[first_words:]
            words.update(w for w in run_words if w not in PARTICLES)
        for s in spans:
            if not s.in_name and all(w in words for w in s.fold.split()):
                s.in_name = True

    # ------------------------------------------------------------------------------------------

    def _masked(self, text: str, tokens: list[Token]) -> list[bool]:
        flags = [False] * len(tokens)
        if self._mask is None:
            return flags
        # Masked phrases start at a capitalised word (or an article before one), so they are tried there
        # only: an anchored match per word is far cheaper than scanning the whole text.
        intervals: list[tuple[int, int]] = []
        heads = self._mask_heads
        for tok in tokens:
            if intervals and tok.start < intervals[-1][1]:
                continue
            if heads is not None:
                head = text[tok.start:tok.start + 3]
                if head.isascii() and head.lower() not in heads:
                    continue
            m = self._mask.match(text, tok.start)
            if m:
                intervals.append((m.start(), m.end()))
        if not intervals:
            return flags
        k = 0
        for t, tok in enumerate(tokens):
            while k < len(intervals) and intervals[k][1] <= tok.start:
                k += 1
            if k < len(intervals) and intervals[k][0] <= tok.start < intervals[k][1]:
                flags[t] = True
        return flags

    def _grams(self, tokens: list[Token], masked: list[bool], cont: list[bool]) -> list[tuple[int, int]]:
        """(first, last) token index of every candidate run of words."""
        out = []
        n = len(tokens)
        for i, tok in enumerate(tokens):
            if masked[i]:
                continue
            lead_article = tok.text in LEADING_ARTICLES and i + 1 < n and tokens[i + 1].capitalised \
                and tokens[i + 1].sep in (("-",) if tok.text in HYPHEN_ONLY_ARTICLES else ("-", " "))
            if not (tok.capitalised or lead_article):
                continue
            for j in range(i, min(n, i + MAX_WORDS)):
                if j > i and not cont[j]:
                    break
                if tokens[j].capitalised:
                    out.append((i, j))
        return out

    def _accept(self, text, tokens, i, j, s, f, k, known: bool, sentences) -> Span | None:
        # (known: k in self.keys, asked once per name: the keys are many, and probing them is slow)
        first = tokens[i]
        single = i == j
        if single and f in self.lx.demonyms:
            return None
        if not single and first.text in ENGLISH_ARTICLES and (not known or (
                sentences.is_start(first.start) and self._known(text[tokens[i + 1].start:tokens[j].end]))):
            return None  # "The Kweires air base": the article opens the sentence, not the name ("The Hague" does)
        if not single and not known and _POSSESSIVE_INSIDE.search(text, first.start, tokens[j].end):
            return None  # "Kabul's Darulaman Palace": an owner and a place, not one name the gazetteer lacks
        feature = None if single else self._feature_end(tokens, i, j)
        if feature is not None and (not known or (
                fold(first.text) in self.lx.demonyms and not self._exact(s))):
            # ("Arabian Sea", "Irish Sea": an adjective and a feature word, only loose spellings of far
            # villages; the feature word decides)
            words, cue = feature
            prefix = text[first.start:tokens[j - words].end]
            bare, bare_key, bare_known = self._normalised([prefix])[0]
            if bare not in self.lx.demonyms and bare_known:
                if not cue.in_name:
                    return None  # "an area of Aleppo Province": Aleppo, found on its own, with its cue
                # "Tishreen Dam": looked up as Tishreen, reported with its feature word.
                span = self._accept(text, tokens, i, j - words, prefix, bare, bare_key, bare_known, sentences)
                if span is not None:
                    span.name_end, span.name_text = tokens[j].end, s
                return span
            if cue.in_name:
                return Span(first.start, tokens[j].end, s, f, k, cue=cue, tokens=j - i + 1, known=False,
                            sentence_start=sentences.is_start(first.start))  # "Persian Gulf", "Kodori Gorge"
        if not single and first.text in REGION_PREFIXES and tokens[i + 1].sep == " " \
                and (not known or not self._exact(s)):
            # ("South Korea", "West Bank" are names of their own; "East Mosul" only spells like one)
            span = self._after_first_word(text, tokens, i, j, s, sentences, None)
            if span is not None:
                span.region_of = True
                return span
        if not single and fold(first.text) in self.lx.demonyms and first.text not in ("Saudi",):
            return None  # "Syrian Mediterranean port": the adjective is not part of the name
        if single and f in self.lx.common and first.text not in self.abbreviations:
            return None  # "The city of ...": a cue does not make "The" a place
        found: Cue | None = self._cue(text, tokens, i, j)
        if found is None and feature is not None and feature[1].in_name and (
                feature[1].words.split()[-1] not in SURNAME_FEATURES or _feature_meant(text, first.start)):
            found = feature[1]  # "the Baliem Valley", known only as a spelling of Balmville: a valley still
        if single and first.text not in self.abbreviations:
            if first.text.isupper() and len(first.text.replace(".", "")) <= ACRONYM_MAX \
                    and first.text not in self.abbreviations and found is None:
                return None  # IS, SDF, YPG: acronyms of groups, not places
        if not known and not single and first.text in HILL_PREFIXES:
            # "Tal Mardikh" where the gazetteer has Mardikh: looked up without the word for "hill".
            span = self._after_first_word(text, tokens, i, j, s, sentences, found)
            if span is not None:
                span.prefix_dropped = True
                return span
        if not known and found is None and not single:
            found = self._opening_cue(text, tokens, i, j)  # "Kafr Nabl", "Jabal al-Sayyid"
        if not known and found is None \
                and not (j + 1 < len(tokens) and tokens[j + 1].capitalised and tokens[j + 1].sep in (" ", "-")) \
                and (ctx := context_cue(text, first.start, tokens[j].end)) is not None \
                and not _named_in_full(text, s) \
                and not any(t.text in INSTITUTIONS or t.text in _NOT_IN_PLACE for t in tokens[i:j + 1]) \
                and (j - i < 2 or not self._known(first.text)):
            # ("Maiduguri Borno State" without its comma: the known names stand; "Boone County" is one)
            found = ctx  # "captured a bomb maker in Haditha on Friday"
        if not known and found is None:
            return None
        if not known and found is not None and ((single and len(f) < 3)
                                                or (" of " in f" {f} " and found.position != "opens")):
            return None  # an unknown name is a run of capitalised words and Arabic particles only
        span = Span(first.start, tokens[j].end, s, f, k, cue=found, tokens=j - i + 1, known=known,
                    sentence_start=sentences.is_start(first.start))
        return span

    def _opening_cue(self, text: str, tokens: list[Token], i: int, j: int) -> Cue | None:
        """The cue of a generic word that opens the run ("Kafr", "Jabal", "Mount"), when the run is all of
        a capitalised run, holds no institution's word, and no shorter part of it from the start is a
        known name ("Mount Pleasant High School" is a school in Mount Pleasant)."""
        if tokens[i].text not in self._opener_forms:  # (most runs: checked before any folding)
            return None
        cue = self.cue_opens.get(fold(tokens[i].text))
        if cue is None and j > i + 1 and tokens[i + 1].text == "of":  # "Strait of Hormuz"
            cue = self.cue_opens.get(fold(tokens[i].text) + " of")
        if cue is None:
            return None
        n = len(tokens)
        if j + 1 < n and tokens[j + 1].capitalised and tokens[j + 1].sep in (" ", "-"):
            return None
        if any(t.text in INSTITUTIONS for t in tokens[i + 1:j + 1]):
            return None
        if any(tokens[m].capitalised and self._known(text[tokens[i].start:tokens[m].end]) for m in range(i + 1, j)):
            return None
        return cue

    def _after_first_word(self, text: str, tokens: list[Token], i: int, j: int, s: str, sentences: Sentences,
                          cue: Cue | None) -> Span | None:
        """The run without its first word, when the gazetteer has that: looked up as the rest, reported
        (name_start, name_text) as the whole."""
        rest = text[tokens[i + 1].start:tokens[j].end]
        rf, rk, known = self._normalised([rest])[0]
        if not known:
            return None
        return Span(tokens[i + 1].start, tokens[j].end, rest, rf, rk, cue=cue, tokens=j - i, known=True,
                    sentence_start=sentences.is_start(tokens[i].start), name_start=tokens[i].start,
                    name_end=tokens[j].end, name_text=s)

    def _known(self, phrase: str) -> bool:
        return self._normalised([phrase])[0][2]

    def _person_named_like_a_place(self, text: str, tokens: list[Token], i: int, j: int,
                                   known: bool) -> bool:
        """A run ending in a feature word, not after "the" and not itself a known name, that is a person:
        the word is a common surname ("Christopher Hill"), or the run holds a title ("Secretary Tom Ridge")."""
        feature = self._feature_end(tokens, i, j)
        if feature is None or not feature[1].in_name or _feature_meant(text, tokens[i].start):
            return False
        if known:
            return False  # "Rhode Island", "Capitol Hill"
        return feature[1].words.split()[-1] in SURNAME_FEATURES \
            or any(t.text in TITLES for t in tokens[i:j + 1])  # "Homeland Security Secretary Tom Ridge"

    def _feature_end(self, tokens: list[Token], i: int, j: int) -> tuple[int, Cue] | None:
        """(number of words, cue) when the run ends in a capitalised word that says what kind of place it
        is: "... Gorge", "... Gas Fields", "... Province"."""
        if tokens[j].text not in self._cue_last_words:
            return None
        for words in (2, 1):
            if j - words + 1 > i:
                cue = self.cue_after.get(" ".join(t.text.lower() for t in tokens[j - words + 1:j + 1]))
                if cue is not None:
                    return words, cue
        return None

    def _cue(self, text: str, tokens: list[Token], i: int, j: int) -> Cue | None:
        after = self._cue_after(text, tokens[j].end)
        if after is not None:
            return after
        start = tokens[i].start
        if tokens[i].text in ARABIC_ARTICLES and i < j and tokens[i + 1].sep == "-" \
                and _AT_ARABIC.search(text, max(0, start - 12), start) \
                and not text.startswith(("'s", "’s"), tokens[j].end):
            return ARABIC_PLACE  # "in al-Dawr", "near al-Rai": a place, though the gazetteer lacks it
        return self._cue_before(text, start)

    def _cue_after(self, text: str, end: int) -> Cue | None:
        heads = self._after_heads
        after = text[end:end + 1]
        if heads is not None and after == " ":
            head = text[end + 1:end + 4]
            m = None if head.isascii() and head.isalpha() and head.lower() not in heads \
                else self._after.match(text, end, end + 40)
        elif after == "-" or after.isspace():
            m = self._after.match(text, end, end + 40)
        else:
            m = None  # (the pattern opens with a space or a hyphen: "Aleppo," is followed by no cue word)
        if m:
            return self.cue_after[" ".join(m.group(1).lower().replace("-", " ").split())]
        if text.startswith(",", end):
            if _BEARING_AFTER.match(text, end, end + 60):
                return BEARING_PLACE  # "Hammam al-Alil, south of Mosul": a place by where the text puts it
            m = _KIND_AFTER.match(text, end, end + 60)
            if m:  # "Konna, a town 700 km northeast of Bamako", "Tal Hamis, a village in Hasakah province"
                return self.cue_after.get(m.group(1).lower()) or Cue(m.group(1).lower(), "after", ("P",))
        return None

    def _cue_before(self, text: str, start: int) -> Cue | None:
        if text.find(" of ", max(0, start - 10), start) == -1:
            return None  # every "before" cue ends in "of" or "of the": most words have neither
        m = self._before.search(text, max(0, start - 40), start)
        return self.cue_before[m.group(1).lower()] if m else None

    def _again(self, text: str, spans: list[Span], sentences: Sentences) -> None:
        """A name the context made a place ("the town of Bashiqa") is a place where the text names it again
        without that context ("... had held Bashiqa")."""
        cued = {s.text: s for s in spans if s.cue is not None}
        if not cued:
            return
        taken = sorted((s.start if s.name_start is None else s.name_start, s.name_end or s.end) for s in spans)
        # Where the text writes each name as a word of its own (running into no word on either side: "al-Bab"
        # is no mention of Bab), the longest where two start at one place ("Al Bab" before "Bab"), left to
        # right. (Found with str.find: a pattern made of the names would be compiled anew, in the
        # interpreter, for every text.)
        longest: dict[int, int] = {}  # start -> end
        for name in cued:
            at = text.find(name)
            while at != -1:
                end = at + len(name)
                if not (at > 0 and _runs_into(text[at - 1])) and not (end < len(text) and _runs_into(text[end])) \
                        and longest.get(at, 0) < end:
                    longest[at] = end
                at = text.find(name, at + 1)
        last = 0
        for start in sorted(longest):
            end = longest[start]
            if start < last:
                continue  # (inside the mention before)
            last = end
            k = bisect_left(taken, (end, -1))
            if any(a < end and start < b for a, b in taken[max(0, k - 2):k + 1]):
                continue  # already a span, or inside one
            name = text[start:end]
            first = cued[name]
            spans.append(Span(start, end, name, first.fold, first.key, cue=first.cue, tokens=first.tokens,
                              known=first.known, sentence_start=sentences.is_start(start)))
            insort(taken, (start, end))

    def _lists(self, text, tokens, spans: list[Span], masked, sentences, cont) -> None:
        """In "the villages of A, B and C", the names after the first cued one are places too."""
        if not spans:
            return
        starts = {s.start for s in spans}
        by_start = {s.start: s for s in spans}
        index = {t.start: n for n, t in enumerate(tokens)}
        added: list[Span] = []
        for s in list(spans):
            if s.cue is None or s.cue.position != "before":
                continue
            last = s
            while True:
                k = index.get(last.start)
                if k is None:
                    break
                # the token after the current item
                j = k
                while j + 1 < len(tokens) and tokens[j + 1].start < last.end:
                    j += 1
                if j + 1 >= len(tokens):
                    break
                gap = text[last.end:tokens[j + 1].start]
                # "and the base of X" starts a new cue: that item is found on its own.
                # ", the X" after a bare comma is no item: "the outskirts of Deir Hafer, the Observatory said".
                if not LIST_SEP.match(gap) or not tokens[j + 1].capitalised or masked[j + 1] \
                        or _COMMA_THE.fullmatch(gap):
                    break
                a = j + 1
                if fold(tokens[a].text) in self.lx.demonyms:
                    break  # "the city of Basra, British soldiers ...": a people, no item
                b = a
                while b + 1 < len(tokens) and b - a < MAX_WORDS - 1 and cont[b + 1]:
                    b += 1
                while b > a and not tokens[b].capitalised:
                    b -= 1
                if text[tokens[b].end:tokens[b].end + 2] in ("'s", "’s") \
                        or _HYPHEN_LOWER.match(text, tokens[b].end):
                    break  # "the city of Raqqa, IS's capital", "the town of Saraqeb and IS-held Raqqa": owners
                if tokens[a].start in starts:
                    last = by_start[tokens[a].start]
                    # An item the gazetteer knows only as a spelling variant of a far place is still an
                    # item of the list: "the towns of Nyabibwe and Dutu".
                    if last.cue is None:
                        last.cue, last.in_list = s.cue, True
                    continue
                phrase = text[tokens[a].start:tokens[b].end]
                f, k2, known = self._normalised([phrase])[0]
                item = Span(tokens[a].start, tokens[b].end, phrase, f, k2, cue=s.cue, tokens=b - a + 1,
                            known=known,
                            sentence_start=sentences.is_start(tokens[a].start))
                item.in_list = True
                added.append(item)
                starts.add(item.start)
                by_start[item.start] = item
                last = item
        spans.extend(added)

    def _between(self, text: str, tokens: list[Token], spans: list[Span], masked: list[bool],
                 sentences: Sentences) -> None:
        """In "Aru, Mahagi and Mongbwalu", a name the gazetteer lacks, listed between two places, is a
        place too (not a people, a common word, or a person named in full elsewhere: "Bashar Assad")."""
        if len(spans) < 2:
            return
        ordered = sorted(spans, key=lambda s: s.start)

        def opened(n: int) -> bool:
            # Only a list of places opened as one: after a preposition of place or a verb of taking
            # ("seized A, B and C"), not "works by Beethoven, Liszt and ..." or a festival's bands.
            while not _LIST_OPENER.search(text, max(0, ordered[n].start - 40), ordered[n].start):
                if n == 0 or not _LIST_SEP.fullmatch(text, ordered[n - 1].end, ordered[n].start):
                    return False
                n -= 1
            return True

        for n in range(1, len(ordered) - 1):
            # a name the gazetteer knows only loosely, between two items: an item ("Aru, Mahagi and Mongbwalu")
            s0, s1, s2 = ordered[n - 1], ordered[n], ordered[n + 1]
            if s1.cue is None and _LIST_SEP.fullmatch(text, s0.end, s1.start) \
                    and _LIST_SEP.fullmatch(text, s1.end, s2.start) and opened(n - 1) \
                    and not _named_in_full(text, s1.text):
                s1.cue, s1.in_list = LIST_ITEM, True
        starts = [t.start for t in tokens]
        added = []
        for n in range(len(ordered) - 1):
            s1, s2 = ordered[n], ordered[n + 1]
            if s2.start - s1.end > 80 or not _ITEMS_BETWEEN.fullmatch(text, s1.end, s2.start) or not opened(n):
                continue
            gap = text[s1.end:s2.start]
            for m in _ITEM.finditer(gap):
                a, b = s1.end + m.start(), s1.end + m.end()
                k = bisect_left(starts, a)
                if k >= len(tokens) or tokens[k].start != a or masked[k]:
                    break
                phrase = m.group()
                f, key, known = self._normalised([phrase])[0]
                if f in self.lx.demonyms or f in self.lx.common or fold(tokens[k].text) in self.lx.demonyms \
                        or _named_in_full(text, phrase):
                    break
                added.append(Span(a, b, phrase, f, key, cue=LIST_ITEM, tokens=len(phrase.split()),
                                  known=known, sentence_start=sentences.is_start(a)))
        spans.extend(added)


def context_cue(text: str, start: int, end: int) -> Cue | None:
    """What the words around a name the gazetteer lacks say it is a place: "captured a bomb maker in
    Haditha on Friday", "the headquarters at Manerplaw.", "captured Burdhubo from the government forces"."""
    if _in_place_before(text, start, 24) and _PLACE_FOLLOWS.match(text, end):
        return IN_PLACE
    if _FROM_SIDE.match(text, end) and _TAKEN_BEFORE.search(text, max(0, start - 90), start):
        return TAKEN_FROM
    return None


def _in_place_before(text: str, start: int, window: int) -> bool:
    """``_IN_PLACE`` ends within ``window`` characters before ``start``: "in", "near", "outside", "base at"."""
    # (the words it ends in, checked first: most names follow none of them)
    return text[max(0, start - window):start].rstrip().endswith(("in", "near", "outside", "at")) \
        and _IN_PLACE.search(text, max(0, start - window), start) is not None


def placed_by_context(text: str, span: Span) -> Cue | None:
    """``context_cue`` for a name the recognizer took as known, whose every candidate resolution turned
    down: still a place, though not one the gazetteer has ("captured in Palaikkuli", which only spells
    like Palakollu, India). Not a word of a person's or an institution's name."""
    if span.in_name or span.cue is not None:
        return None
    cue = context_cue(text, span.start, span.end)
    if cue is None or any(w in INSTITUTIONS or w in _NOT_IN_PLACE for w in span.text.split()) \
            or _named_in_full(text, span.text):  # (last: a search of the whole text)
        return None
    return cue


def _named_in_full(text: str, name: str) -> bool:
    """The text also writes ``name`` after another capitalised word: "Bashar Assad", a person's name."""
    # (Each place the name is written, checked on both sides: a pattern made for each name would be
    # compiled anew, in the interpreter, for every name asked about.)
    at = text.find(name)
    while at != -1:
        if _WORD_BOUNDARY.match(text, at + len(name)) and _CAPITALISED_BEFORE.search(text, max(0, at - 80), at):
            return True
        at = text.find(name, at + 1)
    return False


_WORD_BOUNDARY = re.compile(r"\b")
_CAPITALISED_BEFORE = re.compile(r"[A-Z][\w'’-]*[ -]+(?:al-|el-)?\Z")  # (\Z: $ would also match before a final newline)


def _runs_into(ch: str) -> bool:
    """A character a name cannot follow and still be a word of its own: what [\\w'’-] matches."""
    return ch == "-" or word_char(ch)


def _feature_meant(text: str, start: int) -> bool:
    """What comes before a name ending in a feature word that is also a surname says the feature is
    meant: "the Hill", "captured Biju Hill", "on Zeitoun Hill" (not "Lauryn Hill")."""
    head = text[max(0, start - 30):start]
    return _THE_BEFORE.search(head) is not None or _TAKEN_OR_AT.search(head) is not None


def _continuations(tokens: list[Token], masked: list[bool]) -> list[bool]:
    """For each token, whether it can extend a name that reached the token before it: a capitalised word
    (not a date) or a particle after a space or hyphen, "Paul" after "St.". Computed once per text."""
    out = [False] * len(tokens)
    prev = ""
    for j, t in enumerate(tokens):
        sep = t.sep
        if not masked[j]:
            if sep == " " or sep == "-":
                if t.capitalised:
                    out[j] = t.text not in _DATE_FORMS
                else:
                    # (not after a date: "fighting Sunday at Todee" is a day and a place)
                    out[j] = (t.text in PARTICLES and prev not in _DATE_FORMS) or (sep == "-" and t.text in EZAFE)
            elif sep == ". ":
                out[j] = t.capitalised and prev in DOTTED_OPENERS
        prev = t.text
    return out

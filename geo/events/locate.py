"""Where an event happened: the places a sentence ties to one event word.

Given the event word ("captured", "shelled", "killed") and the places the geoparser found, the place of
that event is, in order of preference:

1. what the verb took, when it is a place: "captured the southwestern town of Huddur", "captured Kandahar
   and nearby Helmand" (its object, and the list that goes on from it; "two towns, A and B");
2. where the verb's own clause puts it: "captured in Ramadi", "captured near the P-35 Radar Base";
3. the place a relative clause around the verb is about: "Kismayo, whose capture ...", "held in Sadah
   province, where they were captured";
4. what was taken, in the passive: "Kisangani was captured", "Eastern Slavonia, the last Serb-held part of
   Croatia, was captured"; or the place a participle right after it describes ("the Golan Heights
   captured from Syria");
5. what a seizure at that moment took ("captured 11 Iranians when they overran X"), the place the subject
   is given right before the verb ("Police in Homs captured ..."), then a place the rest of the sentence
   gives the verb ("captured after a gunbattle in Karachi"), and failing that a place set before the
   verb ("In Jdeideh, troops captured ...").

Not where it came from ("captured East Jerusalem from Jordan"), not a point it is measured from ("50 km
west of Baghdad"), and not a place in another clause ("... months after militants attacked Rawalpindi").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from geo.geoparse.tokens import Sentences

# Words that end the verb's object: the place after them is not what was taken.
_NOT_OBJECT = frozenset(
    "from by with after before during to for against that which who whom whose when while because since than "
    "until was were is are had has have been be being said says told".split())
# Prepositions that put an event at a place.
_LOCATIVE = r"in|at|near|outside|inside|on|around|across|over|throughout|within|along|off|through|into"
_DIRECTION = r"(?:north|south|east|west|northeast|northwest|southeast|southwest|central)(?:ern)?"
# "in X", "near the border city of X", "outside his Freetown home", "in the western part of southern X":
# the preposition, a determiner, up to three lower-case words, an optional "of", a direction.
_AT = re.compile(rf"\b(?i:{_LOCATIVE})\s+(?:(?:the|a|an|his|her|its|their)\s+)?"
                 rf"(?:(?:(?!(?:with|from|to|by|for|against|between|and|or)\b)[a-z][\w’'-]*"
                 rf"|[A-Z][\w’']*-[a-z][\w-]*)\s+){{0,3}}?(?:of\s+(?:the\s+)?(?:[a-z][\w-]*\s+)?)?"
                 rf"(?:{_DIRECTION}\s+(?:(?:and|or)\s+{_DIRECTION}\s+)?)?"
                 rf"(?:between\s+)?$")  # ("on the road between A and B")
# "during the invasion of X", "in raids on X": an event whose place is given.
_EVENT_OF = re.compile(r"\b(?:invasion|siege|battle|occupation|raids?|assault|offensive)\s+(?:of|on|for|against)\s+"
                       r"(?:the\s+)?(?:[a-z][\w-]*\s+){0,2}$", re.I)
# "when they overran the city of X": a seizure at the moment of the event, and what it took.
_TAKEN_WHEN = re.compile(r"\b(?:when|as)\s+(?:[\w'’.-]+\s+){1,5}?(?:overran|took|seized|captured|stormed|entered|"
                         r"occupied|invaded|retook|recaptured)\s+(?:the\s+)?(?:[\w'’-]+\s+){0,4}?"
                         r"(?:of\s+(?:the\s+)?)?$", re.I)
# What may open a sentence before its "when" clause: quotes, or a short time phrase ("In June, when ...").
_OPENING = re.compile(r"[\s\"“'‘]*(?:(?:In|On|Last|Earlier|Later|Then)\b[^,;.]{0,20},\s*)?")
# "on a trip to X", "after going to the southern town of X", "after fleeing to neighbouring X": where
# the one it happened to was going.
_TRIP_TO = re.compile(r"\b(?:trip|visit|journey|going|went|travell?ing|travell?ed|fleeing|fled|flee|escaping|"
                      r"escaped)\s+to\s+(?:the\s+)?"
                      r"(?:[a-z][\w-]*\s+){0,3}?(?:of\s+(?:the\s+)?)?$", re.I)
# "in the opening days of the Yugoslav conflict", "in the wake of": a time, not a place.
_WHEN = re.compile(r"\b(?:days|weeks|months|years|hours|wake|aftermath|course|run-up|time|era|period)\s+of\s+"
                   r"(?:the\s+)?(?:[a-z][\w-]*\s+)?$", re.I)
# "50 km west of X", "120 kilometers (75 miles) south of X", "10 miles from X": the distance is measured
# from X; the event is elsewhere.
_MEASURED_FROM = re.compile(rf"\b(?:km|kilometers|kilometres|miles|mi)\b(?:\s*\([^)]*\))?\s+(?:{_DIRECTION}\s+)?"
                            r"(?:of|from)\s+(?:the\s+)?(?:[a-z]+\s+){0,2}$", re.I)
# The verb in the passive, after its subject: "X was captured", "X, ..., has been captured".
# ("Kweires air base, which has been", "Srebrenica in eastern Bosnia was": a head noun, a place that
# refines it, an apposition, a relative pronoun may come between.)
_PASSIVE_GAP = re.compile(r"^(?:\s+(?!(?:was|were|is|are|has|have|had|being|been|be)\b)[a-z][\w-]*){0,3}"
                          r"(?:\s+(?:in|of|near|on)\s+[^,;.]{1,40}?)?(?:\s*,[^;]{1,120},|\s*,)?"
                          r"(?:\s*(?:which|that))?\s+"
                          r"(?:(?:was|were|is|are|has been|have been|had been|being|been|be)\s+)(?:\w+ly\s+)?$")
# The passive without its auxiliary, after a comma: "Al Bab, a city held by IS", "Jisr al-Shughour, held by".
_REDUCED_GAP = re.compile(r"^(?:\s+[a-z][\w-]*){0,3}(?:\s+(?:in|of|near|on)\s+[^,;.]{1,40}?)?\s*,\s*"
                          r"(?:(?!(?:was|were|is|are|has|have|had|been|being)\b)[a-z][\w-]*\s+){0,4}$")
# A person in the sentence: then "X was captured" is more likely a man than a town.
_PRONOUN = re.compile(r"\b(?:he|she|his|her|him)\b", re.I)
# What a place is called in running text: "the town of X", "X and the base of Y". (One list for the
# extractor and this module; the geoparser's cues are in geo/geoparse/data/cues.tsv.)
PLACE_NOUN = (r"(?:towns?|villages?|city|cities|capital|bases?|airbase|locality|localities|districts?|provinces?|"
              r"regions?|areas?|airports?|islands?|ports?|camps?|strongholds?|hills?|hilltops?|mountains?|"
              r"neighbou?rhoods?|quarters?|suburbs?|boroughs?|states?|counties|county|communes?|municipality|hamlets?|"
              r"crossings?|dams?|fields?|farms|schools?|academy|"
              r"factory|plant|station|checkpoints?|positions?|outposts?|hometown|birthplace)")
# Between a list's items: "A, B and nearby C", "A and the town of B", "in A, and in the city of B",
# "A, including the walled B", "the A camp and the neighbouring B district". A bare comma takes a name
# only: "X, the capital of Y" is not a list.
LIST_GAP = re.compile(
    rf"^(?:\s+{PLACE_NOUN}(?=[\s,]))?\s*(?:,\s*(?:including\s+(?:the\s+)?(?:[a-z]+\s+)?|(?:in|at)\s+(?:the\s+)?(?:[a-z]+\s+){{0,2}}"
    rf"(?:{PLACE_NOUN}\s+of\s+(?:the\s+)?)?)?|"
    rf"(?:,\s*)?(?:and|or|as well as|along with|together with)\s+(?:(?:in|at|near)\s+)?"
    rf"(?:(?:the|nearby|neighbouring|neighboring)\s+)?"
    rf"(?:(?:{_DIRECTION}|[a-z]+|[\w’'.-]+-(?:held|controlled|run|besieged))\s+)?"
    rf"(?:{PLACE_NOUN}\s+of\s+(?:the\s+)?)?)$", re.I)
# The lower-case words right after a passive's subject place, and those that keep it a place: "Kweires
# air base was", "the Gilo neighborhood was", "Raqqa itself was" (not "U.S. soldiers were").
_HEAD_NOUN = re.compile(r"^((?:\s+(?!(?:in|of|near|on|was|were|is|are|has|have|had|being|been|be|which|that|and|or)\b)"
                        r"[a-z][\w-]*){1,3})")
_PLACE_HEAD = re.compile(rf"\b(?:{PLACE_NOUN}|enclave|pocket|canton|countryside|outskirts|governorate|county|state|"
                         rf"plain|valley|front|itself|also|too|then|now|once|still|later|soon|\w+ly)\b", re.I)
# "two towns in southern Somalia, A and B", "key strongholds, including A": places a counted noun, or
# a plural one with "including"/"namely", announces, listed after it.
_PLACES = (r"(?:towns|villages|cities|bases|localities|districts|provinces|regions|areas|airports|islands|ports|"
           r"camps|strongholds|hills|hilltops|mountains|neighbou?rhoods|quarters|suburbs|hamlets|crossings|"
           r"checkpoints|positions|outposts|sites)")
_COUNTED = re.compile(rf"^\s+(?:(?:two|three|four|five|six|seven|eight|nine|ten|several|\d+)\s+)"
                      rf"(?:[a-z][\w-]*\s+){{0,2}}{_PLACES}\b[^;:.()]{{0,60}}?[,;:]\s+(?:namely\s+)?(?:the\s+)?$|"
                      rf"^\s+(?:[\w-]+\s+){{0,3}}{_PLACES}\b[^;:.()]{{0,60}}?[,;:]?\s+"
                      rf"(?:namely|including|such\s+as)\s+(?:the\s+)?$", re.I)
_BEARING_END = re.compile(rf"(?<!the\s)\b{_DIRECTION}\s+(?:of|from)\s+(?:the\s+)?$", re.I)
_OWNER = re.compile(r"(?<=\s)[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*)*['’]s\s+$")
# "the X neighborhood of Y", "the Tetovo region of Macedonia": X is a part of Y, when Y is the larger unit.
_PART_OF = re.compile(r"^\s+(?:neighbou?rhood|district|quarter|suburb|section|area|region)\s+of\s+(?:the\s+)?$",
                      re.I)
# A relative clause about the place just before it: "X, whose capture", "X province, where they were".
_ANTECEDENT = re.compile(r"(?:\s+[a-z]+){0,2}\s*,\s+(?:whose|where(?:\s+[\w'’-]+){0,6}?)\s+$")
# A relative clause still open: "The suspect, who had been wanted since a bombing in".
_RELATIVE_OPEN = re.compile(r",\s+(?:who|which|whose)\b[^,;]*$")
# "70 percent of Bosnia's territory", "Israel's northern border": a part of the place, so the place.
_PART_OWNED = re.compile(rf"['’]s\s+(?:[a-z][\w-]*\s+)?(?:territory|lands?|soil|borders?|frontier|coast|coastline|"
                         rf"interior|outskirts|countryside|heartland|capital|{_DIRECTION})\b", re.I)
# Between two items of a list, a place the first came from or is measured from: "the Sinai from Egypt,
# the Golan Heights from Syria", "Waht, 20 kilometers northwest of Aden, and Lahj". Passed over.
_ASIDE = re.compile(rf"^\s+from\s+(?:the\s+)?$|^\s*,\s*(?:(?:about|some|around|nearly|roughly|just)\s+)?"
                    rf"(?:\d[\d.,]*\s*(?:km|kms|kilometers|kilometres|miles|mi)\b\.?(?:\s*\([^)]*\))?\s+)?"
                    rf"{_DIRECTION}\s+(?:of|from)\s+(?:the\s+)?$", re.I)
# What may come after such a place for the list to go on: ", and", or a comma alone where the next
# item came from somewhere too ("..., the Golan Heights from Syria"). ("In Ramadi, west of Baghdad,
# U.S. troops ...": no list.)
_AFTER_ASIDE = re.compile(r"^\s*,\s*(?:and|as well as)\s+(?:the\s+)?$", re.I)
_AFTER_ASIDE_FROM = re.compile(r"^\s*,\s*(?:the\s+)?$", re.I)
# "the Black Sea city of Bartin", "a U.S. base at Balad", "the Aleppo village of X": a place named to
# place another; the one after is meant.
_ATTRIBUTIVE = re.compile(rf"^\s+(?:(?!(?:near|in|at|outside|inside|around|from|to|of|by|and|or|with)\s)"
                          rf"[a-z][\w-]*\s+){{0,2}}{PLACE_NOUN}\s+(?:of|at)\s+(?:the\s+)?$|"
                          rf"^['’]s\s+(?:(?!(?:with|and|or|to|from|between|by|for)\s)[a-z][\w-]*\s+){{0,2}}"
                          rf"(?:{PLACE_NOUN}\s+of\s+(?:the\s+)?)?$")
_NAMED_MODIFIER = re.compile(rf"(?<=[a-z]\s)[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*)*"
                             rf"(?=\s+(?:[a-z]+\s+)?{PLACE_NOUN}\s+of\b)")
# Words that may follow a place the verb took; any other lower-case word makes the place a modifier of
# what was taken ("captured new US champion X", "captured Kosovo rebels").
_AFTER_OBJECT = frozenset(
    "and or in on at from after before by with late early last this that which who where near during for to as "
    "along when while since until but yet then again also itself without within inside outside into over under "
    "following amid despite through across toward towards yesterday today tonight overnight earlier later "
    "recently briefly quickly finally back is was were are has had have".split())
# What ends the verb's clause. A hard break starts another event ("... which", "; ", "-- "); past a soft
# one ("after", "while") a place is still taken when the clause itself names none ("captured after a
# gunbattle in southern Karachi").
_HARD_BREAK = re.compile(
    r"[;:]|--|—|\s_\s|,\s+(?:but|which|who|where|said|says|according)\b|"
    # ", and" joins clauses, except before what reads as a second object ("his brother, and a handful of")
    r",\s+and\s+(?!(?:a|an|his|her|their|its|other|several|some|dozens|scores|\d+|two|three|four|five)\s"
    r"|(?:the\s+)?(?-i:[A-Z]))|"  # (a name after ", and" ends a list: "A, B, and C", "..., and the West Bank")
    r"\b(?:which|who|whose|where|but)\b|\b(?:said|says|told|according to)\b|"
    # another verb joined on: "was captured in 2005 and face charges", "... and Varela was killed"
    r"\b(?:and|or)\s+(?:[\w-]+\s+){0,3}?(?:was|were|is|are|has|have|had|will|would|face|faces|faced|"
    r"remain|remains|remained|then)\b|"
    r"\b(?:vow|vowed|vows|plan|plans|planned|threaten|threatened|hope|hoped|try|tried|seek|sought|want|wants|"
    r"wanted|aim|aims|aimed)\s+to\b", re.I)
# What follows a place that names a place of some kind: "X camp", "the X refugee camp", "X air base".
_NAMES_PLACE_NOUN = re.compile(rf"\s+(?:[a-z][\w-]*\s+){{0,2}}?{PLACE_NOUN}\b")
# A participle after the place it describes: nothing or a comma between them, and no object after it.
_PARTICIPLE_GAP = re.compile(r"\s+|\s*,\s*")
_NO_OBJECT = re.compile(r"\s*(?:[,.]|$)|\s+(?:from|by|in|during|on|at(?!\s+least)|after|since|last|earlier|"
                        r"\d+\s+(?:years|months|weeks|days)\s+ago)\b")
_ZERO_RELATIVE = re.compile(r"\b(?:land|lands|territory|territories|areas?|parts?|what|that|which)\s+$", re.I)
# Between a subject's place and the verb: "Police in Kirkuk captured", "Rebels in X province have captured".
# (Not "Officials in Homs said they captured": the speakers' place.)
_SUBJECT_AT = re.compile(r"(?:\s+(?!(?:and|or|but|who|which|that|said|say|says|told|reported|claimed|announced|"
                         r"they|he|she|it|we)\b)[a-z][\w-]*){0,2}?(?:\s+(?:have|has|had))?\s+")
_SOFT_BREAK = re.compile(r"\b(?:after|before|when|while|(?<!well\s)as(?!\s+well\s+as)|because|until|since|during)\b",
                         re.I)  # ("A as well as B" is a list)
_MORE_THAN = re.compile(r"\b(?:more|less|fewer|other)\s+than\b", re.I)
MAX_OBJECT_GAP = 60  # characters between the verb and its object
MAX_OBJECT_WORDS = 6


def event_places(text: str, toponyms: Iterable[dict], trigger: tuple[int, int], *,
                 events: Iterable[dict] = (), sentences: Sentences | None = None,
                 sentence: tuple[int, int] | None = None) -> list[dict]:
    """The toponyms (``geo.parse`` output items, with ``start``/``end``) naming where the event at the
    word ``text[trigger[0]:trigger[1]]`` happened, in text order; empty when the sentence does not say.

    ``events`` are the document's extracted events: when some were read off this very word, their
    places are the answer. The word's sentence is found with ``sentences`` (split once per document by
    a caller with many words to place), or given as ``sentence`` (start, end).
    """
    t0, t1 = trigger
    word = text[t0:t1].lower()
    s0, s1 = sentence or (sentences or Sentences(text)).span(t0)
    read = [e["place"] for e in events
            if (e.get("cue") or "").lower().split()[:1] == [word] and t0 - 80 <= e["place"].get("start", -1)
            and s0 <= e["place"]["start"] < s1]
    if read:
        return _dedupe(read)
    places = sorted((t for t in toponyms if t.get("start") is not None), key=lambda t: t["start"])
    places = [p for p in places if s0 <= p["start"] and p["end"] <= s1]
    if not places:
        return []
    places = _unattributed(text, places)
    after = [p for p in places if p["start"] >= t1]
    before = [p for p in places if p["end"] <= t0]
    # "Kismayo, whose capture ...", "held in Sadah province, where they were captured": unless the clause
    # itself says where ("fled to Paraguay, where he was captured in the city of Ciudad del Este")
    antecedent = before[-1:] if before and _ANTECEDENT.match(text, before[-1]["end"], t0) else []
    hard = _break(_HARD_BREAK, text, t1, s1)
    soft = _break(_SOFT_BREAK, text, t1, hard)

    obj = _object(text, t1, soft, after)
    if obj:
        return obj
    here = [p for p in after if p["start"] < soft and _locative(text, p)]
    if here:
        return _list_from(text, here[0], after, soft)
    if antecedent:
        return antecedent
    person = _PRONOUN.search(text, s0, s1) is not None
    subjects = passive_subjects(text, t0, before)
    if subjects and not person:
        return subjects
    if not person and before and _participle_of(text, before[-1], t0, t1):
        return [before[-1]]
    # "captured 11 Iranians when they overran the city of X", "When Hamas overran X, ... it captured":
    # the place a seizure at that moment took.
    taken = [p for p in after if soft <= p["start"] < hard
             and _TAKEN_WHEN.search(text, max(soft, p["start"] - 120), p["start"])]
    taken += [p for p in before if (m := _TAKEN_WHEN.search(text, s0, p["start"])) is not None
              and _OPENING.fullmatch(text, s0, m.start())]
    if taken:
        return _list_from(text, taken[0], places, hard)
    # "Rebels in southern Rwanda captured a town ... while ... in Kigali": the place the subject is
    # given, right before the verb, before one past a break.
    for p in before[-1:]:
        if _SUBJECT_AT.fullmatch(text, p["end"], t0) and _locative(text, first := _first_of_list(text, p, before)):
            return _list_from(text, first, before, t0)
    there = [p for p in after if soft <= p["start"] < hard and _locative(text, p)]
    if there:
        return _list_from(text, there[0], after, hard)
    # Set before the verb: "In the village of Jdeideh near Jenin, troops captured ...": the first place
    # of that stretch, the others refine it.
    for p in before:
        if _RELATIVE_OPEN.search(text, s0, p["start"]) and "," in text[p["end"]:t0]:
            continue  # "The suspect, who was wanted for a bombing in Kampala, was captured": another event's
        if _locative(text, p):
            listed = _list_from(text, p, before, t0)
            if not _HARD_BREAK.search(text, listed[-1]["end"], t0):
                return listed
    return subjects


def _first_of_list(text: str, p: dict, before: list[dict]) -> dict:
    """The first place of the list that ends with ``p``: "in Homs and Hama captured" -> Homs."""
    k = next(i for i, q in enumerate(before) if q is p)
    while k > 0 and LIST_GAP.match(text[before[k - 1]["end"]:before[k]["start"]]):
        k -= 1
    return before[k]


def _participle_of(text: str, p: dict, t0: int, t1: int) -> bool:
    """The verb is a participle describing the place right before it, with no object of its own: "the
    Golan Heights captured from Syria in 1967", "Gaza, captured 38 years ago" (not "land Israel captured
    from Syria", whose subject is the country)."""
    return _PARTICIPLE_GAP.fullmatch(text, p["end"], t0) is not None and _NO_OBJECT.match(text, t1) is not None \
        and not (p.get("feature_code") or "").startswith("PCL") \
        and not _ZERO_RELATIVE.search(text, max(0, p["start"] - 30), p["start"]) and not _locative(text, p)


def _unattributed(text: str, places: list[dict]) -> list[dict]:
    out: list[dict] = []
    skip = -1
    for i, p in enumerate(places):
        if i == skip:
            continue
        nxt = places[i + 1] if i + 1 < len(places) else None
        if nxt is not None:
            gap = text[p["end"]:nxt["start"]]
            if _PART_OF.match(gap) and _rank(nxt) > _rank(p):
                skip = i + 1  # "the Adhamiya neighborhood of Baghdad": Adhamiya, the part
            elif _ATTRIBUTIVE.match(gap):
                continue  # "the Black Sea city of Bartin", "the Baghdad neighborhood of Adhamiya"
        out.append(p)
    return out


def _rank(p: dict) -> int:
    """How large a unit a place is, by its kind: a country, a province, a capital, a district or
    provincial town, anything else."""
    code = p.get("feature_code") or ""
    for rank, prefixes in ((4, ("PCL",)), (3, ("ADM1",)), (2, ("PPLC",)), (1, ("PPLA", "ADM2"))):
        if code.startswith(prefixes):
            return rank
    return 0


def _object(text: str, t1: int, clause_end: int, after: list[dict]) -> list[dict]:
    if not after:
        return []
    found = _verb_object(text, t1, clause_end, after) if after[0]["start"] <= clause_end else []
    if found and not _BEARING_END.search(text[t1:found[0]["start"]]):
        return found
    # "captured two towns in the same region, A and B", "three villages east of Hama, A, B and C"
    for p in after:
        if p["start"] - t1 > 2 * MAX_OBJECT_GAP:  # (past a clause's end too: "two villages; namely A and B")
            break
        m = _COUNTED.match(text[t1:p["start"]])
        if m:
            listed = _list_from(text, p, after, max(clause_end, _break(_HARD_BREAK, text, p["end"], len(text))))
            if len(listed) > 1 or re.search(r"including|such|namely", m.group(), re.I):
                return listed
    return found  # "captured villages east of Hama": the one place the clause gives


def _verb_object(text: str, t1: int, clause_end: int, after: list[dict]) -> list[dict]:
    first = after[0]
    gap = text[t1:first["start"]]
    # "captured the capital, Kabul": a comma only right after a place noun.
    gap_words = re.sub(rf"\b{PLACE_NOUN},\s*$", "", gap, flags=re.I)
    if len(gap) > MAX_OBJECT_GAP or not re.fullmatch(r"[\s\w’'-]*", gap_words):
        return []
    words = _MORE_THAN.sub(" ", gap).lower().split()  # "captured more than half of X"
    if len(words) > MAX_OBJECT_WORDS or any(w in _NOT_OBJECT for w in words) or _MEASURED_FROM.search(gap):
        return []
    if _AT.search(gap) and not re.search(r"\bof\s+(?:the\s+)?$", gap, re.I):
        return []  # "captured in X" is where, read below
    if text[first["end"]:first["end"] + 2] in ("'s", "’s") and not _PART_OWNED.match(text, first["end"]):
        return []  # "captured Japan's top gangster": a possessor, not the thing taken ("Bosnia's territory" is)
    follower = re.match(r"\s+([a-z][\w-]*)", text[first["end"]:first["end"] + 30])
    # "captured new US champion Bernard Williams": a modifier; "captured western Afghanistan bordering
    # Iran": the place.
    if follower and follower.group(1) not in _AFTER_OBJECT and not follower.group(1).endswith("ing") \
            and not _NAMES_PLACE_NOUN.match(text, first["end"]):
        return []
    return _list_from(text, first, after, clause_end)


def _list_from(text: str, first: dict, places: list[dict], limit: int) -> list[dict]:
    """``first`` and the places listed after it: "A, B and C", "in A and in the town of B"."""
    out = [first]
    last, aside, from_aside = first, False, False  # the place passed last, and whether it was passed over
    for p in places:
        if p["start"] <= last["start"]:
            continue
        if p["start"] > limit:
            break
        raw = text[last["end"]:p["start"]]
        if aside:
            parallel = from_aside and text.startswith(" from ", p["end"])
            if not (_AFTER_ASIDE.match(raw) or (parallel and _AFTER_ASIDE_FROM.match(raw))):
                break
        elif _ASIDE.match(raw):
            last, aside, from_aside = p, True, raw.strip().lower().startswith("from")
            continue
        else:
            gap = _NAMED_MODIFIER.sub("x", raw)  # "in the Black Sea city of"
            if not LIST_GAP.match(gap) or (_qualifies(text, last, p) and not _serial(text, p, places)):
                # "Kismayo, Somalia": where the first is, not a second place; but "A, B and C" is a list
                break
        out.append(p)
        last, aside = p, False
    return out


def _serial(text: str, p: dict, places: list[dict]) -> bool:
    """``p`` is followed by "and"/"or" and another place: an item of a list ("A, B and C")."""
    nxt = next((q for q in places if q["start"] >= p["end"]), None)
    return nxt is not None \
        and re.fullmatch(r"\s*,?\s+(?:and|or)\s+(?:the\s+)?", text[p["end"]:nxt["start"]]) is not None


def _qualifies(text: str, prev: dict, p: dict) -> bool:
    """``p`` names the country or region ``prev`` is in ("Nairobi, Kenya", "Kismayo, Somalia's ...")."""
    gap = text[prev["end"]:p["start"]].strip()
    if gap != ",":
        return False
    if text[p["end"]:p["end"] + 2] in ("'s", "’s"):
        return True
    code = p.get("feature_code") or ""
    return code.startswith(("PCL", "ADM1", "ADM2")) and code != (prev.get("feature_code") or "")


def passive_subjects(text: str, verb_start: int, before: list[dict], *, reduced: bool = False) -> list[dict]:
    """The places an event word in the passive is about: "Kisangani was captured", "A, B and C were
    taken", "Tall Qrah, a village north of Aleppo, was captured" (Tall Qrah, not Aleppo). ``before`` are
    the sentence's places that end before the verb, in text order. ``reduced``: the verb may stand
    without its auxiliary ("Al Bab, a city held by IS"), for a caller that knows the verb is passive."""
    subject = _passive_subject(text, verb_start, before, reduced)
    if subject is None:
        return []
    out = [subject]
    k = next(i for i, p in enumerate(before) if p is subject)
    while k > 0 and LIST_GAP.match(text[before[k - 1]["end"]:before[k]["start"]]) \
            and not _locative(text, before[k]):
        k -= 1
        out.insert(0, before[k])
    return out


def _passive_subject(text: str, t0: int, before: list[dict], reduced: bool = False) -> dict | None:
    for p in before[-3:][::-1]:
        gap = text[p["end"]:t0]
        if _locative(text, p) or len(gap) > 160:
            continue  # "those held in Iraq were captured", "X, a planner of attacks in the US, was": not it
        head = _HEAD_NOUN.match(gap)
        if head and not _PLACE_HEAD.search(head.group(1)) and (p.get("feature_code") or "").startswith("PCL"):
            continue  # "Two U.S. soldiers were killed": the country only says whose soldiers ("Gaza residents" may)
        if reduced and _REDUCED_GAP.match(gap):
            return p
        if _PASSIVE_GAP.match(gap):
            # With an apposition, the subject is the first place, not one inside the apposition.
            appositive = gap.count(",") == 1 and text[max(0, p["start"] - 2):p["start"]] == ", "
            if "," not in gap or re.match(r"\s*,\s*(?:which|that)\s", gap) or appositive \
                    or _subject_start(text, p):
                return p
    return None


def _subject_start(text: str, p: dict) -> bool:
    """The place opens its sentence or clause: "Vukovar, ...", "The Gilo neighborhood, ..."."""
    head = text[max(0, p["start"] - 40):p["start"]]
    return re.search(r"(?:^|[.!?;:]\s+|\n|\s[-–—]\s+)\s*(?:(?:the|The)\s+(?:[\w-]+\s+){0,2}(?:of\s+)?)?$",
                     head) is not None  # (after a dash: "1857 - Delhi, held by mutineers, is captured")


def _locative(text: str, p: dict) -> bool:
    # "on the eastern Aegean island of X": a name that only says which island is read as a word.
    head = _NAMED_MODIFIER.sub("x", text[max(0, p["start"] - 70):p["start"]])
    head = _OWNER.sub("", head)  # "in Baghdad's Sadr City": the owner is read through
    return (_AT.search(head) is not None or _EVENT_OF.search(head) is not None or _TRIP_TO.search(head) is not None) \
        and _MEASURED_FROM.search(head) is None and not _WHEN.search(head)


def _break(pattern: re.Pattern[str], text: str, start: int, end: int) -> int:
    m = pattern.search(text, start, end)
    return m.start() if m else end


def _dedupe(places: list[dict]) -> list[dict]:
    seen, out = set(), []
    for p in sorted(places, key=lambda p: p["start"]):
        if p["start"] not in seen:
            seen.add(p["start"])
            out.append(p)
    return out

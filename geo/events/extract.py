"""Events from a parsed article: who captured, lost, besieged, advanced on, attacked, controls or contests
which place, when, on whose report.

Sentence by sentence: find the event words ("seized", "has been besieged by", "rebel-held", "control of
A is divided between"), then the places they govern (the toponyms the geoparser found, lists included:
"the localities of A, B, C and the base of D") and the actors (factions named in the sentence; the
subject of an active verb, the agent after "by" of a passive one, "from Y" for whom a place was taken
from). Claims by a party about itself ("IS said it had captured...") are marked ``claimed``; negated
or denied events are dropped. Every event keeps its sentence, document and date.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from geo.events.actors import ActorMention, Factions
from geo.events.dates import event_date
from geo.events.locate import LIST_GAP, PLACE_NOUN, event_places, passive_subjects
from geo.geoparse.tokens import Sentences

ACTIONS = ("captured", "lost", "besieged", "advanced_toward", "attacked", "controls", "contested")

# Event words. Each pattern's match ends where the governed place (active voice) would start.
# Attacks that need no attacker named ("air strikes hit X"), and "attack on X" (whose modifier may name one).
_STRIKES = r"air ?strikes?|raids?|strikes|bombs?|shells|shelling|bombardment|rockets|missiles?"
_ATTACKS_ON = r"(?:assault|assaults|attack|attacks)\s+on"
_CUES: list[tuple[str, str, re.Pattern[str]]] = [
    ("captured", "active", re.compile(
        r"\b(?:seized|seize|captured|capture|took control of|take control of|taken control of|took over|overran|"
        r"overrun|recaptured|recapture|retook|retake|retaken|regained|stormed|gained control of|wrested control of|"
        r"wrested|wrest|"
        r"entered|took|taken|taking)\b", re.I)),
    ("captured", "expel", re.compile(r"\b(?:drove|driven|pushed|forced|kicked)\s+out\b|\bexpelled\b|\bousted\b",
                                     re.I)),
    # "A fell to X", "A came under the control of X", "A came under IS control": the place before, the actor after.
    ("captured", "fell", re.compile(r"\bfell to\b|\b(?:came|fell|comes|come)\s+under\b(?=[^.;,]{1,40}?\bcontrol\b)",
                                    re.I)),
    # "the capture of A by X", "X's capture of A", "the fall of A to X"
    ("captured", "noun", re.compile(r"\b(?:capture|recapture|seizure|takeover|fall)\s+of\s+", re.I)),
    # "fighting for control of A", "the battle for A", "traded control of A": neither side holds it
    ("contested", "active", re.compile(r"\b(?:fighting|fight|fought|battle|battling|struggle|clashes|clashing)\s+for\s+"
                                       r"(?:(?:full\s+)?control\s+of\s+)?|\btraded control of\b", re.I)),
    ("lost", "active", re.compile(r"\b(?:lost|losing|withdrew from|retreated from|pulled out of|abandoned)\b",
                                  re.I)),
    ("besieged", "active", re.compile(r"\b(?:besieged|besieging|besiege|encircled|surrounded|laid siege to|"
                                      r"under siege(?: by| from)?)\b", re.I)),
    ("advanced_toward", "active", re.compile(
        r"\b(?:advanced|advancing|advance|advances|push|pushed|pushing|moved|moving|marched|edging closer)\s+"
        r"(?:(?:further|farther|deeper|north|south|east|west|today|yesterday)[\s,]+){0,2}"
        r"(?:on|toward|towards|to|into|near|in|across)\b|\b(?:gaining|gained|made|making|registered)\s+"
        r"(?:significant\s+|new\s+)?(?:ground|gains)\b|"
        r"\bclosing in on\b|\bclosest position yet to\b|\b(?:so|very|this)\s+close\s+to\b|"
        r"\b(?:just\s+over|about|some|nearly|only|less\s+than)?\s*(?:\d+(?:\.\d+)?|one|two|three|five|ten)\s*"
        r"(?:km|kilometres|kilometers|miles?)\b(?:\s*\([^)]*\))?\s+from\b|"
        r"\bwithin\s+(?:\d+(?:\.\d+)?|one|two|three|five|ten)\s*(?:km|kilometres|kilometers|miles?)\b"
        r"(?:\s*\([^)]*\))?\s+(?:of\b)?|\breached the gates of\b|\bbiggest advance towards?\b", re.I)),
    ("attacked", "active", re.compile(
        rf"\b(?:{_STRIKES})\s+(?:hit|hits|struck|targeted|targeting|pounded|on|killed|kill|kills|wounded)\b|"
        r"\b(?:attacked|shelled|bombed|bombarded|pounded|struck|targeted|raided|ambushed)\b|"
        rf"\b{_ATTACKS_ON}\b",
        re.I)),
    # Not after a hyphen: "government-held" is the modifier pattern below.
    ("controls", "active", re.compile(r"(?<!-)\b(?:holds|hold|held|controls|controlled|is in control of)\b|"
                                      r"\b(?:consolidated|consolidating|tightened|extended|retained|kept)\s+"
                                      r"(?:its\s+|their\s+)?control\s+(?:over|of)\b|"
                                      r"\bcontrol\s+(?=(?:most|all|much|parts|large parts|swathes|half|the bulk)"
                                      r"\s+of\b)|"
                                      r"\b(?:are|is|were|was)\s+(?:positioned|deployed|stationed|entrenched|dug in)"
                                      r"\b(?:,?\s+(?:including|in|at|around))?", re.I)),
]
# Words one of which every match of each cue pattern contains: a sentence without any is not searched
# with that pattern (most sentences that name a place have no event word; this skips seven scans of them).
_CUE_WORDS: dict[str, frozenset[str]] = {
    "captured:active": frozenset("seized seize captured capture took take taken overran overrun recaptured recapture "
                                 "retook retake retaken regained stormed gained wrested wrest entered taking".split()),
    "captured:expel": frozenset("drove driven pushed forced kicked expelled ousted".split()),
    "captured:fell": frozenset({"fell", "came", "come", "comes"}),
    "captured:noun": frozenset("capture recapture seizure takeover fall".split()),
    "contested:active": frozenset("fighting fight fought battle battling struggle clashes clashing traded".split()),
    "lost:active": frozenset("lost losing withdrew retreated pulled abandoned".split()),
    "besieged:active": frozenset("besieged besieging besiege encircled surrounded laid under".split()),
    "advanced_toward:active": frozenset(
        "advanced advancing advance advances push pushed pushing moved moving marched edging gaining gained made "
        "making registered closing closest close km kilometres kilometers mile miles reached biggest".split()),
    "attacked:active": frozenset("air airstrike airstrikes strike strikes raid raids bomb bombs shells shelling "
                                 "bombardment rockets "
                                 "missile missiles attacked shelled bombed bombarded pounded struck targeted "
                                 "raided ambushed assault assaults attack attacks".split()),
    "controls:active": frozenset("holds hold held controls controlled control positioned deployed stationed "
                                 "entrenched dug consolidated consolidating tightened extended retained kept".split()),
}
# Each cue with the same pattern, case-sensitive, for the lower-cased sentence: about twice as fast as
# ignoring case. (Only where lower-casing keeps every offset and every match: not with "İ", which
# lower-cases to two characters, nor "ı" or "ſ", which ignoring case matches as "i" and "s".)
_CUES_LOWER = [(action, kind, pattern, re.compile(pattern.pattern, pattern.flags & ~re.I))
               for action, kind, pattern in _CUES]


def _cue_bits() -> tuple[dict[str, int], int]:
    """For each cue word, the cues it can be part of (bits by position in _CUES); and the cues without
    words, which every sentence runs."""
    bits: dict[str, int] = {}
    always = 0
    for bit, (action, kind, _) in enumerate(_CUES):
        words = _CUE_WORDS.get(f"{action}:{kind}")
        if words is None:
            always |= 1 << bit
        for word in words or ():
            bits[word] = bits.get(word, 0) | 1 << bit
    return bits, always


_CUE_BITS, _CUES_WITHOUT_WORDS = _cue_bits()
_LOWER_WORD = re.compile(r"[a-z]+")
_INCLUDING = re.compile(r"\b(?:including|among them|among which|such as|namely)\s+(?:the\s+)?"
                        rf"(?:{PLACE_NOUN}\s+of\s+)?", re.I)
# Between list items: separators, and capitalised names the gazetteer may lack ("Tal Mardikh and ").
_NAMES_GAP = re.compile(r"(?:\s*,\s*(?:and\s+)?|\s+(?:and|or)\s+)?"
                        r"(?:[A-Z][\w'’-]*(?:\s+(?:al|el|as|ash|ar|ad|az|at|an)?[- ]?[A-Z][\w'’-]*)*"
                        r"(?:\s*,\s*(?:and\s+)?|\s+and\s+|\s+or\s+))*")
PREFILTER = True  # off only in the test that shows it changes nothing
_HELD = re.compile(r"\b(?P<who>(?:[A-Z][\w’']+\s)?[\w’']+)-(?:held|controlled|run)\b", re.I)
_DIVIDED = re.compile(
    r"control of (?P<place>.+?) is (?:divided|split|shared) between (?P<a>.+?) in the "
    r"(?P<pa>east|west|north|south)(?P<b>.+?) in the (?P<pb>east|west|north|south)", re.I)
_STRONGHOLD = re.compile(r"(?P<pre>(?:[\w’'-]+\s+){0,2})\b(?:stronghold|bastion|heartland)s?\b"
                         r"(?:\s+(?P<prep>of|in|for))?\s+(?:the\s+)?", re.I)
# ("is" in lower case only: "IS captured" is Islamic State, active.)
_PASSIVE_BEFORE = re.compile(r"\b(?:(?i:was|were|has been|have been|had been|are|being|been)|[Ii]s)\s+$")
# What might, should or is meant to happen: "could capture", "hope to seize", "will be retaken"; but
# "managed to capture", "were able to retake" happened.
# ("claims to have captured" is a claim of what happened.)
_UNREAL = re.compile(r"(?:\b(?:could|would|might|may|will|shall|should|can|must)\s+|'ll\s+|"
                     r"(?<!managed )(?<!able )(?<!succeeded )\bto\s+)"
                     r"(?:(?:not|also|soon|still|now|then|eventually|finally|quickly|easily)\s+)?(?:be\s+)?$", re.I)
_NEGATION = re.compile(r"\b(?:not|never|no longer|failed to|denied|deny|denies|without)\b[^.;]{0,25}$", re.I)
_CLAIM = re.compile(r"\b(?:said|says|claimed|claims|announced|boasted|declared|statement|posted)\b", re.I)
_CLAUSE_END = re.compile(r"[;:]|,\s+(?:but|while|as|although|despite|where|after|before)\b|\s+(?:but|while)\s+")
# Between a verb and its place: "the localities of", "the town of", "the base of" (a place noun and "of").
# (Not across "and"/"or": "besieged Eastern Ghouta and advanced in X" took no X; a name we lack came first.)
_LEAD = re.compile(r"^\s*(?:(?!(?:and|or|but)\b)\w+\s+){0,3}?(?:(?:the|its|their)\s+)?"
                   r"(?:(?!(?:and|or|but)\b)[\w-]+\s+){0,3}?(?:of\s+)?(?:the\s+)?$", re.I)
# "seized villages in X", "control most towns across X": what was taken lies in X; X itself was not.
_TAKEN_IN = re.compile(r"\w\s+(?:in|inside|across|throughout|within)\s+(?:the\s+)?(?:[\w-]+\s+){0,2}$", re.I)
# "near X", "north of X", "10 km from X": X locates the event, it is not what was taken.
# ("the northern outskirts of X" is near X; "the northern town of X" is X.)
_RELATIVE_LOCATION = re.compile(r"\b(?:near|nearby|close to|outside|around|north|south|east|west|northeast|"
                                r"northwest|southeast|southwest|(?:northern|southern|eastern|western)\s+(?:edges?|"
                                r"outskirts|countryside|sides?|suburbs?|parts?|approaches|entrances?|gates|flank)|"
                                r"km|kilometres|kilometers|miles|edge|edges|outskirts|from)\b", re.I)
# "Khan Touman, which rebels took from ...": the place before ", which", the actor after it.
_WHICH_BEFORE = re.compile(r"(?P<place>[^,]+),\s*which\s+(?P<actor>[^,]*?)$")
_SO_CLOSE = re.compile(r"so close", re.I)  # "never been so close": emphasis, not a negation
_PARTICIPLE = re.compile(r"\w+(?:ed|en|wn)|held|taken|overrun|won|lost|hit|struck|shot")
_ATTACK_ON = re.compile(_ATTACKS_ON, re.I)
_QUOTE_OPENS = re.compile(r"[“\"]|:\s|\bsaying,?\s")
_AND_BEFORE = re.compile(r"(?:,\s*|\s)and\s+$")
_FROM = re.compile(r"\bfrom\s+")
_THE_BEFORE = re.compile(r"\bthe\s+$", re.I)
_STRIKE_CUE = re.compile(_STRIKES, re.I)
# Between items of a list: ", ", " and ", ", and the base of ".
# ("the base of D", "the village of E": a place noun and "of"; not "north of", "the capital of": those place
# the item before, they add none.)
MAX_LEAD = 45  # characters between a verb and the place it governs
NEAR_OK = ("attacked", "advanced_toward")  # struck near X, advanced near X: X is where it happened


@dataclass
class Event:
    actor: str | None  # a faction id
    action: str
    place: dict  # name, id, lat, lon, text, start, end (the resolved toponym)
    from_actor: str | None
    date: str | None
    date_precision: str
    claimed: bool
    sentence: str
    doc: str | None
    confidence: float
    published: str | None = None
    outlet: str | None = None
    url: str | None = None
    part: str | None = None  # "east", "west"... where control is split
    origin: dict | None = None  # where an advance came from, when the sentence says ("from Hama")
    cue: str = ""  # the words that made it an event
    evidence: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return asdict(self)


def extract(parsed: dict, text: str, factions: Factions, sentences: Sentences | None = None) -> list[Event]:
    """Events of one parsed document (``geo.parse`` output) whose text is ``text``."""
    sentences = sentences or Sentences(text)
    toponyms = sorted((t for t in parsed.get("toponyms", []) if t.get("start") is not None),
                      key=lambda t: t["start"])
    if not toponyms:
        return []
    # Only a sentence that names a place and has an event word can hold an event: the factions are looked
    # for in those.
    candidates = []
    for s_start, s_end, ti, tj in _sentences_with_places(sentences, text, toponyms):
        sentence = text[s_start:s_end]
        event_words = _event_words(sentence)
        if event_words is not None:
            candidates.append((s_start, s_end, ti, tj, sentence, event_words))
    actors = factions.find(text, within=_merged([(c[0], c[1]) for c in candidates]))
    published = parsed.get("published")
    events: list[Event] = []
    seen: set[tuple] = set()
    ai = 0  # walk sentences and actors together: linear in the text
    for s_start, s_end, ti, tj, sentence, event_words in candidates:
        while ai < len(actors) and actors[ai].start < s_start:
            ai += 1
        aj = ai
        while aj < len(actors) and actors[aj].start < s_end:
            aj += 1
        places = toponyms[ti:tj]
        who = actors[ai:aj]
        found = _sentence_events(text, s_start, s_end, places, who, factions, sentence, event_words)
        if not found:
            continue
        date = event_date(sentence, published)  # dated only when it has events
        for ev in found:
            if ev["place"].get("feature_code") in ("PCLI", "CONT"):
                continue  # a country is not a place one captures or holds on a map
            key = (ev["action"], ev["actor"], ev["place"]["start"], ev.get("part"))
            if key in seen:
                continue
            seen.add(key)
            place = ev["place"]
            origin = (_stated_origin(text, s_end, ev, places)
                      if ev["action"] in ("captured", "advanced_toward") else None)
            events.append(Event(
                origin=origin, actor=ev["actor"], action=ev["action"],
                place={k: place.get(k) for k in ("name", "id", "lat", "lon", "text", "start", "end", "country")},
                from_actor=ev.get("from_actor"), date=date.iso(), date_precision=date.precision,
                claimed=ev.get("claimed", False), sentence=sentence.strip(), doc=parsed.get("doc"),
                confidence=ev["confidence"], published=published, outlet=parsed.get("outlet") or None,
                url=parsed.get("url") or None, part=ev.get("part"), cue=ev["cue"]))
    return events


def _stated_origin(text: str, s_end: int, ev: dict, places: list[dict]) -> dict | None:
    """ "advanced on A from B", "pushed toward A from the B front": B, a place the sentence names after "from"."""
    target = ev["place"]
    for p in places:
        if p is target or p.get("lat") is None or p["start"] <= target["start"]:
            continue
        between = text[target["end"]:p["start"]]
        if re.search(r"\bfrom\s+(?:(?:the|both|its|their)\s+)*$", between, re.I) and len(between) <= 60:
            return {k: p.get(k) for k in ("name", "id", "lat", "lon", "text", "start", "end")}
    return None


def _sentence_spans(sentences: Sentences, text: str):
    starts = sentences.starts
    for i, a in enumerate(starts):
        b = starts[i + 1] if i + 1 < len(starts) else len(text)
        yield a, b


def _sentences_with_places(sentences: Sentences, text: str, toponyms: list[dict]) -> list[tuple[int, int, int, int]]:
    """(start, end, first, last + 1) of each sentence that names a place, with the indices of its places
    in ``toponyms`` (sorted by start)."""
    out = []
    ti = 0
    for s_start, s_end in _sentence_spans(sentences, text):
        while ti < len(toponyms) and toponyms[ti]["start"] < s_start:
            ti += 1
        tj = ti
        while tj < len(toponyms) and toponyms[tj]["start"] < s_end:
            tj += 1
        if tj > ti:
            out.append((s_start, s_end, ti, tj))
    return out


def _merged(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted ranges, with those that touch joined."""
    out: list[tuple[int, int]] = []
    for a, b in ranges:
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(b, out[-1][1]))
        else:
            out.append((a, b))
    return out


def _faction_in(text: str, factions: Factions) -> str | None:
    found = factions.find(text)
    return found[0].faction if found else None


EventWords = tuple[str, bool, bool, bool, int]


def _event_words(sentence: str) -> EventWords | None:
    """What in a sentence can make an event: its lower-cased text; whether it may say that control is
    divided, that a place is held ("rebel-held") or a stronghold; and the cues whose words it has (bits,
    as in _CUE_BITS). None where nothing can: most sentences that name a place. Each pattern of
    _sentence_events needs its key word, and a cheap test for the words spares the scan of most sentences."""
    if not PREFILTER:
        return "", True, True, True, -1  # (every pattern, every cue)
    low = sentence.lower()
    divided = "control of" in low
    held = "-held" in low or "-controlled" in low or "-run" in low
    strongholds = "stronghold" in low or "bastion" in low or "heartland" in low
    present = _CUES_WITHOUT_WORDS
    for word in _LOWER_WORD.findall(low):
        present |= _CUE_BITS.get(word, 0)
    if not (divided or held or strongholds or present):
        return None
    return low, divided, held, strongholds, present


def _sentence_events(text, s_start, s_end, places, who, factions, sentence: str,
                     event_words: EventWords) -> list[dict]:
    out: list[dict] = []
    low, divided, held, strongholds, present = event_words
    # "Control of A is divided between Y in the east and Z in the west."
    m = _DIVIDED.search(sentence) if divided else None
    if m:
        target = [p for p in places if s_start + m.start("place") <= p["start"] < s_start + m.end("place")]
        for side, part in (("a", "pa"), ("b", "pb")):
            faction = _faction_in(m.group(side), factions)
            if faction and target:
                out.append({"action": "contested", "actor": faction, "place": target[0], "part": m.group(part).lower(),
                            "confidence": 0.85, "cue": m.group(0)[:60]})
        if out:
            return out
    # "rebel-held town of Kafrnaha", "government-held territory on the northern edge of Aleppo"
    for m in (_HELD.finditer(sentence) if held else ()):
        words = m.group("who")
        faction = factions.held_by(words) or factions.held_by(words.split()[-1])
        if not faction:
            continue
        after = [p for p in places if p["start"] >= s_start + m.end()]
        if after and after[0]["start"] - (s_start + m.end()) <= MAX_LEAD:
            out.append({"action": "controls", "actor": faction, "place": after[0], "confidence": 0.7,
                        "cue": m.group(0)})
    # "the rebel stronghold of Idlib", "the regime's coastal bastion of Latakia", "X, a stronghold for Hezbollah"
    for m in (_STRONGHOLD.finditer(sentence) if strongholds else ()):
        at = s_start + m.start()
        # "the rebel stronghold", "the regime's coastal bastion": the owner is a word just before.
        words = [re.sub(r"[’']s$", "", w) for w in m.group("pre").split()]
        owner = next((f for f in map(factions.held_by, reversed(words)) if f), None)
        if owner is None:
            near = _nearest_actor_before(who, at, max(s_start, at - 30), text)
            owner = near.faction if near else None
        # "X, the last government stronghold in Idlib province": the stronghold is X, Idlib only holds it.
        target = [p for p in places if s_start + m.end() <= p["start"] <= s_start + m.end() + 12][:1] \
            if (m.group("prep") or "").lower() != "in" else []
        if not target:
            target = [p for p in places if p["end"] <= at and at - p["end"] <= 6][-1:]
            after = [a for a in who if s_start + m.end() <= a.start <= s_start + m.end() + 12]
            owner = after[0].faction if after else owner
        if owner and target:
            out.append({"action": "controls", "actor": owner, "place": target[0], "confidence": 0.7,
                        "cue": m.group(0)})
    lowered = PREFILTER and len(low) == len(sentence) and "ı" not in sentence and "ſ" not in sentence
    for bit, (action, kind, pattern, lower_pattern) in enumerate(_CUES_LOWER):
        if not present >> bit & 1:
            continue
        for m in (lower_pattern.finditer(low) if lowered else pattern.finditer(sentence)):
            cue = sentence[m.start():m.end()]
            cue_start, cue_end = s_start + m.start(), s_start + m.end()
            before_text = text[max(s_start, cue_start - 40):cue_start]
            if _NEGATION.search(before_text) and not _SO_CLOSE.match(cue):
                continue  # "did not capture", "denied ... had captured" (but "never been so close": emphasis)
            if _UNREAL.search(before_text):
                continue  # "could capture", "aim to retake": not an event (yet)
            # Only a participle makes a passive: "was captured", not "was advancing" or "has been so close".
            participle = _PARTICIPLE.fullmatch(cue.split()[0].lower()) is not None
            passive = (bool(_PASSIVE_BEFORE.search(before_text)) and participle) \
                or text[cue_end:cue_end + 4].lower() == " by "
            out.extend(_cue_events(text, s_start, s_end, action, kind, cue, cue_start, cue_end, passive,
                                   places, who, factions))
    return out


def _clause_end(text: str, start: int, s_end: int) -> int:
    m = _CLAUSE_END.search(text, start, s_end)
    return m.start() if m else s_end


def _targets_after(text, cue_end, s_end, places, action, cue_text="") -> list[dict]:
    """The places an active verb governs: the first place shortly after it, and the places listed after
    that one ("A, B, C and the base of D"); not a place it is only near ("villages close to Aleppo")."""
    end = _clause_end(text, cue_end, s_end)
    # A country before the place is its qualifier ("on Syria's second city Aleppo"), not the target.
    after = sorted((p for p in places if cue_end <= p["start"] < end and p.get("feature_code") not in ("PCLI",)),
                   key=lambda p: p["start"])
    if not after:
        return []
    first = after[0]
    lead = text[cue_end:first["start"]]
    if action == "advanced_toward":
        # "within 2 km of government-held territory on the northern edge of Aleppo": still toward Aleppo.
        # "advancing from Hama" names where they came from; "10 km from Aleppo" is still toward it.
        if len(lead) > 2 * MAX_LEAD or (re.search(r"\bfrom\s+(?:the\s+)?$", lead, re.I)
                                        and not re.search(r"(?:km|kilometres|kilometers|miles?)\b", cue_text, re.I)):
            return []
    elif len(lead) > MAX_LEAD or not _LEAD.match(lead):
        return []
    elif _RELATIVE_LOCATION.search(lead) and not (
            action in NEAR_OK and re.search(r"\b(?:near|around|outside|close to)\b", lead, re.I)):
        return []
    elif action in ("captured", "controls", "lost") and _TAKEN_IN.search(lead):
        return []  # "seized villages in Aleppo province": not Aleppo, which we cannot say more of
    # "the Old City section of Homs": the part belongs to the place that follows.
    rest = after[1:]
    if rest and re.fullmatch(r"\s+(?:section|part|parts|district|neighbou?rhood|quarter|outskirts|suburbs?)\s+of"
                             r"\s+(?:the\s+)?", text[first["end"]:rest[0]["start"]], re.I):
        first, rest = rest[0], rest[1:]
    out = [first]
    for p in rest:
        if not LIST_GAP.match(text[out[-1]["end"]:p["start"]]):
            break
        out.append(p)
    return out


# "..., state media said", "..., Turkey's Defense Ministry said in a statement": who the sentence quotes.
_SAID_AFTER = re.compile(r",\s*(?P<who>[^,;]{2,70}?)\s+(?:said|says|claimed|claims|announced|reported)\b", re.I)
_SAID_BEFORE = re.compile(r"^\s*(?P<who>[^,;]{2,70}?)\s+(?:said|says|claimed|claims|announced|reported)\b", re.I)


def _speaker(text, s_start, s_end, cue_start, cue_end, who, factions: Factions) -> str | None:
    """The faction a sentence quotes for its event: its outlet or office ("state television", "Amaq"), or
    the faction itself ("the Free Syrian Army said"), after the event or opening the sentence."""
    for m, offset in ((_SAID_AFTER.search(text, cue_end, s_end), 0),
                      (_SAID_BEFORE.match(text[s_start:cue_start]), s_start)):
        if m is None:
            continue
        voice = factions.voice(m.group("who"))
        if voice is not None:
            return voice
        a, b = offset + m.start("who"), offset + m.end("who")
        named = [x for x in who if a <= x.start and x.end <= b]
        if named:
            return named[0].faction
    return None


# An actor named as help or cause is not the subject: "Syrian troops, backed by Russian air strikes, advanced",
# "Daesh has exploited the Russian air strikes".
_SUPPORTING = re.compile(r"(?:\b(?:backed|supported|aided|assisted|helped|covered|bolstered)\s+by|\bwith\s+(?:the\s+)?"
                         r"(?:help|support|backing|cover)\s+of|\bexploit(?:ed|ing|s)?)\s+(?:the\s+)?$", re.I)


def _nearest_actor_before(who: list[ActorMention], pos: int, s_start: int, text: str) -> ActorMention | None:
    # (An actor whose name holds the event word is its subject too: "Russian air strikes hit X".)
    before = [a for a in who if s_start <= a.start < pos and (a.end <= pos or a.end - pos <= 20)
              and not _SUPPORTING.search(text, max(0, a.start - 30), a.start)]
    return before[-1] if before else None


def _clause_subject(text: str, who: list[ActorMention], s_start: int, cue_start: int) -> ActorMention | None:
    """The first actor of the clause a coordinated verb belongs to: after a quote's opening or a "saying,"
    ('..., saying, "Daesh has exploited ... and advanced in Aleppo"'), not an object of the verb before."""
    opened = s_start
    for m in _QUOTE_OPENS.finditer(text[s_start:cue_start]):
        opened = s_start + m.end()
    return next((a for a in who if opened <= a.start < cue_start
                 and not _SUPPORTING.search(text, max(0, a.start - 30), a.start)), None)


def _attacker_named_by_modifier(text: str, s_start: int, cue_start: int, cue: str,
                                factions: Factions | None) -> str | None:
    """The faction a word before "attack on" / "assault on" names: "a government attack", "an IS assault",
    "a rebel attack" (read as "government forces", "IS forces", "rebel forces" would be)."""
    if factions is None or not _ATTACK_ON.match(cue):
        return None
    m = re.search(r"([A-Za-z][\w’'-]*)\s+$", text[max(s_start, cue_start - 30):cue_start])
    if m is None or m.group(1).lower() in ("a", "an", "the", "its", "their", "his", "her", "major", "new", "fresh"):
        return None
    phrase = m.group(1) + " forces"
    found = [a for a in factions.find(phrase) if a.start == 0 and a.end == len(phrase)]
    return found[0].faction if found else None


def _included(text: str, start: int, s_end: int, places: list[dict]) -> list[dict]:
    """The places after "including" / "among them" / "such as" in a clause: "villages south of Saraqeb,
    including Tal Mardikh and Kafr Batikh" (names the gazetteer lacks may stand in the list between)."""
    m = _INCLUDING.search(text, start, _clause_end(text, start, s_end))
    if not m:
        return []
    after = sorted((p for p in places if m.end() <= p["start"] < s_end), key=lambda p: p["start"])
    if not after or not _NAMES_GAP.fullmatch(text[m.end():after[0]["start"]]):
        return []
    out = [after[0]]
    for p in after[1:]:
        gap = text[out[-1]["end"]:p["start"]]
        if not (LIST_GAP.match(gap) or _NAMES_GAP.fullmatch(gap)):
            break
        out.append(p)
    return out


def _cue_events(text, s_start, s_end, action, kind, cue, cue_start, cue_end, passive, places, who,
                factions: Factions | None = None) -> list[dict]:
    events: list[dict] = []
    advanced_on: list[dict] = []  # besides the targets: the named place unnamed ones were taken near
    claimed = False
    actor = from_actor = None
    targets: list[dict] = []
    if kind == "expel" and passive:
        # "Opposition fighters were pushed out of A and B": the subject lost them; "... by Y": Y took them.
        m_of = re.match(r"\s+(?:of|from)\s+", text[cue_end:s_end])
        targets = _targets_after(text, cue_end + (m_of.end() if m_of else 0), s_end, places, "captured", cue)
        subject = _nearest_actor_before(who, cue_start, s_start, text)
        after = targets[-1]["end"] if targets else cue_end
        # ("... by Y", or after a time: "were expelled from Manbij in August 2016 by SDF forces")
        by = [a for a in who if after <= a.start <= after + 60
              and re.match(r"(?:\s+(?:in|on|during|last|late|early|this)\b[^,;.]{0,30}?)?\s*,?\s*by\s+(?:the\s+)?"
                           r"(?:[\w-]+\s+){0,2}$", text[after:a.start])]
        if by:
            actor, from_actor = by[0].faction, subject.faction if subject else None
        else:
            action, actor = "lost", subject.faction if subject else None
    elif kind == "fell":  # "A fell to X"
        targets = [p for p in places if p["end"] <= cue_start][-1:]
        after = [a for a in who if a.start >= cue_end]
        actor = after[0].faction if after else None
    elif kind == "noun":  # "the capture of A by X", "X's capture of A", "the fall of A to X"
        targets = _targets_after(text, cue_end, s_end, places, action, cue)
        if targets:
            end = targets[-1]["end"]
            agent = re.match(r"\s+(?:by|to)\s+(?:the\s+)?", text[end:s_end])
            by = [a for a in who if agent and a.start == end + agent.end()]
            owner = [a for a in who if a.end <= cue_start and re.fullmatch(r"[’']s\s+", text[a.end:cue_start])]
            if cue.lower().startswith("fall") and not by:
                return []  # "the fall of Aleppo" says to whom only with "to X"
            actor = by[0].faction if by else (owner[-1].faction if owner else None)
    elif passive:
        # "Kweires has been besieged by Islamic State fighters": the place before, the agent after "by".
        # (The place the clause is about: "Tall Qrah, a village north of Aleppo, was captured" is Tall Qrah.)
        targets = passive_subjects(text, cue_start, [p for p in places if p["end"] <= cue_start], reduced=True)
        by = [a for a in who if a.start >= cue_end and text[cue_end:a.start].strip().lower().startswith("by")
              and a.start - cue_end <= 30]
        actor = by[0].faction if by else None
        if not targets and by:
            # "it was captured by rival rebel forces in Manbij town": the place follows the agent.
            m_in = re.match(r"\s+(?:in|at|near)\s+(?:the\s+)?(?:(?:town|city|village)\s+of\s+)?", text[by[0].end:s_end])
            if m_in:
                targets = [p for p in places if p["start"] == by[0].end + m_in.end()]
        if not by and action != "besieged":
            # "The Turkish Defense Ministry said that Ras al-Ain had been captured": taken, it says, by itself.
            speaker = (_speaker(text, s_start, s_end, cue_start, cue_end, who, factions)
                       if action == "captured" and targets and factions is not None else None)
            if speaker is None:
                return []
            actor, claimed = speaker, True
        if not targets and action == "besieged":
            # "Opposition fighters are besieged in the eastern part of Aleppo": where they are.
            m_in = re.match(r"\s+(?:in|inside)\s+(?:the\s+)?(?:(?:eastern|western|northern|southern|old)\s+"
                            r"(?:part|parts|half|districts?|neighbou?rhoods?|quarters?)\s+of\s+(?:the\s+)?)?",
                            text[cue_end:s_end])
            if m_in:
                targets = [p for p in places if p["start"] == cue_end + m_in.end()]
    else:
        # ("which" tested first: the pattern tries every start of the text before the cue)
        m = _WHICH_BEFORE.search(text[s_start:cue_start]) if "which" in text[s_start:cue_start] else None
        if m:
            # "Khan Touman, which rebels took from forces loyal to the government"
            targets = [p for p in places if s_start + m.start("place") <= p["start"] < s_start + m.end("place")][-1:]
            actors_between = [a for a in who if s_start + m.start("actor") <= a.start < cue_start]
            actor = actors_between[0].faction if actors_between else None
        else:
            start = cue_end
            if kind == "expel":
                # "drove out rebels from the localities of A, B": the places follow "from".
                m_from = _FROM.search(text[cue_end:min(s_end, cue_end + 40)])
                start = cue_end + m_from.end() if m_from else cue_end
            targets = _targets_after(text, start, s_end, places, action, cue)
            if not targets and action == "attacked":
                # "Air strikes killed 20 people in the rebel-held town of Douma": where the strike fell.
                targets = [p for p in event_places(text, places, (cue_start, cue_end), sentence=(s_start, s_end))
                           if p["start"] >= cue_end]
            if not targets and action == "captured" and kind == "active":
                # "seized villages close to Aleppo", "captured five villages near Aleppo": unnamed places
                # taken near a named one are an advance toward it...
                near = _targets_after(text, start, s_end, places, "advanced_toward", cue)
                if near and re.search(r"\b(?:near|close to|around|outside|north|south|east|west|outskirts|edges?|"
                                      r"countryside|approaches|gates)\b",
                                      text[start:near[0]["start"]], re.I):
                    advanced_on = near[:1]
                # ...and the places it names after "including" are taken: "seized several villages south of
                # Saraqeb, including Tal Mardikh and Kafr Batikh".
                targets = [p for p in _included(text, start, s_end, places) if p not in advanced_on]
                if not targets:
                    action, targets, advanced_on = "advanced_toward", advanced_on, []
            subject = _nearest_actor_before(who, cue_start, s_start, text)
            lead_in = text[max(s_start, cue_start - 12):cue_start]
            if who and (_AND_BEFORE.search(lead_in)
                        or (lead_in.rstrip().endswith(",") and cue.split()[0].lower().endswith("ing"))):
                # "Daesh has exploited ... and advanced in Aleppo", "IS registered gains ..., taking six
                # villages": a coordinated or participial verb shares the sentence's subject.
                subject = _clause_subject(text, who, s_start, cue_start) or subject
            actor = subject.faction if subject else None
            by_word = _attacker_named_by_modifier(text, s_start, cue_start, cue, factions)
            if by_word is not None:
                actor, subject = by_word, None  # "rebels repelled a government attack on X": the government's
            if subject is not None:
                # "Islamic State said its fighters had captured": the party's own claim.
                between = text[subject.end:cue_start]
                claimed = bool(_CLAIM.search(between)) and action in ("captured", "advanced_toward", "besieged")
    if kind == "expel" and not passive:
        # "IS drove out rebels from A, B and C": the actor after "out" is who lost the places.
        out_of = [a for a in who if cue_end <= a.start <= cue_end + 25]
        from_actor = out_of[0].faction if out_of else None
    if action == "lost" and not passive and targets and actor is not None:
        # "Rebels lost control of A to Kurdish fighters": taken by whoever it was lost to.
        end = targets[-1]["end"]
        to = [a for a in who if end < a.start <= end + 30 and re.match(r"\s+to\s+(?:the\s+)?$", text[end:a.start])]
        if to:
            action, actor, from_actor = "captured", to[0].faction, actor
    if action == "captured" and from_actor is None:
        m = _FROM.search(text[cue_end:_clause_end(text, cue_end, s_end)])
        if m:
            after = [a for a in who if a.start >= cue_end + m.end() and a.start - (cue_end + m.end()) <= 25]
            from_actor = after[0].faction if after else None
    if action == "besieged" and not passive and _THE_BEFORE.search(text[max(s_start, cue_start - 5):cue_start]):
        actor = None  # "the besieged Old City of Homs": under siege, besieger not named
    if action == "attacked" and actor is None and not _STRIKE_CUE.match(cue):
        return []
    if action == "controls" and not passive:
        # "holds A" and "held A" need the holder as subject; an adjective "held" alone is no event.
        if actor is None:
            return []
    if actor is None and action in ("captured", "lost", "advanced_toward", "controls"):
        return []
    if action == "contested":
        if not who:
            return []  # "the battle for Aleppo", with no side named in the sentence: history or a metaphor
        actor = from_actor = None  # "rebels and government forces are fighting for X": both sides, neither holds it
    if from_actor == actor:
        from_actor = None
    if not claimed and actor is not None and factions is not None \
            and action in ("captured", "advanced_toward", "besieged"):
        claimed = _speaker(text, s_start, s_end, cue_start, cue_end, who, factions) == actor
    if action == "besieged" and actor is None and not targets:
        return []
    confidence = {"captured": 0.85, "lost": 0.8, "besieged": 0.85, "advanced_toward": 0.75, "attacked": 0.7,
                  "contested": 0.7, "controls": 0.75}[action]
    # A country is not a place one captures or holds on a map: "controls large parts of eastern Syria".
    targets = [p for p in targets if p.get("feature_code") not in ("PCLI", "CONT")]
    for p in targets:
        events.append({"action": action, "actor": actor, "place": p, "from_actor": from_actor,
                       "claimed": claimed, "confidence": confidence * (0.8 if claimed else 1.0), "cue": cue})
    for p in advanced_on:
        events.append({"action": "advanced_toward", "actor": actor, "place": p, "from_actor": None,
                       "claimed": claimed, "confidence": 0.75 * (0.8 if claimed else 1.0), "cue": cue})
    return events

"""Choose, for each recognised span, the place it means, using the whole document.

The gazetteer ranks candidates for a name in isolation; here the document adds: its country focus (the
countries it names, and the user's focus), spatial coherence (a village mentioned among villages north of
Aleppo is the one north of Aleppo), and cue words ("air base" prefers an air base, "province" an admin
area). Each toponym keeps its score and the alternatives it beat.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

from geo.gazetteer.lookup import Gazetteer
from geo.gazetteer.place import Match
from geo.geoparse.recognize import BEARING, Span, placed_by_context
from geo.geoparse.tokens import Sentences
from geo.names import ARTICLES, fold, variant_key, vowel_form
from geo.point import Coordinate

CANDIDATES = 10
ALTERNATIVES = 3
PART_OF_KM = 15.0
# "Bashiqa, northeast of Mosul", "Tall Qrah, 20 km north of Aleppo": the place lies near the one named after.
_BEARING = re.compile(r",?\s+" + BEARING + r"(?:the\s+(?:city|town|village|capital)\s+(?:of\s+)?)?", re.I)
BEARING_KM = 150  # how far "north of Y" may be without a distance; with one, half as much again plus 25 km
_PART_OF = re.compile(r"\s+(?:old\s+)?(?:section|district|quarter|neighbou?rhood|suburb|outskirts|countryside|"
                      r"old city)\s+of\s+(?:the\s+)?", re.I)


@dataclass(init=False)
class Resolved:
    span: Span
    match: Match | None
    candidates: list[Match]
    score: float
    reason: str = ""

    def __init__(self, span: Span, match: Match | None, candidates: list[Match], score: float,
                 reason: str = "") -> None:  # (written out: see Span.__init__)
        self.span = span
        self.match = match
        self.candidates = candidates
        self.score = score
        self.reason = reason


def _prefers(match: Match, prefers: tuple[str, ...]) -> bool:
    p = match.place
    return any(x == p.feature_class or x == f"{p.feature_class}.{p.feature_code}" for x in prefers)


FAST_PATH = True  # (see _unplaceable; off only in the test that shows it changes nothing)
NAME_WORD_POPULATION = 500_000  # a word of a person's name is a place only if the place is this big
MODIFIER_POPULATION = 20_000  # a place that opens an institution's name is a town at least this big
PROVINCE_NAMED = 0.06  # a candidate inside a province the document names
COUNTRY_NAMESAKE = 0.22  # the largest focus bonus (0.12) and spatial pull (0.1) together


def resolve(spans: list[Span], gaz: Gazetteer, *, focus: tuple[str, ...] = (), text: str | None = None
            ) -> list[Resolved]:
    lookups: dict[str, list[Match]] = {}
    if text is not None:
        for s in spans:
            s.after_the = text[max(0, s.start - 4):s.start] == "the "
    fast = FAST_PATH
    # Names that only sound like a gazetteer name (no place bears this very spelling): not looked up yet.
    # Most are words of people's names, which no lookup can make places; the others are looked up once,
    # with the document's countries (see candidates()).
    sound_alike: set[str] = set()
    for s in spans:
        if s.known and s.text not in lookups and s.text not in sound_alike:
            if fast and gaz.sounds_alike_only(s.text, folded=s.fold, key=s.key):
                sound_alike.add(s.text)
                continue
            # With the user's focus countries: a name common worldwide keeps its candidates there among the
            # few looked at ("Mare'" north of Aleppo, not only Male, Murray and La Mare).
            lookups[s.text] = gaz.lookup(s.text, limit=CANDIDATES, fuzzy=False, focus=tuple(focus) or None,
                                        alternatenames=False)
    # The document's countries: those it names (twice the weight), and those of the places it names
    # that leave no doubt (an exact name with one candidate, or a country, province or city).
    named: Counter[str] = Counter()
    for s in spans:
        top = lookups.get(s.text)
        if not top or top[0].tier != "exact":
            continue
        p = top[0].place
        if p.feature_code == "PCLI":
            named[p.country] += 2
        elif len(top) == 1 or notable(top[0]):
            named[p.country] += 1
    doc_focus = [c for c, _ in named.most_common()]
    focus_set = set(doc_focus) | set(focus)
    primary = doc_focus[0] if doc_focus else (focus[0] if focus else None)
    # Names found only as spelling variants are looked up again with the document's countries first
    # ("Killis" in a story about the Turkish border is Kilis, not a Syrian village that sounds alike).
    doc_countries = tuple(dict.fromkeys([*doc_focus, *focus]))
    relook = {name for name, found in lookups.items() if found and found[0].tier != "exact" and doc_countries}

    def candidates(name: str) -> list[Match]:
        if name in sound_alike:
            sound_alike.discard(name)
            lookups[name] = gaz.lookup(name, limit=CANDIDATES, fuzzy=False, focus=doc_countries or None,
                                        alternatenames=False)
        if name in relook:
            relook.discard(name)
            lookups[name] = gaz.lookup(name, limit=CANDIDATES, fuzzy=False, focus=doc_countries,
                                        alternatenames=False)
        return lookups.get(name) or []

    if not fast:
        for name in list(relook):
            candidates(name)
    # (Otherwise a name is looked up again when a mention needs it: not for a bare word of a person's name,
    # which no lookup can make a place, since it has no exact candidate. What follows reads only the
    # exact candidates of other names, which looking up again leaves as they are.)

    # The provinces (states) the document names: its towns are looked for in them first ("Richmond" in a
    # story that names Virginia).
    provinces = {(top[0].place.country, top[0].place.admin1) for top in lookups.values()
                 if top and top[0].tier == "exact" and top[0].place.feature_code == "ADM1"}

    def first_pass(cands: list[Match], prefers: tuple[str, ...] | None, area: Match | None
                   ) -> list[tuple[float, Match]]:
        ranked = []
        for m in cands:
            p = m.place
            score = m.score
            if p.country in focus_set:
                score += 0.12 if p.country == primary else 0.06
            if provinces and m.tier == "exact" and (p.country, p.admin1) in provinces:
                score += PROVINCE_NAMED
            if prefers is not None and _prefers(m, prefers):
                score += 0.1
            ranked.append((score + 0.2 if area and contained(m, area) else score, m))
        return ranked

    # "Gainesville, Ga.", "Manbij, Syria": a name followed by a comma and a province or country is in it.
    within: dict[int, Match] = {}
    ordered = sorted(spans, key=lambda s: s.start)
    for a, b in zip(ordered, ordered[1:]):
        if text is None or b.start - a.end != 2 or not text.startswith(", ", a.end):
            continue  # (most neighbours are not "X, Y": tested first)
        top = lookups.get(b.text)
        mine = lookups.get(a.text)
        if mine and mine[0].tier == "exact" and mine[0].place.feature_class == "A":
            continue  # "Russia, Iran and militias": a list of countries, not a place inside one
        if top and top[0].tier == "exact" and top[0].place.feature_code in ("ADM1", "PCLI"):
            within[a.start] = top[0]
            if a.known:
                region = top[0].place
                lookups[a.text + "\x00" + region.id] = gaz.lookup(
                    a.text, limit=CANDIDATES, fuzzy=False, country=region.country,
                    admin1=region.admin1 if region.feature_code == "ADM1" else None, alternatenames=False)

    # "the Old City section of Homs", "the Salaheddine district of Aleppo": a part of the place after it.
    part_of: dict[int, Match] = {}
    if text is not None:
        for a, b in zip(ordered, ordered[1:]):
            if text.find("of", a.end, b.start) == -1:
                continue  # (what the pattern needs, tested first)
            top = lookups.get(b.text)
            if top and top[0].tier == "exact" and _PART_OF.fullmatch(text[a.end:b.start]):
                part_of[a.start] = top[0]

    bearing: dict[int, tuple[Match, float]] = {}  # span start -> (the place it is near, how near)
    if text is not None:
        for a, b in zip(ordered, ordered[1:]):
            if b.start - a.end > 60 or (text.find(" of ", a.end, b.start) == -1
                                        and text.find(" from ", a.end, b.start) == -1):
                continue
            top = lookups.get(b.text)
            # (A town's position says where; a country's or province's centre does not.)
            if not top or top[0].tier != "exact" or top[0].place.feature_class not in ("P", "S"):
                continue
            said = _BEARING.fullmatch(text, a.end, b.start)
            if said:
                km = None
                if said.group("dist"):
                    km = float(said.group("dist")) * (1.609 if said.group("unit").lower().startswith("mi") else 1.0)
                bearing[a.start] = (top[0], BEARING_KM if km is None else km * 1.5 + 25)

    def contained(m: Match, area: Match) -> bool:
        p, q = m.place, area.place
        if q.feature_class == "P":  # a quarter of a town is within a few kilometres of it
            return _approx_km(p.point, q.point) <= PART_OF_KM
        return p.country == q.country and (q.feature_code == "PCLI" or p.admin1 == q.admin1)

    # One sense per story: what the text says of one mention of a name ("Bashiqa, northeast of Mosul",
    # "Kafr Nabl, Idlib") holds for its other mentions.
    by_text: dict[str, tuple] = {}
    for s in (ordered if part_of or within or bearing else ()):
        if s.start in part_of or s.start in within or s.start in bearing:
            by_text.setdefault(s.text, (part_of.get(s.start), within.get(s.start), bearing.get(s.start)))
    chosen: list[tuple[Span, list[tuple[float, Match]]]] = []
    unranked: set[int] = set()  # (ids of) spans taken for words of names without a lookup
    # A name mentioned again in the same setting ranks the same: computed once ("Aleppo", 55 times).
    ranked_for: dict[tuple, list[tuple[float, Match]]] = {}
    for s in spans:
        whole, area, near_to = part_of.get(s.start), within.get(s.start), bearing.get(s.start)
        if whole is None and area is None and near_to is None and s.text in by_text:
            whole, area, near_to = by_text[s.text]
        setting = (s.text, s.cue.prefers if s.cue is not None else None, whole and whole.place.id,
                   area and area.place.id, near_to and near_to[0].place.id)
        kept = ranked_for.get(setting)
        if kept is not None:
            if whole is not None and not kept:
                s.part_of = whole.place.name
            if near_to is not None and not kept:
                s.near_to = near_to[0].place.name
            chosen.append((s, kept))
            continue
        bare = fast and s.in_name and s.cue is None and not s.modifier \
            and whole is None and area is None and near_to is None
        if bare and s.text in sound_alike:
            # All its candidates are spelling variants, none of which a word of a name can be (see
            # _may_be_named_in_a_name): nothing to look up.
            unranked.add(id(s))
            chosen.append((s, []))
            continue
        cands = (lookups.get(s.text) or []) if bare else candidates(s.text)
        if bare and cands and not any(_may_be_named_in_a_name(m) for m in cands):
            # A word of a name that yields nothing (see _unplaceable): not ranked, and not kept for a
            # mention of the same name that is more than a word of a name.
            chosen.append((s, [(m.score, m) for m in cands]))
            continue
        if whole is not None:
            # Only a place that lies inside it; none: the gazetteer does not know this part of it.
            cands = [m for m in cands if contained(m, whole)]
            if not cands:
                s.part_of = whole.place.name
        if area is not None:
            inside = [m for m in lookups.get(s.text + "\x00" + area.place.id, []) if contained(m, area)]
            if any(m.tier == "exact" for m in inside):
                cands = inside
        if near_to is not None:
            # Only a place of this name that lies where the text puts it; none: the gazetteer lacks it.
            anchor, radius = near_to
            cands = [m for m in cands if _approx_km(m.place.point, anchor.place.point) <= radius]
            if not cands:
                s.near_to = anchor.place.name
        ranked = first_pass(cands, s.cue.prefers if s.cue is not None else None, area)
        if any(m.place.feature_code == "PCLI" and m.tier == "exact" for m in cands[:3]):
            # "Russia" is the country, not Russia, Ohio, even in a story set in Ohio: a small town that
            # bears a country's name gets neither the focus bonus nor the pull of its neighbours.
            ranked = [(sc - COUNTRY_NAMESAKE if m.place.feature_class == "P" and m.place.population < 100_000
                       else sc, m) for sc, m in ranked]
        if len(ranked) > 1:
            ranked.sort(key=lambda x: -x[0])
        ranked_for[setting] = ranked
        chosen.append((s, ranked))

    # Words of people's and institutions' names that no candidate can make a place: they yield nothing.
    name_words_only = [(bool(ranked) and _unplaceable(s, ranked)) or id(s) in unranked for s, ranked in chosen]
    unplaceable = [fast and word for word in name_words_only]  # (what the steps below skip)
    # Spatial coherence: the places the document is most sure of, in its main country, pull the rest
    # (not a word of a name: "Hassan" in "Ahmed Hassan Khalil" places nothing, so it pulls nothing).
    anchors = [r[0][1].place.point for (s, r), word in zip(chosen, name_words_only)
               if r and not word and r[0][1].place.country == primary and r[0][1].place.feature_class == "P"
               and (len(r) == 1 or r[0][0] - r[1][0] > 0.1)]
    centre = _median_point(anchors)
    sentence_starts = {s.start for s in spans if s.sentence_start}
    home = {primary, *focus} if primary else set(focus)  # the story's own country and the user's
    if centre is not None:
        pull: dict[str, float] = {}  # per place: the same candidates recur across a document's mentions

        pulled: dict[int, list[tuple[float, Match]]] = {}  # by ranked list: shared by repeated mentions

        def pulled_ranking(ranked: list[tuple[float, Match]]) -> list[tuple[float, Match]]:
            got = pulled.get(id(ranked))
            if got is None:
                got = []
                for sc, m in ranked:
                    near = pull.get(m.place.id)
                    if near is None:
                        near = pull[m.place.id] = 0.1 * math.exp(-_approx_km(centre, m.place.point) / 150.0)
                    got.append((sc + near, m))
                got.sort(key=lambda x: -x[0])
                pulled[id(ranked)] = got
            return got

        chosen = [(s, pulled_ranking(ranked) if len(ranked) > 1 and not skip else ranked)
                  for (s, ranked), skip in zip(chosen, unplaceable)]
    # Multi-word runs that are no plausible place ("Hossein Hamedani" ~ a village that sounds alike) are
    # names of people or groups: their words alone are not places either.
    name_words: set[str] = set()
    for (s, ranked), skip in zip(chosen, unplaceable):
        if s.tokens > 1 and s.cue is None and (skip or ranked and not any(
                _plausible(s, m, focus_set, s.start in sentence_starts, home=home) for _, m in ranked)):
            name_words.update(s.fold.split())
    out: list[Resolved] = []
    for (s, ranked), skip in zip(chosen, unplaceable):
        if s.tokens == 1 and s.fold in name_words:
            s.in_name = True
        if skip:
            continue  # (what the steps below would find, the long way)
        if not ranked:
            reason = ("not in the gazetteer" + (f"; a place by the cue '{s.cue.words}'" if s.cue else "")
                      + (f"; a part of {s.part_of}" if s.part_of else "")
                      + (f"; near {s.near_to} by the text, where no place of this name is" if s.near_to else ""))
            out.append(Resolved(s, None, [], 0.0, reason))
            continue
        # An Arabic adjective of origin (nisba) is a surname or a demonym: "Hamedani" is a man from Hamadan
        # (and no other place that sounds alike), "Ahmad" no place called Ahmadi.
        if s.tokens == 1 and s.cue is None and ranked[0][1].tier != "exact" and any(
                _nisba(s.fold, m.matched.rsplit(" ", 1)[-1]) for _, m in ranked):
            # ("captured in Palaikkuli": no man from Palakollu)
            if (by_context := _by_context(s, ranked, text)) is not None:
                out.append(by_context)
            continue
        # The best candidate that is plausible for this span (a weak spelling variant can lose to a
        # good one further down).
        pick = next((k for k, (_, m) in enumerate(ranked)
                     if _plausible(s, m, focus_set, s.start in sentence_starts, home=home)), None)
        if pick is None:
            if s.cue is not None:  # "the Qalamoun mountains": a place by its cue, whose name we lack
                out.append(Resolved(s, None, [m for _, m in ranked[:ALTERNATIVES]], 0.0,
                                    f"no place of this name in the gazetteer; a place by the cue '{s.cue.words}'"))
                continue
            if (by_context := _by_context(s, ranked, text)) is not None:
                out.append(by_context)
                continue
            # "the Caspian Sea", "the Levant": a place, though not one the gazetteer has.
            if s.after_the and any(_plausible(s, m, focus_set, s.start in sentence_starts, after_the=False)
                                   for _, m in ranked):
                out.append(Resolved(s, None, [m for _, m in ranked[:ALTERNATIVES]], 0.0,
                                    "only far, small places have this name: a region or a part of a town?"))
            continue
        best_score, best = ranked[pick]
        others = [m for k, (_, m) in enumerate(ranked) if k != pick][:ALTERNATIVES]
        out.append(Resolved(s, best, others, min(best_score, 1.0)))
    return out


def _by_context(s: Span, ranked: list[tuple[float, Match]], text: str | None) -> Resolved | None:
    """The span listed unplaced when the words around it say it is a place (``placed_by_context``)."""
    context = placed_by_context(text, s) if text is not None else None
    if context is None:
        return None
    return Resolved(s, None, [m for _, m in ranked[:ALTERNATIVES]], 0.0,
                    f"no place of this name in the gazetteer; a place by its context ('{context.words}')")


def _unplaceable(s: Span, ranked: list[tuple[float, Match]]) -> bool:
    """A word of a person's or an institution's name with no candidate of the kind ``_plausible`` lets such
    a word be (a large country, province or city, named exactly), and nothing else to list it for: no
    candidate is plausible, so the span yields nothing. Most spans of a text are such words ("County",
    "John"): this spares them the ranking and the checks."""
    return s.in_name and s.cue is None and not s.modifier \
        and not any(_may_be_named_in_a_name(m) for _, m in ranked)


def _may_be_named_in_a_name(m: Match) -> bool:
    """What a word inside a person's or an institution's name must at least be to be a place (the first
    condition ``_plausible`` asks of such a word; ``_unplaceable`` relies on it being the same)."""
    return m.tier == "exact" and notable(m, NAME_WORD_POPULATION)


def notable(m: Match, population: int = 100_000) -> bool:
    """A place a bare mention most likely means: a country, a province, a city, or a place the
    curated gazetteer holds for war reporting."""
    p = m.place
    return p.feature_code in ("PCLI", "ADM1", "PPLC", "CONT") or p.population >= population or "curated" in m.reasons


def _plausible(s: Span, best: Match, focus: set[str], sentence_start: bool, *, after_the: bool = True,
               home: set[str] | None = None) -> bool:
    if s.prefix_dropped and not (best.tier == "exact" and best.place.country in focus):
        return False  # "Tal X" read as X: only the very name, in the story's countries
    if s.region_of and not (best.tier == "exact" and best.place.feature_code != "CONT"
                            and (best.place.feature_code in ("PCLI", "ADM1") or notable(best))):
        return False  # "Western Afghanistan", "East Mosul"; not "North Kivu" read as a village Kivu
    if s.modifier:
        # "Huntsville Memorial Hospital" names Huntsville; "Supreme Court", "Carnegie Museum" name no
        # hamlet called Supreme or Carnegie: a town of note, in the story's own country.
        return best.tier == "exact" and notable(best, MODIFIER_POPULATION) \
            and best.place.country in (focus if home is None else home)
    if s.cue is not None:
        # "the village of X", "X air base": a place for sure, but a spelling variant must still look like
        # it ("Qalamoun mountains" are not Kerman, whatever a transliteration of Kerman says).
        # A spelling variant far from the story is not it either: "the villages of ... and Qweitan" in
        # Syria is not Kuitun, China.
        # Nor a place of another kind: "the Chebaa Farms" are not Chiba, the city.
        # An alternate name of a small place abroad is no better: "Konna, a town ... of Bamako" is not
        # Conna, Ireland (whose alternate name it is).
        if best.tier == "exact":
            return best.matched == fold(best.place.name) or best.place.country in focus or notable(best)
        return _spelling_similarity(s, best) >= 0.6 and _prefers(best, s.cue.prefers) \
            and (best.place.country in focus or notable(best))
    p = best.place
    if after_the and s.after_the and p.feature_class == "P" and not notable(best) \
            and p.country not in (focus if home is None else home):
        # "the Levant", "the Old City": a region or a part of a town, not a far village (nor one in a
        # country the story merely names: Levant, Maine, in a story about Syria that names the US).
        return False
    # (A town's alternate name inside a run is a person's: "Ahmad al Wawi" is no Al Ahmadi, but "Bronx Zoo"
    # names The Bronx.)
    # (A province counts when it is populous or in the story's own countries: "Andrew Trapani" then
    # "Trapani", "Mary Wheeler" then "Mary" name no Italian or Turkmen province.)
    if s.in_name and not (_may_be_named_in_a_name(best)
                          and (p.feature_code in ("PCLI", "CONT")
                               or (p.feature_code == "ADM1" and (p.population >= 500_000
                                                                 or p.country in (focus if home is None else home)))
                               or (p.feature_class == "P" and _words_agree(s.fold, fold(p.name))))):
        return False  # a word of a person's name or a headline, not a village of the same name
    if s.tokens == 1 and sentence_start and best.tier != "exact":
        return False  # a capital at a sentence start and a spelling variant: two weak signals
    if s.tokens == 1 and not notable(best):
        if sentence_start and p.country not in focus:
            return False  # "Rival insurgents say...": a capital at a sentence start is no evidence
        if p.country not in focus and best.matched != fold(p.name) and not (s.after_in and p.population >= 10_000):
            # "Guard" is an alternate name of Guarda; far from the story, ask for the real name ("in Haditha"
            # names the town of that alternate name, when it is a town of some size)
            return False
    if best.tier == "exact":
        return True
    # A variant match must look like the name it matched ("Raqa" ~ "Raqqa"; not "Assad" ~ "Al Hajaliyah").
    sim = _spelling_similarity(s, best)
    if s.tokens > 1:
        return sim >= 0.75 and (best.place.country in focus or best.score >= 0.65)
    p = best.place
    if len(s.fold) < 4 or sim < 0.75:
        return False
    # One word, spelled differently: trust it for a sizeable place, or a near-identical spelling at home.
    return p.population >= 50_000 or (p.country in focus and sim >= 0.85)


def _nisba(word: str, name: str) -> bool:
    """One is the other, ending in a consonant, with the -i/-y of an adjective of origin added, however
    its vowels are spelled: Hamedani and Hamadan, Ahmad and Ahmadi, Halabi and Halab (not Kobani and
    Kobane: a different last vowel is a spelling)."""
    for adj, base in ((word, name), (name, word)):
        if (len(adj) > 3 and adj[-1] in "iy" and adj[-2] not in "aeiouy" and base and base[-1] not in "aeiouy"
                and variant_key(adj[:-1]) == variant_key(base)):
            return True
    return False


def _spelling_similarity(s: Span, best: Match) -> float:
    """How alike the text's spelling and the name it matched are, the article the name bears and the text
    leaves out aside ("Qamishli" ~ "Al Qamishli"; but "al-Hader" is not Hadera), and so are the choices
    transliterations of a name of several words differ by ("Maaret Misreen" ~ "Maarrat Misrin", see
    ``vowel_form``)."""
    matched = best.matched if _without_article(s.fold) != s.fold else _without_article(best.matched)
    raw = Levenshtein.normalized_similarity(s.fold, matched)
    # Only for names of several words, word for word: one English word ("Holy", "Herman") or two short
    # ones ("WW II") evened out so come too close to a place's name.
    if raw == 1.0 or s.tokens < 2 or len(s.fold) < 8 or s.fold.count(" ") != matched.count(" "):
        return raw
    return max(raw, Levenshtein.normalized_similarity(vowel_form(s.fold), vowel_form(matched)))


def _without_article(name: str) -> str:
    first, _, rest = name.partition(" ")
    return rest if rest and first in ARTICLES else name


def _words_agree(a: str, b: str) -> bool:
    """One name's words are among the other's: "bronx" and "the bronx", "dublin city" and "dublin"."""
    x, y = set(a.split()), set(b.split())
    return x <= y or y <= x


def _approx_km(a: Coordinate, b: Coordinate) -> float:
    """Equirectangular distance: within a percent or so at the ranges where the pull matters."""
    x = math.radians(b.lon - a.lon) * math.cos(math.radians((a.lat + b.lat) / 2))
    y = math.radians(b.lat - a.lat)
    return 6371.0 * math.hypot(x, y)


def _median_point(points: list[Coordinate]) -> Coordinate | None:
    if not points:
        return None
    lats = sorted(p.lat for p in points)
    lons = sorted(p.lon for p in points)
    return Coordinate(lats[len(lats) // 2], lons[len(lons) // 2])


def to_record(r: Resolved, sentences: Sentences) -> dict:
    s = r.span
    rec = {"text": s.name_text or s.text, "start": s.start if s.name_start is None else s.name_start,
           "end": s.name_end or s.end,
           "sentence": sentences.at(s.start)}
    alternatives = [{"id": m.place.id, "name": m.place.name, "lat": m.place.lat, "lon": m.place.lon,
                     "country": m.place.country, "score": round(m.score, 4)} for m in r.candidates]
    if r.match is None:
        rec.update(name=None, lat=None, lon=None, id=None, source=None, feature_code=None, country=None,
                   score=0.0, alternatives=alternatives, reason=r.reason)
        return rec
    p = r.match.place
    rec.update(
        name=p.name, lat=p.lat, lon=p.lon, id=p.id, source=p.source, source_id=p.source_id,
        feature_code=p.feature_code, country=p.country, score=round(r.score, 4), match=r.match.tier,
        alternatives=alternatives,
    )
    if s.cue is not None:
        rec["cue"] = s.cue.words
    return rec

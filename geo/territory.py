"""Territory: events folded over time into a state per place and date.

The same event from several outlets (same actor, action and place, dates within a day) becomes one, with
all its sources and a corroboration count. Events that contradict each other (two factions capturing
one place on one day) are both kept and flagged. A place's state as of a date says who holds it, since
when, on whose report; whether it is contested (and how: "rebels east, government west"), besieged, or
threatened by an advance; and whether the state rests on a party's own claims only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from geo.events.extract import Event


@dataclass
class MergedEvent:
    actor: str | None
    action: str
    place: dict
    from_actor: str | None
    date: str | None
    date_precision: str
    claimed: bool  # every source is the party's own claim
    part: str | None
    sources: list[dict] = field(default_factory=list)  # doc, outlet, published, url, sentence, confidence
    origin: dict | None = None  # where an advance came from, when a report says
    contradicted_by: list[str] = field(default_factory=list)  # actors of conflicting events

    @property
    def corroboration(self) -> int:
        """Independent reports: distinct outlets (or documents, where the outlet is unknown)."""
        return len({s.get("outlet") or s.get("doc") for s in self.sources})

    def to_dict(self) -> dict:
        return {"actor": self.actor, "action": self.action, "place": self.place, "from_actor": self.from_actor,
                "date": self.date, "date_precision": self.date_precision, "claimed": self.claimed,
                "part": self.part, "origin": self.origin, "sources": self.sources, "corroboration": self.corroboration,
                "contradicted_by": self.contradicted_by}


@dataclass
class PlaceState:
    place: dict
    holder: str | None = None
    since: str | None = None
    from_actor: str | None = None  # whom the holder took it from
    contested: bool = False
    parts: dict[str, str] = field(default_factory=dict)  # "east" -> "rebels"
    besieged_by: list[str] = field(default_factory=list)
    threatened_by: list[str] = field(default_factory=list)  # advances toward it
    attacked_by: list[str | None] = field(default_factory=list)
    claimed: bool = False  # the holder rests on the holder's own claims only
    disputed: bool = False  # reports contradict each other
    events: list[MergedEvent] = field(default_factory=list)

    @property
    def status(self) -> str:
        if self.contested:
            return "contested"
        if self.besieged_by:
            return "besieged"
        return "held" if self.holder else "unknown"

    def to_dict(self) -> dict:
        return {"place": self.place, "holder": self.holder, "since": self.since, "from_actor": self.from_actor,
                "status": self.status, "contested": self.contested, "parts": self.parts,
                "besieged_by": self.besieged_by, "threatened_by": self.threatened_by,
                "attacked_by": self.attacked_by, "claimed": self.claimed, "disputed": self.disputed,
                "events": [e.to_dict() for e in self.events]}


def _day(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _source(e: Event) -> dict:
    return {"doc": e.doc, "outlet": e.outlet, "published": e.published, "url": e.url, "sentence": e.sentence,
            "confidence": e.confidence, "claimed": e.claimed}


def merge(events: Iterable[Event]) -> list[MergedEvent]:
    """One event per (actor, action, place, part) within a day, with every report of it as a source."""
    merged: list[MergedEvent] = []
    by_key: dict[tuple, list[MergedEvent]] = {}  # the candidates for a twin: same actor, action, part, place
    for e in sorted(events, key=lambda e: (e.date or "", e.doc or "")):
        key = (e.actor, e.action, e.part, e.place.get("id") or e.place.get("name"))
        day = _day(e.date)
        twin = None
        for m in reversed(by_key.get(key, ())):  # sorted by date: the latest is the only one within a day
            other = _day(m.date)
            if day is None or other is None or abs((day - other).days) <= 1:
                twin = m
            break
        if twin is None:
            m = MergedEvent(e.actor, e.action, e.place, e.from_actor, e.date, e.date_precision, e.claimed, e.part,
                            [_source(e)], origin=e.origin)
            merged.append(m)
            by_key.setdefault(key, []).append(m)
        else:
            twin.sources.append(_source(e))
            twin.claimed = twin.claimed and e.claimed
            twin.from_actor = twin.from_actor or e.from_actor
            twin.origin = twin.origin or e.origin
    # Contradictions: different factions capturing (or holding) one place within a day.
    by_place: dict[str, list[MergedEvent]] = {}
    for m in merged:
        if m.action in ("captured", "controls") and not m.part:
            by_place.setdefault(m.place.get("id") or m.place.get("name"), []).append(m)
    for group in by_place.values():
        for i, a in enumerate(group):  # sorted by date: stop once b is more than a day later
            da = _day(a.date)
            for b in group[i + 1:]:
                db = _day(b.date)
                if da and db and (db - da).days > 1:
                    break
                if a.actor == b.actor or not (da and db):
                    continue
                if b.actor not in a.contradicted_by:
                    a.contradicted_by.append(b.actor)
                if a.actor not in b.contradicted_by:
                    b.contradicted_by.append(a.actor)
    return merged


_ACTION_ORDER = {"controls": 0, "contested": 1, "advanced_toward": 2, "attacked": 3, "besieged": 4, "lost": 5,
                 "captured": 6}


def _order(m: MergedEvent) -> tuple:
    """By date; within a day, what a report says of the standing situation before what it says changed."""
    return (m.date or "", _ACTION_ORDER.get(m.action, 9))


def _apply(st: PlaceState, m: MergedEvent) -> None:
    """One event's effect on a place's state."""
    st.events.append(m)
    if m.contradicted_by:
        st.disputed = True
    if m.action == "captured":
        st.holder, st.since, st.from_actor, st.claimed = m.actor, m.date, m.from_actor, m.claimed
        st.contested, st.parts = False, {}
        st.besieged_by = [b for b in st.besieged_by if b != m.actor]
    elif m.action == "lost":
        if st.holder == m.actor:
            st.holder, st.since, st.claimed = None, m.date, False
    elif m.action == "controls":
        if st.holder is None or st.holder == m.actor:
            st.holder, st.claimed = m.actor, m.claimed
            st.since = st.since or m.date
        elif m.part is None:
            st.disputed = True
    elif m.action == "contested":
        st.contested = True
        if m.part:
            st.parts[m.part] = m.actor
    elif m.action == "besieged":
        if m.actor and m.actor not in st.besieged_by:
            st.besieged_by.append(m.actor)
    elif m.action == "advanced_toward":
        if m.actor and m.actor not in st.threatened_by:
            st.threatened_by.append(m.actor)
    elif m.action == "attacked":
        st.attacked_by.append(m.actor)


def timeline(state: PlaceState) -> list[tuple[str | None, str | None, str]]:
    """(date, holder, status) after each date of a place's events: its state on any date, for the time slider."""
    replay = PlaceState(place=state.place)
    out: list[tuple[str | None, str | None, str]] = []
    for m in sorted(state.events, key=_order):
        _apply(replay, m)
        entry = (m.date, replay.holder, replay.status)
        if out and out[-1][0] == m.date:
            out[-1] = entry
        else:
            out.append(entry)
    return out


def territory(events: Iterable[Event] | Iterable[MergedEvent], as_of: str | dt.date | None = None
              ) -> dict[str, PlaceState]:
    """The state of every place the events name, as of ``as_of`` (default: after all of them)."""
    items = list(events)
    merged = merge(items) if items and isinstance(items[0], Event) else list(items)
    limit = _day(as_of) if isinstance(as_of, str) else as_of
    states: dict[str, PlaceState] = {}
    for m in sorted(merged, key=_order):
        day = _day(m.date)
        if limit is not None and day is not None and day > limit:
            continue
        key = m.place.get("id") or m.place.get("name")
        _apply(states.setdefault(key, PlaceState(place=m.place)), m)
    return states

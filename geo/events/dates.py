"""When an event happened, from its sentence and the article's publication date.

An explicit date in the sentence wins ("January 8, 2014" in a photo caption is 2014, not the day of
publication); then a relative one, resolved against the publication date ("today", "yesterday",
"overnight", "on Thursday", "late on Thursday", "last week", "two months ago"); else the publication
date, marked as an assumption. Precision says how much of the date is known: day, week, month or year.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

MONTHS = {m: i for i, m in enumerate(
    "january february march april may june july august september october november december".split(), 1)}
MONTHS.update({m[:3]: i for m, i in list(MONTHS.items())})
MONTHS["sept"] = 9
WEEKDAYS = {d: i for i, d in enumerate("monday tuesday wednesday thursday friday saturday sunday".split())}
NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
           "eight": 8, "nine": 9, "ten": 10, "several": 3, "a few": 3}

_MONTH = r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|" \
         r"sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_MDY = re.compile(rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(?P<year>(?:19|20)\d\d))?\b", re.I)
_DMY = re.compile(rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?:,?\s+(?P<year>(?:19|20)\d\d))?\b",
                  re.I)
_ISO = re.compile(r"\b(?P<year>(?:19|20)\d\d)-(?P<month>\d\d)-(?P<day>\d\d)\b")
_MONTH_YEAR = re.compile(rf"\b(?:in\s+)?{_MONTH}\s+(?P<year>(?:19|20)\d\d)\b", re.I)
_IN_MONTH = re.compile(rf"\bin\s+{_MONTH}(?!\s+\d)\b", re.I)
_YEAR = re.compile(r"\b[Ii]n\s+(?P<year>(?:19|20)\d\d)\b")
_WEEKDAY = re.compile(r"\b(?P<last>last\s+)?(?P<day>monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
                      r"(?:\s+(?:night|morning|evening|afternoon))?\b", re.I)
_AGO = re.compile(r"\b(?P<n>a few|an?|one|two|three|four|five|six|seven|eight|nine|ten|several|\d+)\s+"
                  r"(?P<unit>day|week|month|year)s?\s+ago\b", re.I)
_RELATIVE = [
    (re.compile(r"\b(?:today|this (?:morning|afternoon|evening)|tonight|at dawn on today)\b", re.I), 0, "day"),
    (re.compile(r"\b(?:yesterday|last night)\b", re.I), -1, "day"),
    # A night that ended on the day of publication began the day before; reports date it by the morning.
    (re.compile(r"\bovernight\b", re.I), 0, "day"),
    (re.compile(r"\btomorrow\b", re.I), 1, "day"),
    (re.compile(r"\b(?:last|this past) week\b", re.I), -7, "week"),
    (re.compile(r"\b(?:this week|earlier this week)\b", re.I), 0, "week"),
    (re.compile(r"\blast month\b", re.I), -30, "month"),
    (re.compile(r"\b(?:earlier |early )?this month\b", re.I), 0, "month"),
    (re.compile(r"\blast year\b", re.I), -365, "year"),
]


@dataclass(frozen=True, slots=True)
class EventDate:
    date: dt.date | None
    precision: str  # day | week | month | year | unknown
    basis: str  # "explicit", "relative", "publication", or "none"
    text: str = ""  # the words that said so

    def iso(self) -> str | None:
        return self.date.isoformat() if self.date else None


def parse_published(value: str | dt.date | None) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def event_date(sentence: str, published: str | dt.date | None) -> EventDate:
    """The date of what ``sentence`` reports, as well as the sentence and the publication date tell."""
    pub = parse_published(published)
    explicit = _explicit(sentence, pub)
    if explicit is not None:
        return explicit
    if pub is not None:
        relative = _relative(sentence, pub)
        if relative is not None:
            return relative
        return EventDate(pub, "day", "publication")
    return EventDate(None, "unknown", "none")


def _explicit(s: str, pub: dt.date | None) -> EventDate | None:
    for pattern in (_ISO, _MDY, _DMY):
        m = pattern.search(s)
        if not m:
            continue
        month = m.group("month")
        month = int(month) if month.isdigit() else MONTHS[_month_key(month)]
        year = int(m.group("year")) if m.group("year") else None
        if year is None:
            if pub is None:
                continue
            # "Jan. 8" in a March article is this year's; in a January article after the 8th, too.
            year = pub.year if (month, int(m.group("day"))) <= (pub.month, pub.day) else pub.year - 1
        try:
            return EventDate(dt.date(year, month, int(m.group("day"))), "day", "explicit", m.group())
        except ValueError:
            continue
    m = _MONTH_YEAR.search(s)
    if m:
        return EventDate(dt.date(int(m.group("year")), MONTHS[_month_key(m.group("month"))], 1), "month",
                         "explicit", m.group())
    m = _YEAR.search(s)
    if m and (pub is None or int(m.group("year")) != pub.year):
        return EventDate(dt.date(int(m.group("year")), 1, 1), "year", "explicit", m.group())
    if pub is not None:
        m = _IN_MONTH.search(s)
        if m:
            month = MONTHS[_month_key(m.group("month"))]
            year = pub.year if month <= pub.month else pub.year - 1
            return EventDate(dt.date(year, month, 1), "month", "explicit", m.group())
    return None


def _month_key(word: str) -> str:
    w = word.lower().rstrip(".")
    return w if w in MONTHS else w[:3]


def _relative(s: str, pub: dt.date) -> EventDate | None:
    for pattern, days, precision in _RELATIVE:
        m = pattern.search(s)
        if m:
            return EventDate(pub + dt.timedelta(days=days), precision, "relative", m.group())
    m = _WEEKDAY.search(s)
    if m:
        target = WEEKDAYS[m.group("day").lower()]
        back = (pub.weekday() - target) % 7
        if m.group("last") and back == 0:
            back = 7
        return EventDate(pub - dt.timedelta(days=back), "day", "relative", m.group())
    m = _AGO.search(s)
    if m:
        n = m.group("n").lower()
        count = int(n) if n.isdigit() else NUMBERS.get(n, 1)
        unit = m.group("unit").lower()
        days = {"day": 1, "week": 7, "month": 30, "year": 365}[unit] * count
        return EventDate(pub - dt.timedelta(days=days), unit if unit != "day" else "day", "relative", m.group())
    return None

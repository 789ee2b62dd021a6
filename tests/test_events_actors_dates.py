"""Building blocks of the event extractor: factions (a user-overridable data file) and event dates."""

from __future__ import annotations

import json

import pytest

from geo.events.actors import Factions, FactionsError
from geo.events.dates import event_date


@pytest.fixture(scope="module")
def factions():
    return Factions.load()


def found(factions, text):
    return [(a.faction, a.text) for a in factions.find(text)]


def test_the_default_factions_and_their_map_colours(factions):
    # The common Syrian war maps: government red, rebels green, Islamic State black, Kurds yellow.
    assert factions["government"].colour == "#d62728"
    assert factions["rebels"].colour == "#2ca02c"
    assert factions["islamic_state"].colour == "#1a1a1a"
    assert factions["kurds"].colour == "#f2c500"
    assert {"nusra", "hezbollah", "iran", "russia", "turkey", "coalition"} <= set(factions.by_id)


@pytest.mark.parametrize("text, expected", [
    ("IS militants drove out rebels", [("islamic_state", "IS militants"), ("rebels", "rebels")]),
    ("Daesh has exploited the strikes", [("islamic_state", "Daesh")]),
    ("forces loyal to the government and Assad’s forces", [("government", "forces loyal to the government"),
                                                           ("government", "Assad’s forces")]),
    ("Liwa Suqour al-Jabal said", [("rebels", "Liwa Suqour al-Jabal")]),
    ("the Nusra Front, Al Qaeda’s affiliate in Syria", [("nusra", "Nusra Front"), ("nusra", "Al Qaeda’s affiliate")]),
    ("YPG and SDF fighters", [("kurds", "YPG"), ("kurds", "SDF")]),
    ("the US-led coalition bombing", [("coalition", "US-led coalition")]),
])
def test_surface_forms_map_to_factions(factions, text, expected):
    assert found(factions, text) == expected


def test_acronyms_match_case_sensitively(factions):
    assert found(factions, "this is what it is") == []
    assert found(factions, "IS advanced") == [("islamic_state", "IS")]


def test_context_aliases_need_the_faction_named_in_the_text(factions):
    assert found(factions, "The jihadists are now just over 10 kilometres away.") == []
    text = "Islamic State fighters advanced. The jihadists are now just over 10 kilometres away."
    assert found(factions, text) == [("islamic_state", "Islamic State fighters"), ("islamic_state", "The jihadists")]


def test_a_user_file_replaces_and_adds_factions(tmp_path, factions):
    extra = tmp_path / "mine.json"
    extra.write_text(json.dumps({"factions": {
        "rebels": {"name": "Opposition", "colour": "#00aa00", "aliases": ["opposition"]},
        "tribes": {"name": "Tribal forces", "colour": "#996633", "aliases": ["tribal fighters"]},
    }}), encoding="utf-8")
    mine = Factions.load(extra=extra)
    assert mine["rebels"].name == "Opposition" and mine["tribes"].colour == "#996633"
    assert found(mine, "tribal fighters and rebels") == [("tribes", "tribal fighters")]  # "rebels" was replaced
    assert mine["government"] == factions["government"]


@pytest.mark.parametrize("content, message", [
    ("not json", "cannot read"),
    ('{"factions": []}', "expected"),
    ('{"factions": {"x": {"name": "X", "colour": "red"}}}', "#rrggbb"),
    ('{"factions": {"x": {"name": "X", "aliases": [""]}}}', "alias"),
])
def test_a_bad_factions_file_is_a_clear_error_naming_it(tmp_path, content, message):
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")
    with pytest.raises(FactionsError, match=message) as e:
        Factions.load(extra=bad)
    assert str(bad) in str(e.value)


@pytest.mark.parametrize("sentence, published, iso, precision, basis", [
    # A photo caption's explicit date is the event's, not the article's.
    ("captured by rival rebel forces in Manbij town in Aleppo January 8, 2014.", "2015-10-09", "2014-01-08",
     "day", "explicit"),
    ("The city fell on 3 March 2016.", "2016-05-08", "2016-03-03", "day", "explicit"),
    ("Paris launched its first raids on September 27.", "2015-10-09", "2015-09-27", "day", "explicit"),
    ("IS militants reached their closest position at dawn today", "2015-10-09", "2015-10-09", "day", "relative"),
    ("a general was killed yesterday near Aleppo", "2015-10-09", "2015-10-08", "day", "relative"),
    # Friday 9 October 2015: "on Thursday" is the 8th; Sunday 8 May 2016: "late on Thursday" is the 5th.
    ("he had been killed late on Thursday", "2015-10-09", "2015-10-08", "day", "relative"),
    ("Khan Touman, which rebels took late on Thursday", "2016-05-08", "2016-05-05", "day", "relative"),
    ("It began last Wednesday", "2016-05-08", "2016-05-04", "day", "relative"),
    ("new strikes overnight on IS targets", "2015-10-09", "2015-10-09", "day", "relative"),
    ("IS were driven out of the city two months ago", "2016-05-08", "2016-03-09", "month", "relative"),
    ("Rebels hold the town.", "2016-05-08", "2016-05-08", "day", "publication"),
    # a year that opens the sentence; "this month" is as much as is known
    ("In 2013, rebels captured Raqqa.", "2016-05-08", "2013-01-01", "year", "explicit"),
    ("Earlier this month, Kurdish fighters captured Tal Abyad.", "2016-05-08", "2016-05-08", "month", "relative"),
])
def test_event_dates(sentence, published, iso, precision, basis):
    d = event_date(sentence, published)
    assert (d.iso(), d.precision, d.basis) == (iso, precision, basis)


def test_no_publication_date_and_no_date_in_the_text_is_unknown():
    d = event_date("Rebels hold the town.", None)
    assert d.date is None and d.precision == "unknown"


def test_actor_offsets_hold_when_lower_casing_changes_the_length():
    from geo.events.actors import Factions

    factions = Factions.load()
    for text in ("In Aleppo, REBELS and Islamic State fighters clashed.",
                 "İstanbul says REBELS and Islamic State fighters clashed."):  # "İ" lower-cases to two letters
        found = factions.find(text)
        assert [(a.faction, text[a.start:a.end]) for a in found] == [
            ("rebels", "REBELS"), ("islamic_state", "Islamic State fighters")]
        assert all(a.text == text[a.start:a.end] for a in found)


def test_names_within_ranges_are_those_of_the_whole_text_that_start_there(factions):
    text = ("Islamic State fighters advanced on Monday. Nothing happened in Aleppo. "
            "The jihadists shelled Marea. Rebels fought near Azaz.")
    third = text.index("The jihadists")
    fourth = text.index("Rebels")
    within = [(third, fourth), (fourth, len(text))]
    inside = factions.find(text, within=within)
    assert [(a.faction, a.text) for a in inside] == [("islamic_state", "The jihadists"), ("rebels", "Rebels")]
    assert inside == [a for a in factions.find(text) if a.start >= third]
    # "The jihadists" counts because the first sentence, outside the ranges, names Islamic State.
    assert factions.find(text[third:], within=[(0, fourth - third)]) == []
    # A name that starts inside a range is read whole, wherever the range ends.
    assert [a.text for a in factions.find(text, within=[(0, 10)])] == ["Islamic State fighters"]


def test_a_name_that_runs_across_a_sentence_end_is_found_as_in_the_whole_text(tmp_path):
    # "Inc." is no abbreviation the sentence splitter knows: "Tiger Inc. Brigade" spans two sentences.
    mine = tmp_path / "f.json"
    mine.write_text(json.dumps({"factions": {"tigers": {"name": "Tigers", "colour": "#ff8800",
                                                         "aliases": ["Tiger Inc. Brigade", "brigade"]}}}))
    factions = Factions.load(mine)
    text = "They work for Tiger Inc. Brigade fighters took Homs."
    second = text.index("Brigade")
    assert [a.text for a in factions.find(text)] == ["Tiger Inc. Brigade"]
    # The one name starts before the range; no shorter name inside it is made up.
    assert factions.find(text, within=[(second, len(text))]) == []

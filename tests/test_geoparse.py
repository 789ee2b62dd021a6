"""The geoparser: seeds against the hand-written gold, and the phenomena it must handle."""

from __future__ import annotations

import pytest

from geo.evaluation import load_seeds, score
from geo.gazetteer.lookup import Gazetteer
from geo.geoparse import Geoparser
from tests.conftest import TESTS

SEEDS = TESTS.parent / "seeds"
GOLD = TESTS / "data" / "seeds_gold.jsonl"


@pytest.fixture(scope="module", params=["default", "sy"])
def parser(request, default_home):
    home = default_home if request.param == "default" else request.getfixturevalue("sy_home")
    return Geoparser(Gazetteer(home))


def test_seeds_recognition_f1_and_syrian_resolution(parser):
    gold = load_seeds(GOLD, SEEDS)
    predicted = {d.id: parser.parse(d.text)["toponyms"] for d in gold}
    overall = score(gold, predicted)
    assert overall.f1_exact >= 0.95, overall
    syrian = score(gold, predicted, subset=lambda m: m.meta.get("syrian"))
    assert syrian.gold >= 150
    assert syrian.acc_10km >= 0.95, syrian


def texts(doc):
    return [(t["text"], t["id"]) for t in doc["toponyms"]]


def test_transliterations_in_text_resolve_to_one_village(parser):
    for spelling in ("Tall Qrah", "Tal Qarah", "Tell Qrâh", "Tal Qrah"):
        doc = parser.parse(f"Fighters took {spelling} on Friday, north of Aleppo.")
        assert (spelling, "geonames:163484") in texts(doc), texts(doc)


def test_a_name_of_several_words_spelled_with_other_vowels_is_still_that_town(request, parser):
    # Maarrat Misrin and Ma'arrat an Nu'man as other outlets write them: ee for i, oa for u, one r for
    # two, al for the article's an (raw spelling similarity 0.71 and 0.69: too low until evened out).
    doc = parser.parse("Jisr al-Shughour, Ariha and Maaret Misreen remain under the control of the opposition. "
                       "Warplanes pounded Kafranbel, 10 km west of Maaret al-Noaman, on Saturday.")
    found = {t["text"]: t["id"] for t in doc["toponyms"]}
    assert found["Maaret al-Noaman"] == "geonames:167611", found
    if "sy" in request.node.name:  # (the embedded default lacks Maarrat Misrin)
        assert found["Maaret Misreen"] == "geonames:167605", found


def test_only_names_of_several_longer_words_are_compared_with_their_vowels_evened_out():
    from geo.gazetteer.place import Match, Place
    from geo.geoparse.recognize import Span
    from geo.geoparse.resolve import _spelling_similarity
    from geo.names import fold, variant_key
    from geo.point import Coordinate

    place = Place(id="geonames:1", name="x", point=Coordinate(35.0, 36.0), source="SY")

    def similarity(text: str, matched: str, tokens: int) -> float:
        f = fold(text)
        return _spelling_similarity(Span(0, len(text), text, f, variant_key(f), tokens=tokens),
                                    Match(place, 0.6, "variant", matched))

    assert similarity("Maaret Misreen", "maarat misrin", 2) > 0.9  # (0.71 letter for letter)
    # In LGL these came too close to a place's name evened out so: one word (the girl Danielle, Daniel),
    # two short ones ("WW II", Wuyi), words that run together in the name ("Alan Wood", Allenwood).
    assert similarity("Danielle", "daniel", 1) == 0.75
    assert similarity("WW II", "wu i", 2) == 0.6
    assert similarity("Alan Wood", "allenwood", 2) < 0.7


def test_lists_of_places_and_places_the_gazetteer_lacks(parser):
    doc = parser.parse("The jihadists captured the villages of Tall Soussin, Zzyzx Qabbar and Kafar Qares.")
    found = {t["text"]: t for t in doc["toponyms"]}
    assert found["Tall Soussin"]["id"] == "geonames:163440"
    assert found["Kafar Qares"]["id"] == "geonames:168646"
    unknown = found["Zzyzx Qabbar"]
    assert unknown["lat"] is None and "not in the gazetteer" in unknown["reason"]


def test_organisations_demonyms_people_and_months_are_not_places(parser):
    doc = parser.parse(
        "The Syrian Observatory for Human Rights said Free Syrian Army fighters and Islamic State "
        "militants clashed in May. Rami Abdel Rahman, a Syrian, said Iranian advisers were in Homs.")
    assert [t for t, _ in texts(doc)] == ["Homs"]


def test_output_keeps_offsets_sentence_score_and_alternatives(parser):
    text = "Clashes were reported.\nDozens of air strikes hit near Khan Touman on Sunday."
    doc = parser.parse(text, published="2016-05-08", doc="x.txt")
    assert doc["published"] == "2016-05-08" and doc["doc"] == "x.txt"
    (t,) = doc["toponyms"]
    assert text[t["start"]:t["end"]] == "Khan Touman"
    assert t["sentence"] == "Dozens of air strikes hit near Khan Touman on Sunday."
    for key in ("name", "lat", "lon", "id", "source", "feature_code", "country", "score", "alternatives"):
        assert key in t
    assert 0 < t["score"] <= 1 and isinstance(t["alternatives"], list)


def test_air_base_cue_and_country_abbreviations(parser):
    doc = parser.parse("He was killed near Kweiris air base, a US official said, as U.S. jets flew over.")
    got = dict(texts(doc))
    assert got["Kweiris"] == "icao:OS66"
    assert got["US"] == got["U.S."] != None  # noqa: E711 - both are the United States


def test_a_name_after_a_title_is_a_person_here_and_later(parser):
    doc = parser.parse("Sen. Stevens met Mr. Moore in Damascus. Later Stevens flew home.")
    assert [t for t, _ in texts(doc)] == ["Damascus"]


def test_names_of_people_are_not_the_towns_they_sound_like(parser):
    # A nisba (man from Hamadan) and a given name that is an alternate name of a Kuwaiti city.
    doc = parser.parse("General Hossein Hamedani was killed near Aleppo. Hamedani was a veteran of the war. "
                       "\u201cWe fight on,\u201d Ahmad al Wawi, a fighter from a rebel group, told Reuters.")
    found = {t["text"]: t["name"] for t in doc["toponyms"]}
    assert found == {"Aleppo": "Aleppo"}


def test_a_part_of_a_town_is_looked_for_in_that_town_only(parser):
    doc = parser.parse("Fighting raged in the Salaheddine district of Aleppo and the Old City section of Homs.")
    by_text = {t["text"]: t for t in doc["toponyms"]}
    # Neither part is in the gazetteer: listed with the town it belongs to, not put in Iraq or Pennsylvania.
    for part, town in (("Salaheddine", "Aleppo"), ("Old City", "Homs")):
        assert by_text[part]["lat"] is None and f"a part of {by_text[town]['name']}" in by_text[part]["reason"]
    assert by_text["Aleppo"]["country"] == "SY" and by_text["Homs"]["country"] == "SY"


def test_a_region_after_the_is_not_a_far_village_of_that_name(parser):
    doc = parser.parse("Their mission is not to fight Daesh in the Levant but to come to France.")
    levant = next(t for t in doc["toponyms"] if t["text"] == "Levant")
    assert levant["lat"] is None and "region" in levant["reason"]  # not Levant, Maine
    assert any(a["country"] == "US" for a in levant["alternatives"])  # what it was not, kept for the record


def test_a_sentence_that_opens_with_a_preposition(parser):
    for text, name in (("In Deir Ezzor, Kurdish-led forces cut supply lines.", "Deir ez-Zor"),
                       ("At Manbij, the fighting went on.", "Manbij")):
        doc = parser.parse(text)
        assert [(t["text"], t["name"]) for t in doc["toponyms"]] == [(text.split(",")[0].split(" ", 1)[1], name)]


@pytest.mark.parametrize("written, name", [("Qamishli", "Al Qāmishlī"), ("Kobani", "‘Ayn al ‘Arab"),
                                           ("Kobane", "‘Ayn al ‘Arab"), ("al-Hader", "Al Ḩāḑir")])
def test_spellings_with_and_without_the_article(parser, written, name):
    doc = parser.parse(f"Fighting was reported in {written} on Monday.")
    found = [(t["text"], t["country"]) for t in doc["toponyms"] if t["lat"] is not None]
    assert found == [(written, "SY")]
    from geo.names import fold

    assert fold(doc["toponyms"][0]["name"]) == fold(name)  # the dumps spell it with or without diacritics


def test_a_name_common_worldwide_is_found_in_the_focus_country(parser):
    # "Mare'" (Marea, north of Aleppo) is also Male, Maldives, and a dozen villages elsewhere.
    doc = parser.parse("Islamic State fighters shelled Mare' and Marea again on Monday.")
    assert [(t["name"], t["country"]) for t in doc["toponyms"]] == [("Mari`", "SY"), ("Mari`", "SY")]
    assert doc["toponyms"][0]["id"] == "geonames:167245"


def test_a_cue_makes_a_place_but_not_a_far_namesake_of_another_spelling(parser):
    doc = parser.parse("Hezbollah besieged Madaya in the Qalamoun mountains, on the edges of Raqa city's reach.")
    by_text = {t["text"]: t for t in doc["toponyms"]}
    qalamoun = by_text["Qalamoun"]  # not Kerman, Iran: unplaced (the default) or a Syrian Qalmun (SY.zip)
    assert (qalamoun["lat"] is None and "mountains" in qalamoun["reason"]) or qalamoun["country"] == "SY"
    assert by_text["Raqa"]["country"] == "SY"  # a cue still lets a near spelling through


def test_a_date_ends_a_name(parser):
    doc = parser.parse("Militia captured the southwestern town of Huddur Tuesday after a battle.")
    assert [t["text"] for t in doc["toponyms"]] == ["Huddur"]


def test_abbreviated_saints_and_the_persian_ezafe_are_one_name(parser):
    doc = parser.parse("Olson was captured in 1999 in St. Paul, Minnesota. The Taliban took Mazar-e-Sharif in August.")
    found = {t["text"]: t for t in doc["toponyms"]}
    assert found["St. Paul"]["country"] == "US", found
    assert found["Mazar-e-Sharif"]["country"] == "AF", found
    assert "Paul" not in found and "Mazar" not in found


def test_a_feature_word_written_with_a_capital_is_part_of_the_name(parser):
    text = "Sailors were seized in the Persian Gulf. Fighters reached the Tishreen Dam, not the Qalamoun mountains."
    found = {t["text"]: t for t in parser.parse(text)["toponyms"]}
    gulf = found["Persian Gulf"]  # a demonym, then a feature: a place the gazetteer lacks
    assert text[gulf["start"]:gulf["end"]] == "Persian Gulf" and gulf["lat"] is None and "gulf" in gulf["reason"]
    dam = found["Tishreen Dam"]
    assert text[dam["start"]:dam["end"]] == "Tishreen Dam"
    assert "Qalamoun" in found and "Qalamoun mountains" not in found  # lower case: a description


def test_a_name_ending_in_a_feature_word_the_gazetteer_only_spells_alike_is_still_that_feature(parser):
    # "Baliem Valley" is a loose spelling of Balmville and Bloomville (US towns): it is a valley the
    # gazetteer lacks, listed with its cue, not a town in Ohio.
    text = "The biologists were captured by rebels in the Baliem Valley, in Indonesia, on Monday."
    found = {t["text"]: t for t in parser.parse(text)["toponyms"]}
    valley = found["Baliem Valley"]
    assert valley["lat"] is None and "valley" in valley["reason"], valley


def test_a_person_whose_surname_is_a_feature_word_is_no_place(parser):
    text = ("US envoy Christopher Hill met Homeland Security Secretary Tom Ridge in Beijing. "
            "Lauryn Hill sang on Capitol Hill, in Rhode Island and in the Jordan Valley.")
    found = [t["text"] for t in parser.parse(text)["toponyms"]]
    assert not any(n.startswith(("Christopher", "Homeland", "Tom", "Lauryn")) for n in found), found
    assert {"Beijing", "Capitol Hill", "Rhode Island", "Jordan Valley"} <= set(found), found


def test_a_generic_word_that_opens_arabic_place_names_makes_a_place_the_gazetteer_lacks(parser):
    text = ("Loyalist forces captured Jabal al-Sayyid and Kafr Zubeidiyeh, then shelled Mount Qanbizeh. "
            "Ras Baraka and Ayn Rand are people; the Mount Pleasant Wildcats play near the Deir Zubeir Hospital.")
    found = {t["text"]: t for t in parser.parse(text)["toponyms"]}
    for name, cue in (("Jabal al-Sayyid", "jabal"), ("Kafr Zubeidiyeh", "kafr"), ("Mount Qanbizeh", "mount")):
        assert name in found and found[name]["lat"] is None and cue in found[name]["reason"], (name, found)
    assert not any(n.startswith(("Ras", "Ayn", "Mount Pleasant", "Deir")) for n in found), found
    found = [t["text"] for t in parser.parse("The Mount Pleasant High School is in Mount Pleasant.")["toponyms"]]
    assert found and set(found) == {"Mount Pleasant"}, found  # not "Mount Pleasant High School"


def test_a_hill_that_is_taken_or_stood_on_is_a_hill_whatever_its_name(parser):
    text = "Rebels said they had captured Biju Hill; the army shelled positions on Zeitoun Hill."
    found = {t["text"]: t for t in parser.parse(text)["toponyms"]}
    assert {"Biju Hill", "Zeitoun Hill"} <= set(found), found
    assert "hill" in found["Biju Hill"]["reason"], found["Biju Hill"]


def test_an_owner_and_a_place_it_owns_are_two_places(parser):
    # The cue makes "Darulaman Palace" a place; it does not pull the owner in with it.
    text = "Troops captured Kabul's Darulaman Palace and shelled Mosul's Ninevah province."
    found = [t["text"] for t in parser.parse(text)["toponyms"]]
    assert found[:2] == ["Kabul", "Darulaman Palace"] and found[2] == "Mosul", found
    assert not any("'s" in n for n in found), found


def test_spanish_and_portuguese_linking_words_join_a_name(parser):
    text = "Soldiers raided camps in Lanao del Norte and fled toward Mar del Plata."
    found = {t["text"]: t for t in parser.parse(text)["toponyms"]}
    assert found["Lanao del Norte"]["country"] == "PH", found
    assert "Lanao" not in found and "Norte" not in found, found


def test_an_apposition_that_says_what_kind_of_place_makes_a_place(parser):
    text = ("The Islamists captured Konna, a town 700 km northeast of Bamako, and Dialoube, a small village "
            "in the region. Tom Smithers, a town official, and Kirsty Wark, the city's mayor, fled.")
    found = {t["text"]: t for t in parser.parse(text)["toponyms"]}
    assert {"Konna", "Dialoube", "Bamako"} <= set(found), found
    assert "village" in found["Dialoube"]["reason"], found
    # "Konna" is also an alternate name of Conna, a hamlet in Ireland: not in a story about Mali
    assert found["Konna"]["country"] in (None, "ML"), found["Konna"]
    assert not any(n.startswith(("Tom", "Smithers", "Kirsty", "Wark")) for n in found), found


def test_a_name_listed_between_places_after_a_verb_of_taking_is_a_place(parser):
    text = "Kurdish-led fighters captured Tal Abyad, Ain Issa, Suluk, Mabrouka and Tal Tamr in a month-long push."
    found = {t["text"]: t for t in parser.parse(text)["toponyms"]}
    assert list(found) == ["Tal Abyad", "Ain Issa", "Suluk", "Mabrouka", "Tal Tamr"], found
    assert found["Mabrouka"]["lat"] is None and "list" in found["Mabrouka"]["reason"], found["Mabrouka"]
    # not a person the text names in full, nor a list no preposition or verb of taking opens
    text = "Bashar Assad met envoys in Russia, Assad and Turkey. Works by Moscow, Liszt and Paris were played."
    found = [t["text"] for t in parser.parse(text)["toponyms"]]
    assert "Assad" not in found and "Liszt" not in found, found
    # a people after the first place of a cued list is no item of it
    text = "In the southern city of Basra, British soldiers captured a cache of rockets."
    found = [t["text"] for t in parser.parse(text)["toponyms"]]
    assert found == ["Basra"], found


def test_straits_gulfs_camps_and_lakes_the_gazetteer_lacks_are_places(parser):
    text = ("The tanker was seized in the Strait of Hormuz; pirates held it in the Gulf of Aden. Fighters "
            "overran Camp Speicher near Lake Ziway. Ricki Lake praised the Camp David Accords.")
    found = {t["text"]: t for t in parser.parse(text)["toponyms"]}
    for name in ("Strait of Hormuz", "Gulf of Aden", "Camp Speicher", "Lake Ziway"):
        assert name in found, (name, found)
    assert not any(n.startswith(("Ricki", "Camp David")) for n in found), found
    # an adjective of nationality before a feature word: the sea, though its words spell like far villages
    text = "A frigate captured two skiffs in the Arabian Sea; trawlers fished the Irish Sea."
    found = [t["text"] for t in parser.parse(text)["toponyms"]]
    assert found == ["Arabian Sea", "Irish Sea"], found


def test_groups_and_aid_agencies_named_after_places_are_not_places(parser):
    text = "Iraqi police captured an al-Qaida in Iraq figure and two Red Cross workers outside Bunia."
    found = [t["text"] for t in parser.parse(text)["toponyms"]]
    assert found == ["Bunia"], found


def test_a_masked_name_written_with_a_hyphen_is_masked_too(parser):
    # "Al Jazeera" is in the list of names that are no places; "al-Jazeera" is the same broadcaster,
    # not al-Jazira, the region of north-eastern Syria that it spells alike.
    text = "Rebels told al-Jazeera that they shelled Hasakah. Al-Jazeera also reported fighting in Homs."
    found = [t["text"] for t in parser.parse(text)["toponyms"]]
    assert found == ["Hasakah", "Homs"], found


def test_a_persian_name_with_a_detached_ezafe_is_one_name(parser):
    text = "Aid workers were seized in Kabul's Shar-e Naw neighbourhood and in Pul-i Khumri."
    found = [t["text"] for t in parser.parse(text)["toponyms"]]
    assert "Shar-e Naw" in found and "Pul-i Khumri" in found and "Naw" not in found, found


def test_a_name_the_gazetteer_lacks_after_in_or_near_is_a_place(parser):
    text = ("Soldiers captured the rebel commander in Likuangole on Monday and two fighters near Zalambessa, where "
            "fighting raged. He served in World War I, testified in Bezalambo Court and dined in Ngkwazulu Hall.")
    found = {t["text"]: t for t in parser.parse(text)["toponyms"]}
    assert {"Likuangole", "Zalambessa"} <= set(found), found
    assert found["Likuangole"]["lat"] is None and "in X" in found["Likuangole"]["reason"], found["Likuangole"]
    assert not any(n.startswith(("World", "Bezalambo", "Ngkwazulu")) for n in found), found


def test_a_town_known_by_an_alternate_name_is_found_after_in(parser):
    # "Haditha" is an alternate name of Hadithah, Iraq (30,000 people): after "in", that town
    text = "U.S. Marines captured a suspected bomb maker in Haditha on Friday."
    found = {t["text"]: t for t in parser.parse(text)["toponyms"]}
    assert found["Haditha"]["country"] == "IQ", found


def test_nationals_are_not_places(parser):
    text = "A Briton, two Danes and a Finn were freed in Turku; Serbs and Croats met in Zagreb."
    found = [t["text"] for t in parser.parse(text)["toponyms"]]
    assert found == ["Turku", "Zagreb"], found


def test_a_neighborhood_named_before_its_word_is_a_place(parser):
    text = "Bakr was shot dead by gunmen in the Adhamiya neighborhood of Baghdad."
    found = [t["text"] for t in parser.parse(text)["toponyms"]]
    assert found == ["Adhamiya", "Baghdad"], found


def test_a_refugee_camp_written_with_capitals_is_named_with_its_camp(parser):
    text = "The army captured the Handarat Refugee Camp last week."
    found = [t["text"] for t in parser.parse(text)["toponyms"]]
    assert "Handarat Refugee Camp" in found, found


def test_a_part_of_a_country_or_city_named_with_a_direction_is_that_place(parser):
    text = ("The Taliban captured Western Afghanistan. Troops entered East Mosul. "
            "South Korea and East Timor protested.")
    found = {t["text"]: t for t in parser.parse(text)["toponyms"]}
    assert found["Western Afghanistan"]["country"] == "AF" and found["Western Afghanistan"]["feature_code"] == "PCLI"
    assert found["East Mosul"]["name"] == "Mosul", found["East Mosul"]
    assert text[found["East Mosul"]["start"]:found["East Mosul"]["end"]] == "East Mosul"
    # names of their own are not read as a part of another place
    assert found["South Korea"]["country"] == "KR" and found["East Timor"]["country"] == "TL"


def test_a_day_before_an_arabic_particle_does_not_open_a_name(parser):
    doc = parser.parse("State radio reported fighting Sunday at Todee, northeast of Monrovia.")
    assert "Sunday at Todee" not in [t["text"] for t in doc["toponyms"]]
    assert "Todee" in [t["text"] for t in doc["toponyms"]]


def test_provinces_are_places_but_not_the_names_of_people(parser):
    text = "Ethiopian troops shelled towns in Tigray. Israeli forces raided Jenin in the West Bank."
    found = {t["text"]: t for t in parser.parse(text)["toponyms"]}
    assert found["Tigray"]["country"] == "ET" and found["Tigray"]["feature_code"] == "ADM1", found.get("Tigray")
    assert found["West Bank"]["country"] == "PS", found.get("West Bank")
    # a story set in Ohio: its Mary and Trapani are people, not Turkmen or Italian provinces
    text = ("\"We need more staff,\" said Mary Wheeler, a teacher in Dayton, Ohio. Mary said the producer "
            "Andrew Trapani, of Columbus, Ohio, agreed; Trapani's film opens soon in Cleveland.")
    found = {t["text"]: t for t in parser.parse(text)["toponyms"]}
    assert "Mary" not in found and "Trapani" not in found, found


def test_a_possessive_after_a_cued_name_is_no_item_of_a_list(parser):
    doc = parser.parse("Kurdish-led fighters have encircled the city of Raqqa, IS's de facto capital.")
    assert [t["text"] for t in doc["toponyms"]] == ["Raqqa"]
    doc = parser.parse("Air strikes hit the rebel-controlled town of Saraqeb and IS-held Raqqa.")
    assert [t["text"] for t in doc["toponyms"]] == ["Saraqeb", "Raqqa"]


def test_kurdish_outlets_names_of_syrian_towns(parser):
    doc = parser.parse("Kurdish forces took Serêkaniyê, Gire Spi, Efrin and Tirbespiye in Syria.")
    ids = {t["text"]: t["id"] for t in doc["toponyms"]}
    assert ids == {"Serêkaniyê": "geonames:165509", "Gire Spi": "geonames:163750", "Efrin": "geonames:174186",
                   "Tirbespiye": "geonames:165757", "Syria": ids.get("Syria")}, ids


def test_older_names_of_countries_are_those_countries(parser):
    doc = parser.parse("Rebels have captured half of Zaire. Burma and Bosnia sent envoys.")
    assert [(t["text"], t["country"]) for t in doc["toponyms"]] == [("Zaire", "CD"), ("Burma", "MM"),
                                                                      ("Bosnia", "BA")]


def test_a_country_is_not_a_small_town_of_its_name(parser):
    text = ("Police in Columbus, Ohio, and in Dayton, Ohio, said the pianist, who grew up in Akron, Ohio, "
            "left Russia in 1990.")
    found = {t["text"]: t for t in parser.parse(text)["toponyms"]}
    assert found["Russia"]["country"] == "RU", found["Russia"]


def test_a_country_whose_demonym_is_its_name_is_a_place(parser):
    doc = parser.parse("Gibraltar was captured in 1704.")
    assert [(t["text"], t["country"]) for t in doc["toponyms"]] == [("Gibraltar", "GI")]


def test_abbreviations_before_names_and_numbers_do_not_end_sentences():
    from geo.geoparse.tokens import Sentences

    text = "Smith was captured Oct. 9 in St. Paul by Gen. Jones. Then he left."
    assert Sentences(text).at(text.index("Paul")) == "Smith was captured Oct. 9 in St. Paul by Gen. Jones."
    assert Sentences(text).at(text.index("Then")) == "Then he left."


def test_every_item_of_a_cued_list_is_listed_and_none_is_placed_far_away(parser):
    doc = parser.parse("At the weekend, IS seized the villages of Tall Qrah, Kafr Qaris and Qweitan north of Aleppo.")
    found = {t["text"]: t for t in doc["toponyms"]}
    assert {"Tall Qrah", "Kafr Qaris", "Qweitan"} <= set(found), found
    # Qweitan is a Syrian village the gazetteers lack; its spelling is close to Kuitun, China: listed unplaced.
    assert found["Qweitan"]["lat"] is None and "villages" in found["Qweitan"]["reason"]


def test_place_nouns_before_a_name_the_gazetteer_lacks(parser):
    text = "Eritrea captured the Red Sea island of Hanish al-Kabir. Rebels attacked the strategic hilltop of Tal Zubra."
    found = {t["text"]: t for t in parser.parse(text)["toponyms"]}
    assert {"Hanish al-Kabir", "Tal Zubra"} <= set(found), found


def test_an_arabic_article_name_after_a_preposition_of_place_is_a_place(parser):
    doc = parser.parse("Saddam hid on a farm in Al-Dawr, guarded by men loyal to al-Assad.")
    found = {t["text"]: t for t in doc["toponyms"]}
    assert "Al-Dawr" in found, found
    assert "al-Assad" not in found  # "loyal to al-Assad" is a man


def test_a_village_named_with_tal_that_the_gazetteer_has_without_it(sy_home):
    parser = Geoparser(Gazetteer(sy_home))
    text = "Rebels seized several villages south of Saraqeb, including Tal Mardikh and Kafr Batikh."
    found = {t["text"]: t for t in parser.parse(text)["toponyms"]}
    tal = found["Tal Mardikh"]  # GeoNames 167249 Mardikh, 35.811 N 36.791 E
    assert text[tal["start"]:tal["end"]] == "Tal Mardikh" and tal["country"] == "SY"
    assert abs(tal["lat"] - 35.811) < 0.01 and abs(tal["lon"] - 36.791) < 0.01
    # without the prefix's own evidence, a far namesake is not taken: Tel Aviv stays Tel Aviv
    assert [t["name"] for t in parser.parse("Rockets hit Tel Aviv.")["toponyms"]] == ["Tel Aviv"]


def test_a_town_is_looked_for_in_the_province_the_story_names(parser):
    doc = parser.parse("Lawmakers in Illinois met on Monday. In Springfield, the governor signed the budget.")
    found = {t["text"]: t for t in doc["toponyms"]}
    assert (found["Illinois"]["feature_code"], found["Illinois"]["country"]) == ("ADM1", "US")
    springfield = found["Springfield"]  # Springfield, Illinois (39.80 N 89.64 W), not Missouri's, the biggest
    assert abs(springfield["lat"] - 39.80) < 0.1 and abs(springfield["lon"] + 89.64) < 0.1, springfield


def test_a_demonym_given_as_a_place_resolves_to_its_country(parser):
    text = "Two American soldiers and a Russian pilot were seen. The American embassy is in Damascus."
    lat, lon = parser.resolve_span(text, 4, 12)  # "American": the United States, not Americana, Brazil
    assert 24 < lat < 50 and -125 < lon < -66
    lat, lon = parser.resolve_span(text, text.index("Russian"), text.index("Russian") + 7)
    assert 41 < lat < 82 and 27 < lon < 180
    # recognition itself still does not take demonyms for places
    assert [t["text"] for t in parser.parse(text)["toponyms"]] == ["Damascus"]


def test_a_place_that_also_names_an_institution_is_still_a_place(parser):
    text = ("Springfield, Ohio - After 32 years driving the same route, Jerry Purdin retires from the "
            "Springfield Bus Co. on Friday.")
    found = [(t["text"], t["start"]) for t in parser.parse(text)["toponyms"]]
    assert ("Springfield", 0) in found and ("Ohio", 13) in found, found


def test_an_article_opening_a_sentence_does_not_hide_the_place_after_it(parser):
    doc = parser.parse("The Pittsburgh, Pennsylvania-based company said on Monday it would expand.")
    assert [t["text"] for t in doc["toponyms"]] == ["Pittsburgh", "Pennsylvania"]


def test_the_levant_is_no_far_village_even_in_a_story_that_names_its_country(parser):
    text = ("U.S. officials say Russia's jets struck rebels near Hama. Foreign fighters whose mission is not to "
            "fight Daesh on the Levant but to come to France worry Paris.")
    found = {t["text"]: t for t in parser.parse(text)["toponyms"]}
    assert found["Levant"]["lat"] is None, found["Levant"]  # not Levant, Maine (the story names the US)


def test_a_place_the_text_puts_near_another_is_looked_for_there(parser):
    text = ("Peshmerga fighters retook the town of Bashiqa, northeast of Mosul. Army units advanced on "
            "Hammam al-Alil, south of Mosul.")
    found = {t["text"]: t for t in parser.parse(text)["toponyms"]}
    # No Bashiqa near Mosul in our gazetteers (only a Syrian village that sounds alike): listed, unplaced.
    assert found["Bashiqa"]["lat"] is None and "near Mosul" in found["Bashiqa"]["reason"], found["Bashiqa"]
    assert found["Hammam al-Alil"]["lat"] is None  # the whole name, by where the text puts it
    assert found["Mosul"]["country"] == "IQ"


def test_what_the_text_says_of_one_mention_holds_for_the_others(parser):
    text = ("Peshmerga fighters retook the town of Bashiqa, northeast of Mosul, on Monday. Islamic State "
            "fighters had held Bashiqa for two years.")
    found = [t for t in parser.parse(text)["toponyms"] if t["text"] == "Bashiqa"]
    assert [t["start"] for t in found] == [text.index("Bashiqa"), text.rindex("Bashiqa")]
    assert all(t["lat"] is None for t in found)  # neither is the Syrian village that sounds alike


def test_a_town_of_note_that_opens_an_institutions_name_is_a_place(parser):
    text = ("The man was taken to Gainesville Regional Hospital, Florida officials said. The Supreme Court "
            "and the Carnegie Museum were closed.")
    found = {t["text"]: t for t in parser.parse(text)["toponyms"]}
    assert found["Gainesville"]["country"] == "US", found
    assert "Supreme" not in found and "Carnegie" not in found  # no hamlet called Supreme or Carnegie


def test_a_name_that_only_spells_like_a_far_place_is_still_a_place_by_its_context(parser):
    # "Palaikkuli", "Burdhubo" and "Manerplaw" are no places of the gazetteer, but loose spellings of some
    # (Palakollu, Bur Dubai, ...): the words around them say they are places all the same, left unplaced
    text = ("A small area was captured in Palaikkuli. The militants captured Burdhubo from the government forces "
            "on Monday. The army took the headquarters at Manerplaw in January.")
    found = {t["text"]: t for t in parser.parse(text)["toponyms"]}
    assert {"Palaikkuli", "Burdhubo", "Manerplaw"} <= set(found), found
    assert all(found[n]["lat"] is None for n in ("Palaikkuli", "Burdhubo", "Manerplaw")), found
    assert "'taken from'" in found["Burdhubo"]["reason"] and "'in X'" in found["Palaikkuli"]["reason"], found
    # the last item of a list taken from a side, and a waterway the gazetteer lacks
    text = "They hope to capture Hayyan and Bayyanoun from the Islamist rebels, near the Shatt al-Arab waterway."
    found = [t["text"] for t in parser.parse(text)["toponyms"]]
    assert "Bayyanoun" in found and "Shatt al-Arab" in found, found
    # a man taken by a side, or a name that is no more than a loose spelling, stays unlisted
    text = "The militants captured Burdhubo on Monday. Burdhubo was freed by the government forces."
    assert [t["text"] for t in parser.parse(text)["toponyms"]] == [], parser.parse(text)["toponyms"]


def test_skipping_the_ranking_of_name_words_changes_no_toponym(parser, monkeypatch):
    """Resolution skips words of people's and institutions' names that no candidate could make a place
    (``_unplaceable``), and looks a name up again with the story's countries only when a mention needs
    it: a speed-up only. With it off, every toponym of the seeds and of these texts is the same."""
    import importlib

    rs = importlib.import_module("geo.geoparse.resolve")  # (geo.geoparse.resolve is also the function)
    texts = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))] + [
        "Foreign Minister Sergei Lavrov met John Kerry and Staffan de Mistura in Geneva on Friday.",
        "Mohammed Alloush of Jaish al-Islam said talks at Aleppo University and in Homs had failed.",
        "Brig. Gen. Ahmed Hassan Khalil told Reuters that Qassem Soleimani had visited Latakia and Tartus.",
        "Iraqi troops pushed north from Baghdad and Tikrit to the refinery town of Beiji on Sunday.",
    ]
    fast = [parser.parse(t)["toponyms"] for t in texts]
    monkeypatch.setattr(rs, "FAST_PATH", False)
    assert [parser.parse(t)["toponyms"] for t in texts] == fast
    # The fast path had work to skip: name words whose candidates it finds no place among.
    skippable = 0
    for text in texts[-3:]:
        for s in parser.recognizer.find(text):
            found = parser.gazetteer.lookup(s.text, limit=rs.CANDIDATES, fuzzy=False, alternatenames=False)
            skippable += bool(found) and rs._unplaceable(s, [(m.score, m) for m in found])
    assert skippable >= 5


def test_a_word_of_a_name_that_only_sounds_like_a_place_is_not_looked_up(sy_home):
    # "Sergei", "Staffan": no place bears these names, some sound alike; as words of a person's name they
    # could only be places by an exact name, so the gazetteer is not asked (the test above shows nothing
    # changes), while the places beside them are looked up as ever.
    gaz = Gazetteer(sy_home)
    parser = Geoparser(gaz)
    text = "Foreign Minister Sergei Lavrov met John Kerry and Staffan de Mistura in Geneva on Friday."
    words = {s.text for s in parser.recognizer.find(text) if s.in_name and gaz.sounds_alike_only(s.text)}
    assert {"Sergei", "Staffan", "Mistura"} <= words

    def asked(text: str) -> tuple[list[str], set[str]]:
        # (what was looked up: every lookup() goes through the gazetteer's cache of answers; a compiled
        # build's methods cannot be wrapped)
        gaz._cache.clear()
        found = [t["text"] for t in parser.parse(text)["toponyms"]]
        return found, {key[0] for key in gaz._cache}

    found, names = asked(text)
    assert found == ["Geneva"]
    assert "Geneva" in names and "Kerry" in names  # (Kerry: a county of Ireland, by that very name)
    assert not words & names
    # Nor a capitalised word that opens a sentence and is no place's very name: it is dropped at once.
    assert asked("Mistura said talks in Geneva would go on.") == (["Geneva"], {"Geneva"})


@pytest.mark.parametrize("text, name, place", [
    ("Iraqi troops pushed north from Baghdad and Tikrit to the refinery town of Beiji on Sunday.", "Beiji", "Bayjī"),
    ("Iraqi troops pushed north from Baghdad and Tikrit to the city of Samerra on Sunday.", "Samerra", "Sāmarrā’"),
    ("Kurdish fighters left Erbil and Kirkuk for the town of Khanaqeen on Sunday.", "Khanaqeen", "Khānaqīn"),
])
def test_a_spelling_variant_is_looked_for_again_in_the_countries_the_story_names(parser, text, name, place):
    # Spellings no gazetteer has: looked up with Syria first (the parser's focus), their candidates are
    # places elsewhere that sound alike; looked up again with the story's Iraq first, the Iraqi town.
    found = {t["text"]: (t["name"], t["country"]) for t in parser.parse(text)["toponyms"]}
    assert found[name] == (place, "IQ")

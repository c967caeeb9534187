"""Snippets: the window of a text that shows why it matched."""

import random

import pytest

from kb.search.query import parse
from kb.search.snippets import Highlighter, snippet, snippet_near_first_match

FILLER = "Payouts arrive on the fifth of each month. " * 400  # 17,000 characters


@pytest.mark.parametrize("query, as_you_type", [
    ("configure payouts", False), ("flamingo", False), ("conf", True), ("arrive month", False),
])
def test_the_first_match_is_where_a_whole_scan_finds_one(query, as_you_type):
    rng = random.Random(query)
    vocab = ["configure", "Configuration", "confine", "flamingo", "flamingos", "flamingly",
             "payout", "Payouts.", "arrive", "arrival", "month,", "months", "monthly", "montage",
             "the", "a", "_conf", "xconf"]
    marker = Highlighter(parse(query, as_you_type=as_you_type))
    for _ in range(300):
        text = " ".join(rng.choices(vocab, k=rng.randint(0, 12)))
        found = marker.find(text)
        assert marker.first_match(text) == (found[0][0] if found else -1), text


@pytest.mark.parametrize("query, as_you_type", [
    ("configure payouts", False), ("flamingo", False), ("conf", True), ("arrive month", False),
])
def test_quotes_and_dashes_outside_ascii_change_nothing_that_is_found(query, as_you_type):
    rng = random.Random(query)
    vocab = ["configure", "Configuration.", "confine", "flamingo", "flamingos", "payout",
             "Payouts", "arrive", "month", "monthly", "the", "\u201cconf", "x\u2019conf",
             "\u2014", "\u2192", "arrival\u2019s", "_conf"]
    marker = Highlighter(parse(query, as_you_type=as_you_type))
    for _ in range(300):
        text = " ".join(rng.choices(vocab, k=rng.randint(1, 12)))
        plain = text.encode("ascii", "replace").decode("ascii")  # same places, ASCII only
        assert marker.find(text) == marker.find(plain), text


def test_words_written_with_accents_or_in_another_script_are_found():
    assert Highlighter(parse("resume")).find("Votre résumé, s’il vous plaît") == [
        (6, 12, "résumé")]
    assert Highlighter(parse("cafe")).find("“Café” — café menu") == [
        (1, 5, "Café"), (9, 13, "café")]
    assert Highlighter(parse("привет")).find("Он сказал «привет» — hi") == [
        (11, 17, "привет")]


def test_a_word_is_found_once_when_an_accented_part_of_it_matches_too():
    assert Highlighter(parse("conf", as_you_type=True)).find("see conf.confé") == [
        (4, 14, "conf.confé")]


def test_in_a_text_with_accents_a_matched_word_is_found_however_it_is_spelled():
    marker = Highlighter(parse("cafe menu"))
    assert marker.first_match("Le café — voir le menu") == 3  # "café" folds to "cafe"
    assert marker.first_match("“Café” menu") == 1
    assert marker.first_match("Le — menu") == 5
    assert marker.first_match("Le café — voir le menu".replace("é", "e").upper()) == 3
    assert marker.first_match("Écrire — rien") == -1
    assert Highlighter(parse("resume")).first_match("Votre résumé") == 6  # accent in "resu"


def test_a_long_texts_snippet_comes_from_around_its_first_match():
    text = FILLER + "Ask support about the flamingo exception. " + FILLER
    marker = Highlighter(parse("flamingo exception"))
    made = snippet_near_first_match(text, marker)
    assert "<mark>flamingo</mark>" in made and "<mark>exception</mark>" in made
    assert made == snippet(text, marker)  # what scanning the whole text gives
    assert made.startswith("\u2026") and made.endswith("\u2026")


def test_a_long_text_without_the_words_gets_no_snippet():
    assert snippet_near_first_match(FILLER, Highlighter(parse("flamingo"))) == ""

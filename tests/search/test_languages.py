"""Analysis per language at the index: a document is read in its locale's language when it is
added, a query in the language set around it (:func:`kb.search.languages.analysing`), and the
``locale`` filter keeps to one locale. The expected stems are written out from the Snowball and
Porter rules, not computed here."""

from __future__ import annotations

import pytest

from kb.search import Scope, SearchIndex
from kb.search.languages import analysing, for_locale
from tests.support import make_doc

ANYONE = Scope(frozenset({"article"}), frozenset({"public"}), None)


@pytest.fixture
def index():
    ix = SearchIndex.in_memory()
    ix.apply([
        make_doc(1, "Paiements refusés", "La banque a refusé les paiements.", locale="fr"),
        make_doc(2, "Payment declined", "The bank declined the configuration of payments.",
                 locale="en"),
        make_doc(3, "Pagamentos recusados", "O banco recusou os pagamentos.", locale="pt-BR"),
        make_doc(4, "Paiements Tokyo", "Paiements in a language without a stemmer.", locale="ja"),
    ], [], 1)
    yield ix
    ix.close()


def ids(index, query, locale):
    with analysing(locale):
        return [h.id for h in index.search(query, ANYONE, locale=locale).hits]


def test_each_locale_is_read_in_its_language(index):
    assert ids(index, "payer", "fr") == [1]  # Snowball French: paiements, payer -> "pai"
    assert ids(index, "paiement", "fr") == [1]
    assert ids(index, "configuring", "en") == [2]  # Porter: configuration, configuring -> "configur"
    assert ids(index, "pagamento", "pt-BR") == [3]  # pt-BR reads Portuguese
    assert ids(index, "paiements", "ja") == [4]  # no stemmer: folded words only
    assert ids(index, "paie", "ja") == []  # French reads it as "pai":
    assert ids(index, "paie", "fr") == [1]


def test_stop_words_are_the_languages_own(index):
    with analysing("fr"):
        assert index.search("les", ANYONE, locale="fr").total == 0
    with analysing("en"):
        assert index.search("the", ANYONE, locale="en").total == 0


def test_the_analyses_themselves():
    french, english = for_locale("fr"), for_locale("en-GB")
    assert (french.name, english.name) == ("fr", "en")
    assert french.stem("paiements") == "pai" and french.stem("payer") == "pai"
    assert french.stem("general") == "general" and french.stem("generation") == "gener"
    assert english.stem("general") == "gener" and english.stem("generation") == "gener"
    assert "ete" in french.stops and "les" in french.stops  # folded, as the words they meet
    assert for_locale("pt-BR").name == "pt" and for_locale("nb").name == "no"
    assert for_locale("ja").stems is False and for_locale("ja").stem("paiements") == "paiements"

"""The interface's own words, dates and numbers follow the page's language (Flask-Babel), and
the catalogs shipped in the package are complete and compiled."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

import kb

PACKAGE = Path(kb.__file__).resolve().parent
CATALOGS = PACKAGE / "translations"
SHIPPED = ("en", "fr")


def _catalog(language: str):
    with open(CATALOGS / language / "LC_MESSAGES" / "messages.po", "rb") as f:
        return read_po(f, locale=language)


def _marked_in_code() -> set[str]:
    """Every string the code marks for translation, extracted the way pybabel does
    (docs/translations.md), from kb's Python and templates."""
    method_map = [("**.py", "python"), ("templates/**.html", "jinja2")]
    found = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
            str(PACKAGE), method_map=method_map, keywords={"_": None, "_l": None, "gettext": None,
                                                           "ngettext": (1, 2), "lazy_gettext": None}):
        found.add(message if isinstance(message, str) else message[0])
    return found


@pytest.mark.parametrize("language", SHIPPED)
def test_every_string_of_the_interface_is_translated(language):
    catalog = _catalog(language)
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}
    missing_from_catalog = _marked_in_code() - ids
    assert not missing_from_catalog, f"run the pybabel update of docs/translations.md: {sorted(missing_from_catalog)[:10]}"
    untranslated = [m.id for m in catalog if m.id and (not m.string or (isinstance(m.string, tuple) and not all(m.string)))]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    assert not untranslated and not fuzzy


@pytest.mark.parametrize("language", SHIPPED)
def test_the_compiled_catalog_matches_its_source(language):
    po = _catalog(language)
    with open(CATALOGS / language / "LC_MESSAGES" / "messages.mo", "rb") as f:
        mo = read_mo(f)
    assert _entries(po) == _entries(mo), "pybabel compile -d kb/translations"


def _entries(catalog) -> dict:
    """msgid -> msgstr, a plural's forms as tuples (a compiled catalog reads them as lists)."""
    def same(value):
        return tuple(value) if isinstance(value, (list, tuple)) else value
    return {same(m.id): same(m.string) for m in catalog if m.id}


def test_a_french_reader_gets_the_interface_in_french(client):
    html = client.get("/", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert '<html lang="fr">' in html
    assert "Aller au contenu" in html and "Se connecter" in html and "Skip to content" not in html
    assert "contactez l&#39;assistance" in html or "contactez l'assistance" in html


def test_an_english_reader_gets_the_interface_in_english(client):
    html = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="en">' in html and "Skip to content" in html and "Aller au contenu" not in html


def test_the_article_page_speaks_its_own_language_and_dates_are_formatted_per_locale(client, french):
    from kb.models import Document
    from kb.extensions import db

    published = db.session.get(Document, french.id).published.created_at
    months_fr = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
                 "septembre", "octobre", "novembre", "décembre"]
    months_en = ["January", "February", "March", "April", "May", "June", "July", "August",
                 "September", "October", "November", "December"]
    fr = client.get("/fr/articles/calendrier-des-virements").get_data(as_text=True)
    assert f"Mis à jour le <time datetime=\"{published:%Y-%m-%d}\">{published.day} {months_fr[published.month - 1]} {published.year}</time>" in fr
    # A French reader on the English page reads English words: the page is in English.
    en = client.get("/en/articles/payout-schedule", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "Updated <time" in en and months_en[published.month - 1] in en and "Mis à jour" not in en


def test_a_configured_locale_without_a_catalog_reads_english_words(client, source):
    html = client.get("/de/articles/payout-schedule").get_data(as_text=True)
    assert '<html lang="de">' in html and "Skip to content" in html


def test_the_catalogs_ship_in_the_wheel_manifest():
    # setup.cfg's package data must carry the compiled catalogs for `pip install .`.
    config = (PACKAGE.parent / "setup.cfg").read_text()
    assert "translations/**/*" in config
    assert (CATALOGS / "fr" / "LC_MESSAGES" / "messages.mo").stat().st_size > 0


def test_pages_vary_on_the_language_a_reader_asks_for(client):
    response = client.get("/", headers={"Accept-Language": "fr"})
    assert {"Accept-Language", "Cookie"} <= set(response.vary)

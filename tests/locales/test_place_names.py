"""Category and section names in the reader's language: set in the sections file, shown on the
home, category, section and article pages and the search filters, with the default name as
the fallback, and written back by ``kb export``."""

from __future__ import annotations

import yaml

from tests.support.transfer import run_import, write

SECTIONS = """\
categories:
- slug: payments
  title: Payments
  description: Money in and out
  translations:
    fr: {title: Paiements, description: L'argent qui entre et qui sort}
  sections:
  - slug: payouts
    title: Payouts
    description: When creators get paid
    translations:
      fr:
        title: Virements
"""

FRENCH = {"Accept-Language": "fr"}
GERMAN = {"Accept-Language": "de"}


def load_names(runner, tmp_path, text=SECTIONS):
    write(tmp_path, "names/articles/sections.yml", text)
    return run_import(runner, tmp_path / "names")


def test_a_french_reader_sees_french_names_and_a_german_one_the_default(client, runner, tmp_path, french):
    result = load_names(runner, tmp_path)
    assert result.exit_code == 0, result.output

    home = client.get("/", headers=FRENCH).get_data(as_text=True)
    assert ">Paiements</a>" in home and "L&#39;argent qui entre et qui sort" in home
    assert ">Virements</a>" in home and ">Payments</a>" not in home

    german = client.get("/", headers=GERMAN).get_data(as_text=True)
    assert ">Payments</a>" in german and "Money in and out" in german and ">Payouts</a>" in german
    assert "Paiements" not in german


def test_category_and_section_pages_and_their_breadcrumbs_are_translated(client, runner, tmp_path, french):
    assert load_names(runner, tmp_path).exit_code == 0
    category = client.get("/categories/payments", headers=FRENCH).get_data(as_text=True)
    assert "<h1>Paiements</h1>" in category and ">Virements</a></h2>" in category

    section = client.get("/categories/payments/payouts", headers=FRENCH).get_data(as_text=True)
    assert "<h1>Virements</h1>" in section
    assert 'aria-current="page">Virements</a>' in section and ">Paiements</a></li>" in section
    # The section's translation has no description: the default one is shown.
    assert '<p class="lead">When creators get paid</p>' in section
    # One slug for every language: the addresses do not change.
    assert 'href="/categories/payments/payouts"' in section


def test_an_article_breadcrumb_follows_the_article_page_locale(client, runner, tmp_path, french, source):
    assert load_names(runner, tmp_path).exit_code == 0
    page = client.get("/fr/articles/calendrier-des-virements").get_data(as_text=True)
    assert ">Paiements</a></li>" in page and ">Virements</a></li>" in page
    english = client.get("/en/articles/payout-schedule", headers=FRENCH).get_data(as_text=True)
    assert ">Payments</a></li>" in english and ">Payouts</a></li>" in english
    # A German reader on the English fallback reads the default names.
    fallback = client.get("/de/articles/payout-schedule").get_data(as_text=True)
    assert ">Payments</a></li>" in fallback


def test_the_search_category_filter_is_translated(client, runner, tmp_path, french):
    assert load_names(runner, tmp_path).exit_code == 0
    page = client.get("/search", headers=FRENCH).get_data(as_text=True)
    assert '<option value="payments">Paiements</option>' in page
    page = client.get("/search", headers=GERMAN).get_data(as_text=True)
    assert '<option value="payments">Payments</option>' in page


def test_export_writes_the_names_back_and_a_file_without_translations_keeps_them(
        client, runner, tmp_path, french):
    assert load_names(runner, tmp_path).exit_code == 0
    assert runner.invoke(args=["export", str(tmp_path / "out")]).exit_code == 0
    written = yaml.safe_load((tmp_path / "out/articles/sections.yml").read_text(encoding="utf-8"))
    category = written["categories"][0]
    assert category["translations"] == {
        "fr": {"title": "Paiements", "description": "L'argent qui entre et qui sort"}}
    assert category["sections"][0]["translations"] == {"fr": {"title": "Virements", "description": ""}}

    older = "categories:\n- slug: payments\n  title: Payments\n  sections: [{slug: payouts, title: Payouts}]\n"
    assert load_names(runner, tmp_path / "again", older).exit_code == 0
    assert ">Paiements</a>" in client.get("/", headers=FRENCH).get_data(as_text=True)

    emptied = SECTIONS.replace(
        "  translations:\n    fr: {title: Paiements, description: L'argent qui entre et qui sort}\n",
        "  translations: {}\n")
    assert load_names(runner, tmp_path / "third", emptied).exit_code == 0
    home = client.get("/", headers=FRENCH).get_data(as_text=True)
    assert ">Payments</a>" in home and ">Virements</a>" in home


def test_a_translation_in_the_default_or_an_unknown_locale_fails_the_file_and_writes_nothing(
        client, runner, tmp_path, french):
    for wrong, says in (("en", "the en names are the title and description themselves"),
                        ("xx", "unknown locale 'xx'")):
        text = SECTIONS.replace("    fr: {title: Paiements", f"    {wrong}: {{title: Paiements")
        result = load_names(runner, tmp_path / wrong, text)
        assert result.exit_code == 1 and says in result.output, result.output
        home = client.get("/", headers=FRENCH).get_data(as_text=True)
        assert "Virements" not in home and ">Payments</a>" in home

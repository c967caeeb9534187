"""Macro links to a locale's article address, ``/<locale>/articles/<slug>``, in a help center in
English and French: checked against that locale's article (its slug, its old slugs, the
English article it falls back to) and copied into replies as absolute links."""

from __future__ import annotations

import pytest

from kb.content import translating
from kb.extensions import db
from kb.macros import links
from kb.models import Document
from kb.review import services as review


@pytest.fixture
def app_config() -> dict:
    return {"LOCALES": "en,fr"}


@pytest.fixture
def source(make_document):
    return make_document("article", state="published", title="Refund policy", slug="refund-policy",
                         body="We refund within 14 days.")


@pytest.fixture
def french(source, people, edit, publish):
    """The source's published French translation, at ``/fr/articles/politique-de-remboursement``."""
    draft = translating.start_translation("article", source.id, "fr", people["editor"])
    edit(draft, title="Politique de remboursement", body="Nous remboursons sous 14 jours.",
         slug="politique-de-remboursement")
    return publish(draft)


@pytest.fixture
def macro_linking(make_document):
    def make(href: str):
        return make_document("macro", state="published", title="Billing::Refund link",
                             body=f"Bonjour {{{{ customer.first_name }}}}, voir [notre politique]({href}).")

    return make


def flags(api_as, macro) -> list[tuple[str, int | None]]:
    api, _ = api_as("agent")
    return [(f["kind"], f["article_id"]) for f in api.get(f"/macros/{macro.id}").get_json()["flags"]]


def messages(macro) -> list[str]:
    return [flag.message for flag in links.flags_for(db.session.get(Document, macro.id))]


def test_locale_addresses_are_article_links_and_other_prefixes_are_not(app):
    hrefs = ["/fr/articles/a", "/articles/a", "http://kb.test/fr/articles/b#part", "/hc/fr/articles/c",
             "/xx/articles/d", "/FR/articles/e", "https://elsewhere.example/fr/articles/f", "/fr/articles/a?x=1"]
    assert links.article_links(hrefs) == [("fr", "a"), ("", "a"), ("fr", "b")]
    assert links.article_slugs(hrefs) == ["a", "b"]


def test_a_link_to_the_french_article_is_healthy(api_as, french, macro_linking):
    macro = macro_linking("/fr/articles/politique-de-remboursement")
    assert flags(api_as, macro) == []
    row = db.session.execute(db.select(links.DocumentLink)).scalar_one()
    assert (row.target_locale, row.target_slug, row.target_id) == ("fr", "politique-de-remboursement", french.id)


def test_renaming_the_french_article_flags_the_link_with_its_french_address(
        api_as, french, macro_linking, edit, publish):
    macro = macro_linking("/fr/articles/politique-de-remboursement")
    edit(french, slug="remboursements")
    publish(french)
    assert flags(api_as, macro) == [("link_broken", french.id)]
    assert messages(macro) == ["Article moved: update the link to /fr/articles/remboursements"]


def test_a_link_written_with_an_old_french_slug_resolves_through_the_redirect(
        api_as, french, macro_linking, edit, publish):
    edit(french, slug="remboursements")
    publish(french)
    macro = macro_linking("/fr/articles/politique-de-remboursement")
    assert messages(macro) == ["Article moved: update the link to /fr/articles/remboursements"]


def test_a_french_link_to_a_missing_or_unpublished_article_is_flagged(
        api_as, source, people, make_document, macro_linking, edit):
    missing = macro_linking("/fr/articles/nulle-part")
    assert messages(missing) == ["Links to an article that does not exist: /fr/articles/nulle-part"]
    draft = make_document("article", state="draft", title="Coming soon", slug="coming-soon")
    unpublished = macro_linking("/fr/articles/coming-soon")
    assert flags(api_as, unpublished) == [("link_broken", draft.id)]
    assert messages(unpublished) == ["Links to an article that is not published: /fr/articles/coming-soon"]


def test_a_draft_french_translation_leaves_the_link_on_the_english_page_it_falls_back_to(
        api_as, source, people, macro_linking, edit):
    draft = translating.start_translation("article", source.id, "fr", people["editor"])
    edit(draft, title="Brouillon", body="Pas encore.")
    assert db.session.get(Document, draft.id).slug == "refund-policy"  # its slug until published
    macro = macro_linking("/fr/articles/refund-policy")
    assert flags(api_as, macro) == []


def test_the_english_slug_in_a_french_address_follows_the_french_page(
        api_as, source, french, macro_linking):
    # /fr/articles/refund-policy redirects readers to the French translation: update the link.
    macro = macro_linking("/fr/articles/refund-policy")
    assert messages(macro) == ["Article moved: update the link to /fr/articles/politique-de-remboursement"]


def test_the_english_slug_in_a_french_address_without_a_translation_falls_back_unflagged(
        api_as, source, macro_linking):
    # The French page shows the English article with a notice: the link works.
    macro = macro_linking("/fr/articles/refund-policy")
    assert flags(api_as, macro) == []


def test_archiving_the_french_article_or_making_it_internal_is_flagged(
        api_as, make_user, make_document, french, macro_linking):
    macro = macro_linking("/fr/articles/politique-de-remboursement")
    review.archive("article", french.id, make_user("reviewer"))
    assert messages(macro) == ["Links to an archived article: /fr/articles/politique-de-remboursement"]

    internal = make_document("article", state="published", title="Agents only", slug="agents-only",
                             visibility="internal")
    linking = macro_linking("/articles/agents-only")
    assert flags(api_as, linking) == [("link_broken", internal.id)]
    assert messages(linking) == ["Links to an internal article customers cannot open: /articles/agents-only"]


def test_the_reply_an_agent_copies_carries_the_french_address_in_full(api_as, french, macro_linking):
    macro = macro_linking("/fr/articles/politique-de-remboursement")
    api, _ = api_as("agent")
    rendered = api.post(f"/macros/{macro.id}/render", json={"values": {"customer": {"first_name": "Ana"}}}
                        ).get_json()
    assert rendered["text"] == ("Bonjour Ana, voir notre politique "
                                "(http://kb.test/fr/articles/politique-de-remboursement).")
    assert 'href="/fr/articles/politique-de-remboursement"' in rendered["html"]

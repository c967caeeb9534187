"""Translations in the model: their own review, their own slug, and "outdated" when the source
is republished with other words, through the services and the editorial pages."""

from __future__ import annotations

import pytest

from kb.content import services, translating, translations
from kb.content.services import DocumentInput
from kb.errors import ConflictError, NotFoundError, ValidationError
from kb.extensions import db
from kb.models import Document
from kb.review import services as review


def test_a_french_translation_has_its_own_review_and_leaves_the_english_text_alone(
        client, source, people, edit, publish):
    draft = translating.start_translation("article", source.id, "fr", people["editor"])
    assert (draft.locale, draft.translation_of_id, draft.status) == ("fr", source.id, "draft")
    edit(draft, title="Calendrier des virements", body="Les virements partent chaque vendredi.")
    review.submit("article", draft.id, people["editor"])
    review.request_changes("article", draft.id, people["reviewer"], "Précisez l'heure.")
    assert db.session.get(Document, draft.id).status == "changes_requested"
    edit(draft, body="Les virements partent chaque vendredi à midi.")
    french = publish(draft)

    english = db.session.get(Document, source.id)
    assert english.published.body == "Payouts go out every Friday.\n"
    assert english.published.number == 1 and english.status == "published"
    assert french.published.body == "Les virements partent chaque vendredi à midi.\n"
    assert "Payouts go out every Friday." in client.get("/en/articles/payout-schedule").get_data(as_text=True)
    page = client.get(f"/fr/articles/{french.slug}").get_data(as_text=True)
    assert "chaque vendredi à midi" in page and "Payouts go out" not in page


def test_republishing_the_source_flags_the_translation_until_it_is_updated(source, french, edit, publish):
    assert not translations.outdated(french)
    edit(source, body="Payouts go out every Friday and every Tuesday.")
    assert not translations.outdated(db.session.get(Document, french.id))  # a draft changes nothing yet
    publish(source)

    french = db.session.get(Document, french.id)
    change = translations.source_change(french)
    assert change is not None and (change.confirmed.number, change.live.number) == (1, 2)
    assert translations.outdated_ids([french.id, source.id]) == {french.id}

    edit(french, body="Les virements partent le vendredi et le mardi.")
    assert translations.outdated(db.session.get(Document, french.id))  # until it goes live
    publish(french)
    assert not translations.outdated(db.session.get(Document, french.id))


def test_republishing_the_source_with_the_same_words_does_not_flag(source, french, edit, publish):
    edit(source, tags=("payouts",))
    publish(source)
    assert not translations.outdated(db.session.get(Document, french.id))


def test_one_translation_per_locale_and_only_of_a_source(source, french, people):
    with pytest.raises(ConflictError, match="already has a fr translation"):
        translating.start_translation("article", source.id, "fr", people["editor"])
    with pytest.raises(ValidationError, match="not a translation"):
        translating.start_translation("article", french.id, "de", people["editor"])
    with pytest.raises(ValidationError, match="unknown locale 'it'.*en, fr, de"):
        translating.start_translation("article", source.id, "it", people["editor"])
    with pytest.raises(ValidationError, match="own locale"):
        translating.start_translation("article", source.id, "en", people["editor"])
    with pytest.raises(NotFoundError):
        translating.start_translation("article", 99999, "de", people["editor"])


def test_slugs_are_unique_per_locale(source, people):
    german = translating.start_translation("article", source.id, "de", people["editor"])
    assert german.slug == source.slug  # the copy keeps the source's address, in its own locale
    other = services.create_document("article", DocumentInput(title="Payout schedule", body="x"),
                                     people["editor"])
    assert other.slug == "payout-schedule-2"


def test_a_document_outside_the_default_locale_must_be_a_translation(people):
    with pytest.raises(ValidationError, match="must be a translation"):
        services.create_document("article", DocumentInput(title="Seul", body="x"), people["editor"],
                                 locale="fr")


def test_the_review_page_lists_languages_flags_outdated_and_links_the_source_diff(
        client, login, source, french, people, edit, publish):
    edit(source, body="Payouts go out every Tuesday.")
    publish(source)
    login(people["editor"])
    page = client.get(f"/editor/articles/{french.id}").get_data(as_text=True)
    assert "data-outdated-notice" in page
    assert f'href="/editor/articles/{source.id}?from=1&amp;to=2"' in page
    diff = client.get(f"/editor/articles/{source.id}?from=1&to=2").get_data(as_text=True)
    assert "every Tuesday" in diff and "every Friday" in diff

    source_page = client.get(f"/editor/articles/{source.id}").get_data(as_text=True)
    assert "data-outdated" in source_page
    assert '<option value="de">' in source_page and '<option value="fr">' not in source_page


def test_translate_from_the_review_page_opens_the_new_draft_in_the_editor(client, login, source, people):
    from tests.support import csrf_token
    login(people["editor"])
    token = csrf_token(client, f"/editor/articles/{source.id}")
    response = client.post(f"/editor/articles/{source.id}/translate", data={"locale": "de", "csrf_token": token})
    german = db.session.execute(db.select(Document).where(Document.locale == "de")).scalar_one()
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/editor/articles/{german.id}/edit")
    assert german.translation_of_id == source.id and german.status == "draft"

    again = client.post(f"/editor/articles/{source.id}/translate", data={"locale": "xx", "csrf_token": token},
                        follow_redirects=True).get_data(as_text=True)
    assert "unknown locale" in again


def test_the_content_list_shows_languages_and_filters_outdated_translations(
        client, login, source, french, people, edit, publish):
    edit(source, body="Payouts go out every Tuesday.")
    publish(source)
    login(people["editor"])
    listing = client.get("/editor/content?outdated=1").get_data(as_text=True)
    assert f'data-document-id="{french.id}"' in listing and f'data-document-id="{source.id}"' not in listing
    assert "data-outdated" in listing
    french_only = client.get("/editor/content?locale=fr").get_data(as_text=True)
    assert f'data-document-id="{french.id}"' in french_only and f'data-document-id="{source.id}"' not in french_only
    assert client.get("/editor/content?locale=xx").status_code == 400

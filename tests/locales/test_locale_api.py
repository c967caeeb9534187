"""The API speaks locales: ``?locale=`` on reads and search, ``locale`` and ``translations`` on
documents, and translations created through it."""

from __future__ import annotations


def test_documents_carry_their_locale_and_translations(api_as, source, french, people, edit, publish):
    editor, _ = api_as(user=people["editor"])
    body = editor.get(f"/articles/{source.id}").get_json()
    assert body["locale"] == "en" and body["translation_of"] is None
    assert body["translations"] == [{"locale": "fr", "id": french.id, "slug": "calendrier-des-virements",
                                     "status": "published", "outdated": False}]
    edit(source, body="Every Tuesday now.")
    publish(source)
    body = editor.get(f"/articles/{source.id}").get_json()
    assert body["translations"][0]["outdated"] is True
    translated = editor.get(f"/articles/{french.id}").get_json()
    assert translated["locale"] == "fr" and translated["translation_of"] == source.id
    assert translated["translations"] == [{"locale": "en", "id": source.id, "slug": "payout-schedule",
                                           "status": "published", "outdated": False}]


def test_locale_on_a_read_answers_that_version(api_as, source, french):
    anonymous, _ = api_as(None)
    found = anonymous.get(f"/articles/{source.id}?locale=fr").get_json()
    assert (found["id"], found["title"]) == (french.id, "Calendrier des virements")
    assert anonymous.get(f"/articles/{french.id}?locale=en").get_json()["id"] == source.id
    assert anonymous.get(f"/articles/{source.id}?locale=de").status_code == 404
    bad = anonymous.get(f"/articles/{source.id}?locale=xx")
    assert bad.status_code == 400 and "unknown locale 'xx'" in bad.get_json()["error"]["message"]
    listed = anonymous.get("/articles?locale=fr").get_json()
    assert [item["id"] for item in listed["items"]] == [french.id]


def test_a_translation_is_created_through_the_api_and_validated(api_as, source):
    editor, _ = api_as("editor")
    created = editor.post("/articles", json={"title": "Auszahlungsplan", "body": "Freitags.",
                                             "locale": "de", "translation_of": source.id})
    assert created.status_code == 201, created.get_json()
    assert (created.get_json()["locale"], created.get_json()["status"]) == ("de", "draft")
    again = editor.post("/articles", json={"title": "Noch einmal", "body": "x", "locale": "de",
                                           "translation_of": source.id})
    assert again.status_code == 409
    unknown = editor.post("/articles", json={"title": "x", "body": "x", "locale": "it", "translation_of": source.id})
    assert unknown.status_code == 400 and "'it'" in unknown.get_json()["error"]["message"]
    lonely = editor.post("/articles", json={"title": "x", "body": "x", "locale": "fr"})
    assert lonely.status_code == 400

"""The documents API, as the contract describes it."""

import pytest


def create(api, kind="articles", **fields):
    body = {"title": "How payouts work", "body": "Payouts go out **monthly**.", "tags": ["Payouts", "billing"],
            "section": "payouts/schedule", **fields}
    return api.post(f"/{kind}", json=body)


@pytest.fixture
def section(make_document):
    """Make sure the section the tests use exists."""
    make_document(section="payouts/schedule")


def test_create_answers_201_and_a_draft(api_as, section):
    api, _ = api_as("editor")
    response = create(api)
    assert response.status_code == 201
    body = response.get_json()
    assert set(body) >= {"id", "slug", "title", "body", "html", "tags", "section", "visibility", "status",
                         "revision", "published_revision", "updated_at"}
    assert (body["status"], body["revision"], body["published_revision"]) == ("draft", 1, None)
    assert body["slug"] == "how-payouts-work"
    assert body["tags"] == ["payouts", "billing"]
    assert "<strong>monthly</strong>" in body["html"]


def test_create_with_an_unknown_section_is_a_clear_400(api_as):
    api, _ = api_as("editor")
    response = create(api, section="nope/nothing")
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == "section"


@pytest.mark.parametrize("body, field", [
    ({"body": "no title"}, "title"),
    ({"title": "", "body": "x"}, "title"),
    ({"title": "x", "tags": "not-a-list"}, "tags"),
    ({"title": "x", "visibility": "secret"}, "visibility"),
    ({"title": "x", "unknown": 1}, "unknown"),
])
def test_bad_input_is_a_400_envelope_naming_the_field(api_as, body, field):
    api, _ = api_as("editor")
    response = api.post("/articles", json=body)
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == field


def test_a_body_that_is_not_json_is_a_400(api_as):
    api, _ = api_as("editor")
    response = api.post("/articles", data="{nope", content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid"


def test_a_body_over_2_mib_is_refused_with_413(api_as):
    api, _ = api_as("editor")
    response = api.post("/articles", data="x" * (2 * 1024 * 1024 + 1), content_type="application/json")
    assert response.status_code == 413
    assert "error" in response.get_json()


def test_update_with_the_latest_base_saves_a_new_revision(api_as, section):
    api, _ = api_as("editor")
    created = create(api).get_json()
    response = api.put(f"/articles/{created['id']}", json={"title": "How payouts work", "body": "New text",
                                                          "section": "payouts/schedule", "base_revision": 1})
    assert response.status_code == 200
    assert response.get_json()["revision"] == 2


def test_update_on_an_old_base_answers_409_with_the_current_revision(api_as, section):
    api, _ = api_as("editor")
    created = create(api).get_json()
    api.put(f"/articles/{created['id']}", json={"title": "T", "body": "two", "section": "payouts/schedule",
                                               "base_revision": 1})
    response = api.put(f"/articles/{created['id']}", json={"title": "T", "body": "three",
                                                          "section": "payouts/schedule", "base_revision": 1})
    assert response.status_code == 409
    assert response.get_json()["current_revision"] == 2
    assert api.get(f"/articles/{created['id']}").get_json()["body"] == "two\n"


def test_update_without_base_revision_is_a_400(api_as, section):
    api, _ = api_as("editor")
    created = create(api).get_json()
    response = api.put(f"/articles/{created['id']}", json={"title": "T", "body": "x"})
    assert response.status_code == 400
    assert response.get_json()["error"]["field"] == "base_revision"


def test_revisions_list_and_one_revision(api_as, section):
    api, user = api_as("editor")
    created = create(api).get_json()
    api.put(f"/articles/{created['id']}", json={"title": "T2", "body": "two", "section": "payouts/schedule",
                                               "base_revision": 1, "message": "Shorter"})
    listing = api.get(f"/articles/{created['id']}/revisions").get_json()
    assert [r["number"] for r in listing] == [2, 1]
    assert listing[0]["author"] == user.name and listing[0]["message"] == "Shorter"
    assert set(listing[0]) == {"number", "author", "created_at", "message", "status"}
    one = api.get(f"/articles/{created['id']}/revisions/1").get_json()
    assert one["title"] == "How payouts work"


def test_diff_gives_a_unified_diff_and_word_level_html(api_as, section):
    api, _ = api_as("editor")
    created = create(api, body="Payouts go out monthly.").get_json()
    api.put(f"/articles/{created['id']}", json={"title": "How payouts work", "body": "Payouts go out weekly.",
                                               "section": "payouts/schedule", "base_revision": 1})
    diff = api.get(f"/articles/{created['id']}/diff?from=1&to=2").get_json()
    assert diff["from"] == 1 and diff["to"] == 2
    assert "-Payouts go out monthly." in diff["diff"] and "+Payouts go out weekly." in diff["diff"]
    assert "<del>monthly</del>" in diff["html"] and "<ins>weekly</ins>" in diff["html"]


def test_diff_of_a_missing_revision_is_404(api_as, section):
    api, _ = api_as("editor")
    created = create(api).get_json()
    assert api.get(f"/articles/{created['id']}/diff?from=1&to=9").status_code == 404


def test_anonymous_readers_get_the_published_revision(make_document, api_as):
    document = make_document(state="published", body="live")
    editor_api, _ = api_as("editor")
    editor_api.put(f"/articles/{document.id}", json={"title": document.latest.title, "body": "draft words",
                                                    "section": "general/basics", "base_revision": 1})
    anonymous, _ = api_as(None)
    body = anonymous.get(f"/articles/{document.id}").get_json()
    assert body["body"] == "live\n" and body["revision"] == 1
    assert editor_api.get(f"/articles/{document.id}").get_json()["body"] == "draft words\n"


def test_listing_filters_by_status(make_document, api_as):
    make_document(state="published")
    make_document(state="draft")
    api, _ = api_as("agent")
    listing = api.get("/articles?status=draft").get_json()
    assert listing["total"] == 1 and listing["items"][0]["status"] == "draft"


def test_listing_rejects_an_unknown_status(api_as):
    api, _ = api_as("agent")
    assert api.get("/articles?status=bogus").status_code == 400


def test_restore_makes_a_new_draft_with_the_old_content(make_document, api_as):
    document = make_document(state="published", body="original")
    api, _ = api_as("editor")
    api.put(f"/articles/{document.id}", json={"title": document.latest.title, "body": "changed",
                                             "section": "general/basics", "base_revision": 1})
    restored = api.post(f"/articles/{document.id}/restore", json={"revision": 1}).get_json()
    assert (restored["revision"], restored["body"], restored["status"]) == (3, "original\n", "draft")


def test_openapi_document_lists_every_api_route(client, app):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    documented = {(path, method) for path, item in spec["paths"].items() for method in item}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1") and rule.endpoint != "api.openapi":
            path = rule.rule.replace("<int:", "{").replace(">", "}")
            # One route serves both kinds; the document shows each kind as its own resource.
            paths = [path.replace("<any(articles, macros):kind}", kind)
                     for kind in ("articles", "macros")]
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                for each in set(paths):
                    assert (each, method.lower()) in documented, (each, method)


def test_openapi_document_lists_every_status_an_update_can_answer(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    update = spec["paths"]["/api/v1/articles/{document_id}"]["put"]
    assert sorted(update["responses"]) == ["200", "400", "401", "403", "404", "409", "413"]
    assert update["requestBody"]["required"] is True
    document_id = spec["components"]["parameters"]["DocumentId"]["schema"]
    assert (document_id["minimum"], document_id["maximum"]) == (1, 2**63 - 1)
    envelope = spec["components"]["schemas"]["ErrorDetail"]
    assert envelope["required"] == ["code", "message"] and envelope["additionalProperties"] is True
    assert "personal" in spec["components"]["schemas"]["DocumentWrite"]["properties"]
    assert spec["components"]["schemas"]["ArticleWrite"]["properties"]["personal"]["enum"] == [False]

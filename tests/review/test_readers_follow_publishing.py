"""Readers and search see only the published revision at every step of the workflow."""

import re

from tests.support.pages import post_form, signed_in


def _edit(client, document_id: int, body: str, base: int):
    return post_form(client, f"/editor/articles/{document_id}/edit", {
        "title": "Payout timeline", "body": body, "tags": "payouts", "section": "", "visibility": "public",
        "slug": "payout-timeline", "review_by": "", "message": "", "base_revision": str(base)})


def _what_readers_see(client, api_as, document_id: int) -> dict:
    anonymous, _ = api_as(None)
    page = client.get("/en/articles/payout-timeline")
    api = anonymous.get(f"/articles/{document_id}")
    return {
        "page": page.status_code if page.status_code != 200 else
        ("zebrafish" in page.get_data(as_text=True), "quokka" in page.get_data(as_text=True)),
        "api": api.status_code if api.status_code != 200 else api.get_json()["body"].strip(),
        "zebrafish": anonymous.get("/search?q=zebrafish").get_json()["total"],
        "quokka": anonymous.get("/search?q=quokka").get_json()["total"],
    }


def test_readers_and_search_see_only_the_published_revision(app, client, make_user, api_as):
    writer, reviewer = signed_in(app, make_user("editor")), signed_in(app, make_user("reviewer"))
    created = post_form(writer, "/editor/articles/new", {
        "title": "Payout timeline", "body": "Payouts arrive like a zebrafish.", "tags": "payouts",
        "visibility": "public", "section": ""})
    document_id = int(re.search(r"/(\d+)$", created.headers["Location"]).group(1))
    path = f"/editor/articles/{document_id}"
    unpublished = {"page": 404, "api": 404, "zebrafish": 0, "quokka": 0}
    first_live = {"page": (True, False), "api": "Payouts arrive like a zebrafish.", "zebrafish": 1, "quokka": 0}

    assert _what_readers_see(client, api_as, document_id) == unpublished
    post_form(writer, f"{path}/submit")
    assert _what_readers_see(client, api_as, document_id) == unpublished
    post_form(reviewer, f"{path}/approve")
    assert _what_readers_see(client, api_as, document_id) == unpublished
    post_form(reviewer, f"{path}/publish")
    assert _what_readers_see(client, api_as, document_id) == first_live

    assert _edit(writer, document_id, "Payouts now arrive like a quokka.", base=1).status_code == 303
    assert _what_readers_see(client, api_as, document_id) == first_live
    post_form(writer, f"{path}/submit")
    assert _what_readers_see(client, api_as, document_id) == first_live
    post_form(reviewer, f"{path}/approve")
    assert _what_readers_see(client, api_as, document_id) == first_live
    post_form(reviewer, f"{path}/publish")
    assert _what_readers_see(client, api_as, document_id) == {
        "page": (False, True), "api": "Payouts now arrive like a quokka.", "zebrafish": 0, "quokka": 1}

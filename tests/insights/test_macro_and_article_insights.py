"""The macros and articles reports through the API: the same numbers as the pages."""

from __future__ import annotations

import re

import pytest


@pytest.fixture
def editor_api(api_as):
    return api_as("editor")[0]


def test_macro_uses_and_never_used_macros(make_document, api_as, editor_api, client, make_user,
                                          login):
    used = make_document("macro", state="published", title="Billing::Refund reply",
                         body="Hi {{ customer.first_name }}.")
    idle = make_document("macro", state="published", title="Billing::Never sent", body="Hello.")
    make_document("macro", state="draft", title="Billing::Draft", body="Not yet.")
    agent = api_as("agent")[0]
    for _ in range(3):
        assert agent.post(f"/macros/{used.id}/render", json={"values": {}}).status_code == 200
    body = editor_api.get("/insights/macros").get_json()
    by_title = {m["title"]: m for m in body["macros"]}
    assert set(by_title) == {"Billing::Refund reply", "Billing::Never sent"}
    assert by_title["Billing::Refund reply"]["uses"] == 3
    assert by_title["Billing::Refund reply"]["last_used_at"] is not None
    assert by_title["Billing::Never sent"] == {"id": idle.id, "title": "Billing::Never sent",
                                               "uses": 0, "last_used_at": None}
    login(make_user("editor"))
    page = client.get("/admin/insights/macros").get_data(as_text=True)
    rarely = re.search(r'id="rarely-used".*?</table>', page, re.S).group(0)
    assert "Billing::Never sent" in rarely and "Billing::Refund reply" not in rarely
    assert re.search(r'data-testid="total">3<', page)


def test_article_views_and_votes_in_the_api(make_document, client, editor_api):
    article = make_document("article", state="published", title="Payouts", slug="payouts")
    make_document("article", state="draft", title="Unpublished payouts")
    for _ in range(2):
        assert client.get("/en/articles/payouts").status_code == 200
    body = editor_api.get("/insights/articles").get_json()
    row = next(a for a in body["articles"] if a["id"] == article.id)
    assert row == {"id": article.id, "slug": "payouts", "title": "Payouts", "views": 2,
                   "helpful": 0, "not_helpful": 0}
    # A range that ends before today holds none of today's views.
    old = editor_api.get("/insights/articles?from=2020-01-01&to=2020-01-31").get_json()
    assert next(a for a in old["articles"] if a["id"] == article.id)["views"] == 0

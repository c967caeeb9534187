"""The insights pages: what each shows, its CSV, who may open them, and what stays private."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta
from html import unescape

import pytest

from kb.extensions import db
from kb.models import Document
from kb.models.types import utcnow
from tests.support import csrf_token


@pytest.fixture
def editor(make_user, login):
    return login(make_user("editor"))


def _table(page: str, table_id: str) -> list[list[str]]:
    """The text of each body row of the table with this id."""
    match = re.search(rf'<table[^>]*id="{table_id}".*?<tbody>(.*?)</tbody>', page, re.S)
    assert match, f"no table {table_id}"
    rows = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", match.group(1), re.S):
        cells = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)
        rows.append([unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in cells])
    return rows


def _csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def test_a_zero_result_query_shows_on_the_searches_page(make_document, client, editor):
    make_document("article", state="published", title="Refund timeline", body="Refunds take days.")
    client.get("/search?q=teleportation")
    client.get("/search?q=teleportation")
    client.get("/search?q=refund")
    page = client.get("/admin/insights/searches").get_data(as_text=True)
    rows = _table(page, "zero-results")
    assert [r[:3] for r in rows] == [["teleportation", "2", "2"]]
    assert "/editor/articles/new?title=teleportation" in page
    assert "/search?q=teleportation" in page
    assert [r[:2] for r in _table(page, "top")] == [["refund", "1"], ["teleportation", "2"]][::-1]


def test_the_searches_csv_holds_the_same_rows_as_the_page(make_document, client, editor):
    make_document("article", state="published", title="Refund timeline", body="Refunds take days.")
    for query in ("refund", "refund", "=cmd|' /C calc'!A0", "nothing here at all"):
        client.get("/search", query_string={"q": query})
    page = client.get("/admin/insights/searches").get_data(as_text=True)
    table = {name: [r[:-1] for r in _table(page, name)]
             for name in ("top", "zero-results", "no-clicks")}
    rows = _csv(client.get("/admin/insights/searches.csv"))
    assert rows[0][:3] == ["list", "day", "query"]
    for name, label in (("top", "top"), ("zero-results", "zero results"), ("no-clicks", "no clicks")):
        from_csv = [r[2:] for r in rows if r[0] == label]
        # A formula-like query is kept as text in the CSV (a leading apostrophe).
        assert [[c.removeprefix("'") for c in r] for r in from_csv] == table[name]
    assert any(r[2] == "'=cmd|' /C calc'!A0" for r in rows)


def test_votes_and_comments_show_per_article_and_a_comment_can_be_handled(
        make_document, client, make_user, login):
    article = make_document("article", state="published", title="Payouts", slug="payouts",
                            body="How payouts work.")
    for helpful, comment in (("yes", ""), ("no", "Missing the fees"), ("no", "")):
        reader = client.application.test_client()  # three signed-in readers: three votes
        person = make_user("agent")
        assert reader.post("/login", data={"email": person.email, "password": "password123",
                                           "csrf_token": csrf_token(reader)}).status_code == 302
        token = csrf_token(reader, "/en/articles/payouts")
        assert reader.post("/en/articles/payouts/feedback", data={
            "helpful": helpful, "comment": comment, "csrf_token": token}).status_code == 303
    reader.get("/en/articles/payouts")
    login(make_user("editor"))
    page = client.get("/admin/insights/articles").get_data(as_text=True)
    row = next(r for r in _table(page, "articles") if r[0] == str(article.id))
    # id, slug, title, status, visibility, views, helpful, not helpful, ratio, comments
    assert row[:10] == [str(article.id), "payouts", "Payouts", "published", "public", "4", "1",
                        "2", "33%", "1"]
    assert "Missing the fees" in page
    comment_id = re.search(r'data-comment-id="(\d+)"', page).group(1)
    answer = client.post(f"/admin/insights/comments/{comment_id}/handled",
                         data={"csrf_token": csrf_token(client, "/admin/insights/articles")})
    assert answer.status_code == 303
    assert "Missing the fees" not in client.get("/admin/insights/articles").get_data(as_text=True)
    rows = _csv(client.get("/admin/insights/articles.csv"))
    assert rows[1][:9] == row[:9]


def test_a_drifted_macro_link_shows_in_content_health(make_document, api_as, client, editor):
    article = make_document("article", state="published", title="Refund policy",
                            slug="refund-policy", body="We refund within 14 days.")
    make_document("macro", state="published", title="Billing::Refund reply",
                  body="Hi, see [our policy](/articles/refund-policy).")
    writer, _ = api_as("editor")
    current = writer.get(f"/articles/{article.id}").get_json()
    assert writer.put(f"/articles/{article.id}", json={
        "title": current["title"], "body": "We refund within 30 days.",
        "section": current["section"], "base_revision": current["revision"]}).status_code == 200
    reviewer, _ = api_as("reviewer")
    assert writer.post(f"/articles/{article.id}/submit").status_code == 200
    assert reviewer.post(f"/articles/{article.id}/approve").status_code == 200
    assert reviewer.post(f"/articles/{article.id}/publish").status_code == 200
    page = client.get("/admin/insights/health").get_data(as_text=True)
    links = [r for r in _table(page, "health") if r[0] == "macro link"]
    assert [r[3] for r in links] == ["Billing::Refund reply"]
    assert "republished with new content" in links[0][4]
    rows = _csv(client.get("/admin/insights/health.csv"))
    assert [r for r in rows if r[0] == "macro link"] == links


def test_review_due_and_old_drafts_show_in_content_health(make_document, client, editor):
    make_document("article", state="published", title="Old policy", review_by=date(2020, 1, 1))
    make_document("article", state="published", title="Fresh policy", review_by=date(2999, 1, 1))
    forgotten = make_document("article", state="draft", title="Forgotten draft")
    make_document("article", state="draft", title="Fresh draft")
    macro = make_document("macro", state="changes_requested", title="Billing::Forgotten too")
    db.session.rollback()
    for document in db.session.execute(db.select(Document)).scalars():
        if document.latest.title in ("Forgotten draft", "Billing::Forgotten too"):
            document.latest.created_at = utcnow() - timedelta(days=31)
    db.session.commit()
    page = client.get("/admin/insights/health").get_data(as_text=True)
    rows = _table(page, "health")
    assert [r[3] for r in rows if r[0] == "review due"] == ["Old policy"]
    stale = [(r[1], r[2], r[3]) for r in rows if r[0] == "stale draft"]
    assert sorted(stale) == [("article", str(forgotten.id), "Forgotten draft"),
                             ("macro", str(macro.id), "Billing::Forgotten too")]


@pytest.mark.parametrize("path", ["/admin/insights/searches", "/admin/insights/articles",
                                  "/admin/insights/macros", "/admin/insights/health",
                                  "/admin/insights/searches.csv"])
def test_readers_are_sent_to_sign_in_and_agents_are_refused(path, client, make_user, login):
    answer = client.get(path)
    assert answer.status_code == 302 and "/login" in answer.headers["Location"]
    login(make_user("agent"))
    assert client.get(path).status_code == 403


def test_a_bad_range_is_explained_on_the_page(client, editor):
    answer = client.get("/admin/insights/searches?from=2026-03-02&to=2026-03-01")
    assert answer.status_code == 400
    assert "from must be on or before to" in answer.get_data(as_text=True)


def test_internal_and_draft_articles_never_reach_the_public_through_a_click(
        make_document, client, make_user, login):
    make_document("article", state="published", title="Refund desk notes", visibility="internal",
                  body="Internal refund steps.")
    login(make_user("agent"))
    page = client.get("/search?q=refund").get_data(as_text=True)
    link = re.search(r'href="(/search/click/[^"]+)"', page).group(1)
    assert client.get(link).status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    anonymous = client.application.test_client()
    assert anonymous.get(link).status_code == 404
    assert "Refund desk notes" not in anonymous.get("/search?q=refund").get_data(as_text=True)


def test_every_chart_has_a_title_a_description_and_a_table(make_document, client, editor):
    make_document("article", state="published", title="Refund timeline", body="Refunds take days.")
    client.get("/search?q=refund")
    for path in ("searches", "articles", "macros", "health"):
        page = client.get(f"/admin/insights/{path}").get_data(as_text=True)
        figures = re.findall(r"<figure[^>]*data-chart.*?</figure>", page, re.S)
        assert figures, path
        for figure in figures:
            assert re.search(r'<svg[^>]*role="img"[^>]*aria-labelledby="([^"]+)"', figure)
            assert re.search(r"<title id=\"[^\"]+\">[^<]+</title>", figure)
            assert re.search(r"<desc id=\"[^\"]+\">[^<]+</desc>", figure)
            assert "<table" in figure and "<script" not in figure

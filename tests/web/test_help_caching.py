"""Conditional requests on article pages, and the sitemap."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta

from werkzeug.http import http_date

from kb.content import services as content_services
from kb.content.services import copy_input
from kb.review import services as review_services
from tests.support import csrf_token


def test_same_etag_answers_304_without_a_body(client, site):
    first = client.get(f"/en/articles/{site.long.slug}")
    assert first.status_code == 200 and first.headers["ETag"]
    again = client.get(f"/en/articles/{site.long.slug}", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.get_data() == b""
    assert again.headers["ETag"] == first.headers["ETag"]


def test_if_modified_since_answers_304_when_nothing_changed(client, site):
    first = client.get(f"/en/articles/{site.long.slug}")
    again = client.get(f"/en/articles/{site.long.slug}", headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert again.status_code == 304


def test_if_modified_since_before_the_change_answers_the_page(client, site):
    revision = site.long.published
    earlier = http_date(revision.created_at - timedelta(days=1))
    response = client.get(f"/en/articles/{site.long.slug}", headers={"If-Modified-Since": earlier})
    assert response.status_code == 200


def test_publishing_a_new_revision_changes_the_etag(client, site, make_user):
    old = client.get(f"/en/articles/{site.first.slug}").headers["ETag"]
    editor, reviewer = make_user("editor"), make_user("reviewer")
    data = replace(copy_input(site.first.published), body="Add a bank account, then verify it with two small deposits.")
    content_services.save_revision("article", site.first.id, data, site.first.latest.number, editor)
    for step in ("submit", "approve", "publish"):
        actor = editor if step == "submit" else reviewer
        getattr(review_services, step)("article", site.first.id, actor)
    response = client.get(f"/en/articles/{site.first.slug}", headers={"If-None-Match": old})
    assert response.status_code == 200
    assert "two small deposits" in response.get_data(as_text=True)


def test_a_new_vote_changes_the_readers_etag(client, site):
    before = client.get(f"/en/articles/{site.long.slug}").headers["ETag"]
    client.post(f"/en/articles/{site.long.slug}/feedback",
                data={"helpful": "no", "csrf_token": csrf_token(client, f"/en/articles/{site.long.slug}")})
    response = client.get(f"/en/articles/{site.long.slug}", headers={"If-None-Match": before})
    assert response.status_code == 200


def test_article_pages_must_be_revalidated(client, site):
    cache_control = client.get(f"/en/articles/{site.long.slug}").headers["Cache-Control"]
    assert "no-cache" in cache_control and "private" in cache_control


def test_sitemap_lists_exactly_the_published_public_articles(client, site, make_document):
    make_document(state="draft", title="Draft thing")
    make_document(state="in_review", title="Reviewing thing")
    make_document(state="archived", title="Archived thing")
    make_document(state="published", title="Internal thing", visibility="internal")
    make_document("macro", state="published", title="Macro thing")
    response = client.get("/sitemap.xml")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    locations = re.findall(r"<loc>([^<]+)</loc>", response.get_data(as_text=True))
    expected = {f"http://kb.test/en/articles/{d.slug}" for d in (site.long, site.first, site.last, site.billing)}
    assert sorted(locations) == sorted(expected)

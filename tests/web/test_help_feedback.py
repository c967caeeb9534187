"""“Was this helpful?”: one vote per reader per article, comments, staff tallies, rate limits."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from kb.extensions import db
from kb.models import Feedback
from tests.support import csrf_token


def votes(document):
    db.session.rollback()
    return list(db.session.execute(select(Feedback).where(Feedback.document_id == document.id)).scalars())


def vote(client, document, helpful, address="127.0.0.1", **extra):
    token = csrf_token(client, f"/en/articles/{document.slug}")
    return client.post(f"/en/articles/{document.slug}/feedback",
                       data={"helpful": helpful, "csrf_token": token, **extra},
                       environ_base={"REMOTE_ADDR": address})


def test_a_vote_is_stored_and_the_reader_sees_thanks(client, site):
    response = vote(client, site.long, "yes")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/en/articles/{site.long.slug}#feedback")
    [stored] = votes(site.long)
    assert stored.helpful is True and stored.revision_id == site.long.published_revision_id
    html = client.get(f"/en/articles/{site.long.slug}").get_data(as_text=True)
    assert "Thanks for your feedback" in html
    assert re.search(r'value="yes" class="vote secondary" aria-pressed="true"', html)


def test_a_second_vote_by_the_same_reader_updates_the_first(client, site):
    vote(client, site.long, "yes")
    vote(client, site.long, "no")
    [stored] = votes(site.long)
    assert stored.helpful is False


def test_different_readers_each_get_a_vote(app, client, site):
    vote(client, site.long, "yes")
    vote(app.test_client(), site.long, "no", address="10.0.0.2")
    assert sorted(v.helpful for v in votes(site.long)) == [False, True]


def test_a_fresh_cookie_jar_on_the_same_day_and_address_is_the_same_voter(app, site):
    for helpful in ("yes", "no", "no"):
        vote(app.test_client(), site.long, helpful, address="10.0.0.7")
    [stored] = votes(site.long)
    assert stored.helpful is False


def test_the_voter_cookie_keeps_the_reader_across_addresses(client, site):
    vote(client, site.long, "yes", address="10.0.0.7")
    vote(client, site.long, "no", address="10.0.0.8")  # a phone moving between networks
    [stored] = votes(site.long)
    assert stored.helpful is False


def test_a_forged_voter_cookie_counts_as_none(app, site):
    vote(app.test_client(), site.long, "yes", address="10.0.0.7")
    forger = app.test_client()
    forger.set_cookie("kb_voter", "someone-else", domain="kb.test")
    vote(forger, site.long, "no", address="10.0.0.9")
    assert sorted(v.helpful for v in votes(site.long)) == [False, True]


def test_a_signed_in_reader_votes_once_from_any_browser(app, site, make_user):
    reader = make_user("agent")
    for helpful, address in (("yes", "10.0.0.7"), ("no", "10.0.0.8")):
        browser = app.test_client()
        browser.post("/login", data={"email": reader.email, "password": "password123",
                                     "csrf_token": csrf_token(browser)})
        vote(browser, site.long, helpful, address=address)
    [stored] = votes(site.long)
    assert stored.helpful is False


def test_the_reader_is_stored_as_a_hash_not_an_address_or_cookie_value(client, site):
    vote(client, site.long, "yes", address="10.0.0.7")
    [stored] = votes(site.long)
    assert re.fullmatch(r"[0-9a-f]{64}", stored.voter)
    cookie = client.get_cookie("kb_voter", domain="kb.test").value
    assert "10.0.0.7" not in stored.voter and cookie not in stored.voter


def test_a_comment_is_stored_with_the_vote(client, site):
    vote(client, site.long, "no", comment="  The fees section is out of date. ")
    [stored] = votes(site.long)
    assert stored.helpful is False and stored.comment == "The fees section is out of date."


def test_changing_the_vote_keeps_the_comment(client, site):
    vote(client, site.long, "no", comment="Missing the fee table.")
    vote(client, site.long, "yes")
    [stored] = votes(site.long)
    assert stored.helpful is True and stored.comment == "Missing the fee table."


def test_a_too_long_comment_is_refused_with_a_clear_message(client, site):
    response = vote(client, site.long, "no", comment="x" * 2001)
    assert response.status_code == 400
    assert "under 2000 characters" in response.get_data(as_text=True)
    assert votes(site.long) == []


@pytest.mark.parametrize("answer", ["", "maybe", "YESS"])
def test_an_answer_other_than_yes_or_no_is_refused(client, site, answer):
    response = vote(client, site.long, answer)
    assert response.status_code == 400
    assert "choose Yes or No" in response.get_data(as_text=True)


def test_a_vote_without_the_csrf_token_is_refused(client, site):
    response = client.post(f"/en/articles/{site.long.slug}/feedback", data={"helpful": "yes"})
    assert response.status_code == 400
    assert votes(site.long) == []


@pytest.mark.parametrize("state", ["draft", "archived"])
def test_votes_on_unpublished_articles_answer_404(client, site, make_document, state):
    hidden = make_document(state=state, title="Hidden thing")
    token = csrf_token(client, f"/en/articles/{site.long.slug}")
    response = client.post(f"/articles/{hidden.slug}/feedback", data={"helpful": "yes", "csrf_token": token})
    assert response.status_code == 404
    assert votes(hidden) == []


def test_staff_see_the_tally_and_comments_on_the_article(app, client, site, make_user, login):
    vote(app.test_client(), site.long, "yes", address="10.0.0.1")
    vote(app.test_client(), site.long, "no", address="10.0.0.2", comment="Explain holidays abroad.")
    login(make_user("agent"))
    html = client.get(f"/en/articles/{site.long.slug}").get_data(as_text=True)
    assert "50% found this helpful" in html and "1 yes, 1 no" in html
    assert "Explain holidays abroad." in html


def test_anonymous_readers_never_see_the_tally_or_comments(app, client, site):
    vote(app.test_client(), site.long, "no", address="10.0.0.2", comment="Explain holidays abroad.")
    html = client.get(f"/en/articles/{site.long.slug}").get_data(as_text=True)
    assert "found this helpful" not in html and "Explain holidays abroad." not in html


def test_feedback_posts_are_rate_limited_per_client(app, client, site):
    app.config["RATE_LIMIT_PER_MINUTE"] = 3
    answers = [vote(client, site.long, "yes").status_code for _ in range(4)]
    assert answers == [303, 303, 303, 429]
    limited = vote(client, site.long, "yes")
    assert limited.status_code == 429
    assert "Slow down" in limited.get_data(as_text=True)
    assert int(limited.headers["Retry-After"]) >= 1


def test_other_clients_are_not_limited_by_one_busy_client(app, client, site):
    app.config["RATE_LIMIT_PER_MINUTE"] = 2
    for _ in range(3):
        client.get("/search?q=payouts")
    other = app.test_client().get("/search?q=payouts", environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 200


def test_search_is_rate_limited_per_client(app, client, site):
    app.config["RATE_LIMIT_PER_MINUTE"] = 2
    statuses = [client.get("/search?q=payouts").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert client.get("/search").status_code == 200  # the empty form itself costs nothing

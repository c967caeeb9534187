"""Past uses: a macro an agent inserted for a ticket ranks higher for similar tickets; the use
keeps the ticket's key terms, not its text."""

import pytest
from sqlalchemy import select

from kb.extensions import db
from kb.models import MacroUse

TICKET = "My refund has not arrived on my card yet. When does the refund reach the bank?"
SIMILAR = "Still waiting for the refund on my card, has the bank got it?"
UNRELATED = "I cannot change the password of my account, the reset link fails."


@pytest.fixture
def macros(make_document):
    return {
        "timeline": make_document("macro", state="published", title="Billing::Refund timeline",
                                  body="Your refund reaches your card within 5 to 10 business days."),
        "bank": make_document("macro", state="published", title="Billing::Money sent to the bank",
                              body="We sent the refund; your bank shows it soon."),
        "password": make_document("macro", state="published", title="Account::Password reset",
                                  body="Use the reset link to change the password of your account."),
    }


def order(api, text):
    body = api.post("/suggest", json={"text": text, "limit": 5}).get_json()
    return [r["id"] for r in body["results"] if r["type"] == "macro"]


def insert(api, macro, ticket):
    response = api.post(f"/macros/{macro.id}/render", json={"values": {}, "ticket": ticket})
    assert response.status_code == 200, response.get_json()


def test_a_macro_used_for_a_similar_ticket_ranks_first(api_as, macros):
    api, _ = api_as("agent")
    timeline, bank = macros["timeline"].id, macros["bank"].id
    assert order(api, SIMILAR)[:2] == [bank, timeline]  # before any use: "bank" is in its title
    # a use for an unrelated ticket (and the use count it adds) does not lift it
    insert(api, macros["timeline"], UNRELATED)
    assert order(api, SIMILAR)[:2] == [bank, timeline]
    insert(api, macros["timeline"], TICKET)
    assert order(api, SIMILAR)[:2] == [timeline, bank]
    # a ticket about something else is not affected
    assert order(api, UNRELATED)[0] == macros["password"].id


def test_a_use_without_a_ticket_lifts_nothing_beyond_its_count(api_as, macros):
    api, _ = api_as("agent")
    response = api.post(f"/macros/{macros['timeline'].id}/render", json={"values": {}})
    assert response.status_code == 200
    assert order(api, SIMILAR)[:2] == [macros["bank"].id, macros["timeline"].id]
    assert db.session.scalars(select(MacroUse.ticket_terms)).all() == [None]


def test_the_use_keeps_sorted_key_terms_not_the_message(api_as, macros):
    api, _ = api_as("agent")
    insert(api, macros["timeline"], "Hi, I'm Zoltan Brzezinski (order 884213). Where is my refund? Thanks!")
    kept = db.session.scalars(select(MacroUse.ticket_terms)).one()
    assert kept == "refund"  # no greeting, name, number or filler


def test_a_ticket_that_is_not_text_is_refused(api_as, macros):
    api, _ = api_as("agent")
    response = api.post(f"/macros/{macros['timeline'].id}/render", json={"values": {}, "ticket": 5})
    assert response.status_code == 400
    assert db.session.scalars(select(MacroUse.id)).all() == []


def test_ticket_terms_are_kept_for_90_days_only(api_as, macros):
    from datetime import timedelta

    from sqlalchemy import update

    from kb.models.types import utcnow

    api, _ = api_as("agent")
    insert(api, macros["timeline"], TICKET)
    # the use was made 91 days ago
    db.session.execute(update(MacroUse).values(created_at=utcnow() - timedelta(days=91)))
    db.session.commit()
    assert order(api, SIMILAR)[:2] == [macros["bank"].id, macros["timeline"].id]  # no lift any more
    insert(api, macros["password"], UNRELATED)
    kept = db.session.execute(select(MacroUse.document_id, MacroUse.ticket_terms).order_by(MacroUse.id)).all()
    assert kept[0] == (macros["timeline"].id, None)
    assert kept[1][1] is not None


def test_the_library_suggest_flow_sends_the_ticket_with_the_copy(client, login, make_user, macros):
    """What the library's scripts send for an agent signed in to the pages (the session cookie
    and the CSRF header, not a token): suggest for the pasted message, then the copy's render
    with that message (static/js/suggest.js remembers it, macro.js sends it)."""
    import re

    login(make_user("agent"))
    timeline, bank = macros["timeline"].id, macros["bank"].id
    page = client.get(f"/macros/{timeline}").get_data(as_text=True)
    assert "data-ticket-note" in page  # where the page says which message copies go with
    headers = {"X-CSRFToken": re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)}

    def suggested(text):
        body = client.post("/api/v1/suggest", json={"text": text, "limit": 5}, headers=headers).get_json()
        return [r["id"] for r in body["results"] if r["type"] == "macro"]

    assert suggested(SIMILAR)[:2] == [bank, timeline]  # before: "bank" is in its title
    suggested(TICKET)  # the agent pastes the ticket, then copies "Refund timeline"
    copied = client.post(f"/api/v1/macros/{timeline}/render", json={"values": {}, "ticket": TICKET},
                         headers=headers)
    assert copied.status_code == 200, copied.get_json()
    assert db.session.scalars(select(MacroUse.ticket_terms)).one() == "bank card reach refund"
    assert suggested(SIMILAR)[:2] == [timeline, bank]  # lifted past "bank", which names the bank

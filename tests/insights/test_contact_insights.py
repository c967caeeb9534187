"""Deflection in insights: form sessions started, deflected (a suggested article opened and no
request after) and sent, per topic and day, on the page, in its CSV and in the API."""

from __future__ import annotations

import re

import pytest

from kb.insights.ranges import today
from tests.support.pages import signed_in


@pytest.fixture
def app_config():
    return {"CONTACT_DEFLECTION_MINUTES": 0}


def _page_form(client):
    page = client.get("/contact").get_data(as_text=True)
    return (re.search(r'name="csrf_token" value="([^"]+)"', page).group(1),
            re.search(r'name="form_session" value="([^"]+)"', page).group(1))


def _visit(client, *, opens: bool, sends: bool, topic: str = "general"):
    """One person at the form: starts typing, maybe opens the suggestion, maybe sends."""
    token, key = _page_form(client)
    headers = {"X-CSRFToken": token}
    assert client.post("/contact/start", json={"form_session": key, "topic": topic},
                       headers=headers).status_code == 204
    found = client.post("/api/v1/contact/suggest", json={
        "description": "my payout never reached my bank", "form_session": key, "topic": topic,
    }).get_json()["results"]
    if opens:
        assert client.get(found[0]["open_url"]).status_code == 302
    if sends:
        answer = client.post("/contact", data={
            "csrf_token": token, "form_session": key, "email": "ana@example.com",
            "subject": "Payout", "description": "My payout never reached my bank.",
            "topic": topic})
        assert answer.status_code == 200


@pytest.fixture
def visits(client, make_document):
    article = make_document("article", state="published", title="When payouts arrive",
                            body="A payout reaches your bank within three days.")
    make_document("article", state="published", title="Billing basics", body="Invoices.",
                  section="billing/basics")
    _visit(client, opens=True, sends=False)   # deflected
    _visit(client, opens=True, sends=False)   # deflected
    _visit(client, opens=True, sends=True)    # opened, then sent anyway: sent
    _visit(client, opens=False, sends=True)   # sent
    _visit(client, opens=False, sends=False)  # started only
    _visit(client, opens=False, sends=True, topic="billing")  # sent, a topic never deflected
    return article


def test_the_api_counts_started_deflected_and_sent(api_as, visits):
    api, _ = api_as("editor")
    day = today().isoformat()
    answer = api.get(f"/insights/contact?from={day}&to={day}")
    assert answer.status_code == 200, answer.get_data(as_text=True)
    body = answer.get_json()
    assert (body["started"], body["deflected"], body["sent"], body["waiting"]) == (6, 2, 3, 0)
    assert body["days"] == [{"day": day, "started": 6, "deflected": 2, "sent": 3, "waiting": 0}]
    topics = {t["topic"]: (t["started"], t["deflected"], t["sent"]) for t in body["topics"]}
    assert topics == {"general": (5, 2, 2), "billing": (1, 0, 1)}
    assert body["articles"] == [{"id": visits.id, "slug": visits.slug,
                                 "title": "When payouts arrive", "deflections": 2}]
    assert [t["topic"] for t in body["never_deflect"]] == ["billing"]


def test_the_api_is_for_editors_and_up(api_as, visits):
    assert api_as("agent")[0].get("/insights/contact").status_code == 403
    assert api_as(None)[0].get("/insights/contact").status_code == 401


def test_a_fresh_opening_waits_for_the_window_before_it_counts(app, api_as, visits):
    app.config["CONTACT_DEFLECTION_MINUTES"] = 30
    body = api_as("editor")[0].get("/insights/contact").get_json()
    assert (body["deflected"], body["waiting"], body["sent"]) == (0, 2, 3)


def test_the_page_shows_the_numbers_a_chart_a_table_and_a_csv(app, make_user, visits):
    staff = signed_in(app, make_user("editor"))
    html = staff.get("/admin/insights/contact").get_data(as_text=True)
    assert re.search(r'data-testid="started">6<', html)
    assert re.search(r'data-testid="deflected">2<', html)
    assert re.search(r'data-testid="sent">3<', html)
    assert "<svg" in html and 'id="never-deflect"' in html
    csv = staff.get("/admin/insights/contact.csv").get_data(as_text=True)
    assert "article,When payouts arrive,,2" in csv
    assert f"day,{today().isoformat()},6,2,3,0,40%" in csv  # 2 of the 5 that ended
    assert signed_in(app, make_user("agent")).get("/admin/insights/contact").status_code == 403

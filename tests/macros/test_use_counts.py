"""A macro's use count: one per copy into a ticket, never per preview, exact under concurrency."""

import threading

from kb.extensions import db
from kb.models import Document, MacroUse


def use_count(macro_id):
    db.session.rollback()
    return db.session.get(Document, macro_id).use_count


def test_previews_never_count(api_as, make_document):
    macro = make_document("macro", state="published", title="Thanks", body="Thanks {{ name }}!")
    api, _ = api_as("agent")
    for value in ("A", "An", "Ana"):
        response = api.post(f"/macros/{macro.id}/preview", json={"values": {"name": value}})
        assert response.status_code == 200
    assert response.get_json()["text"] == "Thanks Ana!"
    assert use_count(macro.id) == 0


def test_a_copy_counts_exactly_once_and_reports_the_new_count(api_as, make_document):
    macro = make_document("macro", state="published", title="Thanks", body="Thanks {{ name }}!")
    api, user = api_as("agent")
    response = api.post(f"/macros/{macro.id}/render", json={"values": {"name": "Ana"}})
    assert response.get_json() == {"text": "Thanks Ana!", "markdown": "Thanks Ana!\n",
                                   "html": "<p>Thanks Ana!</p>", "missing": [],
                                   "use_count": 1}
    assert use_count(macro.id) == 1
    assert db.session.query(MacroUse).filter_by(document_id=macro.id, user_id=user.id).count() == 1


def test_a_copy_puts_the_macro_in_recently_used(client, login, make_user, make_document, api_as):
    macro = make_document("macro", state="published", title="Billing::Refund timeline", body="Five days.")
    user = make_user("agent")
    api, _ = api_as(user=user)
    api.post(f"/macros/{macro.id}/render", json={"values": {}})
    login(user)
    page = client.get("/macros").get_data(as_text=True)
    assert "Refund timeline" in page[page.index('id="recent-title"'):page.index('id="shortcuts"')]


def test_concurrent_renders_count_exactly(app, make_document, make_user, token_for):
    macro_id = make_document("macro", state="published", title="Busy", body="Hello {{ name }}").id
    token = token_for(make_user("agent"))
    threads, renders_each = 8, 5
    statuses = []

    def agent():
        client = app.test_client()
        for _ in range(renders_each):
            response = client.post(f"/api/v1/macros/{macro_id}/render", json={"values": {"name": "x"}},
                                   headers={"Authorization": f"Bearer {token}"})
            statuses.append(response.status_code)

    workers = [threading.Thread(target=agent) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert statuses == [200] * threads * renders_each
    assert use_count(macro_id) == threads * renders_each
    assert db.session.query(MacroUse).filter_by(document_id=macro_id).count() == threads * renders_each


def test_bad_values_get_a_clear_error(api_as, make_document):
    macro = make_document("macro", state="published", title="Thanks", body="Thanks {{ name }}!")
    api, _ = api_as("agent")
    response = api.post(f"/macros/{macro.id}/preview", json={"values": {"name": "x" * 10_001}})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid"
    assert api.post(f"/macros/{macro.id}/preview", json={"values": "nope"}).status_code == 400
    assert use_count(macro.id) == 0


def test_the_page_preview_needs_the_csrf_header_with_a_session_cookie(client, login, make_user, make_document):
    macro = make_document("macro", state="published", title="Thanks", body="Thanks!")
    login(make_user("agent"))
    response = client.post(f"/api/v1/macros/{macro.id}/preview", json={"values": {}})
    assert response.status_code == 403

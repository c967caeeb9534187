"""Macro revisions keep a fill template: filling a macro for a ticket renders nothing again."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import update

from kb.extensions import db
from kb.models import Document, Revision
from tests.support import csrf_token

#: Seconds a render may take in these tests (production: 2).
BUDGET = 0.5
#: A generous bound for a view that must not wait on an unbounded render (which takes minutes
#: on BRACKETS): a correctness bound, not a benchmark.
GENEROUS = 30.0
#: Pathological for Python-Markdown (minutes unbounded), valid as a macro body.
BRACKETS = "[" * 50_000


@pytest.fixture
def app_config(tmp_path):
    return {"RENDER_TIMEOUT": BUDGET}


def published_revision(macro_id: int) -> Revision:
    db.session.rollback()
    return db.session.get(Document, macro_id).published


def set_revision(revision_id: int, **values) -> None:
    db.session.execute(update(Revision).where(Revision.id == revision_id).values(**values))
    db.session.commit()


def test_saving_a_macro_stores_its_template_with_a_marker_per_placeholder(make_document):
    macro = make_document("macro", state="published", body="Hi **{{ name }}**, see {{ count }} items.")
    revision = published_revision(macro.id)
    assert revision.fill_marker.startswith("kbph")
    assert revision.fill_template == (f"<p>Hi <strong>{revision.fill_marker}0e</strong>, "
                                      f"see {revision.fill_marker}1e items.</p>")


def test_filling_uses_the_stored_template_not_the_body(api_as, make_document):
    macro = make_document("macro", state="published", body="Hi {{ name }}!")
    revision = published_revision(macro.id)
    set_revision(revision.id, fill_template=f"<p>Stored: <em>{revision.fill_marker}0e</em></p>")
    api, _ = api_as("agent")
    response = api.post(f"/macros/{macro.id}/render", json={"values": {"name": "<b>Ana</b>"}})
    assert response.status_code == 200
    assert response.get_json()["html"] == "<p>Stored: <em>&lt;b&gt;Ana&lt;/b&gt;</em></p>"
    # The plain text is read from the filled template too; only the Markdown is the filled body.
    assert response.get_json()["text"] == "Stored: <b>Ana</b>"
    assert response.get_json()["markdown"] == "Hi <b>Ana</b>!\n"


def test_a_revision_saved_before_templates_gets_one_on_first_fill(api_as, make_document):
    macro = make_document("macro", state="published", body="[Order]({{ url }}) for {{ name }}")
    revision = published_revision(macro.id)
    set_revision(revision.id, fill_template=None, fill_marker=None)
    api, _ = api_as("agent")
    response = api.post(f"/macros/{macro.id}/preview",
                        json={"values": {"url": "javascript:alert(1)", "name": "Ana"}})
    assert response.get_json()["html"] == "<p><a>Order</a> for Ana</p>"
    stored = published_revision(macro.id)
    assert stored.fill_marker.startswith("kbph") and stored.fill_marker in stored.fill_template
    response = api.post(f"/macros/{macro.id}/preview", json={"values": {"url": "https://shop.example/o?id=1"}})
    assert response.get_json()["html"] == ('<p><a href="https://shop.example/o?id=1" rel="noopener noreferrer '
                                           'nofollow">Order</a> for <mark class="missing-placeholder">'
                                           '{{ name }}</mark></p>')


def test_a_missing_value_in_an_attribute_keeps_the_tag_whole(api_as, make_document):
    macro = make_document("macro", state="published", body="[x]({{ url }}) and {{ url }}")
    api, _ = api_as("agent")
    response = api.post(f"/macros/{macro.id}/preview", json={"values": {}})
    assert response.get_json()["html"] == ('<p><a href="{{ url }}">x</a> and '
                                           '<mark class="missing-placeholder">{{ url }}</mark></p>')
    assert response.get_json()["missing"] == ["url"]


def test_a_macro_body_the_renderer_refuses_is_not_saved(api_as):
    api, _ = api_as("agent")
    response = api.post("/macros", json={"title": "Brackets", "body": "Hi {{ name }} " + BRACKETS})
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "too_complex"


def _personal_macro_stored_before_the_budget(client, login, make_user):
    """An agent's personal macro whose pathological body was stored before rendering had a
    budget: written straight into the database, with no fill template yet."""
    owner = login(make_user("agent"))
    response = client.post("/macros/new", data={"title": "Mine", "body": "Hi {{ name }}", "tags": "",
                                                "csrf_token": csrf_token(client, "/macros/new")})
    assert response.status_code == 302
    document = db.session.execute(db.select(Document).where(Document.owner_id == owner.id)).unique().scalar_one()
    set_revision(document.published_revision_id, body="Hi {{ name }} " + BRACKETS + "\n",
                 html="<p>(rendered long ago)</p>", fill_template=None, fill_marker=None)
    return document.id


def test_a_pathological_personal_macro_holds_no_worker_on_each_view(app, client, login, make_user):
    macro_id = _personal_macro_stored_before_the_budget(client, login, make_user)
    started = time.monotonic()
    first = client.get(f"/macros/{macro_id}")
    assert time.monotonic() - started < GENEROUS  # cut off at the budget, not left to run
    assert first.status_code == 422
    assert "takes more than 0.5 seconds to render" in first.get_data(as_text=True)
    assert f"/macros/{macro_id}/edit" in first.get_data(as_text=True)  # it can still be fixed
    assert published_revision(macro_id).fill_marker == "refused"
    # From now on refused at once, without waiting for any renderer: with the budget raised
    # past the bound, a view that rendered again would outlast it.
    app.config["RENDER_TIMEOUT"] = 2 * GENEROUS
    for _ in range(3):
        started = time.monotonic()
        again = client.get(f"/macros/{macro_id}")
        assert time.monotonic() - started < GENEROUS
        assert again.status_code == 422


def test_the_api_refuses_a_pathological_macro_in_its_error_shape(client, login, make_user, token_for):
    macro_id = _personal_macro_stored_before_the_budget(client, login, make_user)
    owner = db.session.get(Document, macro_id).owner
    response = client.post(f"/api/v1/macros/{macro_id}/render", json={"values": {"name": "Ana"}},
                           headers={"Authorization": f"Bearer {token_for(owner)}"})
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "too_complex"


def test_fixing_a_refused_personal_macro_makes_it_usable_again(client, login, make_user):
    macro_id = _personal_macro_stored_before_the_budget(client, login, make_user)
    assert client.get(f"/macros/{macro_id}").status_code == 422
    edit_url = f"/macros/{macro_id}/edit"
    response = client.post(edit_url, data={"title": "Mine", "body": "Hi {{ name }}, fixed.", "tags": "",
                                           "base_revision": "1", "csrf_token": csrf_token(client, edit_url)})
    assert response.status_code == 302
    page = client.get(f"/macros/{macro_id}?name=Ana")
    assert page.status_code == 200
    assert "<p>Hi Ana, fixed.</p>" in page.get_data(as_text=True)

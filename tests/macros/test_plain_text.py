"""`render` answers ``text`` as plain text for plain-text channels, ``markdown`` as the filled
Markdown and ``html`` as before: a customer on SMS or a chat widget never sees Markdown syntax."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from kb.auth import services as auth_services
from kb.extensions import db
from kb.macros import placeholders
from kb.models import Document
from kb.models.content import MACRO
from kb.transfer import import_paths
from tests.support import REPO


def render(api, macro_id: int, values: dict) -> dict:
    response = api.post(f"/macros/{macro_id}/render", json={"values": values})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


@pytest.fixture
def macro(make_document):
    def make(body: str):
        return make_document("macro", state="published", title="Reply", body=body)
    return make


def test_every_sample_macro_reads_as_written(api_as):
    report = import_paths([REPO / "macros"], auth_services.system_user(), workers=0)
    assert report.failed == 0
    api, _ = api_as("agent")
    documents = db.session.scalars(select(Document).where(Document.kind == MACRO)).all()
    assert len(documents) == len(list((REPO / "macros").rglob("*.md"))) > 50
    for document in documents:
        body = document.published.body
        values = {name: f"V{index}" for index, name in enumerate(placeholders.names(body))}
        answer = render(api, document.id, values)
        text = answer["text"]
        assert answer["missing"] == [], document.slug
        for syntax in ("**", "__", "](", "{{", "}}"):
            assert syntax not in text, (document.slug, syntax)
        assert not re.search(r"^\s*#", text, re.MULTILINE), document.slug
        for value in values.values():
            if value != values.get("agent.name"):
                assert value in text and value in answer["markdown"], (document.slug, value)
        assert "{{" not in answer["markdown"]


def test_emphasis_loses_its_markers_and_headings_stand_alone(api_as, macro):
    api, _ = api_as("agent")
    body = "## Your refund\n\nThe charge from **FANLANE** is *on its way* back, __{{ amount }}__."
    answer = render(api, macro(body).id, {"amount": "$5"})
    assert answer["text"] == "Your refund\n\nThe charge from FANLANE is on its way back, $5."
    assert answer["markdown"] == ("## Your refund\n\n"
                                  "The charge from **FANLANE** is *on its way* back, __$5__.\n")
    assert "<strong>FANLANE</strong>" in answer["html"]


def test_links_read_text_then_url_or_just_the_url(api_as, macro):
    api, _ = api_as("agent")
    body = ("See [the refund guide](https://help.example/refunds), <https://help.example/x>, "
            "[our article](/help/articles/refunds) and [write to us](mailto:help@example.com).")
    answer = render(api, macro(body).id, {})
    assert answer["text"] == (
        "See the refund guide (https://help.example/refunds), https://help.example/x, "
        "our article (http://kb.test/help/articles/refunds) and write to us (help@example.com).")


def test_lists_keep_dashes_and_numbers_nested_by_indentation(api_as, macro):
    api, _ = api_as("agent")
    body = ("Steps:\n\n1. Open **Settings**\n2. Pick a card:\n    - Visa\n    - Amex\n\n"
            "Or:\n\n- Call us\n- Write")
    answer = render(api, macro(body).id, {})
    assert answer["text"] == ("Steps:\n\n1. Open Settings\n2. Pick a card:\n   - Visa\n   - Amex\n\n"
                              "Or:\n\n- Call us\n- Write")


def test_tables_become_aligned_columns(api_as, macro):
    api, _ = api_as("agent")
    body = "| Plan | Price |\n|---|---|\n| Basic tier | {{ price }} |\n| **Pro** | $12 |"
    answer = render(api, macro(body).id, {"price": "$5"})
    assert answer["text"] == ("Plan        Price\n"
                              "----------  -----\n"
                              "Basic tier  $5\n"
                              "Pro         $12")


def test_values_stay_literal_in_plain_text(api_as, macro):
    api, _ = api_as("agent")
    answer = render(api, macro("Hi {{ name }}, code `{{ code }}`.").id,
                    {"name": "<b>Ana</b> & **Bo**", "code": "A<1>"})
    assert answer["text"] == "Hi <b>Ana</b> & **Bo**, code A<1>."


def test_missing_placeholders_are_listed_and_the_render_still_answers(api_as, macro):
    api, _ = api_as("agent")
    body = 'Refund of {{ refund.amount }} for {{ name | default: "you" }}'
    answer = render(api, macro(body).id, {})
    assert answer["missing"] == ["refund.amount"]
    assert answer["text"] == "Refund of {{ refund.amount }} for you"
    assert answer["markdown"] == "Refund of {{ refund.amount }} for you\n"

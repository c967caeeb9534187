"""The rendered diff shows whole blocks even when a body holds Unicode line separators."""

from __future__ import annotations

from kb.content import services as content_services
from kb.content.services import DocumentInput


def test_a_line_separator_in_the_body_does_not_shift_the_rendered_diff(client, make_document, make_user,
                                                                       login):
    editor = make_user("editor")
    document = make_document("article", state="published", author=editor,
                             body="First line\u2028still the first.\n\nSecond paragraph.\n\nThird one.")
    data = DocumentInput(title=document.latest.title, section="general/basics",
                         body="First line\u2028still the first.\n\nSecond paragraph, changed.\n\nThird one.")
    content_services.save_revision("article", document.id, data, document.latest.number, editor)
    login(editor)
    html = client.get(f"/editor/articles/{document.id}").get_data(as_text=True)
    start = html.index("data-rendered-diff>") + len("data-rendered-diff>")
    diff = html[start:html.index("</div>", start)]
    assert diff == ("<p>First line\u2028still the first.</p>\n"
                    '<p class="diff-changed">Second paragraph<ins>, changed</ins>.</p>\n'
                    "<p>Third one.</p>")

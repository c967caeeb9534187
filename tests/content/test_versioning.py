"""Every save is a kept, immutable revision; nothing is ever overwritten."""

import threading

import pytest

from kb.content import queries
from kb.content.services import DocumentInput, create_document, save_revision
from kb.errors import StaleRevisionError, ValidationError
from kb.extensions import db


def edit(document, editor, base=None, **changes):
    latest = document.latest
    data = DocumentInput(title=changes.get("title", latest.title), body=changes.get("body", latest.body),
                         tags=changes.get("tags", tuple(latest.tags)), section=changes.get("section", "general/basics"),
                         visibility=changes.get("visibility", latest.visibility))
    return save_revision(document.kind, document.id, data, base or latest.number, editor)


def test_every_save_makes_a_new_numbered_revision(make_document, make_user):
    editor = make_user("editor")
    document = make_document(body="one")
    document = edit(document, editor, body="two")
    document = edit(document, editor, body="three")
    assert [r.number for r in queries.revisions(document)] == [3, 2, 1]
    assert [r.body for r in queries.revisions(document)] == ["three\n", "two\n", "one\n"]


def test_saving_identical_content_makes_no_revision(make_document, make_user):
    document = make_document(body="same")
    document = edit(document, make_user("editor"), body="same")
    assert document.latest.number == 1


def test_old_revisions_keep_their_content_after_later_saves(make_document, make_user):
    document = make_document(title="First title", body="first body")
    edit(document, make_user("editor"), title="Second title", body="second body")
    first = queries.revision(document, 1)
    assert (first.title, first.body) == ("First title", "first body\n")


def test_saving_on_an_old_base_is_refused_and_writes_nothing(make_document, make_user):
    editor = make_user("editor")
    document = make_document(body="v1")
    document = edit(document, editor, body="v2")
    with pytest.raises(StaleRevisionError) as caught:
        edit(document, editor, base=1, body="lost?")
    assert caught.value.current_revision == 2
    db.session.expire_all()
    assert document.latest.body == "v2\n"
    assert len(queries.revisions(document)) == 2


def test_html_is_rendered_and_stored_when_saved(make_document):
    document = make_document(body="Some **bold** text")
    assert "<strong>bold</strong>" in document.latest.html


def test_editing_a_published_document_keeps_the_published_revision_live(make_document, make_user):
    document = make_document(state="published", body="live text")
    document = edit(document, make_user("editor"), body="draft text")
    assert document.published.body == "live text\n"
    assert document.latest.state == "draft"


def test_a_macro_with_a_malformed_placeholder_is_refused(make_user):
    with pytest.raises(ValidationError):
        create_document("macro", DocumentInput(title="Bad", body="Hi {{ customer.name "), make_user("agent"))


def test_slugs_are_unique_per_kind(make_user):
    agent = make_user("agent")
    first = create_document("article", DocumentInput(title="Same title", body="x"), agent)
    second = create_document("article", DocumentInput(title="Same title", body="y"), agent)
    macro = create_document("macro", DocumentInput(title="Same title", body="z"), agent)
    assert (first.slug, second.slug, macro.slug) == ("same-title", "same-title-2", "same-title")


def test_two_concurrent_saves_on_one_base_give_one_success_and_one_conflict(app, make_document, make_user):
    first_editor, second_editor = make_user("editor"), make_user("editor")
    document = make_document(body="base")
    document_id = document.id
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def save(editor_id, body):
        with app.app_context():
            editor = db.session.get(type(first_editor), editor_id)
            data = DocumentInput(title="Title", body=body, section="general/basics")
            barrier.wait()
            try:
                save_revision("article", document_id, data, 1, editor)
                outcomes.append("saved")
            except StaleRevisionError:
                outcomes.append("conflict")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=save, args=(first_editor.id, "mine")),
               threading.Thread(target=save, args=(second_editor.id, "theirs"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes) == ["conflict", "saved"]
    db.session.rollback()  # end this thread's read snapshot
    revisions = queries.revisions(db.session.get(type(document), document_id))
    assert [r.number for r in revisions] == [2, 1]
    assert revisions[0].body in ("mine\n", "theirs\n")


def test_times_with_an_offset_are_stored_as_the_same_instant(make_document):
    from datetime import datetime, timedelta, timezone

    from kb.models import Document

    document = make_document()
    two_hours_east = timezone(timedelta(hours=2))
    document.updated_at = datetime(2026, 5, 1, 12, 0, tzinfo=two_hours_east)
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(Document, document.id).updated_at
    assert stored == datetime(2026, 5, 1, 10, 0, tzinfo=timezone.utc)

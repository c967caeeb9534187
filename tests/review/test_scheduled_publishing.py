"""Scheduled publishing: due approved revisions go live via publish_due() and the CLI, once."""

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from kb.content import services
from kb.content.services import copy_input
from kb.errors import ValidationError
from kb.extensions import db
from kb.models import AuditEvent, Document
from kb.models.types import utcnow
from kb.review import services as review
from tests.support.pages import post_form, signed_in


@pytest.fixture
def scheduled(make_document, make_user):
    """An approved article scheduled a minute from now; returns (document, reviewer)."""
    reviewer = make_user("reviewer")
    document = make_document("article", state="approved", body="Scheduled words.")
    review.schedule("article", document.id, reviewer, utcnow() + timedelta(minutes=1))
    return document, reviewer


def _reload(document_id: int) -> Document:
    db.session.expire_all()
    return db.session.get(Document, document_id)


def test_nothing_goes_live_before_its_time(scheduled):
    document, _ = scheduled
    assert review.publish_due() == []
    assert _reload(document.id).published is None


def test_a_due_revision_goes_live_and_is_audited(scheduled):
    document, _ = scheduled
    published = review.publish_due(utcnow() + timedelta(minutes=2))
    assert [d.id for d in published] == [document.id]
    document = _reload(document.id)
    assert document.published.number == 1 and document.latest.state == "published"
    assert document.latest.publish_at is None
    event = db.session.execute(select(AuditEvent).where(
        AuditEvent.document_id == document.id, AuditEvent.action == "publish")).scalar_one()
    assert event.actor_id is None and "scheduled_for" in event.detail


def test_a_due_revision_goes_live_only_once(scheduled):
    later = utcnow() + timedelta(minutes=2)
    assert len(review.publish_due(later)) == 1
    assert review.publish_due(later) == []


def test_the_cli_publishes_due_revisions(scheduled, runner):
    document, _ = scheduled
    db.session.execute(db.update(type(document.latest)).where(type(document.latest).id == document.latest.id)
                       .values(publish_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    result = runner.invoke(args=["publish-scheduled"])
    assert result.exit_code == 0, result.output
    assert "published 1 scheduled document(s)" in result.output
    assert _reload(document.id).published is not None
    assert db.session.scalar(select(db.func.count()).select_from(AuditEvent).where(
        AuditEvent.document_id == document.id, AuditEvent.action == "publish")) == 1


def test_editing_before_the_time_cancels_the_schedule(scheduled, make_user):
    document, _ = scheduled
    services.save_revision("article", document.id, replace(copy_input(document.latest), body="Edited."), 1,
                           make_user("editor"))
    assert review.publish_due(utcnow() + timedelta(minutes=2)) == []
    document = _reload(document.id)
    assert document.published is None and document.latest.state == "draft"


def test_clearing_the_schedule_keeps_it_from_going_live(scheduled):
    document, reviewer = scheduled
    review.schedule("article", document.id, reviewer, None)
    assert review.publish_due(utcnow() + timedelta(minutes=2)) == []
    assert _reload(document.id).published is None


def test_a_time_with_an_offset_is_stored_as_utc(make_document, make_user):
    reviewer = make_user("reviewer")
    document = make_document("article", state="approved")
    when = datetime.now(timezone(timedelta(hours=5))) + timedelta(hours=1)
    review.schedule("article", document.id, reviewer, when)
    assert _reload(document.id).latest.publish_at == when  # the same instant, kept in UTC
    assert review.publish_due(utcnow() + timedelta(minutes=30)) == []


def test_a_past_time_is_refused(make_document, make_user):
    document = make_document("article", state="approved")
    with pytest.raises(ValidationError):
        review.schedule("article", document.id, make_user("reviewer"), utcnow() - timedelta(minutes=1))


def test_the_review_screen_schedules_in_utc(app, make_document, make_user):
    document = make_document("article", state="approved")
    client = signed_in(app, make_user("reviewer"))
    when = (utcnow() + timedelta(days=2)).replace(second=0, microsecond=0)
    response = post_form(client, f"/editor/articles/{document.id}/schedule",
                         {"publish_at": when.strftime("%Y-%m-%dT%H:%M")})
    assert response.status_code == 303
    assert _reload(document.id).latest.publish_at == when
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Goes live <time" in page and when.strftime("%Y-%m-%d %H:%M") in page


def test_an_editor_cannot_schedule(app, make_document, make_user):
    document = make_document("article", state="approved")
    client = signed_in(app, make_user("editor"))
    response = post_form(client, f"/editor/articles/{document.id}/schedule", {"publish_at": "2099-01-01T09:00"})
    assert "Not allowed" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert _reload(document.id).latest.publish_at is None

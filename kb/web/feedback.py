"""“Was this helpful?”: one vote per reader per article, with an optional comment.

A reader is identified by a random id kept in their signed session cookie; only a hash of it
is stored, so a vote can be updated by the same browser but never traced back to a person
or an address.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select

from kb import validation
from kb.database import transaction
from kb.errors import ValidationError
from kb.extensions import db
from kb.models import Document, Feedback, Revision
from kb.models.types import utcnow

#: The longest comment kept; a longer one is refused rather than silently cut.
MAX_COMMENT = 2000
#: The session key holding the reader's random id.
SESSION_KEY = "kb_reader"
#: Latest comments shown to staff on an article page.
RECENT_COMMENTS = 5


@dataclass(frozen=True)
class Summary:
    """What staff see under an article: the tally and the latest comments."""

    yes: int
    no: int
    comments: list[Feedback]
    last_at: datetime | None

    @property
    def total(self) -> int:
        return self.yes + self.no

    @property
    def helpful_percent(self) -> int | None:
        return round(100 * self.yes / self.total) if self.total else None


def new_reader_id() -> str:
    return secrets.token_urlsafe(18)


def voter_key(reader_id: str) -> str:
    """The stored form of a reader id: a SHA-256 hex digest, never the id itself."""
    return hashlib.sha256(f"kb-feedback:{reader_id}".encode()).hexdigest()


def parse_helpful(value: str | None) -> bool:
    """:raises ValidationError: the answer is neither yes nor no."""
    answer = (value or "").strip().lower()
    if answer not in {"yes", "no"}:
        raise ValidationError("choose Yes or No", field="helpful")
    return answer == "yes"


def clean_comment(text: str | None) -> str:
    """:raises ValidationError: the comment is longer than :data:`MAX_COMMENT` characters."""
    comment = validation.text(text, "comment").strip()
    if len(comment) > MAX_COMMENT:
        raise ValidationError(f"keep the comment under {MAX_COMMENT} characters "
                              f"(it has {len(comment)})", field="comment")
    return comment


def record_vote(document: Document, revision: Revision, voter: str, helpful: bool,
                comment: str | None = None) -> Feedback:
    """Store the reader's vote on an article; a second vote replaces the first.

    ``comment=None`` (the Yes/No buttons send none) keeps any earlier comment, so changing
    "No" to "Yes" does not throw away what the reader wrote; an empty string clears it.

    :param voter: the hashed reader id from :func:`voter_key`.
    :raises ValidationError: the comment is too long.
    """
    cleaned = None if comment is None else clean_comment(comment)
    with transaction():
        vote = db.session.execute(
            select(Feedback).where(Feedback.document_id == document.id, Feedback.voter == voter)
        ).scalar_one_or_none()
        if vote is None:
            vote = Feedback(document_id=document.id, voter=voter, comment="")
            db.session.add(vote)
        vote.helpful = helpful
        vote.revision_id = revision.id
        if cleaned is not None:
            vote.comment = cleaned
        # ``created_at`` is when the reader last answered; article pages use it for Last-Modified.
        vote.created_at = utcnow()
    return vote


def reader_vote(document: Document, voter: str | None) -> Feedback | None:
    if not voter:
        return None
    return db.session.execute(
        select(Feedback).where(Feedback.document_id == document.id, Feedback.voter == voter)
    ).scalar_one_or_none()


def summary(document: Document) -> Summary:
    """The tally and the latest comments for one article (shown to staff only)."""
    yes, no, last_at = db.session.execute(
        select(func.coalesce(func.sum(case((Feedback.helpful.is_(True), 1), else_=0)), 0),
               func.coalesce(func.sum(case((Feedback.helpful.is_(True), 0), else_=1)), 0),
               func.max(Feedback.created_at))
        .where(Feedback.document_id == document.id)
    ).one()
    comments = list(db.session.execute(
        select(Feedback).where(Feedback.document_id == document.id, Feedback.comment != "")
        .order_by(Feedback.created_at.desc(), Feedback.id.desc()).limit(RECENT_COMMENTS)
    ).scalars())
    return Summary(int(yes), int(no), comments, last_at)


def helpful_counts() -> dict[int, int]:
    """"Yes" votes per document, to put the most helpful articles first on the home page."""
    rows = db.session.execute(
        select(Feedback.document_id, func.count())
        .where(Feedback.helpful.is_(True)).group_by(Feedback.document_id)
    ).all()
    return {document_id: count for document_id, count in rows}

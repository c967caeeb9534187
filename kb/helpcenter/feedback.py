"""“Was this helpful?”: one vote per reader per article, with an optional comment.

A reader is a signed-in account, else the random id in a signed, long-lived cookie. A client
that sends no such cookie (a script, a browser that drops cookies, a fresh private window) is
one reader per address per day, so emptying the cookie jar does not buy another vote. Only a
hash of the reader id is stored, so a vote can be updated by the same reader but never traced
back to a person or an address.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import date, datetime

from itsdangerous import BadSignature, URLSafeSerializer

from sqlalchemy import case, func, select

from kb import tallies, validation
from kb.database import transaction
from kb.errors import ValidationError
from kb.extensions import db
from kb.models import Document, Feedback, FeedbackDaily, FeedbackMonthly, Revision
from kb.models.types import utcnow

#: The longest comment kept; a longer one is refused rather than silently cut.
MAX_COMMENT = 2000
#: The cookie holding the reader's signed random id, and how long it lasts.
VOTER_COOKIE = "kb_voter"
VOTER_COOKIE_MAX_AGE = 365 * 24 * 3600
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


def account_reader_id(user_id: int) -> str:
    return f"user:{user_id}"


def daily_reader_id(secret_key: str, client: str, day: date) -> str:
    """The reader id of a client without a voter cookie: one per address per day, keyed with
    the instance's secret so the address cannot be read back from it."""
    mac = hmac.new(secret_key.encode(), f"kb-voter-day:{day.isoformat()}:{client}".encode(),
                   hashlib.sha256)
    return "day:" + mac.hexdigest()[:32]


def _serializer(secret_key: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret_key, salt="kb-voter")


def sign_reader_id(secret_key: str, reader_id: str) -> str:
    """The voter cookie's value: the id, signed so a reader cannot pick someone else's."""
    return _serializer(secret_key).dumps(reader_id)


def reader_id_from_cookie(secret_key: str, value: str | None) -> str | None:
    """The id in a voter cookie, or None when it is missing or its signature does not hold."""
    if not value:
        return None
    try:
        reader_id = _serializer(secret_key).loads(value)
    except BadSignature:
        return None
    return reader_id if isinstance(reader_id, str) and reader_id else None


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
        counted = []
        if vote is None:
            vote = Feedback(document_id=document.id, voter=voter, comment="")
            db.session.add(vote)
        else:
            counted.append(_tally(vote, -1))
        vote.helpful = helpful
        vote.revision_id = revision.id
        if cleaned is not None:
            vote.comment = cleaned
        # ``created_at`` is when the reader last answered; article pages use it for Last-Modified.
        vote.created_at = utcnow()
        # The insights' vote counters: the vote leaves its old day and counts on today's.
        tallies.add(db.session.connection(), FeedbackDaily.__table__, FeedbackMonthly.__table__,
                    [*counted, _tally(vote, 1)])
    return vote


def _tally(vote: Feedback, sign: int) -> dict:
    return {"day": vote.created_at.date(), "document_id": vote.document_id,
            "helpful": sign if vote.helpful else 0, "not_helpful": 0 if vote.helpful else sign,
            "comments": sign if vote.comment else 0}


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

"""The weekly digest for reviewers: the week's top zero-result queries, the least helpful
articles and the content due for review. ``kb report weekly`` prints it, and with
``KB_SMTP_URL`` set also e-mails it to every active reviewer and admin."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from kb import mail
from kb.extensions import db
from kb.insights import articles, health, searches
from kb.insights.ranges import DateRange, today
from kb.models import Role, User

#: Rows in each part of the digest.
ROWS = 10


@dataclass
class Digest:
    range: DateRange
    zero_results: list[searches.QueryRow]
    least_helpful: list[articles.ArticleRow]
    review_due: list[health.Due]

    @property
    def subject(self) -> str:
        return f"kb weekly digest, {self.range.start.isoformat()} to {self.range.end.isoformat()}"

    def text(self) -> str:
        lines = [self.subject, ""]
        lines.append("Top searches that found nothing:")
        lines += [f"  {r.zero_results:>5}  {r.query}" for r in self.zero_results] or ["  none"]
        lines += ["", "Least helpful articles (helpful votes / all votes):"]
        lines += [f"  {r.helpful:>3}/{r.votes:<3}  {r.title}  (/articles/{r.slug})"
                  for r in self.least_helpful] or ["  none with enough votes"]
        lines += ["", "Due for review:"]
        lines += [f"  {d.review_by.isoformat()}  {d.kind}  {d.title}" for d in self.review_due] or [
            "  nothing"]
        return "\n".join(lines) + "\n"


def weekly(until: date | None = None) -> Digest:
    """The digest of the seven days up to ``until`` (yesterday by default: a whole week)."""
    last = until or today() - timedelta(days=1)
    span = DateRange(last - timedelta(days=6), last)
    found = articles.report(span)
    return Digest(span, searches.report(span, limit=ROWS).zero_results,
                  articles.least_helpful(found.rows, ROWS), health.review_due(today(), ROWS))


def recipients() -> list[str]:
    """Every active reviewer and admin."""
    return list(db.session.scalars(
        select(User.email).where(User.role_name.in_([r.label for r in Role if r >= Role.REVIEWER]),
                                 User.active.is_(True))
        .order_by(User.email)))


def send(digest: Digest, to: list[str]) -> int:
    """E-mail the digest to ``to`` (one message) through :mod:`kb.mail`; answers how many it
    went to.

    :raises kb.mail.MailError: no mail configured, or the server could not take it.
    """
    if not to:
        return 0
    mail.send(to, digest.subject, digest.text())
    return len(to)

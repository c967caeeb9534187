"""Contact requests: the public form's use cases, under the help-center pages and above the
search, media and mail they use.

- :mod:`~kb.contact.requests` checks and stores a request (first, before any hand-over), and
  reads them back for staff;
- :mod:`~kb.contact.handover` delivers each stored request through the configured channels
  (a signed webhook, e-mail to support and a confirmation to the person) from a durable
  outbox, retried with backoff;
- :mod:`~kb.contact.tracking` the form sessions behind the deflection numbers: started, an
  article opened from the suggestions, sent.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Deliver what is due with the job that publishes scheduled revisions (every worker's
    scheduler thread and ``kb publish-scheduled``)."""
    from kb.contact import handover
    from kb.review.scheduler import register_job

    register_job(app, "contact", handover.deliver_due)

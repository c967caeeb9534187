"""Scheduled publishing inside the running server."""

from __future__ import annotations

import logging
import random
import threading
import time

from flask import Flask

log = logging.getLogger(__name__)


def start_scheduler(app: Flask, interval: float = 30.0) -> threading.Thread:
    """Publish due revisions every ``interval`` seconds. Every worker may run it: publishing
    re-checks the revision under a row lock, so a revision goes live exactly once."""

    def run() -> None:
        from kb.extensions import db
        from kb.review.services import publish_due

        time.sleep(random.uniform(0, interval))
        while True:
            try:
                with app.app_context():
                    for document in publish_due():
                        log.info("published %s %s on schedule", document.kind, document.slug)
                    db.session.remove()
            except Exception:
                log.exception("scheduled publishing failed; retrying")
            time.sleep(interval)

    thread = threading.Thread(target=run, name="kb-scheduler", daemon=True)
    thread.start()
    return thread

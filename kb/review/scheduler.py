"""Scheduled publishing inside the running server, and the jobs that ride along with it.

Other parts of kb (the insights roll-up and retention) add their periodic work with
:func:`register_job`, so this module runs them without importing them: the domain below
review never learns about what sits beside it.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable

from flask import Flask

log = logging.getLogger(__name__)

#: Where the registered jobs live in ``app.extensions``.
JOBS = "kb.scheduled_jobs"


def register_job(app: Flask, name: str, job: Callable[[], object]) -> None:
    """Run ``job`` (inside an app context) each time scheduled revisions are published."""
    app.extensions.setdefault(JOBS, {})[name] = job


def run_due(app: Flask) -> dict[str, object]:
    """Publish due revisions, then run every registered job; answers each one's result by name
    (``"publish"``: the documents published). A failing job is logged and the others still run."""
    from kb.review.services import publish_due

    results: dict[str, object] = {"publish": publish_due()}
    for name, job in app.extensions.get(JOBS, {}).items():
        try:
            results[name] = job()
        except Exception:
            log.exception("scheduled job %s failed; it runs again next time", name)
            results[name] = None
    return results


def start_scheduler(app: Flask, interval: float = 30.0) -> threading.Thread:
    """Publish due revisions every ``interval`` seconds. Every worker may run it: publishing
    re-checks the revision under a row lock, so a revision goes live exactly once."""

    def run() -> None:
        from kb.extensions import db

        time.sleep(random.uniform(0, interval))
        while True:
            try:
                with app.app_context():
                    for document in run_due(app)["publish"]:
                        log.info("published %s %s on schedule", document.kind, document.slug)
                    db.session.remove()
            except Exception:
                log.exception("scheduled publishing failed; retrying")
            time.sleep(interval)

    thread = threading.Thread(target=run, name="kb-scheduler", daemon=True)
    thread.start()
    return thread

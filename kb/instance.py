"""An instance's life: its schema, its one first set-up, and whether it holds anything.

``kb serve`` calls :func:`first_run_setup` every time it starts. The set-up proper (sample
content) happens once per *database*, recorded in the database itself (:mod:`kb.settings`):
a database that was ever set up, or that holds any document, is never seeded again, so a
restored or emptied instance keeps its own text. The admin account is made whenever nobody
can sign in, so a new instance can always be reached.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from sqlalchemy import func, inspect, select

from kb import settings
from kb.database import exclusive_setup
from kb.extensions import db
from kb.models import Document, User
from kb.models.types import utcnow

#: Set when the first set-up ran; its value is when.
SET_UP_KEY = "instance.set_up_at"
ADMIN_EMAIL = "admin@kb.local"


@dataclass
class SetupReport:
    """What a start did, for the command to print."""

    #: The import summary when the sample content was loaded now.
    samples: str | None = None
    #: Why the samples were not loaded on a first set-up (``None`` when they were, or when
    #: this was not a first set-up).
    samples_skipped: str | None = None
    #: Set when an admin account was created now; shown once, never stored in clear.
    admin_email: str | None = None
    admin_password: str | None = None
    #: Why the search index could not catch up at start (the server starts anyway).
    index_warning: str | None = None


def upgrade_schema() -> None:
    """Create or upgrade the schema through the migrations."""
    from flask_migrate import upgrade

    upgrade(directory=current_app.extensions["migrate"].directory)


def schema_exists() -> bool:
    return inspect(db.engine).has_table("documents")


def was_set_up() -> bool:
    return settings.get(SET_UP_KEY) is not None


def document_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Document)) or 0


def people_count() -> int:
    """Accounts a person can use (the system account that imports act as is not one)."""
    from kb.auth.services import SYSTEM_EMAIL

    return db.session.scalar(select(func.count()).select_from(User)
                             .where(User.email != SYSTEM_EMAIL)) or 0


def first_run_setup(samples: bool | None = None) -> SetupReport:
    """Bring the schema up to date; on a database never set up, import the sample content
    (unless ``samples`` is false, default the ``SAMPLES`` setting) and record the set-up;
    create an admin when nobody can sign in. Then bring the search index up to date.

    Several servers starting at once do this one after the other (:func:`exclusive_setup`).
    """
    from kb.search import indexer

    if samples is None:
        samples = bool(current_app.config.get("SAMPLES", True))
    with exclusive_setup():
        upgrade_schema()
        report = SetupReport()
        if not was_set_up():
            _first_set_up(samples, report)
        if not people_count():
            _create_admin(report)
    try:
        indexer.catch_up()
    except Exception as exc:  # the index is a cache: serve anyway, the followers retry
        current_app.logger.exception("search index catch-up failed at start-up")
        report.index_warning = (f"the search index could not catch up ({exc.__class__.__name__}); "
                                "search may lag until it does")
    return report


def _first_set_up(samples: bool, report: SetupReport) -> None:
    from kb.auth.services import system_user
    from kb.transfer import import_paths

    if document_count():
        report.samples_skipped = "the database already holds content"
    elif not samples:
        report.samples_skipped = "samples are switched off"
    else:
        folders = _sample_folders()
        if not folders:
            # Not recorded as set up: once the installation is whole, the next start seeds.
            report.samples_skipped = (f"no sample content found in "
                                      f"{current_app.config['CONTENT_DIR']} "
                                      "(is this installation complete?)")
            return
        report.samples = import_paths(folders, system_user()).summary()
    settings.put(SET_UP_KEY, utcnow().isoformat(timespec="seconds"))


def _sample_folders() -> list[Path]:
    content = Path(current_app.config["CONTENT_DIR"])
    return [content / name for name in ("articles", "macros") if (content / name).is_dir()]


def _create_admin(report: SetupReport) -> None:
    from kb.auth.services import create_user

    password = secrets.token_urlsafe(12)
    create_user(ADMIN_EMAIL, "admin", password, "Admin")
    report.admin_email, report.admin_password = ADMIN_EMAIL, password

"""Fixtures for installs, first runs and backups: apps on databases with no schema yet, as after
a clean install."""

from __future__ import annotations

from contextlib import ExitStack

import pytest

from kb import create_app
from kb.extensions import db
from tests.support import empty_database


@pytest.fixture
def new_instance(tmp_path):
    """``new_instance()`` -> an app whose database has no schema, as after a clean install;
    ``new_instance(**env)`` first sets those environment variables (``KB_SAMPLES="0"``)."""
    apps = []

    def make(**env):
        url = stack.enter_context(empty_database(tmp_path))
        with pytest.MonkeyPatch.context() as patch:
            for key, value in env.items():
                patch.setenv(key, value)
            app = create_app({"TESTING": True, "INSTANCE": str(tmp_path / f"instance-{len(apps)}"),
                              "SERVER_NAME": "kb.test", "DATABASE_URL": url,
                              "SQLALCHEMY_DATABASE_URI": url,
                              "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000"})
        apps.append(app)
        return app

    with ExitStack() as stack:
        yield make
        for app in apps:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()

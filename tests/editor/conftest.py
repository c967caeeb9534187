"""Fixtures for the content list tests."""

import pytest
from flask import g


@pytest.fixture(autouse=True)
def fresh_csrf_token_per_request(app):
    # One app context (one ``g``) serves several signed-in clients here; Flask-WTF caches the
    # CSRF token in ``g``, which would hand one client's token to another.
    @app.before_request
    def forget_the_previous_requests_token():
        g.pop("csrf_token", None)

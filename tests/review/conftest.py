"""Fixtures for the editorial page tests."""

import pytest
from flask import g


@pytest.fixture(autouse=True)
def fresh_csrf_token_per_request(app):
    # The tests keep one app context (one ``g``) across requests and use several signed-in
    # clients; Flask-WTF caches the CSRF token in ``g``, which would hand one client's token
    # to another. In production every request has its own ``g``.
    @app.before_request
    def forget_the_previous_requests_token():
        g.pop("csrf_token", None)

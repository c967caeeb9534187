"""Fixtures: an app per test on SQLite (default) or PostgreSQL (``KB_TEST_DATABASE_URL``).

The app, its database and its search index are real; nothing is mocked. Factory fixtures
build on each other: ``make_user`` -> ``make_document`` (in any workflow state).
"""

from __future__ import annotations

from contextlib import ExitStack

import pytest

from kb import create_app
from kb.auth import services as auth_services
from kb.content import services as content_services
from kb.content.services import DocumentInput
from kb.extensions import db
from kb.review import services as review_services
from tests.support import Api, RequestPerContextClient, counter, csrf_token, empty_database, make_app

_counter = counter


@pytest.fixture
def app_config() -> dict:
    """Settings over the test defaults; a test module overrides this fixture to change them."""
    return {}


@pytest.fixture
def app(tmp_path, app_config):
    """The app under test, with its app context pushed for the test's own service calls and
    database reads; the test client runs each request in a context of its own."""
    app = make_app(tmp_path, **app_config)
    app.test_client_class = RequestPerContextClient
    ctx = app.app_context()
    ctx.push()
    yield app
    db.session.remove()
    ctx.pop()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_user(app):
    """``make_user("editor")`` -> a User with password ``password123``."""

    def make(role: str = "agent", name: str | None = None):
        n = next(_counter)
        return auth_services.create_user(f"{role}{n}@example.com", role, "password123", name or f"{role.title()} {n}")

    return make


@pytest.fixture
def token_for(app):
    def make(user) -> str:
        return auth_services.create_token(user, "tests")

    return make


@pytest.fixture
def api_as(client, make_user, token_for):
    """``api_as("editor")`` -> (Api, user); ``api_as(None)`` -> anonymous Api."""

    def make(role: str | None = "agent", user=None):
        if role is None and user is None:
            return Api(client, None), None
        user = user or make_user(role)
        return Api(client, token_for(user)), user

    return make


@pytest.fixture
def make_document(app, make_user):
    """``make_document("article", state="published", title=…, body=…, visibility=…)``.

    Walks the real workflow to reach ``state`` (author and reviewer are separate people).
    """
    people: dict[str, object] = {}

    def person(role):
        if role not in people:
            people[role] = make_user(role)
        return people[role]

    def make(kind: str = "article", state: str = "draft", title: str | None = None, body: str = "Body text.",
             author=None, **fields):
        n = next(_counter)
        author = author or person("editor")
        data = DocumentInput(title=title or f"{kind.title()} {n}", body=body,
                             section=fields.pop("section", "general/basics" if kind == "article" else None),
                             **fields)
        document = content_services.create_document(kind, data, author, create_sections=True)
        reviewer = person("reviewer")
        steps = {
            "draft": [],
            "in_review": ["submit"],
            "changes_requested": ["submit", "request_changes"],
            "approved": ["submit", "approve"],
            "published": ["submit", "approve", "publish"],
            "archived": ["submit", "approve", "publish", "archive"],
        }[state]
        for step in steps:
            if step == "submit":
                review_services.submit(kind, document.id, author)
            elif step == "request_changes":
                review_services.request_changes(kind, document.id, reviewer, "Please fix.")
            elif step == "approve":
                review_services.approve(kind, document.id, reviewer)
            else:
                getattr(review_services, step)(kind, document.id, reviewer)
        return db.session.get(type(document), document.id)

    return make


@pytest.fixture
def login(client):
    """Sign a user in through the real login form."""

    def do(user, password: str = "password123"):
        response = client.post("/login", data={"email": user.email, "password": password,
                                               "csrf_token": csrf_token(client)})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return user

    return do


@pytest.fixture
def new_instance(tmp_path):
    """``new_instance()`` -> an app whose database has no schema, as after a clean install;
    ``new_instance(url)`` -> another app on that same database; ``new_instance(**env)`` first
    sets those environment variables (``KB_SAMPLES="0"``)."""
    apps = []

    def make(url: str | None = None, **env):
        url = url or stack.enter_context(empty_database(tmp_path))
        with pytest.MonkeyPatch.context() as patch:
            for key, value in env.items():
                patch.setenv(key, value)
            app = create_app({"TESTING": True, "INSTANCE": str(tmp_path / f"fresh-{len(apps)}"),
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

"""The kb command."""

import os
import subprocess
import sys
import threading
from contextlib import ExitStack

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from kb import create_app
from kb.auth.services import authenticate, user_for_token
from kb.cli import first_run_setup
from kb.extensions import db
from kb.models import Document, User
from tests.support import empty_database


def test_users_create_takes_the_password_from_the_environment(runner, app, monkeypatch):
    monkeypatch.setenv("KB_PASSWORD", "correct horse")
    result = runner.invoke(args=["users", "create", "Ana@Example.com", "--role", "editor", "--name", "Ana"])
    assert result.exit_code == 0, result.output
    user = authenticate("ana@example.com", "correct horse")
    assert user is not None and user.role_name == "editor" and user.name == "Ana"


def test_users_create_refuses_an_unknown_role(runner, monkeypatch):
    monkeypatch.setenv("KB_PASSWORD", "correct horse")
    result = runner.invoke(args=["users", "create", "a@example.com", "--role", "boss"])
    assert result.exit_code != 0 and "boss" in result.output


def test_users_create_refuses_a_duplicate_email(runner, monkeypatch):
    monkeypatch.setenv("KB_PASSWORD", "correct horse")
    runner.invoke(args=["users", "create", "a@example.com", "--role", "agent"])
    result = runner.invoke(args=["users", "create", "a@example.com", "--role", "agent"])
    assert result.exit_code == 1 and "exists already" in result.output


def test_tokens_create_prints_a_working_token_last(runner, make_user):
    user = make_user("agent")
    result = runner.invoke(args=["tokens", "create", user.email])
    assert result.exit_code == 0
    token = result.output.strip().splitlines()[-1]
    assert user_for_token(token).id == user.id


def test_tokens_create_for_an_unknown_user_is_a_readable_error(runner):
    result = runner.invoke(args=["tokens", "create", "ghost@example.com"])
    assert result.exit_code == 1 and "no user with e-mail" in result.output


def test_init_builds_the_schema_through_migrations_and_is_harmless_twice(app_on_an_empty_database):
    app = app_on_an_empty_database()
    runner = app.test_cli_runner()
    assert runner.invoke(args=["init"]).exit_code == 0
    assert runner.invoke(args=["init"]).exit_code == 0
    with app.app_context():
        tables = set(inspect(db.engine).get_table_names())
        assert set(db.metadata.tables) <= tables


def test_migrations_match_the_models(app_on_an_empty_database):
    app = app_on_an_empty_database()
    assert app.test_cli_runner().invoke(args=["init"]).exit_code == 0
    with app.app_context(), db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert differences == []


def test_commands_on_a_database_without_schema_say_to_run_init(app_on_an_empty_database):
    app = app_on_an_empty_database()
    result = app.test_cli_runner().invoke(args=["tokens", "create", "a@example.com"])
    assert result.exit_code == 1 and "kb init" in result.output


def test_servers_started_together_on_an_empty_database_set_it_up_once(app_on_an_empty_database):
    first = app_on_an_empty_database()
    second = app_on_an_empty_database(first.config["DATABASE_URL"])
    errors = []

    def start(app):
        with app.app_context():
            try:
                first_run_setup()
            except Exception as error:  # noqa: BLE001 - reported by the assertion below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=start, args=(app,)) for app in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    with first.app_context():
        admins = db.session.scalars(db.select(User).where(User.email == "admin@kb.local")).all()
        assert len(admins) == 1
        assert db.session.scalar(db.select(db.func.count()).select_from(Document)) > 30


@pytest.mark.slow
def test_init_run_by_several_processes_at_once_succeeds_in_each(app_on_an_empty_database, tmp_path):
    url = app_on_an_empty_database().config["DATABASE_URL"]
    env = {**os.environ, "KB_DATABASE_URL": url, "KB_INSTANCE": str(tmp_path / "instance")}
    runs = [subprocess.Popen([sys.executable, "-c", "from kb.cli import main; main()", "init"], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for _ in range(3)]
    outputs = [run.communicate(timeout=120)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0], outputs


@pytest.fixture
def app_on_an_empty_database(tmp_path):
    """``app_on_an_empty_database()`` -> an app whose database has no schema yet;
    ``app_on_an_empty_database(url)`` -> another app on that same database."""
    apps = []

    def make(url: str | None = None):
        url = url or stack.enter_context(empty_database(tmp_path))
        app = create_app({"TESTING": True, "INSTANCE": str(tmp_path / f"fresh-{len(apps)}"),
                          "SERVER_NAME": "kb.test", "DATABASE_URL": url, "SQLALCHEMY_DATABASE_URI": url})
        apps.append(app)
        return app

    with ExitStack() as stack:
        yield make
        for app in apps:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()

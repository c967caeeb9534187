"""The kb command."""

import os
import subprocess
import sys
import threading

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from kb.auth.services import authenticate, user_for_token
from kb.cli import first_run_setup
from kb.extensions import db
from kb.models import Document, User


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


def test_init_builds_the_schema_through_migrations_and_is_harmless_twice(new_instance):
    app = new_instance()
    runner = app.test_cli_runner()
    assert runner.invoke(args=["init"]).exit_code == 0
    assert runner.invoke(args=["init"]).exit_code == 0
    with app.app_context():
        tables = set(inspect(db.engine).get_table_names())
        assert set(db.metadata.tables) <= tables


def test_migrations_match_the_models(new_instance):
    app = new_instance()
    assert app.test_cli_runner().invoke(args=["init"]).exit_code == 0
    with app.app_context(), db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert differences == []


def test_commands_on_a_database_without_schema_say_to_run_init(new_instance):
    app = new_instance()
    result = app.test_cli_runner().invoke(args=["tokens", "create", "a@example.com"])
    assert result.exit_code == 1 and "kb init" in result.output


def test_servers_started_together_on_an_empty_database_set_it_up_once(new_instance):
    first = new_instance()
    second = new_instance(first.config["DATABASE_URL"])
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
def test_init_run_by_several_processes_at_once_succeeds_in_each(new_instance, tmp_path):
    url = new_instance().config["DATABASE_URL"]
    env = {**os.environ, "KB_DATABASE_URL": url, "KB_INSTANCE": str(tmp_path / "instance")}
    runs = [subprocess.Popen([sys.executable, "-c", "from kb.cli import main; main()", "init"], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) for _ in range(3)]
    outputs = [run.communicate(timeout=120)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0], outputs

"""The kb command."""

import pytest

from kb.auth.services import authenticate, user_for_token


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


def test_init_builds_the_schema_through_migrations_and_is_harmless_twice(tmp_path):
    from sqlalchemy import inspect

    from kb import create_app
    from kb.extensions import db
    from tests.support import on_postgres

    if on_postgres():
        pytest.skip("migrations are checked on a fresh SQLite file; PostgreSQL runs the same scripts in CI's init step")
    app = create_app({"TESTING": True, "INSTANCE": str(tmp_path / "fresh"), "SERVER_NAME": "kb.test"})
    runner = app.test_cli_runner()
    assert runner.invoke(args=["init"]).exit_code == 0
    assert runner.invoke(args=["init"]).exit_code == 0
    with app.app_context():
        tables = set(inspect(db.engine).get_table_names())
        assert set(db.metadata.tables) <= tables


def test_migrations_match_the_models(tmp_path):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from kb import create_app
    from kb.extensions import db
    from tests.support import on_postgres

    if on_postgres():
        pytest.skip("checked on SQLite")
    app = create_app({"TESTING": True, "INSTANCE": str(tmp_path / "fresh"), "SERVER_NAME": "kb.test"})
    app.test_cli_runner().invoke(args=["init"])
    with app.app_context(), db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert differences == []


def test_commands_on_a_database_without_schema_say_to_run_init(tmp_path):
    from kb import create_app
    from tests.support import on_postgres

    if on_postgres():
        pytest.skip("needs an empty database")
    app = create_app({"TESTING": True, "INSTANCE": str(tmp_path / "empty"), "SERVER_NAME": "kb.test"})
    result = app.test_cli_runner().invoke(args=["tokens", "create", "a@example.com"])
    assert result.exit_code == 1 and "kb init" in result.output

"""Guessing passwords stops paying off: failed sign-ins are limited per account and per client."""

from __future__ import annotations

import uuid

import pytest
import redis

from kb.auth import services as auth_services
from kb.errors import ValidationError
from tests.support import REQUIRE_REDIS, another_app, csrf_token


def sign_in(client, email, password, address="10.0.0.1"):
    return client.post("/login", data={"email": email, "password": password,
                                       "csrf_token": csrf_token(client)},
                       environ_base={"REMOTE_ADDR": address})


def test_after_five_wrong_passwords_even_the_right_one_waits(client, make_user):
    user = make_user("editor")
    answers = [sign_in(client, user.email, f"wrong-{n}").status_code for n in range(5)]
    assert answers == [401] * 5

    refused = sign_in(client, user.email, "password123")
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) >= 1
    assert "wait" in refused.get_data(as_text=True)


def test_the_account_limit_holds_across_client_addresses(app, make_user):
    user = make_user("editor")
    for n in range(5):
        assert sign_in(app.test_client(), user.email, "wrong", address=f"10.0.1.{n}").status_code == 401
    assert sign_in(app.test_client(), user.email, "password123", address="10.0.2.1").status_code == 429


def test_one_client_guessing_many_accounts_is_limited_too(app, client, make_user):
    accounts = [make_user("agent") for _ in range(21)]
    answers = [sign_in(client, a.email, "wrong").status_code for a in accounts]
    assert answers[:20] == [401] * 20
    assert answers[20] == 429


def test_successful_sign_ins_cost_nothing(app, make_user):
    user = make_user("editor")
    for _ in range(8):
        assert sign_in(app.test_client(), user.email, "password123").status_code == 302


def test_another_account_is_not_locked_by_guesses_at_one(app, client, make_user):
    victim, other = make_user("editor"), make_user("editor")
    for _ in range(6):
        sign_in(client, victim.email, "wrong")
    assert sign_in(app.test_client(), other.email, "password123", address="10.9.9.9").status_code == 302


@pytest.fixture
def shared_storage():
    url = "redis://127.0.0.1:6379/0"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.ConnectionError:
        missing = "Redis is not running at 127.0.0.1:6379 (start it to run this test)"
        if REQUIRE_REDIS:
            pytest.fail(missing)
        pytest.skip(missing)
    return url


def _add_account(worker, email):
    with worker.app_context():  # on SQLite each has a database of its own; on PostgreSQL they share one
        try:
            auth_services.create_user(email, "editor", "password123")
        except ValidationError:
            pass


def test_limits_hold_across_workers_with_a_shared_store(tmp_path, shared_storage):
    # The store outlives the test run: a fresh account and address keep runs apart.
    email, address = f"{uuid.uuid4().hex}@example.com", f"10.{uuid.uuid4().int % 250}.7.7"
    # A new app stands for another worker process: it starts with storage of its own.
    with another_app(tmp_path, RATE_LIMIT_STORAGE=shared_storage) as first:
        _add_account(first, email)
        with first.app_context():
            browser = first.test_client()
            answers = [sign_in(browser, email, "wrong", address).status_code for _ in range(5)]
    with another_app(tmp_path, RATE_LIMIT_STORAGE=shared_storage) as second:
        _add_account(second, email)
        with second.app_context():
            answers.append(sign_in(second.test_client(), email, "password123", address).status_code)
    assert answers == [401] * 5 + [429]

"""Anonymous API searches are limited per client; signed-in agents typing away are not."""

from __future__ import annotations


def test_anonymous_api_search_is_limited_per_client(app, api_as):
    app.config["RATE_LIMIT_PER_MINUTE"] = 3
    api, _ = api_as(None)
    statuses = [api.get("/search?q=payouts").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = api.get("/search?q=payouts")
    assert refused.get_json()["error"]["code"] == "too_many_requests"
    assert int(refused.headers["Retry-After"]) >= 1


def test_agents_searching_as_they_type_are_not_limited(app, api_as):
    app.config["RATE_LIMIT_PER_MINUTE"] = 3
    api, _ = api_as("agent")
    assert {api.get(f"/search?q={'refund'[:n]}").status_code for n in range(1, 7)} == {200}


def test_a_limit_of_zero_turns_limiting_off(app, api_as):
    app.config["RATE_LIMIT_PER_MINUTE"] = 0
    api, _ = api_as(None)
    assert {api.get("/search?q=payouts").status_code for _ in range(5)} == {200}

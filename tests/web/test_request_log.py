"""Every request leaves one log line: method, path, status, duration and the role it was
answered for."""

import logging
import re


def test_a_page_request_is_logged_with_its_status_and_role(client, caplog):
    with caplog.at_level(logging.INFO, logger="kb.request"):
        client.get("/no-such-page")
    lines = [r.getMessage() for r in caplog.records if r.name == "kb.request"]
    assert len(lines) == 1
    assert re.fullmatch(r"GET /no-such-page 404 \d+\.\dms role=anonymous", lines[0]), lines


def test_an_api_request_names_the_callers_role(make_user, api_as, caplog):
    api, _ = api_as("editor")
    with caplog.at_level(logging.INFO, logger="kb.request"):
        api.get("/articles")
    lines = [r.getMessage() for r in caplog.records if r.name == "kb.request"]
    assert len(lines) == 1
    assert re.fullmatch(r"GET /api/v1/articles 200 \d+\.\dms role=editor", lines[0]), lines

"""Helpers for the editorial page tests: signed-in clients and reading the pages back."""

from __future__ import annotations

import re

from tests.support import csrf_token


def signed_in(app, user):
    """A test client of its own, signed in as ``user`` through the real login form."""
    client = app.test_client()
    response = client.post("/login", data={"email": user.email, "password": "password123",
                                           "csrf_token": csrf_token(client)})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return client


def post_form(client, path: str, data: dict | None = None, page: str = "/editor/"):
    """POST a form the way the browser does: with the CSRF token from a page."""
    return client.post(path, data={**(data or {}), "csrf_token": csrf_token(client, page)})


def queue_ids(html: str, queue: str) -> set[int] | None:
    """The document ids listed in one dashboard queue, or None when the queue is not shown."""
    match = re.search(rf'<section class="queue" id="{queue}".*?</section>', html, re.S)
    if match is None:
        return None
    return {int(n) for n in re.findall(r'data-document-id="(\d+)"', match.group(0))}


def action_forms(html: str) -> set[str]:
    """The workflow actions the review screen offers (one form each)."""
    return set(re.findall(r'data-action="([a-z_-]+)"', html)) - {"comment"}


def textarea(html: str, name: str) -> str | None:
    import html as html_module

    match = re.search(rf'<textarea[^>]*name="{name}"[^>]*>(.*?)</textarea>', html, re.S)
    return html_module.unescape(match.group(1)) if match else None


def flashes(html: str) -> list[str]:
    import html as html_module

    return [html_module.unescape(m) for m in re.findall(r'<p class="flash flash-\w+">(.*?)</p>', html, re.S)]

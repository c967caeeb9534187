"""Browser tests: a real headless Chromium (Debian's ``chromium``) driven by Playwright.

The app is served from a thread by a real WSGI server on 127.0.0.1. Without Chromium these
tests are skipped, and the run says so; with ``KB_REQUIRE_BROWSER=1`` (CI) they fail instead.
"""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from kb.extensions import db
from tests.support import REPO, REQUIRE_BROWSER

CHROMIUM = os.environ.get("KB_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = REPO / "test-artifacts"
REQUIRED = REQUIRE_BROWSER

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]


def _browser_missing_reason() -> str | None:
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        return f"no Chromium at {CHROMIUM}: install Debian's chromium package to run the browser tests"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install -e '.[test]')"
    return None


def pytest_collection_modifyitems(config, items):
    reason = _browser_missing_reason()
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.slow)  # Chromium runs as processes of its own
            if reason and not REQUIRED:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    reason = _browser_missing_reason()
    if reason:
        pytest.fail(reason) if REQUIRED else pytest.skip(reason)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class LiveServer:
    def __init__(self, app) -> None:
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "LiveServer":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.thread.join(5)


@pytest.fixture
def live_server(app):
    """The test's app, served on a free port. ``live_server.url`` is its base URL."""
    app.config["SERVER_NAME"] = None
    with LiveServer(app) as server:
        yield server
    db.session.remove()


@pytest.fixture
def context(browser, live_server):
    ctx = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    ctx.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    ctx.set_default_timeout(10_000)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    return context.new_page()


@pytest.fixture
def browser_login(context, live_server):
    """Sign a user in through the real login form in a page of this browser context."""

    def do(user, page=None, password: str = "password123"):
        page = page or context.new_page()
        page.goto("/login")
        page.fill("#email", user.email)
        page.fill("#password", password)
        page.click("form.stack-form button[type=submit]")
        page.wait_for_url(lambda url: "/login" not in url)
        return page

    return do


@pytest.fixture
def artifact_path():
    """Where screenshots go (``test-artifacts/``, kept by CI and ignored by git)."""
    ARTIFACTS.mkdir(exist_ok=True)

    def path(name: str) -> str:
        return str(ARTIFACTS / name)

    return path

"""Accounts in a real browser: deactivation shuts an open session out, a reset link works once."""

from __future__ import annotations

import re


def test_an_admin_deactivates_a_user_whose_open_session_is_refused_next(browser, context, live_server,
                                                                       browser_login, make_user):
    admin = make_user("admin")
    editor = make_user("editor")

    their_context = browser.new_context(base_url=live_server.url)
    their_context.set_default_timeout(10_000)
    try:
        theirs = their_context.new_page()
        theirs.goto("/login")
        theirs.fill("#email", editor.email)
        theirs.fill("#password", "password123")
        theirs.click("form.stack-form button[type=submit]")
        theirs.wait_for_url(lambda url: "/login" not in url)
        theirs.goto("/editor/")
        assert theirs.get_by_role("heading", name="Editorial").is_visible()

        page = browser_login(admin)
        page.get_by_role("link", name="Users").click()
        row = page.locator(f'tr[data-user-email="{editor.email}"]')
        row.get_by_role("button", name="Deactivate").click()
        page.wait_for_selector(".flash-success")
        assert "deactivated" in page.locator(f'tr[data-user-email="{editor.email}"]').inner_text()

        theirs.goto("/editor/")
        assert "/login" in theirs.url
        assert theirs.get_by_role("heading", name="Sign in").is_visible()
    finally:
        their_context.close()


def test_a_password_reset_link_works_once(page, live_server, runner, make_user):
    user = make_user("agent")
    result = runner.invoke(args=["users", "reset-password", user.email, "--base-url", live_server.url])
    link = re.search(r"^http\S+$", result.output, re.M).group(0)

    page.goto(link)
    page.fill("#password", "fresh-password-1")
    page.fill("#confirm", "fresh-password-1")
    page.get_by_role("button", name="Set password").click()
    page.wait_for_url(re.compile(r"/login$"))
    assert "Your password is set" in page.locator(".flash-success").inner_text()

    page.fill("#email", user.email)
    page.fill("#password", "fresh-password-1")
    page.click("form.stack-form button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)

    answer = page.goto(link)
    assert answer.status == 410
    assert page.get_by_role("heading", name="This link cannot be used").is_visible()
    assert "used already" in page.locator("#link-unusable").inner_text()

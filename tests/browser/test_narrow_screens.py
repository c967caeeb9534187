"""Every staff page (and the public ones) fits a 390 px phone screen.

The pages are enumerated from the app's URL map, so a page added later is measured without
touching this test; the few GET routes that are not pages are skipped by name, with the reason.
A page passes when the document is no wider than the viewport and no element sticks out past
its right edge, except inside a designated scroll box (``[data-scroll-box]``: a focusable,
labelled region that scrolls sideways on its own).
"""

from __future__ import annotations

import re

import pytest

from kb.contact import requests as contact_requests
from kb.content import services as content_services
from kb.content.services import DocumentInput
from kb.extensions import db
from kb.search import promoted, synonym_list

WIDTH = 390
STAFF_PREFIXES = ("/editor", "/admin", "/account", "/macros", "/agent")

#: GET routes under the staff prefixes that are not pages a person reads, with the reason.
#: (Today every GET route under them is a page; JSON lives under /api and /search/suggestions.)
NOT_PAGES: dict[str, str] = {}
PUBLIC_PAGES = ["/", "/search?q=" + "refund", "/login", "/forgot-password", "/contact"]

LONG_WORD = "Supercalifragilisticexpialidocious" * 4
LONG_URL = "https://example.com/" + "very-long-path-segment/" * 8 + "?query=" + "x" * 60
LONG_TITLE = f"Refunds for marketplace sellers when the payout has already gone out {LONG_WORD}"
LONG_LINE = ("This paragraph is one very long line so that the side-by-side diff has to wrap it: "
             + "lorem ipsum dolor sit amet " * 12 + LONG_WORD)

OVERFLOWING = """(width) => {
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    if (el.closest('[data-scroll-box]') || el.closest('.visually-hidden, .skip-link, [hidden]')) continue;
    // An <svg> clips what it draws to its own box: measure the chart, not the shapes inside it.
    if (el.ownerSVGElement) continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    if (box.right > width + 0.5) {
      out.push(`${el.tagName.toLowerCase()}.${el.className} right=${Math.round(box.right)}`);
    }
  }
  return out.slice(0, 8);
}"""


def _seed(make_user, make_document):
    admin = make_user("admin")
    article = make_document("article", state="published", title=LONG_TITLE,
                            body=f"# Intro\n\n{LONG_LINE}\n\nSee {LONG_URL}\n",
                            tags=("refunds", LONG_WORD[:40]))
    for n in range(12):
        latest = article.latest
        data = content_services.copy_input(latest, message=f"Edit {n}: {LONG_WORD}")
        data = DocumentInput(title=data.title, body=f"# Intro\n\n{LONG_LINE} changed {n}\n\nSee {LONG_URL}\n",
                             section=data.section, tags=data.tags, message=data.message)
        content_services.save_revision("article", article.id, data, latest.number, admin)
    macro = make_document("macro", state="published",
                          title=f"Billing::Refunds::{LONG_WORD}",
                          body=f"Hi {{{{customer.name}}}}, see {LONG_URL} — {LONG_LINE}")
    personal = content_services.create_document(
        "macro", DocumentInput(title=f"Mine::{LONG_WORD}", body=f"Personal {LONG_URL}"), admin, personal=True)
    synonym_list.add(admin, "chargeback dispute", ["refund", "payment reversal requested by the cardholder bank",
                                                    "moneyback", "reimbursement"])
    promoted.pin(admin, "refund payout for marketplace sellers after payout", article.id)
    request = contact_requests.submit(contact_requests.RequestInput(
        email=f"{LONG_WORD[:40]}@example.com", subject=f"Refund {LONG_WORD}"[:200],
        description=f"{LONG_LINE}\n{LONG_URL}"), lambda document: f"http://kb.test/en/articles/{document.slug}")
    ids = {"article": db.session.get(type(article), article.id), "macro": macro, "personal": personal,
           "request": request}
    return admin, ids


def _staff_urls(app, ids) -> list[str]:
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or not rule.rule.startswith(STAFF_PREFIXES):
            continue
        if rule.rule in NOT_PAGES or rule.rule.endswith(".csv"):
            continue  # a .csv route is each report's download, not a page
        args = set(rule.arguments)
        if not args:
            urls.append(rule.rule)
        elif args == {"kind", "document_id"}:
            urls.append(rule.rule.replace("<any(articles, macros):kind>", "articles")
                        .replace("<int:document_id>", str(ids["article"].id)))
            urls.append(rule.rule.replace("<any(articles, macros):kind>", "macros")
                        .replace("<int:document_id>", str(ids["macro"].id)))
        elif args == {"kind"}:
            urls += [rule.rule.replace("<any(articles, macros):kind>", k) for k in ("articles", "macros")]
        elif args == {"request_id"}:
            urls.append(rule.rule.replace("<int:request_id>", str(ids["request"].id)))
        elif args == {"document_id"}:
            document = ids["personal"] if rule.rule.endswith("/edit") else ids["macro"]
            urls.append(rule.rule.replace("<int:document_id>", str(document.id)))
        else:
            pytest.fail(f"{rule.rule}: no seeded value for {sorted(args)}; add it to the test")
    return sorted(set(urls))


def _measure(page, url) -> list[str]:
    response = page.goto(url)
    assert response.ok, f"{url}: HTTP {response.status}"
    page.wait_for_load_state("load")
    problems = []
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > WIDTH:
        problems.append(f"{url}: page is {width} px wide")
    sticking_out = page.evaluate(OVERFLOWING, WIDTH)
    if sticking_out:
        problems.append(f"{url}: {sticking_out}")
    for box in page.locator("[data-scroll-box]").all():
        assert box.get_attribute("tabindex") == "0", f"{url}: a scroll box is not focusable"
        assert box.get_attribute("role") == "region" and box.get_attribute("aria-label"), \
            f"{url}: a scroll box has no accessible name"
    return problems


def test_every_staff_page_fits_a_phone(app, browser, live_server, make_user, make_document, artifact_path):
    admin, ids = _seed(make_user, make_document)
    urls = _staff_urls(app, ids)
    # The enumeration really found the pages the issue names (and seeded ids reached them).
    for expected in ("/editor/", "/editor/content", "/editor/audit", "/admin/users", "/account",
                     f"/editor/articles/{ids['article'].id}/history", f"/editor/articles/{ids['article'].id}/archive",
                     "/macros/flagged"):
        assert expected in urls
    context = browser.new_context(base_url=live_server.url, viewport={"width": WIDTH, "height": 844})
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        page.goto("/login")
        page.fill("#email", admin.email)
        page.fill("#password", "password123")
        page.click("form.stack-form button[type=submit]")
        page.wait_for_url(lambda url: "/login" not in url)
        problems = []
        for url in urls:
            problems += _measure(page, url)
        # The conflict page: save an edit on top of a revision that is no longer the latest.
        article = ids["article"]
        page.goto(f"/editor/articles/{article.id}/edit")
        page.evaluate("document.querySelector('[data-base-revision]').value = '1'")
        page.fill("#body", f"My conflicting text {LONG_LINE}")
        page.get_by_role("button", name="Save draft").click()
        page.wait_for_load_state("load")
        assert page.locator("text=/conflict/i").count() > 0, "the stale save did not reach the conflict page"
        problems += [p for p in _measure_current(page, "conflict page")]
        page.screenshot(path=artifact_path("narrow-conflict.png"), full_page=True)
        for name, url in (("history", f"/editor/articles/{article.id}/history"), ("review", f"/editor/articles/{article.id}"),
                          ("content", "/editor/content"), ("audit", "/editor/audit")):
            page.goto(url)
            page.screenshot(path=artifact_path(f"narrow-{name}.png"), full_page=True)
        assert problems == [], "\n".join(problems)
    finally:
        context.close()


def _measure_current(page, name) -> list[str]:
    width = page.evaluate("document.documentElement.scrollWidth")
    sticking_out = page.evaluate(OVERFLOWING, WIDTH)
    return ([f"{name}: page is {width} px wide"] if width > WIDTH else []) + \
        ([f"{name}: {sticking_out}"] if sticking_out else [])


def test_public_pages_fit_a_phone(browser, live_server, make_document):
    article = make_document("article", state="published", title=LONG_TITLE,
                            body=f"# Intro\n\n{LONG_LINE}\n\nSee {LONG_URL}\n")
    context = browser.new_context(base_url=live_server.url, viewport={"width": WIDTH, "height": 844})
    try:
        page = context.new_page()
        problems = []
        for url in PUBLIC_PAGES + [f"/en/articles/{article.latest.slug}", "/categories/general",
                                   "/categories/general/basics", "/no-such-page"]:
            page.goto(url)
            problems += _measure_current(page, url)
        assert problems == [], "\n".join(problems)
    finally:
        context.close()


def test_overflow_is_detected(browser, live_server):
    """The measurement itself catches a page that is too wide (so the tests above can fail)."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": WIDTH, "height": 844})
    try:
        page = context.new_page()
        page.goto("/login")
        assert _measure_current(page, "login") == []
        # A style set through the DOM (the page's Content-Security-Policy blocks inline style attributes).
        page.evaluate("""() => { const p = document.createElement('p'); p.style.whiteSpace = 'nowrap';
                                 p.textContent = 'wide '.repeat(80); document.querySelector('main').append(p); }""")
        assert re.search(r"page is \d+ px wide", " ".join(_measure_current(page, "login")))
    finally:
        context.close()

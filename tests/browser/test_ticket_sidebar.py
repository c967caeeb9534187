"""The ticket sidebar inside a ticketing tool: a test host page on another origin frames it,
speaks the sidebar's postMessage protocol, and records what the sidebar inserts."""

import json
import re

import pytest
from playwright.sync_api import expect
from werkzeug.wrappers import Response

from kb.extensions import db
from kb.models import Document
from tests.browser.conftest import LiveServer

TICKET = "Hello, my refund has still not arrived. When will the refund reach my card?"

HOST_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>Test host</title></head><body>
<h1>Ticket #7</h1>
<ol id="received"></ol>
<iframe id="sidebar" src="%(sidebar)s" width="400" height="800"></iframe>
<script>
  const KB = %(kb_origin)s;
  const frame = document.getElementById("sidebar");
  window.received = [];
  window.addEventListener("message", (event) => {
    if (event.source !== frame.contentWindow || event.origin !== KB) return;
    const message = event.data;
    window.received.push(message);
    if (message.type === "kb:ready") {
      frame.contentWindow.postMessage({type: "kb:init", host: "Test desk", token: %(token)s,
                                       ticket: {subject: "Refund", description: %(ticket)s}}, KB);
    } else if (message.type === "kb:insert") {
      const item = document.createElement("li");
      item.textContent = message.text;
      document.getElementById("received").append(item);
      frame.contentWindow.postMessage({type: "kb:inserted", id: message.id, ok: true}, KB);
    }
  });
</script></body></html>"""


class HostSite:
    """A second site, on its own port (so its own origin), that serves the host page."""

    def __init__(self):
        self.html = ""

    def __call__(self, environ, start_response):
        return Response(self.html, content_type="text/html")(environ, start_response)


@pytest.fixture
def host(live_server):
    site = HostSite()
    with LiveServer(site) as server:
        site.url = server.url
        live_server.app.config["CORS_ORIGINS"] = server.url
        yield site


@pytest.fixture
def macros(make_document):
    return {
        "refund": make_document("macro", state="published", title="Billing::Refunds::Refund timeline",
                                body="Hi {{ customer.first_name }}, your refund of {{ amount }} is on its way."),
        "password": make_document("macro", state="published", title="Account::Password reset",
                                  body="Use the reset link to change your password."),
    }


def test_the_sidebar_suggests_fills_and_inserts_into_the_host(page, live_server, host, macros,
                                                               make_user, token_for):
    agent = make_user("agent")
    host.html = HOST_PAGE % {"sidebar": f"{live_server.url}/sidebar", "kb_origin": json.dumps(live_server.url),
                             "token": json.dumps(token_for(agent)), "ticket": json.dumps(TICKET)}
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(host.url)
    sidebar = page.frame_locator("#sidebar")
    expect(sidebar.locator("[data-sidebar][data-ready=true]")).to_have_count(1)
    expect(sidebar.locator("[data-sidebar-status]")).to_have_text("Connected to Test desk.")

    suggested = sidebar.locator("[data-sidebar-suggestions] li[data-kind=macro] button")
    expect(suggested.first).to_have_text("Refund timeline")
    suggested.first.click()

    fields = sidebar.locator("[data-sidebar-fill-form] input")
    expect(fields).to_have_count(2)
    # an unfilled placeholder: nothing reaches the ticket
    sidebar.locator("[data-sidebar-insert]").click()
    expect(sidebar.locator("[data-sidebar-insert-status]")).to_contain_text("Still to fill")
    assert page.locator("#received li").count() == 0

    sidebar.locator("input[data-placeholder='customer.first_name']").fill("Ana")
    sidebar.locator("input[data-placeholder='amount']").fill("$20")
    expect(sidebar.locator("[data-sidebar-preview]")).to_have_text("Hi Ana, your refund of $20 is on its way.")
    sidebar.locator("[data-sidebar-insert]").click()
    expect(sidebar.locator("[data-sidebar-insert-status]")).to_have_text("Inserted into the ticket.")
    expect(page.locator("#received li")).to_have_text(["Hi Ana, your refund of $20 is on its way."])

    db.session.expire_all()
    assert db.session.get(Document, macros["refund"].id).use_count == 1
    assert errors == []


def test_the_sidebar_searches_macros(page, live_server, host, macros, make_user, token_for):
    host.html = HOST_PAGE % {"sidebar": f"{live_server.url}/sidebar", "kb_origin": json.dumps(live_server.url),
                             "token": json.dumps(token_for(make_user("agent"))), "ticket": json.dumps(TICKET)}
    page.goto(host.url)
    sidebar = page.frame_locator("#sidebar")
    expect(sidebar.locator("[data-sidebar][data-ready=true]")).to_have_count(1)
    sidebar.locator("#sidebar-q").fill("password")
    expect(sidebar.locator("[data-sidebar-results] li button")).to_have_text(["Password reset"])


FAKE_ZAF = """
// A stand-in for Zendesk's ZAF SDK: the ticket, the comment box, and client.request, which like
// Zendesk's proxy puts the secure setting into the request (here the browser sends it, with CORS).
window.appended = [];
window.ZAFClient = { init: () => ({
  get: async () => ({"ticket.subject": "Refund", "ticket.description": %(ticket)s}),
  metadata: async () => ({settings: {kb_url: %(kb_url)s}}),
  on: () => {},
  invoke: async (name, text) => {
    if (name !== "ticket.comment.appendText") return {};
    window.appended.push(text);
    const item = document.createElement("li");
    item.textContent = text;
    document.getElementById("appended").append(item);
    return {};
  },
  request: async (options) => {
    const headers = {...options.headers};
    headers.Authorization = headers.Authorization.replace("{{setting.api_token}}", %(token)s);
    if (options.contentType) headers["Content-Type"] = options.contentType;
    const response = await fetch(options.url, {method: options.type, headers, body: options.data});
    const result = {status: response.status, responseJSON: await response.json()};
    if (!response.ok) throw result;
    return result;
  },
})};
"""


def test_the_zendesk_app_package_inserts_through_zaf(page, live_server, host, macros, make_user,
                                                     token_for, runner, tmp_path):
    assert runner.invoke(args=["sidebar-app", "zendesk", str(tmp_path), "--kb-url", live_server.url,
                               "--author-email", "a@example.com"]).exit_code == 0
    iframe_html = (tmp_path / "assets" / "iframe.html").read_text()
    token = token_for(make_user("agent"))
    fake = FAKE_ZAF % {"ticket": json.dumps(TICKET), "kb_url": json.dumps(live_server.url),
                       "token": json.dumps(token)}
    sdk = re.search(r'<script src="(https://static\.zdassets\.com/[^"]+)"></script>', iframe_html)
    assert sdk, "the package loads the ZAF SDK from Zendesk's CDN"
    host.html = iframe_html.replace(sdk.group(0), f"<script>{fake}</script>").replace(
        "<body>", '<body><ol id="appended"></ol>')
    page.goto(host.url)
    sidebar = page.frame_locator("#kb-sidebar")
    expect(sidebar.locator("[data-sidebar-status]")).to_have_text("Connected to Zendesk.")
    sidebar.locator("[data-sidebar-suggestions] li[data-kind=macro] button").first.click()
    sidebar.locator("input[data-placeholder='customer.first_name']").fill("Ana")
    sidebar.locator("input[data-placeholder='amount']").fill("$20")
    expect(sidebar.locator("[data-sidebar-preview]")).to_have_text("Hi Ana, your refund of $20 is on its way.")
    sidebar.locator("[data-sidebar-insert]").click()
    expect(page.locator("#appended li")).to_have_text(["Hi Ana, your refund of $20 is on its way."])
    db.session.expire_all()
    assert db.session.get(Document, macros["refund"].id).use_count == 1

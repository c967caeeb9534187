"""The ticket sidebar: a compact page that a ticketing tool (Zendesk, Freshdesk, Help Scout)
shows in its app iframe beside a ticket.

The page itself carries no data and needs no session: browsers block cookies in third-party
iframes, so its script authenticates every API call with the agent's token, which the host page
hands over by ``postMessage`` (never in a URL, where it would be logged), or the host makes the
calls itself (Zendesk's secure settings). Only this page may be framed, and only by the origins
in ``KB_CORS_ORIGINS``; every other page keeps refusing to be framed.
"""

from __future__ import annotations

import json

from flask import make_response, render_template, url_for

from kb.agent.views import bp
from kb.web.headers import frameable_policy, host_origins


@bp.get("/sidebar", endpoint="sidebar")
def sidebar_page():
    origins = host_origins()
    response = make_response(render_template(
        "agent/sidebar.html",
        origins=json.dumps(origins),
        api_base=url_for("api.suggest").rsplit("/", 1)[0],
    ))
    response.headers["Content-Security-Policy"] = frameable_policy(origins)
    return response

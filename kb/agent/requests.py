"""Contact requests for the people who answer them (agents and up): a list with each
request's hand-over state, and a request's page with what the person wrote (escaped plain
text), the articles they were shown, their images and every hand-over's attempts."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_babel import lazy_gettext as _l

from kb.agent.views import bp
from kb.auth import page_requires
from kb.contact import requests as contact_requests
from kb.errors import NotFoundError
from kb.models import User
from kb.permissions import CONTACT_REQUESTS_ROLE


#: A request's hand-over state as the pages show it (``data-state`` keeps the English value).
STATE_LABELS = {"stored": _l("stored"), "delivered": _l("delivered"), "failing": _l("failing"),
                "pending": _l("pending")}


#: A hand-over channel as the request's page shows it (``data-channel`` keeps the value).
CHANNEL_LABELS = {"webhook": _l("webhook"), "support_email": _l("support email"),
                  "confirmation_email": _l("confirmation email")}


def state_label(state: str) -> str:
    found = STATE_LABELS.get(state)
    return str(found) if found is not None else state


def channel_label(channel: str) -> str:
    found = CHANNEL_LABELS.get(channel)
    return str(found) if found is not None else channel.replace("_", " ")


@bp.get("/agent/requests")
@page_requires(CONTACT_REQUESTS_ROLE)
def requests_list(user: User):
    page = request.args.get("page", "1")
    page_number = int(page) if page.isdigit() and 0 < int(page) < 100_000 else 1
    rows, total = contact_requests.listing(user, page_number)
    return render_template("agent/requests.html", rows=rows, total=total, page=page_number,
                           page_size=contact_requests.PAGE_SIZE, state=contact_requests.state,
                           state_label=state_label)


@bp.get("/agent/requests/<int:request_id>")
@page_requires(CONTACT_REQUESTS_ROLE)
def request_detail(user: User, request_id: int):
    try:
        found = contact_requests.get(user, request_id)
    except NotFoundError:
        abort(404)
    return render_template("agent/request.html", item=found, state=contact_requests.state(found),
                           state_label=state_label, channel_label=channel_label)

"""What every server-rendered page shares, whichever package serves it: the id converter, the
security headers, the Jinja finalizer and the template context.

The page packages (:mod:`kb.helpcenter`, :mod:`kb.agent`, :mod:`kb.editor`) register their
own blueprints in ``create_app``; this package registers none and imports none of them.
"""

from __future__ import annotations

from flask import Flask
from markupsafe import Markup
from werkzeug.routing import IntegerConverter

from kb import permissions, validation
from kb.auth import current_actor_or_none
from kb.models import Role
from kb.web import headers, i18n, locale, places


def _digits_at_most(limit: int) -> str:
    """A regular expression for the whole numbers from 0 to ``limit``, written in digits."""
    n = str(limit)
    alternatives = [rf"\d{{1,{len(n) - 1}}}"]
    for i, digit in enumerate(n):
        if digit != "0":
            rest = len(n) - i - 1
            alternatives.append(f"{n[:i]}[0-{int(digit) - 1}]" + (rf"\d{{{rest}}}" if rest else ""))
    alternatives.append(n)
    return "(?:" + "|".join(alternatives) + ")"


class IdConverter(IntegerConverter):
    """``<int:…>`` in every URL: a number beyond what an id column holds matches no route, so
    it is the normal 404 rather than an overflow in the database driver. (Refused by the
    pattern, not after matching: a route that matched but refused its value would answer 405
    when another method's route has the same path.)"""

    regex = _digits_at_most(validation.MAX_ID)


def init_app(app: Flask) -> None:
    headers.init_app(app)
    locale.init_app(app)
    i18n.init_app(app)
    places.init_app(app)
    app.jinja_env.finalize = displayable
    app.jinja_env.filters["scrub"] = validation.scrub

    @app.context_processor
    def inject_actor():
        actor = current_actor_or_none()
        role = permissions.role_of(actor)
        return {"actor": actor, "Role": Role, "is_staff": actor is not None,
                "may_manage_users": permissions.may_manage_users(actor),
                "may_change_settings": permissions.may_change_settings(actor),
                "url_rules": app.view_functions,
                "reads_insights": role is not None and role >= permissions.INSIGHTS_ROLE}


def displayable(value):
    """Every value a template prints, made encodable: text stored before input was checked may
    hold a lone surrogate, and one such character would make the whole page fail to encode."""
    if isinstance(value, str) and not value.isascii():
        cleaned = validation.scrub(value)
        if cleaned != value:
            return Markup(cleaned) if isinstance(value, Markup) else cleaned
    return value


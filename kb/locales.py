"""The help center's locales: which are configured, which is the default, which are valid.

``KB_LOCALES`` lists them, comma-separated, the first being the default (the locale of every
source document and of any content file that names none). Read at request or command time from
the app's config, never at import, so each app (and test) has its own list.
"""

from __future__ import annotations

import re

from babel import Locale, UnknownLocaleError
from flask import current_app, has_app_context

from kb.errors import ValidationError

#: The list when ``KB_LOCALES`` is unset.
FALLBACK = ("en",)
#: A BCP 47 tag as kb accepts it: a language, optionally a region or script (``pt-BR``).
TAG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")


def parse(value) -> tuple[str, ...]:
    """The locales a ``KB_LOCALES`` value names, in order, without repeats.

    :raises ValueError: an entry is not a locale tag.
    """
    if value is None or value == "":
        return FALLBACK
    items = value if isinstance(value, (list, tuple)) else str(value).split(",")
    seen: dict[str, None] = {}
    for item in items:
        tag = str(item).strip()
        if not tag:
            continue
        if not TAG.match(tag):
            raise ValueError(f"KB_LOCALES: {tag!r} is not a locale tag such as en, fr or pt-BR")
        seen.setdefault(tag, None)
    return tuple(seen) or FALLBACK


def configured() -> tuple[str, ...]:
    """This app's locales, the default first (``en`` alone outside an app)."""
    if not has_app_context():
        return FALLBACK
    return parse(current_app.config.get("LOCALES"))


def default() -> str:
    return configured()[0]


def check(value, field: str = "locale") -> str:
    """The configured locale ``value`` names (matched without regard to case).

    :raises ValidationError: naming the locale and the configured ones.
    """
    if not isinstance(value, str) or not value.strip():
        raise ValidationError("a locale is required", field=field)
    wanted = value.strip()
    for locale in configured():
        if locale.lower() == wanted.lower():
            return locale
    raise ValidationError(
        f"unknown locale {wanted[:40]!r}: this help center has {', '.join(configured())}", field=field)


def find(value: str | None) -> str | None:
    """The configured locale ``value`` names, or None (for negotiation: never raises)."""
    if not value:
        return None
    lowered = value.strip().lower()
    for locale in configured():
        if locale.lower() == lowered:
            return locale
    return None


def babel_name(tag: str) -> str:
    """Babel's name for a locale tag (``pt-BR`` is ``pt_BR``): the interface's words, dates
    and e-mails are chosen by it. English for a tag Babel does not know, so a configured but
    unknown language never breaks a page or a mail."""
    name = tag.replace("-", "_")
    try:
        Locale.parse(name)
    except (ValueError, UnknownLocaleError):
        return "en"
    return name

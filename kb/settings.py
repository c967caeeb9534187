"""Settings and state that belong to one database, kept in the ``settings`` table.

Configuration (``kb/config.py``) belongs to a process and comes from its environment; what is
here travels with the data instead: a backup restored elsewhere still knows it was set up, and
a switch an admin flips holds for every process and node. Keys are dotted names owned by the
module that uses them (``instance.set_up_at``); values are text.
"""

from __future__ import annotations

from kb.database import transaction
from kb.extensions import db
from kb.models import Setting


def get(key: str, default: str | None = None) -> str | None:
    """The value stored under ``key``, or ``default`` when there is none."""
    setting = db.session.get(Setting, key)
    return setting.value if setting is not None else default


def put(key: str, value: str) -> None:
    """Store ``value`` under ``key``, in the caller's transaction or a new one."""
    with transaction():
        setting = db.session.get(Setting, key)
        if setting is None:
            db.session.add(Setting(key=key, value=value))
        else:
            setting.value = value


def remove(key: str) -> None:
    """Forget ``key``; forgetting a key that is not there is harmless."""
    with transaction():
        setting = db.session.get(Setting, key)
        if setting is not None:
            db.session.delete(setting)


# -- what admins may switch in the app ---------------------------------------------------------

#: Whether reviewers may approve revisions they wrote. The key predates the dotted names.
SELF_APPROVAL = "allow_self_approval"


def self_approval_allowed() -> bool:
    """The admin switch, or, until an admin has flipped it, the ``ALLOW_SELF_APPROVAL`` config.
    Every reader of the switch asks here."""
    from flask import current_app

    value = get(SELF_APPROVAL)
    if value is not None:
        return value == "true"
    return bool(current_app.config.get("ALLOW_SELF_APPROVAL"))


def set_self_approval(allowed: bool) -> None:
    """Store the switch (who may flip it is :mod:`kb.permissions`' business, asked by the caller)."""
    put(SELF_APPROVAL, "true" if allowed else "false")

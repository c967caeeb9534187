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

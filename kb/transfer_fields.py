"""Reading the values of a content file's front matter: words, tags, dates, unknown keys."""

from __future__ import annotations

import json
from datetime import date, datetime

from kb.transfer_files import ContentFileError


def word(meta: dict, key: str, default: str) -> str:
    value = meta.get(key)
    if value is None or value == "":
        return default
    if not isinstance(value, str):
        raise ContentFileError(f"{key} must be a word, not {value!r}"[:200])
    return value.strip().lower()


def tags(value) -> list[str]:
    """Tags as strings; a whole number (``tags: [2027]``) is taken as written."""
    if value is None:
        return []
    if isinstance(value, str):
        return [t for t in value.split(",")]
    if isinstance(value, (list, tuple)):
        tags = [t for t in value if t is not None]
        if all(isinstance(t, str) or (isinstance(t, int) and not isinstance(t, bool)) for t in tags):
            return [str(t) for t in tags]
    raise ContentFileError("tags must be a list of words")


def day(value) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise ContentFileError(f"review_by must be a date like 2027-03-01, not {value!r}"[:200])


def plain(meta: dict) -> dict:
    """Unknown keys as plain JSON values, so comparing with the stored copy is exact.

    :raises ContentFileError: a value JSON cannot hold (a date as a key, a NaN).
    """
    try:
        return json.loads(json.dumps(meta, default=str, sort_keys=True, allow_nan=False))
    except (TypeError, ValueError) as exc:
        raise ContentFileError(f"broken front matter: an unknown key's value cannot be kept ({exc})") from None

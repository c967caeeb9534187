"""Input is text, always: the one check every value from outside passes before it is used.

JSON may carry a lone surrogate (``"\\ud800"`` is valid JSON), forms and files may carry NUL
and other control characters, ids may be any size and dates any year. None of that is text a
person wrote, and each breaks something further in: the search index cannot write a
surrogate, PostgreSQL refuses NUL in text, a 64-bit column refuses 2**63, a date near year
9999 overflows when moved to UTC, deeply nested JSON exhausts the parser's stack. So the
services call these functions at their boundary, whatever surface the value came from, and a
bad value becomes a :class:`~kb.errors.ValidationError` naming its field (a 400) instead of
a 500 somewhere deeper. Pure functions: no Flask, no database.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timezone
from typing import Any, Mapping

from kb.errors import NotFoundError, ValidationError

#: The largest id a database column holds (signed 64-bit); anything above is simply not found.
MAX_ID = 2**63 - 1
#: The largest id a document or revision row can have: their id and number columns are
#: INTEGER, 32 bits on PostgreSQL, which refuses a larger value in a query (an error, not "no row").
MAX_ROW_ID = 2**31 - 1
#: The earliest and latest dates accepted. The latest leaves a day's margin below year 9999,
#: so moving any time to UTC stays representable.
EARLIEST = date(1900, 1, 1)
LATEST = date(9998, 12, 31)
#: How deeply JSON objects and arrays may nest in a request body.
MAX_JSON_DEPTH = 32

_SURROGATE = re.compile("[\ud800-\udfff]")
#: C0 controls but tab, line feed and carriage return (which is normalised), and DEL.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LINE_BREAK = re.compile("[\r\n]")
#: Letters that render as nothing (Hangul fillers, the Braille blank); all other invisible
#: characters are spotted by their Unicode category.
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def text(value: Any, field: str, *, required: bool = False, max_length: int | None = None,
         multiline: bool = True) -> str:
    """``value`` as valid text, carriage returns turned into line feeds.

    :param required: the value must have something visible in it (not only spaces or
        zero-width characters).
    :param multiline: line breaks are allowed (bodies, comments); titles and tags are one line.
    :raises ValidationError: not a string, a lone surrogate, a control character, a line
        break in a one-line field, nothing visible when required, or too long.
    """
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(f"{_name(field)} must be text", field=field)
    if _SURROGATE.search(value):
        raise ValidationError(f"{_name(field)} contains a character that is not valid Unicode "
                              "(a lone surrogate)", field=field)
    control = _CONTROL.search(value)
    if control:
        code = ord(control.group())
        what = "a NUL character" if code == 0 else "the control character"
        raise ValidationError(f"{_name(field)} contains {what} U+{code:04X}", field=field)
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    if not multiline and _LINE_BREAK.search(value):
        raise ValidationError(f"{_name(field)} must be on one line", field=field)
    if required and not visible(value):
        raise ValidationError(f"{_name(field)} is required", field=field)
    if max_length is not None and len(value) > max_length:
        raise ValidationError(f"{_name(field)} is longer than {max_length:,} characters",
                              field=field)
    return value


def visible(value: str) -> bool:
    """Whether ``value`` shows anything: a character that is not a space, a control or format
    character (zero-width space, joiners, BOM) or a blank letter."""
    for char in value:
        if char in _BLANK_LETTERS:
            continue
        if unicodedata.category(char)[0] not in "ZC":
            return True
    return False


def is_key(value: Any, max_length: int = 200) -> bool:
    """Whether a lookup key from a URL (a slug, an e-mail) can match anything stored: the
    stored ones passed :func:`text`, so anything else is simply not found."""
    return (isinstance(value, str) and len(value) <= max_length
            and not _SURROGATE.search(value) and not _CONTROL.search(value))


def values(data: Any, field: str, *, max_length: int = 10_000, depth: int = 0) -> None:
    """Check every key and string inside nested mappings and lists (placeholder values,
    front-matter metadata).

    :raises ValidationError: a key or string that is not valid text, or nesting too deep.
    """
    if depth > MAX_JSON_DEPTH:
        raise ValidationError(f"{_name(field)} is nested too deeply", field=field)
    if isinstance(data, str):
        text(data, field, max_length=max_length)
    elif isinstance(data, Mapping):
        for key, item in data.items():
            text(key, field, max_length=200)
            values(item, field, max_length=max_length, depth=depth + 1)
    elif isinstance(data, (list, tuple)):
        for item in data:
            values(item, field, max_length=max_length, depth=depth + 1)


def identifier(value: Any, what: str = "document with id") -> int:
    """An id as stored: a whole number from 1 to :data:`MAX_ROW_ID` (any id up to
    :data:`MAX_ID` may be asked for; past the column's range it simply names nothing).

    :param what: how the message names it: "no {what} {value}".
    :raises NotFoundError: anything else, as no row can have that id (the normal 404).
    """
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_ROW_ID:
        raise NotFoundError(f"no {what} {str(value)[:30]}")
    return value


def number(value: Any, field: str, *, minimum: int = 1, maximum: int = MAX_ID) -> int:
    """A whole number in range, from JSON or a form.

    :raises ValidationError: not a whole number, or out of range.
    """
    if isinstance(value, str) and value.strip().lstrip("-").isdigit() and len(value.strip()) <= 20:
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(f"{_name(field)} must be a whole number", field=field)
    if not minimum <= value <= maximum:
        raise ValidationError(f"{_name(field)} must be between {minimum} and {maximum}",
                              field=field)
    return value


def day(value: date | None, field: str) -> date | None:
    """:raises ValidationError: a date outside :data:`EARLIEST` .. :data:`LATEST`."""
    if value is None:
        return None
    plain = value.date() if isinstance(value, datetime) else value
    if not EARLIEST <= plain <= LATEST:
        raise ValidationError(f"{_name(field)} must be between {EARLIEST} and {LATEST}",
                              field=field)
    return value


def moment(value: datetime | None, field: str) -> datetime | None:
    """A date and time in range, in UTC (a naive one is taken as UTC).

    :raises ValidationError: outside :data:`EARLIEST` .. :data:`LATEST`.
    """
    if value is None:
        return None
    day(value, field)
    return value.astimezone(timezone.utc) if value.tzinfo else value.replace(tzinfo=timezone.utc)


def nesting_within(data: Any, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether parsed JSON nests objects and arrays at most ``limit`` deep.

    JSON nested deeper than the parser's own stack allows raises :class:`RecursionError`
    while parsing instead; callers refuse that as too deep as well.
    """
    if not isinstance(data, (dict, list)):
        return True
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > limit:
            return False
        for child in value.values() if isinstance(value, dict) else value:
            if isinstance(child, (dict, list)):
                stack.append((child, depth + 1))
    return True


def scrub(value: str) -> str:
    """Text stored before it was checked, made safe to show: lone surrogates and control
    characters become U+FFFD. For display only; new input is refused instead (:func:`text`)."""
    return _CONTROL.sub("\ufffd", _SURROGATE.sub("\ufffd", value))


_LABELS = {"q": "The search query", "text": "The text"}


def _name(field: str) -> str:
    return _LABELS.get(field) or field.replace("_", " ").capitalize()

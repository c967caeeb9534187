"""Placeholders in macro bodies: ``{{ customer.first_name | default: "there" }}``.

Macro bodies are untrusted text written by any agent, so substitution is a small
dedicated function rather than a template engine: a placeholder is a *dotted key*
looked up in a flat dictionary of plain values, nothing more. Nothing in a body
can execute, read attributes, call anything or reach the server — there is no
code path here that would let it (no ``getattr``, no ``eval``, no ``str.format``
or ``%`` with user text, no Jinja).

Grammar (everything else that starts with ``{{`` is malformed)::

    placeholder := "{{" SP* name SP* [ "|" SP* "default" SP* ":" SP* string SP* ] "}}"
    name        := segment ( "." segment )*
    segment     := [A-Za-z_][A-Za-z0-9_]*     (but not starting with "__")
    string      := '"' ( any char but '"', '\\' or newline | '\\"' | '\\\\' )* '"'
    SP          := space or tab

``\\{{`` writes a literal ``{{``. A lone ``}}`` or a single ``{`` is plain text.
A backslash cannot itself be escaped, so a literal backslash directly before a
placeholder cannot be written (no macro so far has needed one).

Values are plain ``str``/``int``/``float``/``bool``; ``None``, blank strings, lists
and any other object count as *missing*. A placeholder without a value uses its
default, or is reported in :attr:`Filled.missing` — never an error, because an
agent filling a reply must still get a draft they can complete by hand.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kb.errors import ValidationError

#: Longest value accepted for one placeholder. Longer ones are refused rather than
#: truncated: a clear error beats a reply that silently lost its end.
MAX_VALUE_LENGTH = 10_000

#: Deepest nesting accepted by :func:`flatten`; also guards against cyclic dicts.
MAX_NESTING = 16

_SEGMENT = r"(?!__)[A-Za-z_][A-Za-z0-9_]*"
_NAME = rf"{_SEGMENT}(?:\.{_SEGMENT})*"

#: One scan finds, left to right, an escaped ``\{{``, a well-formed placeholder or
#: the ``{{`` of a malformed one (the last alternative only matches where the
#: placeholder alternative failed). Malformed ones are then explained by
#: :func:`_diagnose`, which is slower but only runs on the error path.
_TOKEN_RE = re.compile(
    r"(?P<escape>\\\{\{)"
    r"|\{\{[ \t]*(?P<name>" + _NAME + r")[ \t]*"
    r"(?:\|[ \t]*default[ \t]*:[ \t]*\"(?P<default>(?:[^\"\\\n]|\\[\"\\])*)\"[ \t]*)?"
    r"\}\}"
    r"|(?P<open>\{\{)"
)
_STRING_ESCAPE_RE = re.compile(r"\\([\"\\])")
_WORD_RE = re.compile(r"[A-Za-z0-9_]+")
_IDENT_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

_UNCLOSED = "unclosed '{{': no matching '}}' on the same line"
_NESTED = "nested braces: '{' is not allowed inside a placeholder"


@dataclass(frozen=True)
class Placeholder:
    """One well-formed placeholder found in a body."""

    #: Dotted name, e.g. ``"customer.first_name"``.
    name: str
    #: The fallback after ``| default:``, unescaped; ``None`` when there is none.
    default: str | None
    #: Span of the whole ``{{ … }}`` in the body (``body[start:end]``).
    start: int
    end: int


@dataclass(frozen=True)
class Filled:
    """The result of filling a body: the text and what could not be filled."""

    text: str
    #: Names with neither a value nor a default, each once, in first-seen order.
    missing: list[str] = field(default_factory=list)


class PlaceholderSyntaxError(ValidationError):
    """A malformed placeholder, refused when a macro is saved.

    The message names the problem, its line and column (1-based, of the ``{{``)
    and quotes the offending snippet, so an author can find it in a long body.
    """

    def __init__(self, reason: str, line: int, column: int, snippet: str) -> None:
        super().__init__(
            f'malformed placeholder at line {line}, column {column} ("{snippet}"): {reason}',
            field="body", line=line, column=column, snippet=snippet,
        )
        self.reason = reason
        self.line = line
        self.column = column
        self.snippet = snippet


# ---------------------------------------------------------------- parsing


@dataclass(frozen=True)
class _Escape:
    """An escaped ``\\{{`` that stands for a literal ``{{``."""

    start: int
    end: int


def _scan(body: str) -> list[Placeholder | _Escape]:
    """Every placeholder and escape in order; raises on the first malformed one."""
    tokens: list[Placeholder | _Escape] = []
    for match in _TOKEN_RE.finditer(body):
        if match.group("escape") is not None:
            tokens.append(_Escape(match.start(), match.end()))
        elif match.group("name") is not None:
            default = match.group("default")
            if default is not None and "\\" in default:
                default = _STRING_ESCAPE_RE.sub(r"\1", default)
            tokens.append(Placeholder(match.group("name"), default, match.start(), match.end()))
        else:
            raise _syntax_error(body, match.start())
    return tokens


def parse(body: str) -> list[Placeholder]:
    """All placeholders of ``body`` in order, duplicates included.

    :raises PlaceholderSyntaxError: on the first malformed placeholder.
    """
    return [token for token in _scan(body) if isinstance(token, Placeholder)]


def names(body: str) -> list[str]:
    """Unique placeholder names in first-seen order, for the fill-in form.

    :raises PlaceholderSyntaxError: on the first malformed placeholder.
    """
    return list(dict.fromkeys(p.name for p in parse(body)))


def validate(body: str) -> None:
    """Refuse a body with a malformed placeholder; called when a macro is saved.

    Checking at save time means agents never meet a broken macro while replying.

    :raises PlaceholderSyntaxError: on the first malformed placeholder.
    """
    _scan(body)


def _syntax_error(body: str, start: int) -> PlaceholderSyntaxError:
    line_start = body.rfind("\n", 0, start) + 1
    line_end = body.find("\n", start)
    if line_end == -1:
        line_end = len(body)
    rest = body[start:line_end].rstrip("\r")
    close = rest.find("}}", 2)
    snippet = rest[: close + 2] if close != -1 else rest
    if len(snippet) > 60:
        snippet = snippet[:60] + "…"
    return PlaceholderSyntaxError(
        _diagnose(rest),
        line=body.count("\n", 0, start) + 1,
        column=start - line_start + 1,
        snippet=snippet,
    )


def _diagnose(text: str) -> str:
    """Say what is wrong with a placeholder that the scan refused.

    ``text`` runs from the ``{{`` to the end of its line (placeholders never span
    lines). This walks the grammar by hand so that the message can be specific.
    """
    n = len(text)

    def skip(i: int) -> int:
        while i < n and text[i] in " \t":
            i += 1
        return i

    def unexpected(i: int, expected: str) -> str:
        if "}}" not in text[i:]:
            return _UNCLOSED
        if text[i] == "{":
            return _NESTED
        return f"unexpected {text[i]!r}; expected {expected}"

    i = skip(2)
    if i >= n:
        return _UNCLOSED
    if text.startswith("}}", i):
        return "empty placeholder: a name is expected between '{{' and '}}'"
    if text[i] == "{":
        return _NESTED

    # The name: segments separated by dots.
    first = True
    while True:
        word = _WORD_RE.match(text, i)
        if word is None:
            if i < n and text[i] == ".":
                if first:
                    return "invalid name: a name cannot start with '.'"
                return "invalid name: empty segment between dots"
            if first:
                return unexpected(i, "a name such as customer.first_name") if i < n else _UNCLOSED
            return "invalid name: a name cannot end with '.'"
        segment = word.group()
        if segment[0].isdigit():
            return (f"invalid name: segment {segment!r} starts with a digit"
                    " (names start with a letter or underscore)")
        if segment.startswith("__"):
            return f"invalid name: segment {segment!r} starts with '__', which is not allowed"
        i = word.end()
        first = False
        if i < n and text[i] == ".":
            i += 1
            continue
        break

    i = skip(i)
    if i >= n:
        return _UNCLOSED
    if text[i] != "|":
        return unexpected(i, "'}}' or '| default: \"...\"'")

    # The filter: only `default: "..."` exists.
    i = skip(i + 1)
    ident = _IDENT_RE.match(text, i)
    if ident is None:
        return "expected a filter name after '|' (only 'default' is supported)"
    if ident.group() != "default":
        return f"unknown filter {ident.group()!r} (only 'default: \"...\"' is supported)"
    i = skip(ident.end())
    if i >= n or text[i] != ":":
        return "expected ':' after 'default'"
    i = skip(i + 1)
    if i >= n or text[i] != '"':
        return 'the default must be a double-quoted string, e.g. default: "there"'
    i += 1
    while True:
        if i >= n:
            return "unterminated string in the default (missing closing '\"')"
        char = text[i]
        if char == "\\":
            if i + 1 < n and text[i + 1] in '"\\':
                i += 2
                continue
            return 'unsupported escape in the default (only \\" and \\\\ are allowed)'
        i += 1
        if char == '"':
            break
    i = skip(i)
    if i >= n:
        return _UNCLOSED
    return unexpected(i, "'}}' after the default")


# ---------------------------------------------------------------- values


def _scalar_text(value: Any) -> str | None:
    """The text of a plain value, or ``None`` when it does not count as a value.

    Conversions go through the base types' own methods, so a subclass with an
    overridden ``__str__`` (or any other object) never runs code here.
    """
    if isinstance(value, str):
        text = str.__str__(value)
        return text if text.strip() else None
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return float.__repr__(value)
    return None


def flatten(values: Mapping[str, Any]) -> dict[str, str]:
    """Turn nested values into the flat ``{"dotted.key": "text"}`` lookup table.

    ``{"customer": {"first_name": "Ana"}}`` and ``{"customer.first_name": "Ana"}``
    give the same result; when both spell the same key, the later one wins, as
    with :meth:`dict.update`. Only plain values survive: ``None``, blank strings,
    lists and other objects are dropped and so count as missing. Non-string keys
    are ignored.

    :raises ValidationError: (``field="values"``) a value longer than
        :data:`MAX_VALUE_LENGTH`, or nesting deeper than :data:`MAX_NESTING`.
    """
    flat: dict[str, str] = {}
    # Depth-first with an explicit stack (no recursion limit to hit), in the given order.
    pending: list[tuple[Any, Any, int]] = [(k, v, 1) for k, v in reversed(list(values.items()))]
    while pending:
        key, value, depth = pending.pop()
        if not isinstance(key, str):
            continue
        if isinstance(value, Mapping):
            if depth >= MAX_NESTING:
                raise ValidationError(
                    f"values are nested more than {MAX_NESTING} levels deep", field="values")
            for sub_key, sub_value in reversed(list(value.items())):
                if isinstance(sub_key, str):
                    pending.append((f"{key}.{sub_key}", sub_value, depth + 1))
            continue
        text = _scalar_text(value)
        if text is None:
            continue
        if len(text) > MAX_VALUE_LENGTH:
            raise ValidationError(
                f"the value of {key!r} is longer than {MAX_VALUE_LENGTH:,} characters",
                field="values", name=key, length=len(text),
            )
        flat[key] = text
    return flat


# ---------------------------------------------------------------- filling


def fill_text(body: str, values: Mapping[str, Any]) -> Filled:
    """Fill ``body`` as plain text (Markdown source), values inserted literally.

    Single pass: a value that itself contains ``{{ x }}`` is not expanded again.
    A placeholder with neither value nor default is left as written, so the
    agent sees what still needs filling.

    :raises PlaceholderSyntaxError: malformed body.
    :raises ValidationError: unusable values (see :func:`flatten`).
    """
    flat = flatten(values)
    parts: list[str] = []
    missing: dict[str, None] = {}
    position = 0
    for token in _scan(body):
        parts.append(body[position:token.start])
        position = token.end
        if isinstance(token, _Escape):
            parts.append("{{")
            continue
        value = flat.get(token.name, token.default)
        if value is None:
            missing[token.name] = None
            parts.append(body[token.start:token.end])
        else:
            parts.append(value)
    parts.append(body[position:])
    return Filled("".join(parts), list(missing))


def fill_html(body: str, values: Mapping[str, Any]) -> Filled:
    """Fill ``body`` and render it to sanitised HTML (:attr:`Filled.text`).

    Renders the body each time; stored revisions keep a fill template instead (see
    :mod:`kb.macros.fill_templates`), and this is that template built and filled at once.

    :raises PlaceholderSyntaxError: malformed body.
    :raises ValidationError: unusable values (see :func:`flatten`).
    :raises kb.content.render_budget.RenderRefusedError: a body that cannot render in time.
    """
    from kb.macros import fill_templates

    return fill_templates.fill(body, fill_templates.build(body), values)

"""Zendesk placeholders and Liquid in, kb placeholders out, and back.

Zendesk macros use Liquid: ``{{ticket.requester.first_name}}``, filters
(``{{ticket.title | upcase}}``) and tags (``{% if … %}``). kb's placeholders are only a dotted
name with an optional default (:mod:`kb.macros.placeholders`), so the known names are mapped by
:data:`TABLE` (documented in docs/zendesk.md), other plain names are kept as kb placeholders of
the same name and reported, and Liquid kb cannot express is kept as visible text (``\\{{`` for
an output with a filter, tags as written) and reported per macro: an agent sees it rather
than a reply that silently lost a branch.
"""

from __future__ import annotations

import re

#: Zendesk placeholder -> kb placeholder name.
TABLE: dict[str, str] = {
    "ticket.requester.first_name": "customer.first_name",
    "ticket.requester.last_name": "customer.last_name",
    "ticket.requester.name": "customer.name",
    "ticket.requester.email": "customer.email",
    "ticket.requester.language": "customer.language",
    "current_user.first_name": "agent.first_name",
    "current_user.last_name": "agent.last_name",
    "current_user.name": "agent.name",
    "current_user.email": "agent.email",
    "current_user.signature": "agent.signature",
    "ticket.assignee.first_name": "agent.first_name",
    "ticket.assignee.name": "agent.name",
    "ticket.id": "ticket.id",
    "ticket.title": "ticket.subject",
    "ticket.status": "ticket.status",
    "ticket.priority": "ticket.priority",
    "ticket.url": "ticket.url",
    "ticket.organization.name": "organization.name",
}
#: kb name -> Zendesk placeholder, for export (the first Zendesk name listed wins).
REVERSE: dict[str, str] = {}
for _zendesk, _kb in TABLE.items():
    REVERSE.setdefault(_kb, _zendesk)

_NAME = r"[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*"
_OUTPUT = re.compile(r"\{\{\s*(?P<inner>[^{}]*?)\s*\}\}")
_PLAIN = re.compile(rf"^{_NAME}$")
_TAG = re.compile(r"\{%-?\s*(?P<inner>.*?)\s*-?%\}", re.DOTALL)
_KB = re.compile(rf"\{{\{{ (?P<name>{_NAME}) \}}\}}")


def to_kb(text: str) -> tuple[str, list[str]]:
    """The text with kb placeholders, and what could not be mapped (one line each)."""
    notes: list[str] = []

    def output(match: re.Match) -> str:
        inner = match.group("inner").strip()
        if _PLAIN.match(inner) and not inner.startswith("__"):
            if inner in TABLE:
                return "{{ " + TABLE[inner] + " }}"
            notes.append(f"unknown placeholder {{{{{inner}}}}} kept as {{{{ {inner} }}}}")
            return "{{ " + inner + " }}"
        notes.append(f"Liquid kb cannot express kept as text: {match.group(0)}")
        return "\\" + match.group(0)

    converted = _OUTPUT.sub(output, text)
    for match in _TAG.finditer(converted):
        notes.append(f"Liquid kb cannot express kept as text: {match.group(0)}")
    return converted, list(dict.fromkeys(notes))


def to_zendesk(text: str) -> str:
    """kb placeholders back into Zendesk's spelling (unknown names as they are)."""
    text = _KB.sub(lambda m: "{{" + REVERSE.get(m.group("name"), m.group("name")) + "}}", text)
    return text.replace("\\{{", "{{")

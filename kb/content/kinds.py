"""What a kind of document adds to saving and publishing, registered at start-up.

:mod:`kb.content` owns documents and revisions of every kind but knows nothing of macros: the
package that gives a kind its meaning (:mod:`kb.macros` for ``macro``) registers its rules here
when it is imported, and the content services call them. A kind with nothing registered is
saved and published as plain Markdown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Protocol

if TYPE_CHECKING:
    from kb.models import Document, Revision


class Prepared(Protocol):
    """A body prepared ahead of its save (a macro's fill template)."""

    marker: str
    html: str


@dataclass(frozen=True)
class KindRules:
    #: Raises :class:`~kb.errors.ValidationError` for a body this kind refuses.
    validate: Callable[[str], None] | None = None
    #: Renders what the kind stores beside each revision (pure: may run in a worker process).
    prepare: Callable[[str], Prepared] | None = None
    #: Runs inside the publishing transaction when a revision goes live.
    went_live: Callable[["Document", "Revision"], None] | None = None


_rules: dict[str, KindRules] = {}


def register(kind: str, rules: KindRules) -> None:
    """Give ``kind`` its rules (the last registration wins; registering again is harmless)."""
    _rules[kind] = rules


def rules_for(kind: str) -> KindRules:
    return _rules.get(kind, _PLAIN)


_PLAIN = KindRules()

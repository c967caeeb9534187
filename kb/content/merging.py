"""Three-way merge of two edits made from the same revision, so a conflict loses nothing.

When two people edit the same base revision, the second save is stale. Instead of asking the
second person to retype, their text and the other person's saved revision are merged against
the base they both started from (the ``merge3`` package does the line merge; nothing here
re-implements it). Where both changed the same lines the merged text keeps both versions
between conflict markers, and :func:`unresolved_markers` lets the editor refuse to save text
that still holds them.

Only markers with kb's own labels count, so an article that quotes a Git conflict in a code
block can still be saved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Mapping

import merge3

#: The labels on kb's conflict markers.
YOURS = "yours"
THEIRS = "theirs"
START = "<<<<<<< " + YOURS
MIDDLE = "======="
END_PREFIX = ">>>>>>> " + THEIRS

_MARKER_LINE = re.compile(rf"^(?:{re.escape(START)}|{re.escape(END_PREFIX)})\b.*$", re.M)


@dataclass
class Hunk:
    """One place where both edits changed the same text."""

    where: str  # "title", "body" or another field's name
    yours: str
    theirs: str
    line: int | None = None  # the 1-based line of its start marker in the merged body


@dataclass
class Merged:
    """The merged form values and what could not be merged by itself."""

    values: dict[str, str]
    conflicts: list[Hunk] = field(default_factory=list)
    #: Fields both people changed differently where the merged form keeps yours (not text:
    #: a section or a date cannot hold markers); listed so theirs is seen, not dropped silently.
    kept_yours: list[Hunk] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.conflicts


def end_marker(number: int) -> str:
    return f"{END_PREFIX} (revision {number})"


def merge_text(base: str, yours: str, theirs: str, their_number: int) -> tuple[str, list[Hunk]]:
    """Merge ``yours`` and ``theirs`` line by line against ``base``.

    :returns: the merged text (with markers around each conflicting hunk) and the hunks.
    """
    base_lines, your_lines, their_lines = (_lines(t) for t in (base, yours, theirs))
    merger = merge3.Merge3(base_lines, your_lines, their_lines)
    out: list[str] = []
    hunks: list[Hunk] = []
    for region in merger.merge_regions():
        what = region[0]
        if what == "unchanged":
            out.extend(base_lines[region[1]:region[2]])
        elif what in ("a", "same"):
            out.extend(your_lines[region[1]:region[2]])
        elif what == "b":
            out.extend(their_lines[region[1]:region[2]])
        else:  # conflict: (name, base start, end, a start, end, b start, end)
            mine, others = your_lines[region[3]:region[4]], their_lines[region[5]:region[6]]
            hunks.append(Hunk("body", "".join(mine), "".join(others), line=len(out) + 1))
            out.append(START + "\n")
            out.extend(_ended(mine))
            out.append(MIDDLE + "\n")
            out.extend(_ended(others))
            out.append(end_marker(their_number) + "\n")
    text = "".join(out)
    if not yours.endswith("\n") and not theirs.endswith("\n") and text.endswith("\n"):
        text = text[:-1]
    return text, hunks


def merge_form(base: Mapping[str, str] | None, yours: Mapping[str, str], theirs: Mapping[str, str],
               their_number: int, text_fields: tuple[str, ...] = ("title", "body")) -> Merged:
    """Merge every form field: text fields through :func:`merge_text` (the title on one line),
    the others as values (one side's change wins; both changed differently keeps yours and
    says so). A missing base (the revision was never found) is empty: every difference conflicts.
    """
    base = base or {}
    merged = Merged(values=dict(yours))
    for name, mine in yours.items():
        if name not in theirs:
            continue
        old, other = base.get(name, ""), theirs[name]
        if mine == other or other == old:
            continue
        if mine == old:
            merged.values[name] = other
        elif name == "body":
            merged.values[name], hunks = merge_text(old, mine, other, their_number)
            merged.conflicts.extend(hunks)
        elif name in text_fields:
            merged.values[name] = f"{START}: {mine} {MIDDLE} {other} {end_marker(their_number)}"
            merged.conflicts.append(Hunk(name, mine, other))
        else:
            merged.kept_yours.append(Hunk(name, mine, other))
    return merged


def unresolved_markers(text: str) -> int:
    """How many of kb's conflict marker lines are left in ``text`` (0 once resolved)."""
    return len(_MARKER_LINE.findall(text or ""))


def _lines(text: str) -> list[str]:
    return (text or "").replace("\r\n", "\n").splitlines(keepends=True)


def _ended(lines: list[str]) -> list[str]:
    """Lines with a final newline, so a marker never joins the last line of a hunk."""
    if lines and not lines[-1].endswith("\n"):
        return [*lines[:-1], lines[-1] + "\n"]
    return lines

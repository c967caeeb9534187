"""The folders kb ships beside its code: ``static/``, ``articles/`` and ``macros/``.

They live at the repository's top level, where people edit them. A source checkout and an
editable install read them there; a wheel or ``pip install .`` carries a copy inside the
package, under ``kb/bundled/`` (``setup.py`` copies them at build time). :func:`path` is the
one place that knows both layouts, so every caller finds the same folder whichever way kb was
installed.
"""

from __future__ import annotations

from pathlib import Path

from kb.errors import KbError

#: The top-level folders that are shipped.
NAMES = ("static", "articles", "macros")

_PACKAGE = Path(__file__).resolve().parent
#: Where a wheel keeps its copy.
INSTALLED = _PACKAGE / "bundled"
#: The repository root, when kb runs from a checkout (or an editable install of one).
CHECKOUT = _PACKAGE.parent


class MissingResourceError(KbError):
    """kb's installation lacks a folder it ships with (a broken or partial install)."""

    status = 500
    code = "missing_resource"


def path(name: str) -> Path:
    """The folder ``name`` (one of :data:`NAMES`) of this installation.

    The packaged copy wins; the checkout's folder is used only beside a checkout's
    ``setup.cfg``, so a stray ``static/`` next to an installed package is never taken.

    :raises MissingResourceError: when neither exists.
    """
    if name not in NAMES:
        raise ValueError(f"kb ships no folder called {name!r}")
    for candidate in _candidates(name):
        if candidate.is_dir():
            return candidate
    raise MissingResourceError(
        f"kb's {name}/ folder is missing from this installation (looked in "
        f"{' and '.join(str(c) for c in _candidates(name))}); reinstall kb",
        name=name)


def _candidates(name: str) -> list[Path]:
    found = [INSTALLED / name]
    if (CHECKOUT / "setup.cfg").is_file():
        found.append(CHECKOUT / name)
    return found

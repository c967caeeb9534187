"""Finding and reading the files of an import, within bounds.

An import folder comes from anywhere (a colleague's zip, a migration script's output), so
reading it must not let one file cost more than a file is worth, nor reach outside the folder:

* YAML aliases are refused. Front matter written by people needs none, and a few hundred
  bytes of nested aliases expand to gigabytes (the "billion laughs"). Nesting is bounded too,
  since the constructor recurses once per level.
* Front matter larger than :data:`MAX_FRONT_MATTER_BYTES` is refused before it is parsed, and a
  file is never read past :data:`MAX_FILE_BYTES`.
* A symlink whose target resolves outside the folder named on the command line is refused and
  reported rather than followed; symlinks within it are followed, each folder walked once so
  loops end.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

import yaml

from kb.content.slugs import slugify
from kb.models.content import ARTICLE, MACRO

MAX_FILE_BYTES = 1_000_000
MAX_FRONT_MATTER_BYTES = 64 * 1024
#: Deeper than any hand-written front matter or sections file goes.
MAX_YAML_DEPTH = 20
#: The delimiter python-frontmatter uses, so files it read before still split the same way.
_BOUNDARY = re.compile(r"^-{3,}\s*$", re.MULTILINE)
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class ContentFileError(Exception):
    """A file that cannot be imported; the message says why."""


@dataclass(frozen=True)
class ContentFile:
    path: Path
    kind: str
    #: ``category/section`` from the folders under ``articles/``, if any.
    folder_section: str | None
    #: Why the file is not read at all (a symlink out of the import folder, say), if it is not.
    refused: str | None = None


def load_yaml(text: str) -> Any:
    """Safe YAML without aliases and with bounded nesting.

    The events are checked before anything is built, so a refused document costs no more
    than scanning its text.

    :raises ContentFileError: an alias or too deep nesting.
    :raises yaml.YAMLError: not YAML, or a tag safe loading does not know (``!!python/…``).
    """
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, yaml.AliasEvent):
            raise ContentFileError(f"YAML aliases (*{event.anchor}) are not allowed{_where(event)}; "
                                   "write the value out instead")
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_YAML_DEPTH:
                raise ContentFileError(f"nested more than {MAX_YAML_DEPTH} levels deep{_where(event)}")
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
    return yaml.load(text, Loader=_Loader)


def _where(event) -> str:
    mark = getattr(event, "start_mark", None)
    return f" (line {mark.line + 1})" if mark is not None else ""


def yaml_problem(exc: yaml.YAMLError) -> str:
    """A YAML error in one line, with the line it is on when known."""
    mark = getattr(exc, "problem_mark", None)
    where = f" at line {mark.line + 1}" if mark is not None else ""
    return f"{where}: {getattr(exc, 'problem', None) or exc}"


def read_text(path: Path) -> str:
    """A file's text, read no further than :data:`MAX_FILE_BYTES`.

    :raises ContentFileError: unreadable, too large, binary or not UTF-8.
    """
    try:
        with open(path, "rb") as file:
            raw = file.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ContentFileError(f"cannot read: {exc.strerror or exc}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise ContentFileError("larger than 1 MB")
    if b"\x00" in raw:
        raise ContentFileError("contains NUL bytes (is it a binary file?)")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ContentFileError(f"not valid UTF-8 (byte {exc.start})") from None


def split_front_matter(text: str) -> tuple[dict, str]:
    """The front matter as a mapping, and the body.

    Splits as python-frontmatter does (surrounding whitespace stripped), so files read before
    read the same; a file not starting with ``---`` has no front matter.

    :raises ContentFileError: front matter too large, broken, or not a mapping.
    """
    text = text.strip()
    if not _BOUNDARY.match(text):
        return {}, text
    parts = _BOUNDARY.split(text, 2)
    if len(parts) < 3:
        return {}, text
    _, header, body = parts
    if len(header.encode()) > MAX_FRONT_MATTER_BYTES:
        raise ContentFileError(f"the front matter is larger than {MAX_FRONT_MATTER_BYTES // 1024} KiB")
    try:
        meta = load_yaml(header)
    except ContentFileError as exc:
        raise ContentFileError(f"broken front matter: {exc}") from None
    except yaml.YAMLError as exc:
        raise ContentFileError(f"broken front matter{yaml_problem(exc)}") from None
    except (TypeError, ValueError, RecursionError) as exc:  # e.g. an unhashable key
        raise ContentFileError(f"broken front matter: {exc}") from None
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        raise ContentFileError("broken front matter: it is not a mapping of keys to values")
    if not all(isinstance(key, str) for key in meta):
        raise ContentFileError("broken front matter: every key must be a word (quote dates and numbers)")
    return meta, body.strip()


def discover(paths: Iterable[str | os.PathLike]) -> list[ContentFile]:
    """Every Markdown file under ``paths``, in a stable order, with its kind and folder section.

    A folder holding ``articles/`` or ``macros/`` is a content root: only files under those count.
    Symlinks out of the folder given, and paths that do not exist, come back refused (see
    :class:`ContentFile`), so they are reported with the rest.
    """
    found: dict[Path, ContentFile] = {}
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            found.setdefault(path.absolute(), ContentFile(path, ARTICLE, None, "no such file or folder"))
            continue
        if path.is_file():
            found.setdefault(path.resolve(), _classify(path))
            continue
        for file, refused in _markdown_files(path):
            if refused:
                found.setdefault(file.absolute(), ContentFile(file, ARTICLE, None, refused))
            else:
                found.setdefault(file.resolve(), _classify(file))
    return sorted(found.values(), key=lambda f: (f.kind != ARTICLE, str(f.path)))


def _markdown_files(folder: Path) -> list[tuple[Path, str | None]]:
    """The ``.md`` files under ``folder``, and the symlinks refused on the way; only those under
    its ``articles/`` and ``macros/`` when it has them (an export, a corpus), so a README beside
    them is not taken for an article."""
    top = folder.resolve()
    roots = [folder / name for name in ("articles", "macros") if (folder / name).is_dir()]
    found: list[tuple[Path, str | None]] = []
    seen: set[Path] = set()
    for root in roots or [folder]:
        if root.is_symlink() and not within(root, top):
            found.append((root, outside_message(root, top)))
            continue
        _walk(root, top, seen, found)
    return sorted(found, key=lambda pair: pair[0])


def _walk(folder: Path, top: Path, seen: set[Path], found: list[tuple[Path, str | None]]) -> None:
    """Collect ``.md`` files under ``folder``, walking each real folder once (symlink loops end)."""
    real = folder.resolve()
    if real in seen:
        return
    seen.add(real)
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        found.append((folder, f"cannot read the folder: {exc.strerror or exc}"))
        return
    for entry in entries:
        path = Path(entry.path)
        if entry.is_symlink():
            if not within(path, top):
                if path.suffix == ".md" or _is_dir(path):
                    found.append((path, outside_message(path, top)))
                continue
            if path.suffix == ".md" and not path.exists():
                found.append((path, "cannot read: a broken symlink or a symlink loop"))
                continue
        if _is_dir(path):
            _walk(path, top, seen, found)
        elif path.suffix == ".md" and path.is_file():
            found.append((path, None))


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:  # a symlink loop, say
        return False


def within(path: Path, top: Path) -> bool:
    """Whether ``path``, symlinks resolved, is inside the folder ``top`` (already resolved)."""
    try:
        return path.resolve().is_relative_to(top)
    except (OSError, RuntimeError):  # a symlink loop: nothing to read there anyway
        return True


def outside_message(path: Path, top: Path) -> str:
    return f"a symlink to {path.resolve()}, outside the import folder {top}; not followed"


def _classify(file: Path) -> ContentFile:
    """Kind and section from where the file sits (a symlink: where the link is, not its target)."""
    parts = Path(os.path.abspath(file)).parts
    for index in range(len(parts) - 2, -1, -1):
        if parts[index] in ("articles", "macros"):
            kind = ARTICLE if parts[index] == "articles" else MACRO
            folders = [slugify(p) for p in parts[index + 1:-1]]
            section = None
            if kind == ARTICLE and folders:
                section = f"{folders[0]}/{folders[1] if len(folders) > 1 else 'general'}"
            return ContentFile(file, kind, section)
    return ContentFile(file, ARTICLE, None)


def content_files_named(name: str, paths: list[Path]) -> dict[Path, str | None]:
    """The files called ``name`` that go with the paths of an import (the sections and synonyms
    files): one given by name, or one in an ``articles/`` folder given or found under a folder
    given; each with why it is refused (a symlink out of the folder given), if it is."""
    found: dict[Path, str | None] = {}
    for path in paths:
        if path.is_file() and path.name == name:
            found.setdefault(path.resolve(), None)
        elif path.is_dir():
            top = path.resolve()
            for candidate in (path / "articles" / name, path / name):
                if not candidate.is_file():
                    continue
                if within(candidate, top):
                    found.setdefault(candidate.resolve(), None)
                else:
                    found.setdefault(candidate.absolute(), outside_message(candidate, top))
    return found

"""The synonym list of a content folder: ``synonyms.yml`` beside ``sections.yml``.

``kb export`` writes the list editors keep (:mod:`kb.search.synonym_list`) and ``kb import``
reads it back, so a restored or copied help center searches the same way. The sample content
ships its list in this form. Entries in the file are created or updated; entries only in the
database stay. Read within the same bounds as content files (see :mod:`kb.transfer_files`).
"""

from __future__ import annotations

from pathlib import Path

import yaml

from kb.errors import ValidationError
from kb.search import synonym_list
from kb.transfer_files import (ContentFileError, content_files_named, load_yaml, read_text,
                               yaml_problem)

FILE_NAME = "synonyms.yml"


class SynonymsFileError(Exception):
    """A synonyms file that cannot be read or holds a refused entry; the message says why."""


def synonyms_files(paths: list[Path]) -> dict[Path, str | None]:
    """The synonyms files that go with an import's paths, each with why it is refused, if it is."""
    return content_files_named(FILE_NAME, paths)


def dump() -> str:
    """Every entry, by term."""
    listed = [{"term": e.term, "variants": list(e.variants)} for e in synonym_list.entries()]
    return yaml.safe_dump({"synonyms": listed}, sort_keys=False, allow_unicode=True, width=1000)


def load(path: Path) -> int:
    """Create or update the entries a file lists; returns how many changed.

    :raises SynonymsFileError: unreadable, broken YAML or a refused entry (nothing is written).
    """
    try:
        data = load_yaml(read_text(path))
    except ContentFileError as exc:
        raise SynonymsFileError(str(exc)) from None
    except yaml.YAMLError as exc:
        raise SynonymsFileError(f"broken YAML{yaml_problem(exc)}") from None
    except (TypeError, ValueError) as exc:
        raise SynonymsFileError(f"broken YAML: {exc}") from None
    listed = (data or {}).get("synonyms") if isinstance(data, dict) else None
    if not isinstance(listed, list):
        raise SynonymsFileError("expected a list under 'synonyms'")
    pairs = []
    for entry in listed:
        if not isinstance(entry, dict) or "term" not in entry:
            raise SynonymsFileError("each entry needs a term and its variants")
        pairs.append((entry["term"], entry.get("variants")))
    try:
        return synonym_list.replace_all(pairs)
    except ValidationError as exc:
        raise SynonymsFileError(str(exc)) from None

"""Images in and out of content folders: ``media/<sha256>.<ext>`` beside ``articles/``.

An export writes every uploaded image under its stored name; an import reads a folder's
``media/`` back before its articles (so they are shown with their sizes), byte for byte: the
files are checked (an accepted type, whole, nothing after the image, the name matching the
content) but not re-encoded, or their names would no longer be their digests.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Iterable

from flask import current_app

from kb.errors import KbError
from kb.media import store
from kb.models import User

FOLDER = "media"


def export_media(root: Path) -> int:
    """Write every image to ``root/media/``; returns how many. Files are written atomically."""
    count = 0
    for name, data in store.exported():
        _write_atomic(root / FOLDER / name, data)
        count += 1
    return count


def import_media(paths: Iterable[Path], actor: User) -> tuple[int, list[tuple[str, str]]]:
    """Read ``media/`` in each folder given; returns (new images, failures as (path, reason))."""
    limit = store.max_bytes(current_app.config)
    added, failures = 0, []
    for folder in paths:
        media = folder / FOLDER
        if not media.is_dir() or media.is_symlink():
            continue
        for file in sorted(media.iterdir()):
            if file.name.startswith(".") or not file.is_file() or file.is_symlink():
                continue
            try:
                if file.stat().st_size > limit:
                    raise KbError(f"larger than {limit // store.MEGABYTE} MB")
                added += store.import_file(file.name, file.read_bytes(), actor, limit)
            except (KbError, OSError) as exc:
                failures.append((str(file), getattr(exc, "message", None) or str(exc)))
    return added, failures


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".kb-export-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise

"""Helpers for the import and export tests: content folders written out as files, and ``kb import``."""

from __future__ import annotations

from pathlib import Path


def write(root: Path, relative: str, text: str | bytes) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


ARTICLE = """---
title: How payouts work
tags: [payouts, billing]
---
Payouts go out on the 5th.
"""


def run_import(runner, *paths):
    return runner.invoke(args=["import", *map(str, paths)])

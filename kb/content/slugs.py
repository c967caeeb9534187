"""Slugs: the stable, URL-safe names of documents, categories and sections."""

from __future__ import annotations

import re
import unicodedata

MAX_SLUG_LENGTH = 80
_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str, fallback: str = "untitled") -> str:
    """Turn any text into ``lower-case-words``: ASCII only, no dots, no slashes.

    Accents are folded (``Café`` -> ``cafe``), so a title or file name can never smuggle a path
    separator or ``..`` into a URL or a file written by ``kb export``.
    """
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = _NOT_SLUG.sub("-", folded.lower()).strip("-")
    if len(slug) > MAX_SLUG_LENGTH:
        slug = slug[:MAX_SLUG_LENGTH].rsplit("-", 1)[0] or slug[:MAX_SLUG_LENGTH]
    return slug or fallback


def is_valid_slug(slug: str) -> bool:
    return bool(slug) and slugify(slug, fallback="") == slug


def title_from_slug(slug: str) -> str:
    """``payments-and-billing`` -> ``Payments and billing``, for folders named by slug."""
    words = slug.replace("_", "-").split("-")
    return " ".join(words).strip().capitalize() or slug

"""kb's own images in rendered HTML: finding them, and giving them their size and widths.

A revision's HTML is rendered once, when it is saved; this runs then too, with the database at
hand (the Markdown renderer has none), so a page shows each uploaded image with ``width`` and
``height`` (no layout shift while it loads), ``loading="lazy"`` and a ``srcset`` of the smaller
widths made at upload. The attributes added are ones :mod:`kb.content.markdown`'s allow-list
keeps, so sanitising the result again changes nothing.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

#: One of kb's image URLs: ``/media/<sha256>.<ext>``, or a smaller width ``-<w>w``.
MEDIA_NAME = re.compile(r"([0-9a-f]{64})(?:-([0-9]{1,5})w)?\.(png|jpg|gif|webp)")
_MEDIA_URL = re.compile(r"/media/" + MEDIA_NAME.pattern)
#: ``src`` or ``href`` values naming kb's images, in sanitised (html5ever-serialised) HTML.
_REFERENCE = re.compile(r'(?:src|href)="/media/([0-9a-f]{64})(?:-[0-9]{1,5}w)?\.(?:png|jpg|gif|webp)"')
_IMG = re.compile(r"<img((?:\s+[^\s\"'>/=]+(?:=\"[^\"]*\")?)*)\s*/?>")
_ATTRIBUTE = re.compile(r'([^\s"\'>/=]+)(?:="([^"]*)")?')
_ADDED = ("width", "height", "loading", "srcset")


@dataclass(frozen=True)
class ImageSizes:
    ext: str
    width: int
    height: int
    #: The smaller widths made at upload.
    widths: tuple[int, ...] = ()


def url(sha256: str, ext: str, width: int | None = None) -> str:
    return f"/media/{sha256}{f'-{width}w' if width else ''}.{ext}"


def referenced(clean_html: str) -> list[str]:
    """The digests of kb's images that sanitised HTML shows or links to, each once."""
    return list(dict.fromkeys(_REFERENCE.findall(clean_html)))


def with_sizes(clean_html: str, sizes: dict[str, ImageSizes]) -> str:
    """``clean_html`` with each ``<img>`` of a known kb image given its size, lazy loading and
    its ``srcset``. Other images are left as they are."""

    def sized(match: re.Match[str]) -> str:
        attributes = {name: html.unescape(value or "") for name, value in _ATTRIBUTE.findall(match[1])}
        found = _MEDIA_URL.fullmatch(attributes.get("src", ""))
        known = sizes.get(found[1]) if found and not found[2] else None
        if known is None or known.ext != found[3]:
            return match[0]
        kept = {k: v for k, v in attributes.items() if k not in _ADDED}
        kept.update(width=str(known.width), height=str(known.height), loading="lazy")
        if known.widths:
            candidates = [f"{url(found[1], known.ext, w)} {w}w" for w in known.widths]
            candidates.append(f"{url(found[1], known.ext)} {known.width}w")
            kept["srcset"] = ", ".join(candidates)
        text = "".join(f' {k}="{html.escape(v, quote=True)}"' for k, v in kept.items())
        return f"<img{text}>"

    return _IMG.sub(sized, clean_html) if "/media/" in clean_html else clean_html

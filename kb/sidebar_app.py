"""Write a ticketing tool's app package for kb's ticket sidebar (``kb sidebar-app zendesk DIR``).

The package is what an admin uploads to the ticketing tool as a private app. For Zendesk it
follows the Zendesk Apps framework v2: ``manifest.json`` places the app in the ticket sidebar and
declares two settings, kb's address and the agent's API token (secure: Zendesk keeps it on its
servers and adds it to the app's API calls through its proxy, so it never reaches a browser);
``assets/iframe.html`` loads the ZAF SDK from Zendesk's CDN and frames kb's ``/sidebar`` page with
the bridge script ``static/js/host-zendesk.js``; ``translations/en.json`` names the app and its
settings. kb's own side is configured separately: the Zendesk origins go in ``KB_CORS_ORIGINS``.
"""

from __future__ import annotations

import json
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from markupsafe import escape

from kb import resources
from kb.errors import KbError

ZAF_SDK = "https://static.zdassets.com/zendesk_app_framework_sdk/2.0/zaf_sdk.min.js"
APP_NAME = "kb macros"
APP_VERSION = "1.0.0"
#: Zendesk's upload checks want both logos, at these sizes.
LOGOS = {"logo.png": 320, "logo-small.png": 128}


class SidebarAppError(KbError):
    status = 400
    code = "sidebar_app"


@dataclass(frozen=True)
class WrittenApp:
    directory: Path
    files: tuple[str, ...]


def kb_address(url: str) -> str:
    """``url`` without a trailing slash; refuses anything but an http(s) address without a query."""
    parts = urlsplit((url or "").strip())
    if parts.scheme not in {"http", "https"} or not parts.netloc or parts.query or parts.fragment:
        raise SidebarAppError(f"the kb address must look like https://help.example.com, not {url!r}")
    return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"


def zendesk_manifest(kb_url: str, author_email: str) -> dict:
    return {
        "name": APP_NAME,
        "author": {"name": "kb", "email": author_email, "url": kb_url},
        "defaultLocale": "en",
        "private": True,
        "location": {"support": {"ticket_sidebar": {"url": "assets/iframe.html", "flexible": True}}},
        "version": APP_VERSION,
        "frameworkVersion": "2.0",
        # secure settings are only sent to these hosts
        "domainWhitelist": [urlsplit(kb_url).hostname],
        "parameters": [
            {"name": "kb_url", "type": "url", "required": True, "default": kb_url},
            {"name": "api_token", "type": "text", "required": True, "secure": True},
        ],
    }


def zendesk_translations() -> dict:
    return {"app": {
        "name": APP_NAME,
        "short_description": "Suggests kb macros for the ticket and inserts the filled-in reply.",
        "long_description": ("Shows the kb macros and articles that answer the open ticket, a macro "
                             "search and the fill-in form; inserts the filled reply into the comment."),
        "installation_instructions": ("Enter kb's address and an agent's kb API token "
                                      "(kb tokens create EMAIL). Add this Zendesk's origins to kb's "
                                      "KB_CORS_ORIGINS."),
        "parameters": {
            "kb_url": {"label": "kb address", "helpText": "Where kb is reached, e.g. https://help.example.com"},
            "api_token": {"label": "kb API token", "helpText": "An agent's token from `kb tokens create`"},
        },
    }}


def zendesk_iframe(kb_url: str) -> str:
    bridge = (resources.path("static") / "js" / "host-zendesk.js").read_text(encoding="utf-8")
    return (
        "<!doctype html>\n<html lang=\"en\">\n<head>\n  <meta charset=\"utf-8\">\n"
        f"  <title>{APP_NAME}</title>\n"
        "  <style>html, body { margin: 0; height: 100%; } "
        "iframe { border: 0; width: 100%; height: 100%; display: block; }</style>\n"
        f"  <script src=\"{ZAF_SDK}\"></script>\n</head>\n<body>\n"
        f"<iframe id=\"kb-sidebar\" title=\"{APP_NAME}\" data-kb-url=\"{escape(kb_url)}\"></iframe>\n"
        f"<script>\n{bridge}</script>\n</body>\n</html>\n"
    )


def _png(size: int) -> bytes:
    """A plain square logo (kb's accent colour), written without an imaging library."""
    row = b"\x00" + bytes((0x1a, 0x56, 0xdb)) * size
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(row * size)) + chunk(b"IEND", b""))


def write_zendesk_app(directory: str | Path, kb_url: str, author_email: str) -> WrittenApp:
    """Write the Zendesk app package into ``directory`` (created if needed; must hold no
    package already, so nobody's edited app is overwritten)."""
    kb_url = kb_address(kb_url)
    if "@" not in (author_email or ""):
        raise SidebarAppError("give the app's contact address with --author-email (Zendesk requires one)")
    target = Path(directory)
    if target.exists() and not target.is_dir():
        raise SidebarAppError(f"{target} is a file, not a folder")
    if (target / "manifest.json").exists():
        raise SidebarAppError(f"{target} already holds an app (manifest.json): choose an empty folder")
    files = {
        "manifest.json": json.dumps(zendesk_manifest(kb_url, author_email), indent=2) + "\n",
        "translations/en.json": json.dumps(zendesk_translations(), indent=2) + "\n",
        "assets/iframe.html": zendesk_iframe(kb_url),
    }
    for name, text in files.items():
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        (target / name).write_text(text, encoding="utf-8")
    for name, size in LOGOS.items():
        (target / "assets" / name).write_bytes(_png(size))
    return WrittenApp(target, (*files, *(f"assets/{name}" for name in LOGOS)))

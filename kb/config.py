"""Configuration, loaded in layers and only inside the app factory.

Order: code defaults -> instance file (``$KB_INSTANCE/kb.cfg``, optional) -> ``KB_*``
environment variables -> the test override. Paths that derive from the instance folder
are filled in last, so setting ``KB_INSTANCE`` alone moves everything.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any, Mapping

from flask import Flask

from kb import locales, resources

DEFAULTS: dict[str, Any] = {
    "INSTANCE": "./instance",
    "DATABASE_URL": None,  # sqlite:///$INSTANCE/kb.sqlite3
    "INDEX_DIR": None,  # $INSTANCE/index
    "SECRET_KEY": None,  # generated once into $INSTANCE/secret_key
    "CONTENT_DIR": None,  # the folder holding the sample articles/ and macros/ (the shipped ones)
    "STATIC_DIR": None,  # the shipped static/
    "SAMPLES": True,  # import the sample content when a new instance is first set up
    "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
    "MEDIA_MAX_MB": 10,  # the largest image upload; POST /api/v1/media alone takes bodies this big
    "ALLOW_SELF_APPROVAL": False,
    "CORS_ORIGINS": "",  # comma-separated origins allowed to call the API from a browser
    "INDEX_IN_PROCESS": True,  # apply index events right after each commit
    "INDEX_REFRESH_SECONDS": 0.5,
    "RATE_LIMIT_PER_MINUTE": 30,  # feedback and search forms, per client
    "TYPEAHEAD_RATE_LIMIT_PER_MINUTE": 120,  # suggestions while typing, per client
    "BASE_URL": None,  # e.g. https://help.example.com: absolute links use it, never the Host header
    "RATE_LIMIT_STORAGE": None,  # a limits storage URI shared by workers, e.g. redis://host:6379
    "RENDER_TIMEOUT": 2.0,  # seconds one Markdown body may take to render before it is refused
    "IMPORT_RENDER_TIMEOUT": 10.0,  # the same, during kb import (no reader waits on it)
    "RENDER_WORKERS": 2,  # render processes per web process, at most
    "PREVIEW_RATE_LIMIT_PER_MINUTE": 60,  # editor previews, per signed-in user
    "UNATTENDED_DRAFT_DAYS": 14,  # a draft idle this long is listed as nobody's on the dashboard
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "WTF_CSRF_TIME_LIMIT": None,
    "JSON_SORT_KEYS": False,
    "PASSWORD_HASH_METHOD": "scrypt",
    "SMTP_URL": None,  # smtp://[user:pass@]host:port; without it no mail is sent (kb/mail.py)
    "MAIL_FROM": None,  # the From address of kb's mail, e.g. help@example.com
    "SUPPORT_EMAIL": None,  # contact requests are e-mailed here (with SMTP_URL), kb/contact/
    "REQUEST_WEBHOOK_URL": None,  # contact requests are POSTed here as signed JSON
    "REQUEST_WEBHOOK_SECRET": None,  # the HMAC-SHA256 key of the webhook's X-KB-Signature
    "REQUEST_WEBHOOK_TIMEOUT": 3,  # seconds one webhook attempt may take
    "CONTACT_RETRY_SECONDS": 30,  # the first retry's wait; each later one waits twice as long
    "CONTACT_DEFLECTION_MINUTES": 30,  # an opened suggestion without a request after this is a deflection
    "CONTACT_RATE_LIMIT_PER_HOUR": 10,  # contact requests per client per hour
    "SEARCH_LOG_DAYS": 90,  # days raw search rows are kept; the daily roll-ups are kept for good
    "LOG_LEVEL": "INFO",  # of the ``kb`` loggers (kb/logs.py), request lines included
    "LOCALES": "en",  # comma-separated, the first the default (kb/locales.py)
}

#: Keys kb understands; anything else in the instance file earns a warning.
KNOWN_KEYS = set(DEFAULTS) | {
    "TESTING",
    "DEBUG",
    "SQLALCHEMY_DATABASE_URI",
    "SQLALCHEMY_ENGINE_OPTIONS",
    "SESSION_COOKIE_SECURE",
    "WTF_CSRF_ENABLED",
    "SERVER_NAME",
    "PREFERRED_URL_SCHEME",
}


def load_config(app: Flask, test_config: Mapping[str, Any] | None = None) -> None:
    """Fill ``app.config`` from every layer and derive the paths.

    :raises RuntimeError: when the instance folder cannot be created.
    """
    framework_keys = set(app.config)
    app.config.from_mapping(DEFAULTS)
    instance = Path(os.environ.get("KB_INSTANCE") or (test_config or {}).get("INSTANCE") or "./instance")
    config_file = instance / "kb.cfg"
    if config_file.is_file():
        app.config.from_pyfile(str(config_file.resolve()))
    app.config.from_prefixed_env("KB", loads=_loads_env)
    if test_config:
        app.config.update(test_config)
    _warn_unknown(app, framework_keys)
    _derive_paths(app)


def _loads_env(value: str) -> Any:
    """Read ``true``/``false``/numbers from the environment; everything else stays text."""
    lowered = value.strip().lower()
    if lowered in {"true", "yes", "on"}:
        return True
    if lowered in {"false", "no", "off"}:
        return False
    try:
        return int(value)
    except ValueError:
        return value


def _warn_unknown(app: Flask, framework_keys: set[str]) -> None:
    """A misspelt setting is silently ignored otherwise; say so in the log."""
    for key in app.config:
        if (key.isupper() and key not in KNOWN_KEYS and key not in framework_keys
                and not key.startswith(("SQLALCHEMY_", "WTF_", "REMEMBER_", "LOGIN_", "RATELIMIT_"))):
            app.logger.warning("unknown configuration key %s is ignored", key)


def _derive_paths(app: Flask) -> None:
    cfg = app.config
    cfg["LOCALES"] = locales.parse(cfg["LOCALES"])  # a bad tag stops the factory, naming it
    instance = Path(cfg["INSTANCE"]).resolve()
    try:
        instance.mkdir(mode=0o700, parents=True, exist_ok=True)  # its secret key, database, index
    except OSError as exc:
        raise RuntimeError(f"cannot create the instance folder {instance}: {exc}") from exc
    cfg["INSTANCE"] = str(instance)
    cfg["DATABASE_URL"] = cfg["DATABASE_URL"] or f"sqlite:///{instance / 'kb.sqlite3'}"
    cfg.setdefault("SQLALCHEMY_DATABASE_URI", cfg["DATABASE_URL"])
    if not cfg.get("SQLALCHEMY_DATABASE_URI"):
        cfg["SQLALCHEMY_DATABASE_URI"] = cfg["DATABASE_URL"]
    cfg["INDEX_DIR"] = str(Path(cfg["INDEX_DIR"] or instance / "index").resolve())
    cfg["CONTENT_DIR"] = str(Path(cfg["CONTENT_DIR"] or _shipped(app, "articles").parent))
    cfg["STATIC_DIR"] = str(Path(cfg["STATIC_DIR"] or _shipped(app, "static")))
    if not cfg["SECRET_KEY"]:
        cfg["SECRET_KEY"] = _instance_secret(instance)


def _shipped(app: Flask, name: str) -> Path:
    """A folder kb ships; a broken install is said out loud (it would otherwise serve a site
    without styles or samples and print nothing), and the expected place is used."""
    try:
        return resources.path(name)
    except resources.MissingResourceError as exc:
        app.logger.error("%s", exc.message)
        return resources.INSTALLED / name


def _instance_secret(instance: Path) -> str:
    """Generate the session-signing key once and keep it in the instance folder."""
    path = instance / "secret_key"
    if not path.exists():
        key = secrets.token_hex(32)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(key)
    return path.read_text().strip()

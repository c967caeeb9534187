"""One logging configuration for every process kb runs (web workers, ``kb`` commands, the
indexer's follower), and one line per request.

Everything kb logs goes through the ``kb`` logger tree (``kb.request``, ``kb.search.indexer``,
…) to standard error in one format, at ``KB_LOG_LEVEL`` (``INFO`` by default). Records still
propagate, so a host's own handlers (or pytest's) see them too. The request line says what an
operator asks first: ``GET /articles/x 200 12.3ms role=anonymous``.
"""

from __future__ import annotations

import logging
import sys
import time

from flask import Flask, g, request

FORMAT = "%(asctime)s %(levelname)s %(name)s %(process)d: %(message)s"
#: Marks the handler installed here, so building a second app in a process adds no second one.
_HANDLER_NAME = "kb"

request_log = logging.getLogger("kb.request")


def configure(level: str | int = "INFO") -> None:
    """Give the ``kb`` logger its handler and level (idempotent)."""
    logger = logging.getLogger("kb")
    logger.setLevel(level if isinstance(level, int) else str(level).upper())
    if not any(h.get_name() == _HANDLER_NAME for h in logger.handlers):
        handler = _StderrHandler()
        handler.set_name(_HANDLER_NAME)
        handler.setFormatter(logging.Formatter(FORMAT))
        logger.addHandler(handler)


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is when a record is emitted, not the stream it was when
    the handler was made (a test runner swaps it per test)."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


def init_app(app: Flask) -> None:
    configure(app.config.get("LOG_LEVEL") or "INFO")

    @app.before_request
    def _start_clock() -> None:
        g.kb_request_started = time.perf_counter()

    @app.after_request
    def _log_request(response):
        started = g.pop("kb_request_started", None)
        duration = (time.perf_counter() - started) * 1000 if started is not None else 0.0
        request_log.info("%s %s %s %.1fms role=%s", request.method, _loggable_path(),
                         response.status_code, duration, _role())
        return response


#: Endpoints whose URL carries a secret (a one-time set-password link): their route is logged,
#: never the path itself, so a log reader cannot use the link.
SECRET_URL_ENDPOINTS = frozenset({"auth.reset_password"})


def _loggable_path() -> str:
    if request.endpoint in SECRET_URL_ENDPOINTS and request.url_rule is not None:
        return request.url_rule.rule
    return request.path


def _role() -> str:
    """The role of whoever this request was answered for, as far as it was asked: a request that
    never looked up its actor is not made to (that could fail, or touch the database)."""
    actor = request.environ.get("kb.actor")
    role = getattr(actor, "role", None)
    return role.name.lower() if role is not None else "anonymous"

"""Rendering with a time budget: Markdown runs in worker processes that can be stopped.

Python-Markdown has inputs whose cost grows with the square of their length (a long run of
``[``, ``<a ``, backticks…) and nesting deep enough to end in ``RecursionError``. A body like
that must not hold a web worker, and a thread cannot be stopped from outside, so rendering
runs in a separate process that can be: each web process keeps a small pool of long-lived
render processes, hands a job to an idle one and waits at most the budget
(``RENDER_TIMEOUT``, seconds). A job that overruns is refused with
:class:`RenderRefusedError` (422) and its process is killed and replaced; so is a job that
fails or a process that dies. A cheap scan refuses nesting that is too deep before any
rendering is tried.

Render processes run at a lower CPU priority than the web processes, so even a pool busy
with refused bodies leaves the readers' pages the first claim on the cores.
"""

from __future__ import annotations

import atexit
import contextvars
import os
import re
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from multiprocessing.connection import Connection
from typing import Any, Callable, Iterator

from kb.errors import KbError, ValidationError

#: Seconds a render may take when nothing configures it (``KB_RENDER_TIMEOUT``).
DEFAULT_TIMEOUT = 2.0
#: Seconds a render may take during ``kb import`` (``KB_IMPORT_RENDER_TIMEOUT``).
DEFAULT_IMPORT_TIMEOUT = 10.0
#: Render processes per web process at most (``KB_RENDER_WORKERS``); started on first need.
DEFAULT_WORKERS = 2
#: Deepest nesting of lists and quotes accepted: far above what any help text needs, far
#: below what makes the renderer recurse past Python's limit.
MAX_NESTING = 100
#: Seconds a new render process may take to start (not part of any render's budget).
START_TIMEOUT = 30.0

#: The leading containers of a line: indentation, then ``>`` and list markers in a row.
_CONTAINERS = re.compile(r"^([ \t]*)((?:>[ \t]*|(?:[-*+]|[0-9]{1,9}[.)])[ \t]+)*)", re.MULTILINE)
_MARKERS = re.compile(r">|[-*+][ \t]|[0-9]{1,9}[.)][ \t]")


class RenderRefusedError(ValidationError):
    """A body the renderer will not turn into a page within its budget."""

    status = 422
    code = "too_complex"

    def __init__(self, message: str) -> None:
        super().__init__(message, field="body")


class RenderBusyError(KbError):
    """Every render process stayed busy for a whole budget: try again shortly."""

    status = 503
    code = "render_busy"


def check_nesting(text: str, limit: int = MAX_NESTING) -> None:
    """Refuse lists and quotes nested deeper than ``limit`` before rendering them.

    Depth is counted per line: four columns of indentation per level, plus every ``>`` and
    list marker that opens the line (``- - - x`` nests three lists). One linear scan.

    :raises RenderRefusedError: a line nests deeper than ``limit``.
    """
    for match in _CONTAINERS.finditer(text):
        indent, markers = match.groups()
        if not indent and not markers:
            continue
        depth = len(indent.expandtabs(4)) // 4 + len(_MARKERS.findall(markers))
        if depth > limit:
            line = text.count("\n", 0, match.start()) + 1
            raise RenderRefusedError(
                f"line {line} nests lists or quotes {depth} levels deep; at most {limit} are "
                "allowed. Flatten the list or quote and save again.")


def run(function: Callable[..., Any], text: str, *args: Any, timeout: float | None = None) -> Any:
    """``function(text, *args)`` in a render process, within the budget.

    ``function`` must be defined at module level (it is sent by name).

    :param timeout: seconds; by default the app's ``RENDER_TIMEOUT`` (or 2 s outside an app).
    :raises RenderRefusedError: too deeply nested, over the budget, or failed to render.
    :raises RenderBusyError: no render process came free within the budget.
    """
    check_nesting(text)
    if timeout is None:
        timeout = _longer.get() or _configured("RENDER_TIMEOUT", DEFAULT_TIMEOUT)
    return _pool().run(function, (text, *args), float(timeout))


_longer: contextvars.ContextVar[float | None] = contextvars.ContextVar("kb_render_budget", default=None)


@contextmanager
def import_budget() -> Iterator[None]:
    """Renders in this block get ``IMPORT_RENDER_TIMEOUT`` (10 s by default) instead of the
    web's budget: an import holds no reader's request, and a long real article on a busy
    machine must not fail a migration. Pathological bodies are still refused, only later."""
    token = _longer.set(max(_configured("IMPORT_RENDER_TIMEOUT", DEFAULT_IMPORT_TIMEOUT),
                            _configured("RENDER_TIMEOUT", DEFAULT_TIMEOUT)))
    try:
        yield
    finally:
        _longer.reset(token)


def warm_up() -> None:
    """Start one render process in the background (a server worker, just forked), so the
    first render does not wait for it."""
    threading.Thread(target=_pool()._prestart, name="kb-render-start", daemon=True).start()


def shutdown() -> None:
    """Stop this process's render processes (before a server forks its workers)."""
    global _current
    with _pool_lock:
        pool, _current = _current, None
    if pool is not None and pool.pid == os.getpid():
        pool.close()


# -- the pool ------------------------------------------------------------------------------

def _configured(key: str, default: float) -> float:
    from flask import current_app, has_app_context

    if has_app_context():
        return float(current_app.config.get(key) or default)
    return default


_pool_lock = threading.Lock()
_current: "RenderPool | None" = None


def _pool() -> "RenderPool":
    """This process's pool; a forked child never uses the pipes of its parent's."""
    global _current
    with _pool_lock:
        if _current is not None and _current.pid != os.getpid():
            _current.abandon()
            _current = None
        if _current is None:
            _current = RenderPool(int(_configured("RENDER_WORKERS", DEFAULT_WORKERS)))
            atexit.register(_current.close)
        return _current


class _Worker:
    """One render process and this side of its socket."""

    def __init__(self) -> None:
        ours, theirs = socket.socketpair()
        with theirs:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "kb.content.render_worker", str(theirs.fileno())],
                pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL, close_fds=True)
        self.conn = Connection(ours.detach())
        try:
            if not self.conn.poll(START_TIMEOUT) or self.conn.recv() != "ready":
                raise OSError("the render process did not start")
        except BaseException:
            self.kill()
            raise

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(5)
        self.conn.close()


class RenderPool:
    """Up to ``size`` render processes, started on first need and replaced when killed."""

    def __init__(self, size: int) -> None:
        self.size = max(1, size)
        self.pid = os.getpid()
        self._idle: list[_Worker] = []
        self._started = 0
        self._changed = threading.Condition()

    def run(self, function: Callable[..., Any], args: tuple[Any, ...], budget: float) -> Any:
        worker = self._acquire(time.monotonic() + budget)
        healthy = False
        try:
            worker.conn.send((function, args))
            if not worker.conn.poll(budget):
                raise RenderRefusedError(
                    f"this text takes more than {budget:g} seconds to render, so it was refused. "
                    "Long runs of brackets, backticks, HTML tags or footnote marks usually cause "
                    "this: remove them or split the text.")
            status, value = worker.conn.recv()
            healthy = True
        except (EOFError, OSError) as exc:
            raise RenderRefusedError("the renderer stopped while rendering this text, so it "
                                     "was refused; simplify the text and try again.") from exc
        finally:
            self._release(worker if healthy else None)
            if not healthy:
                worker.kill()
                threading.Thread(target=self._prestart, name="kb-render-start", daemon=True).start()
        if status != "ok":
            raise RenderRefusedError(f"this text cannot be rendered: {value}. Simplify it and "
                                     "try again.")
        return value

    def _acquire(self, deadline: float) -> _Worker:
        with self._changed:
            while not self._idle and self._started >= self.size:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise RenderBusyError("the renderer is busy; try again in a moment")
                self._changed.wait(remaining)
            if self._idle:
                return self._idle.pop()
            self._started += 1
        try:
            return _Worker()  # outside the lock: starting takes a while
        except BaseException:
            self._release(None)
            raise

    def _prestart(self) -> None:
        """Start a replacement for a killed process now, so the next render need not wait."""
        with self._changed:
            if self._started >= self.size:
                return
            self._started += 1
        try:
            worker = _Worker()
        except Exception:  # noqa: BLE001 - the next render starts one itself and reports it
            self._release(None)
            return
        self._release(worker)

    def _release(self, worker: _Worker | None) -> None:
        with self._changed:
            if worker is None:
                self._started -= 1
            else:
                self._idle.append(worker)
            self._changed.notify()

    def abandon(self) -> None:
        """Let go of a pool inherited through a fork: its processes are the parent's to stop."""
        for worker in self._idle:
            worker.process.returncode = 0  # not ours to wait for, nor to warn about
            worker.conn.close()
        self._idle = []

    def close(self) -> None:
        with self._changed:
            idle, self._idle = self._idle, []
            self._started -= len(idle)
        for worker in idle:
            worker.kill()

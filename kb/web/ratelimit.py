"""A sliding-window rate limit for the public forms (search and feedback).

The window lives in this process's memory: with ``kb serve --workers N`` each worker counts
on its own, so a client may get up to N times ``RATE_LIMIT_PER_MINUTE`` in the worst case.
That is enough to stop a script hammering the forms without needing a shared store; put a
proxy limit in front when a hard global limit matters.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque

from flask import abort, current_app, make_response, render_template, request

WINDOW_SECONDS = 60.0
#: Clients kept in memory before the idle ones are swept out.
MAX_CLIENTS = 10_000


class SlidingWindow:
    """Counts hits per key over the last ``window`` seconds (thread-safe, per process)."""

    def __init__(self, limit: int, window: float = WINDOW_SECONDS, clock=time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self.clock = clock
        self.hits: dict[str, deque[float]] = {}
        self.lock = threading.Lock()

    def hit(self, key: str) -> float | None:
        """Count one hit for ``key``; None when allowed, else the seconds until the next one is."""
        now = self.clock()
        with self.lock:
            times = self.hits.setdefault(key, deque())
            while times and now - times[0] >= self.window:
                times.popleft()
            if len(times) >= self.limit:
                return self.window - (now - times[0])
            times.append(now)
            if len(self.hits) > MAX_CLIENTS:
                self._sweep(now)
            return None

    def _sweep(self, now: float) -> None:
        for key in [k for k, t in self.hits.items() if not t or now - t[-1] >= self.window]:
            del self.hits[key]


def _limiter(bucket: str, limit: int | None = None) -> SlidingWindow:
    """One window per bucket per app, so tests never share counts between apps."""
    if limit is None:
        limit = int(current_app.config.get("RATE_LIMIT_PER_MINUTE") or 0)
    limiters = current_app.extensions.setdefault("kb.rate_limits", {})
    limiter = limiters.get(bucket)
    if limiter is None or limiter.limit != limit:
        limiter = limiters[bucket] = SlidingWindow(limit)
    return limiter


def wait_for(bucket: str, key: str, limit: int) -> float | None:
    """Count one hit of ``key`` (a user, say) against ``limit`` a minute in ``bucket``.

    :return: None when allowed (always, with a limit of 0), else the seconds to wait.
    """
    limiter = _limiter(bucket, limit)
    return None if limiter.limit <= 0 else limiter.hit(key)


def enforce(bucket: str) -> None:
    """Count this request against the client's allowance for ``bucket``.

    The client is the connecting address (``request.remote_addr``); behind a proxy, configure
    werkzeug's ``ProxyFix`` so that is the real client. A limit of 0 turns limiting off.

    :raises werkzeug.exceptions.HTTPException: a 429 page with ``Retry-After`` when over the limit.
    """
    limiter = _limiter(bucket)
    if limiter.limit <= 0:
        return
    wait = limiter.hit(request.remote_addr or "unknown")
    if wait is None:
        return
    seconds = max(1, math.ceil(wait))
    message = (f"You have sent a lot of requests in the last minute. Please wait {seconds} "
               f"second{'s' if seconds != 1 else ''} and try again.")
    response = make_response(render_template("errors/error.html", status=429, message=message), 429)
    response.headers["Retry-After"] = str(seconds)
    abort(response)

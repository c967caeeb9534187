"""The production server: gunicorn, with the search follower in every worker."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask
from gunicorn.app.base import BaseApplication


#: gunicorn's default access-log line plus ``%(D)s``, the time the request took in microseconds,
#: so the log itself answers "how long do pages take server-side" (bench/pages.py reads it).
ACCESS_LOG_FORMAT = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(D)s'


class _Gunicorn(BaseApplication):
    def __init__(self, app: Flask, options: dict) -> None:
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings:  # control_socket exists from gunicorn 25.1 on
                self.cfg.set(key, value)

    def load(self) -> Flask:
        return self.application


def default_workers() -> int:
    """Two workers per core, plus one (gunicorn's own advice), at most 9.

    A request may wait up to the render budget for a pathological Markdown body; with only as
    many workers as cores, two such requests would leave readers' pages queueing behind them.
    """
    return min(2 * (os.cpu_count() or 1) + 1, 9)


def run(app: Flask, host: str, port: int, workers: int, threads: int) -> None:
    """Serve ``app`` until stopped.

    One thread a worker means gunicorn's sync workers, which close each connection after its
    response (no keep-alive, a little more per sequential request) but accept a connection only
    when idle, so busy workers never queue requests an idle one could take. gthread workers
    with one thread keep connections alive but served far fewer searches a second under load
    (``bench/pages.py``): each worker took connections greedily, busy or not.
    """
    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "threads": threads,
        "worker_class": "gthread" if threads > 1 else "sync",
        "timeout": 60,
        "graceful_timeout": 20,
        "accesslog": "-",
        "access_log_format": ACCESS_LOG_FORMAT,
        "post_fork": lambda _server, _worker: _after_fork(app),
        # One control socket per instance, not gunicorn's one per user: two instances on a
        # host would otherwise fight over it.
        "control_socket": str(Path(app.config["INSTANCE"]) / "gunicorn.ctl"),
    }
    _before_fork(app)
    _Gunicorn(app, options).run()


def _before_fork(app: Flask) -> None:
    """Drop connections, the index handle and render processes so no worker shares the master's."""
    from kb.content import render_budget
    from kb.extensions import db

    render_budget.shutdown()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _after_fork(app: Flask) -> None:
    from kb.content import render_budget
    from kb.extensions import db
    from kb.review.scheduler import start_scheduler
    from kb.search import indexer

    _leave_inherited_app_contexts()
    with app.app_context():
        db.engine.dispose(close=False)
        render_budget.warm_up()
    indexer.start_follower(app, interval=float(app.config.get("INDEX_REFRESH_SECONDS", 0.5)))
    start_scheduler(app)


def _leave_inherited_app_contexts() -> None:
    """Pop the app context the ``kb`` command pushed before the fork.

    Flask's CLI runs every command inside an app context, and a worker inherits it. A sync
    worker handles requests on that same thread, so without this every request would reuse
    that one context: one database session, one stale snapshot, for the worker's lifetime.
    """
    from flask import has_app_context
    from flask.globals import app_ctx

    while has_app_context():
        app_ctx._get_current_object().pop()

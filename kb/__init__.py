"""kb: a help center and macro library for customer-support teams.

``create_app`` does configuration, extensions, blueprints, CLI and error handlers, and nothing
else: migrations, imports and index builds are CLI commands.
"""

from __future__ import annotations

from typing import Any, Mapping

from flask import Flask

__version__ = "0.1.0"


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build a kb application.

    :param test_config: settings applied over every other layer (tests use it).
    """
    from kb import admin, agent, auth, database, editor, errors_web, helpcenter, macros, web  # noqa: F401
    from kb.api import api_blueprint
    from kb.config import load_config
    from kb.extensions import csrf, login_manager, migrate, db

    app = Flask(__name__, instance_relative_config=False)
    load_config(app, test_config)
    from kb import logs

    logs.init_app(app)
    app.static_folder = app.config["STATIC_DIR"]
    app.url_map.converters["int"] = web.IdConverter  # before any route is added

    database.init_app(app)
    migrate.init_app(app, db, directory=str(_migrations_dir()))
    login_manager.init_app(app)
    csrf.init_app(app)
    from kb import throttle

    throttle.init_app(app)
    from kb.search import indexer

    indexer.init_app(app)

    auth.init_app(app)
    web.init_app(app)
    helpcenter.init_app(app)  # readers
    agent.init_app(app)  # support agents
    editor.init_app(app)  # editors and reviewers
    admin.init_app(app)  # accounts, settings and the insights reports
    from kb import insights

    insights.init_app(app)  # the roll-up rides on the scheduled-publishing job
    from kb import contact

    contact.init_app(app)  # contact hand-overs are retried by the same job
    app.register_blueprint(api_blueprint)
    errors_web.init_app(app)
    from kb import cli

    cli.init_app(app)
    return app


def _migrations_dir():
    from pathlib import Path

    return Path(__file__).resolve().parent / "migrations"

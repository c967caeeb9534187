"""The ``kb`` command: a thin shell that parses options, calls one service and prints a summary."""

from __future__ import annotations

import os
import sys
import time
from functools import wraps

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy.exc import OperationalError, ProgrammingError

from kb.database import exclusive_setup
from kb.errors import KbError
from kb.instance import first_run_setup, schema_exists, upgrade_schema  # noqa: F401 - also used by bench/


def friendly_errors(command):
    """Readable messages and exit status 1 instead of tracebacks for errors users can fix."""

    @wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except KbError as exc:
            raise click.ClickException(exc.message) from None
        except (OperationalError, ProgrammingError) as exc:
            text = str(exc.orig if hasattr(exc, "orig") else exc).strip().splitlines()[0]
            if "no such table" in text or "does not exist" in text:
                raise click.ClickException("the database has no schema yet: run `kb init` first") from None
            raise click.ClickException(f"database error: {text}") from None

    return wrapper


@click.group()
def commands():
    """kb's own commands; :func:`init_app` puts them on ``app.cli`` (so ``flask --app kb`` has
    them too, and the console script ``kb`` finds them through the app)."""


def init_app(app) -> None:
    for command in commands.commands.values():
        app.cli.add_command(command)


def main() -> None:
    from kb import create_app

    cli = FlaskGroup(create_app=create_app, add_version_option=False,
                     help="kb: a help center and macro library for support teams.")
    cli.main(prog_name="kb")


# -- schema -----------------------------------------------------------------------------------

@commands.command("init")
@with_appcontext
@friendly_errors
def init_command():
    """Create or upgrade the database schema (safe to run again)."""
    with exclusive_setup():
        upgrade_schema()
    click.echo(f"database ready: {_safe_url()}")


def _safe_url() -> str:
    from sqlalchemy.engine import make_url

    return make_url(current_app.config["SQLALCHEMY_DATABASE_URI"]).render_as_string(hide_password=True)


# -- users and tokens -------------------------------------------------------------------------

@commands.group("users")
def users_group():
    """Manage accounts."""


@users_group.command("create")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice(["agent", "editor", "reviewer", "admin"]))
@click.option("--name", default=None, help="Display name (defaults to the part before @).")
@with_appcontext
@friendly_errors
def users_create(email: str, role: str, name: str | None):
    """Create an account; the password comes from KB_PASSWORD or a prompt."""
    from kb.auth import services

    password = os.environ.get("KB_PASSWORD")
    if not password:
        if not sys.stdin.isatty():
            raise click.ClickException("set KB_PASSWORD or run this in a terminal to be asked for a password")
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    user = services.create_user(email, role, password, name)
    click.echo(f"created {user.role_name} {user.email}")


@users_group.command("reset-password")
@click.argument("email")
@click.option("--expires", default=60, show_default=True, type=click.IntRange(1, 7 * 24 * 60),
              help="Minutes the link works.")
@click.option("--base-url", default=None,
              help="Where the site is reached (default: KB_BASE_URL, else http://127.0.0.1:8000).")
@with_appcontext
@friendly_errors
def users_reset_password(email: str, expires: int, base_url: str | None):
    """Print a one-time link that lets the user set a new password."""
    from datetime import timedelta

    from flask import url_for

    from kb.auth import accounts, services

    user = services.find_user(email)
    if not user.active:
        raise click.ClickException(f"{user.email} is deactivated; reactivate the account first")
    secret = accounts.issue_password_link(user, timedelta(minutes=expires))
    base = base_url or current_app.config.get("BASE_URL") or "http://127.0.0.1:8000"
    with current_app.test_request_context("/"):
        link = str(base).rstrip("/") + url_for("auth.reset_password", secret=secret)
    click.echo(f"one-time link for {user.email}, valid for {expires} minutes:")
    click.echo(link)


@commands.group("tokens")
def tokens_group():
    """Manage API tokens."""


@tokens_group.command("create")
@click.argument("email")
@click.option("--name", default="", help="What the token is for.")
@with_appcontext
@friendly_errors
def tokens_create(email: str, name: str):
    """Issue an API token; it is printed once, as the last line."""
    from kb.auth import services

    user = services.find_user(email)
    secret = services.create_token(user, name)
    click.echo(f"token for {user.email} ({user.role_name}); keep it secret, it is not shown again:")
    click.echo(secret)


@tokens_group.command("revoke")
@click.argument("email")
@click.argument("prefix")
@with_appcontext
@friendly_errors
def tokens_revoke(email: str, prefix: str):
    """Revoke a user's token by its first 10 characters."""
    from kb.auth import services

    count = services.revoke_token(services.find_user(email), prefix)
    if not count:
        raise click.ClickException(f"no live token of {email} starts with {prefix[:10]}")
    click.echo(f"revoked {count} token(s)")


# -- content ----------------------------------------------------------------------------------

@commands.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--force", is_flag=True,
              help="Also overwrite documents in review, changed in the app or archived "
                   "(the audit log records the override).")
@with_appcontext
@friendly_errors
def import_command(paths: tuple[str, ...], force: bool):
    """Import Markdown content files and folders.

    A document in the review workflow's hands (a revision in review or approved, one made in
    the app since the last import, or archived) is skipped and reported, unless --force.
    """
    from kb.auth.services import system_user
    from kb.transfer import import_paths

    def progress(files):
        with click.progressbar(files, label="importing", file=sys.stderr,
                               show_pos=True, item_show_func=lambda f: f.path.name[:30] if f else "") as bar:
            yield from bar

    # Every file's trouble, a missing path included, is a failure line: the summary always prints.
    report = import_paths(paths, system_user(), progress=progress, force=force)
    _finish_import(report, (f"images: {report.images} new from media/",) if report.images else ())


def _finish_import(report, extra: tuple[str, ...] = ()) -> None:
    """What every import command ends with: each skipped and failed item, then the summary line
    (always printed), and exit status 1 when anything failed."""
    for origin, reason in report.skips:
        click.echo(f"skipped: {origin}: {reason}")
    for origin, reason in report.failures:
        click.echo(f"failed: {origin}: {reason}", err=True)
    for line in extra:
        click.echo(line)
    click.echo(report.summary())
    if report.failed:
        sys.exit(1)


@commands.command("export")
@click.argument("directory", type=click.Path(file_okay=False))
@with_appcontext
@friendly_errors
def export_command(directory: str):
    """Write every document as content files under DIRECTORY.

    Published documents are written as readers see them (a draft waiting in review is not);
    drafts, archived documents, old slugs and the sections file are written too, so importing
    the export into an empty instance gives back the same help center.
    """
    from kb.transfer_export import export_all

    count = export_all(directory)
    click.echo(f"exported {count} documents to {directory}")


@commands.command("import-zendesk")
@click.argument("directory", type=click.Path())
@click.option("--force", is_flag=True,
              help="Also overwrite documents in review, changed in the app or archived.")
@with_appcontext
@friendly_errors
def import_zendesk_command(directory: str, force: bool):
    """Import a Zendesk Help Center and its macros from saved API answers (JSON) in DIRECTORY.

    Skips documents in the review workflow's hands as `kb import` does, unless --force.
    """
    from kb.auth.services import system_user
    from kb.zendesk.importer import import_directory

    report, found = import_directory(directory, system_user(), force=force)
    for origin, note in found.notes:
        click.echo(f"note: {origin}: {note}")
    if found.external_images:
        click.echo(f"external images: {found.external_images} (kept as Markdown images of their URLs)")
    _finish_import(report)


@commands.command("export-zendesk")
@click.argument("directory", type=click.Path(file_okay=False))
@with_appcontext
@friendly_errors
def export_zendesk_command(directory: str):
    """Write the help center and macros as Zendesk API answers (JSON) under DIRECTORY."""
    from kb.zendesk.writer import export_directory

    counts = export_directory(directory)
    click.echo("exported " + ", ".join(f"{n} {name}" for name, n in counts.items()) + f" to {directory}")


@commands.command("backup")
@click.argument("file", type=click.Path(dir_okay=False))
@with_appcontext
@friendly_errors
def backup_command(file: str):
    """Write a consistent copy of the SQLite database to FILE while kb keeps serving."""
    from kb.backup import backup

    report = backup(file)
    click.echo(f"backed up {report.documents} documents ({report.bytes:,} bytes) to {report.path}")


@commands.command("restore")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Replace an instance that already holds content or accounts.")
@with_appcontext
@friendly_errors
def restore_command(file: str, force: bool):
    """Put a backup made by `kb backup` back as the database, then rebuild the search index."""
    from kb.backup import restore

    report = restore(file, force=force)
    click.echo(f"restored {report.documents} documents from {file}; indexed {report.indexed}")


# -- search -----------------------------------------------------------------------------------

@commands.command("reindex")
@with_appcontext
@friendly_errors
def reindex_command():
    """Rebuild this node's search index from the database; searches keep answering meanwhile."""
    from kb.search import indexer

    started = time.perf_counter()
    rebuilt = indexer.rebuild_all()
    for failure in rebuilt.skipped:
        click.echo(f"skipped document {failure.document_id} (revision {failure.revision_id}): "
                   f"{failure.error}", err=True)
    skipped = f"; skipped {len(rebuilt.skipped)} that could not be indexed" if rebuilt.skipped else ""
    click.echo(f"indexed {rebuilt.count} documents in {time.perf_counter() - started:.1f}s{skipped}")
    if rebuilt.skipped:
        sys.exit(1)


@commands.command("index")
@click.option("--follow", is_flag=True, help="Keep following the database until stopped.")
@click.option("--interval", default=0.5, show_default=True, help="Seconds between checks with --follow.")
@with_appcontext
@friendly_errors
def index_command(follow: bool, interval: float):
    """Bring this node's search index up to date with the database (once, or --follow)."""
    from kb.extensions import db
    from kb.search import indexer

    while True:
        applied = indexer.catch_up()
        if applied or not follow:
            lag = indexer.lag()
            click.echo(f"applied {applied} events; index at {lag['position']} of {lag['latest']}")
        db.session.remove()
        if not follow:
            return
        time.sleep(interval)


@commands.command("publish-scheduled")
@with_appcontext
@friendly_errors
def publish_scheduled_command():
    """Publish approved revisions whose publish time has come, and run the jobs that go with
    it: the search insights roll-up and the search log's retention (for cron)."""
    from kb.review.scheduler import run_due

    results = run_due(current_app)
    click.echo(f"published {len(results.pop('publish'))} scheduled document(s)")
    for name, result in results.items():
        click.echo(f"{name}: {result if result is not None else 'failed (see the log)'}")


@commands.group("report")
def report_group():
    """Reports for Product Education."""


@report_group.command("weekly")
@with_appcontext
@friendly_errors
def report_weekly_command():
    """Print the week's digest (top zero-result queries, least helpful articles, content due
    for review); with KB_SMTP_URL set, also e-mail it to every reviewer and admin."""
    from kb import mail
    from kb.insights import digest

    found = digest.weekly()
    click.echo(found.text(), nl=False)
    if current_app.config.get("SMTP_URL"):
        try:
            sent = digest.send(found, digest.recipients())
        except mail.MailError as exc:
            raise click.ClickException(f"could not e-mail the digest: {exc}") from None
        click.echo(f"e-mailed to {sent} reviewer(s)")


# -- serving ----------------------------------------------------------------------------------

@commands.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=None, type=click.IntRange(1, 64),
              help="Server processes (default: two per CPU core, plus one, at most 9).")
@click.option("--threads", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Threads per worker; searches and pages are CPU-bound, so more workers beat more threads.")
@click.option("--samples/--no-samples", default=None,
              help="Import the sample content when the database is set up for the first time "
                   "(default: yes, unless KB_SAMPLES=0).")
@click.pass_obj
def serve_command(info, host: str, port: int, workers: int, threads: int, samples: bool | None):
    """Run kb with gunicorn. A database never set up before gets the sample content first."""
    from kb import server

    app = info.load_app()
    with app.app_context():
        report = friendly_errors(first_run_setup)(samples)
        print_setup_report(report)
    server.run(app, host=host, port=port, workers=workers or server.default_workers(), threads=threads)


def print_setup_report(report) -> None:
    if report.samples:
        click.echo(f"sample content: {report.samples}")
    elif report.samples_skipped:
        click.echo(f"sample content not imported: {report.samples_skipped}")
    if report.admin_password:
        click.echo("\n  An admin account was created. Its password is shown only this once:\n"
                   f"    e-mail:   {report.admin_email}\n    password: {report.admin_password}\n")
    if report.index_warning:
        click.echo(f"warning: {report.index_warning}", err=True)


# -- ticketing tool apps ----------------------------------------------------------------------

@commands.command("sidebar-app")
@click.argument("host", type=click.Choice(["zendesk"]))
@click.argument("directory", type=click.Path(file_okay=False))
@click.option("--kb-url", default=None, help="kb's address as agents reach it (default: KB_BASE_URL).")
@click.option("--author-email", default=None,
              help="The app's contact address, which Zendesk requires (default: KB_MAIL_FROM).")
@with_appcontext
@friendly_errors
def sidebar_app_command(host: str, directory: str, kb_url: str | None, author_email: str | None):
    """Write the ticket sidebar app package for HOST into DIRECTORY, ready to upload as a private app."""
    from kb.sidebar_app import write_zendesk_app

    url = kb_url or current_app.config.get("BASE_URL")
    if not url:
        raise click.ClickException("give kb's address with --kb-url (or set KB_BASE_URL)")
    written = write_zendesk_app(directory, url, author_email or current_app.config.get("MAIL_FROM") or "")
    click.echo(f"wrote the {host} app to {written.directory}: {', '.join(written.files)}")
    click.echo("Zip the folder's contents and upload it as a private app; put the Zendesk origins in KB_CORS_ORIGINS.")

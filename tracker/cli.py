"""The ``tracker`` command: database, seeds, users and the production server."""

import os
import shutil
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from tracker import clock
from tracker.db import begin_write, unit_of_work
from tracker.resources import SEEDS

SEEDS_DIR = SEEDS


def _engine():
    return current_app.extensions["db_engine"]


@click.group("db")
def db_group() -> None:
    """Manage the database schema."""


@db_group.command("upgrade")
@click.option("--revision", default="head", show_default=True)
@with_appcontext
def db_upgrade(revision: str) -> None:
    """Apply the migrations up to REVISION."""
    from tracker.migrate import upgrade_database

    upgrade_database(_engine(), revision)
    click.echo(f"Database at {revision}.")


@db_group.command("revision")
@click.argument("message")
@with_appcontext
def db_revision(message: str) -> None:
    """Autogenerate a migration from the models (for developers)."""
    from tracker.migrate import make_revision

    make_revision(_engine(), message)


@click.command("seed")
@click.option("--seeds-dir", type=click.Path(path_type=Path, file_okay=False), default=SEEDS_DIR)
@with_appcontext
def seed(seeds_dir: Path) -> None:
    """Load the resolution and its draft from the seed texts (safe to repeat)."""
    from tracker.texts.seeding import seed_database

    with unit_of_work(_engine()) as session:
        begin_write(session)
        report = seed_database(session, seeds_dir, now=clock.now())
    for line in report.lines():
        click.echo(line, err=line.startswith("NOT"))
    _seed_watched_sources(seeds_dir)


def _seed_watched_sources(seeds_dir: Path) -> None:
    from tracker.sources.catalogue import seed_sources
    from tracker.sources.cli import known_item_numbers

    path = seeds_dir / "sources.json"
    if not path.exists():
        return
    with unit_of_work(_engine()) as session:
        begin_write(session)
        known = known_item_numbers(session)
        added = seed_sources(session, path, known_items=known, now=clock.now())
    if added:
        click.echo(f"Added {added} watched sources from {path.name}, paused until enabled.")


@click.group("users")
def users_group() -> None:
    """Manage monitors and admins."""


@users_group.command("add")
@click.argument("email")
@click.option("--role", type=click.Choice(["monitor", "admin"]), default="monitor")
@click.option(
    "--name",
    default="",
    help="Public name shown on pages, feeds and mail (default: “Monitor” and a number).",
)
@click.password_option(envvar="TRACKER_NEW_USER_PASSWORD")
@with_appcontext
def users_add(email: str, role: str, name: str, password: str) -> None:
    """Add a user who can log in; the password is asked for twice."""
    from tracker.users import UserError, create_user

    try:
        with unit_of_work(_engine()) as session:
            user = create_user(
                session, email=email, password=password, role=role, display_name=name or None
            )
    except UserError as invalid:
        raise click.ClickException(str(invalid)) from None
    click.echo(f"Added {user.email} as {user.role}, shown as “{user.display_name}”.")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int)
@with_appcontext
def serve(host: str, port: int, workers: int) -> None:
    """Migrate, seed, then serve the application with gunicorn."""
    ctx = click.get_current_context()
    ctx.invoke(db_upgrade)
    ctx.invoke(seed)
    gunicorn = shutil.which("gunicorn") or str(Path(sys.executable).parent / "gunicorn")
    args = [
        gunicorn,
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        "--access-logfile",
        "-",
        "tracker.wsgi:app",
    ]
    click.echo(f"Serving on http://{host}:{port}/")
    os.execv(gunicorn, args)


def register_commands(app: Flask) -> None:
    """Add the tracker's commands to the Flask CLI."""
    from jobs.cli import COMMANDS as JOB_COMMANDS
    from tracker.sources.cli import COMMANDS as SOURCE_COMMANDS

    for command in (db_group, seed, users_group, serve, *JOB_COMMANDS, *SOURCE_COMMANDS):
        app.cli.add_command(command)


def main() -> None:
    """Run the ``tracker`` command line."""
    from tracker import create_app

    FlaskGroup(create_app=lambda: create_app(), add_default_commands=True)(prog_name="tracker")

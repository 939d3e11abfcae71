"""``tracker export DIR``: write a dated open-data release of the tracker."""

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from tracker import clock
from tracker.db import unit_of_work
from tracker.exports.dataset import write_dataset
from tracker.exports.records import Links


@click.command("export")
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False))
@with_appcontext
def export(directory: Path) -> None:
    """Write items, history and treaties as CSV and JSON, with a SHA256SUMS manifest."""
    links = Links(current_app.extensions["tracker_settings"].base_url)
    with unit_of_work(current_app.extensions["db_engine"]) as session:
        names = write_dataset(session, directory, links, now=clock.now())
    click.echo(f"Wrote {len(names)} files to {directory}: {', '.join(names)}")

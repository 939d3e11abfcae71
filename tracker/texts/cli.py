"""The ``tracker texts`` commands: parse a text and print it; import it as tracked items."""

import json
import sys

import click
from flask import current_app
from flask.cli import with_appcontext

from tracker import clock
from tracker.db import begin_write, unit_of_work
from tracker.texts.fetching import SourceError, read_source
from tracker.texts.parsing import ParsedText, ParseError, parse_text


@click.group("texts")
def texts_group() -> None:
    """Read PACE texts: parse them, import them as tracked items."""


def _parse(location: str) -> ParsedText:
    """Read and parse a text, turning failures into a message and exit status 1."""
    try:
        source = read_source(location)
        parsed = parse_text(source.text, is_html=source.is_html)
    except (SourceError, ParseError) as error:
        click.echo(f"error: {location}: {error}", err=True)
        sys.exit(1)
    for warning in parsed.warnings:
        click.echo(f"warning: {location}: {warning}", err=True)
    return parsed


@texts_group.command("parse")
@click.argument("location")
def parse_command(location: str) -> None:
    """Print what the parser reads in LOCATION (a path or URL) as JSON; change nothing."""
    parsed = _parse(location)
    click.echo(json.dumps(parsed.as_json(), ensure_ascii=False, indent=2))


@texts_group.command("import")
@click.argument("location")
@click.option("--draft", "draft_location", help="The committee draft (path or URL).")
@click.option("--slug", help="The text's slug (default: res-2616, rec-2296, ...).")
@with_appcontext
def import_command(location: str, draft_location: str | None, slug: str | None) -> None:
    """Add a text and its units as tracked items (safe to repeat; changes are reported)."""
    from tracker.texts.importing import ImportRefused, import_text

    parsed = _parse(location)
    draft = _parse(draft_location) if draft_location else None
    try:
        with unit_of_work(current_app.extensions["db_engine"]) as session:
            begin_write(session)
            report = import_text(
                session, parsed, source=location, draft=draft, draft_source=draft_location,
                slug=slug, now=clock.now(),
            )  # fmt: skip
    except ImportRefused as refused:
        click.echo(f"error: {refused}", err=True)
        sys.exit(1)
    for line in report.lines():
        click.echo(line, err=line.startswith("NOT"))


COMMANDS = [texts_group]

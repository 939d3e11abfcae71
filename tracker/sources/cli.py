"""``tracker sources add|list|check``: the watched sources from the command line."""

import click
from flask import current_app
from flask.cli import with_appcontext

from tracker import clock
from tracker.db import begin_write, unit_of_work
from tracker.documents.matching import watched_text_items
from tracker.models import SourceStatus
from tracker.sources.catalogue import (
    KINDS,
    SourceSettings,
    SourceSettingsError,
    all_sources,
    get_source,
    health_name,
    save_source,
)


def known_item_numbers(session) -> set[str]:
    """Return every paragraph number, for validating a source's paragraphs."""
    return {item.number for item in session.exec(watched_text_items())}


@click.group("sources")
def sources_group() -> None:
    """Manage the watched feeds and pages."""


@sources_group.command("add")
@click.argument("slug")
@click.argument("url")
@click.option("--name", required=True, help="What people see, e.g. 'PACE news'.")
@click.option("--kind", type=click.Choice(sorted(KINDS)), default="feed", show_default=True)
@click.option("--selector", help="CSS selector of one entry (listing pages).")
@click.option("--interval", "interval_minutes", type=int, default=360, show_default=True)
@click.option("--items", default="", help="Paragraph numbers, comma-separated: 9.2.1,6")
@click.option("--keywords", default="", help="Keywords, comma-separated.")
@click.option("--active/--paused", default=False, help="Check it from now on (default: paused).")
@with_appcontext
def sources_add(slug, url, name, kind, selector, interval_minutes, items, keywords, active):
    """Add a watched source (paused unless --active)."""
    settings = SourceSettings(
        slug=slug, name=name, url=url, kind=kind, selector=selector,
        interval_minutes=interval_minutes, item_numbers=items, keywords=keywords,
        paused=not active,
    )  # fmt: skip
    try:
        with unit_of_work(current_app.extensions["db_engine"]) as session:
            begin_write(session)
            source = save_source(
                session, settings, known_items=known_item_numbers(session), now=clock.now()
            )
    except SourceSettingsError as invalid:
        raise click.ClickException(str(invalid)) from None
    click.echo(f"Added {source.slug} ({source.kind}, {'paused' if source.paused else 'active'}).")


@sources_group.command("list")
@with_appcontext
def sources_list() -> None:
    """List the watched sources with their health."""
    with unit_of_work(current_app.extensions["db_engine"]) as session:
        for source in all_sources(session):
            status = session.get(SourceStatus, health_name(source))
            health = "never checked"
            if status is not None and status.last_checked_at is not None:
                health = "failing" if status.consecutive_failures else "ok"
                health += f", last checked {status.last_checked_at:%Y-%m-%d %H:%M} UTC"
            state = "paused" if source.paused else f"every {source.interval_minutes} min"
            click.echo(f"{source.slug}\t{source.kind}\t{state}\t{health}\t{source.url}")


@sources_group.command("check")
@click.argument("slug")
@with_appcontext
def sources_check(slug: str) -> None:
    """Check one source now (even if paused) and say what it found."""
    from jobs.check_sources import check
    from jobs.context import JobContext

    engine = current_app.extensions["db_engine"]
    with unit_of_work(engine) as session:
        if get_source(session, slug) is None:
            raise click.ClickException(f"No source called {slug!r}.")
    ctx = JobContext(engine=engine, settings=current_app.extensions["tracker_settings"],
                     now=clock.now())  # fmt: skip
    counts, failures = check(ctx, slugs=[slug])
    for failure in failures:
        click.echo(f"FAILED {failure}", err=True)
    click.echo(
        f"{slug}: {counts['new_documents']} new document(s)"
        + (", unchanged" if counts["unchanged"] else "")
    )
    if failures:
        raise SystemExit(1)


COMMANDS = (sources_group,)

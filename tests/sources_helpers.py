"""Helpers of the watched-source tests: a job context allowing 127.0.0.1, sources, documents."""

import dataclasses
from datetime import UTC, datetime

from sqlmodel import Session, col, select

from jobs.check_sources import build_fetcher, check
from jobs.context import JobContext
from tracker.db import unit_of_work
from tracker.models import FoundDocument, Item, SourceStatus, WatchedSource
from tracker.sources.catalogue import SourceSettings, save_source

NOW = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)
LOOPBACK_ONLY = ("127.0.0.1/32",)


def make_ctx(app, *, now: datetime = NOW, **overrides) -> JobContext:
    """Return a job context whose settings let sources on 127.0.0.1 (only) be fetched."""
    values = {
        "sources_allow_private": LOOPBACK_ONLY,
        "user_agent": "tracker-test (+ops@example.org)",
    }
    settings = dataclasses.replace(app.extensions["tracker_settings"], **(values | overrides))
    return JobContext(engine=app.extensions["db_engine"], settings=settings, now=now)


def add_source(engine, slug: str, url: str, kind: str = "feed", **options) -> None:
    """Add an active source."""
    settings = SourceSettings(slug=slug, name=options.pop("name", slug.title()), url=url,
                              kind=kind, paused=False, **options)  # fmt: skip
    with unit_of_work(engine) as session:
        known = set(session.exec(select(Item.number)))
        save_source(session, settings, known_items=known, now=NOW)


def run_check(app, *, now: datetime = NOW, sleeps: list | None = None, **overrides):
    """Check the due sources once; return (counts, failures)."""
    ctx = make_ctx(app, now=now, **overrides)
    fetcher = build_fetcher(ctx, sleep=(sleeps.append if sleeps is not None else lambda _s: None))
    try:
        return check(ctx, fetcher=fetcher)
    finally:
        fetcher.close()


def documents(engine, slug: str | None = None) -> list[FoundDocument]:
    """Return the found documents, oldest first (of one source if named)."""
    with Session(engine) as session:
        query = select(FoundDocument).order_by(col(FoundDocument.id))
        if slug:
            source = session.exec(select(WatchedSource).where(WatchedSource.slug == slug)).one()
            query = query.where(FoundDocument.source_id == source.id)
        return list(session.exec(query))


def health(engine, slug: str) -> SourceStatus | None:
    """Return a watched source's health row."""
    with Session(engine) as session:
        return session.get(SourceStatus, f"watch:{slug}")

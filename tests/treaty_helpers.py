"""Helpers shared by the treaty tests: a job context on the fake, charts matching the seeds."""

import dataclasses
from datetime import UTC, date, datetime

from sqlmodel import Session, select

from jobs.context import JobContext
from tests.fake_treaty_office import chart_row, standard_chart
from tracker.models import Event, Treaty

NOW = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)

#: Kazakhstan's rows that agree with seeds/treaties.json (dates the seeds lack are filled).
SEEDED_ROWS = {
    18: {"consent": date(2010, 3, 5), "in_force": date(2010, 3, 5)},
    127: {"consent": date(2015, 4, 8), "in_force": date(2015, 4, 8)},
    141: {"consent": date(2015, 1, 1), "in_force": date(2015, 1, 1)},
    165: {"consent": date(1997, 12, 7), "in_force": date(1998, 2, 1)},
    208: {"consent": date(2015, 4, 8), "in_force": date(2015, 4, 8)},
}
POLLED = (18, 30, 127, 141, 165, 173, 185, 198, 208, 210)


def kaz(number: int, **dates) -> dict:
    """Return Kazakhstan's chart row for a treaty."""
    return chart_row("KAZ", "Kazakhstan", number, **dates)


def serve_seeded_states(fake) -> None:
    """Serve a chart for every polled treaty that agrees with the seeded states."""
    for number in POLLED:
        fake.set_chart(number, standard_chart(number, kaz(number, **SEEDED_ROWS.get(number, {}))))


def make_ctx(app, fake, *, now: datetime = NOW, **overrides) -> JobContext:
    """Return a job context whose settings point at the fake Treaty Office."""
    values = {"coe_page_url": fake.page_url, "coe_api_url": fake.api_url, "coe_token": fake.token}
    settings = dataclasses.replace(app.extensions["tracker_settings"], **(values | overrides))
    return JobContext(engine=app.extensions["db_engine"], settings=settings, now=now)


def no_sleep(_seconds: float) -> None:
    """Never wait in tests."""


def treaty(engine, slug: str) -> Treaty:
    """Return a treaty as stored now."""
    with Session(engine) as session:
        return session.exec(select(Treaty).where(Treaty.slug == slug)).one()


def events(engine, kind: str | None = None) -> list[Event]:
    """Return the events, oldest first, optionally of one kind."""
    with Session(engine) as session:
        query = select(Event).order_by(Event.id)
        if kind:
            query = query.where(Event.kind == kind)
        return list(session.exec(query))

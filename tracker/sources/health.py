"""How each source's checks went: one row per source, and the failing/recovered events.

The one writer of a source's health and validators: ``record_check_success`` (and its bulk
form ``record_unchanged_successes``) and ``record_check_failure``; and of what its page shell
said: ``record_page_settings``.
"""

from collections.abc import Mapping
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from tracker.events import append_event
from tracker.i18n import N_
from tracker.models import JobRun, SourceStatus

TREATY_OFFICE = "treaty_office"
# Watched feeds and pages (tracker.sources.catalogue) keep their health here under this prefix;
# they are listed with their own settings, not among the built-in sources.
WATCHED_PREFIX = "watch:"
SOURCE_LABELS = {TREATY_OFFICE: N_("Council of Europe Treaty Office (charts of signatures)")}


def source_status(session: Session, name: str) -> SourceStatus:
    """Return the source's row, created empty on first use."""
    status = session.get(SourceStatus, name)
    if status is None:
        status = SourceStatus(name=name)
        session.add(status)
    return status


def record_check_success(
    session: Session, name: str, *, now: datetime, actor: str, validators: dict | None = None
) -> None:
    """Record a successful check (and its validators); announce a recovery once if it failed."""
    status = source_status(session, name)
    if status.failing:
        append_event(
            session,
            kind="source_recovered",
            summary=f"{SOURCE_LABELS.get(name, name)} works again after "
            f"{status.consecutive_failures} failed checks in a row",
            actor=actor,
            now=now,
            payload={"source": name, "failures": status.consecutive_failures},
        )
    status.failing = False
    status.consecutive_failures = 0
    status.last_checked_at = status.last_success_at = now
    if validators is not None:
        status.validators = dict(validators)
    session.add(status)
    session.flush()


def record_page_settings(
    session: Session, name: str, *, page_url: str, api_url: str, token: str, now: datetime
) -> None:
    """Remember the API URL and token that the source's page shell gave, and when."""
    status = source_status(session, name)
    status.page_settings = {
        "page_url": page_url,
        "api_url": api_url,
        "token": token,
        "read_at": now.isoformat(),
    }
    session.add(status)


def page_settings(
    session: Session, name: str, *, page_url: str
) -> tuple[str, str, datetime] | None:
    """Return (API URL, token, when read) that ``page_url`` last gave for the source, if any."""
    status = session.get(SourceStatus, name)
    known = (status.page_settings or {}) if status else {}
    if known.get("page_url") != page_url:
        return None  # another page is configured now: what the old one said does not count
    try:
        return known["api_url"], known["token"], datetime.fromisoformat(known["read_at"])
    except (KeyError, TypeError, ValueError):
        return None


def record_unchanged_successes(
    session: Session, validators: Mapping[str, dict], *, now: datetime, actor: str
) -> None:
    """Record many successful checks whose validators did not change, in one UPDATE.

    Sources that are failing (a recovery to announce), unknown, or whose validators changed
    go through ``record_check_success`` one by one.
    """
    columns = (SourceStatus.name, SourceStatus.failing, SourceStatus.validators)
    rows = session.exec(select(*columns).where(col(SourceStatus.name).in_(list(validators))))
    healthy = [
        name for name, failing, known in rows if not failing and (known or {}) == validators[name]
    ]
    for name in set(validators) - set(healthy):
        record_check_success(session, name, now=now, actor=actor, validators=validators[name])
    if healthy:
        session.execute(
            update(SourceStatus)
            .where(col(SourceStatus.name).in_(healthy))
            .values(consecutive_failures=0, last_checked_at=now, last_success_at=now)
            .execution_options(synchronize_session=False)
        )


def record_check_failure(
    session: Session,
    name: str,
    *,
    error: str,
    now: datetime,
    threshold: int,
    actor: str,
    keeps_failing: Mapping[str, int] | None = None,
    validators: dict | None = None,
) -> None:
    """Record a failed check (and the validators of the parts that worked).

    Announce "source failing" once when the threshold is reached, naming each part (instrument)
    that failed ``threshold`` checks in a row; and again when another part reaches it.
    """
    status = source_status(session, name)
    status.consecutive_failures += 1
    status.last_checked_at = status.last_error_at = now
    status.last_error = error
    if validators is not None:
        status.validators = dict(validators)
    persistent = {
        part: count for part, count in (keeps_failing or {}).items() if count >= threshold
    }
    newly_persistent = [part for part, count in persistent.items() if count == threshold]
    reached = status.consecutive_failures >= threshold and not status.failing
    if reached or (status.failing and newly_persistent):
        status.failing = True
        summary = (
            f"{SOURCE_LABELS.get(name, name)} failed {status.consecutive_failures} checks in a row"
        )
        if persistent:
            summary += "; keeps failing: " + ", ".join(
                f"{part} ({count} checks in a row)" for part, count in persistent.items()
            )
        append_event(
            session,
            kind="source_failing",
            summary=f"{summary}: {error}",
            actor=actor,
            now=now,
            payload={
                "source": name,
                "failures": status.consecutive_failures,
                "error": error,
                "keeps_failing": sorted(persistent),
            },
        )
    session.add(status)
    session.flush()


def all_source_statuses(session: Session) -> list[SourceStatus]:
    """Return every built-in source's row, with a blank one for sources never checked."""
    query = select(SourceStatus).where(~col(SourceStatus.name).startswith(WATCHED_PREFIX))
    found = {s.name: s for s in session.exec(query)}
    return [found.get(name) or SourceStatus(name=name) for name in SOURCE_LABELS] + [
        s for name, s in found.items() if name not in SOURCE_LABELS
    ]


def next_check_due(status: SourceStatus, interval_minutes: int) -> datetime | None:
    """Return when the next check is due: the last check plus the poll interval."""
    if status.last_checked_at is None:
        return None
    return status.last_checked_at + timedelta(minutes=interval_minutes)


def recent_job_runs(session: Session, *, limit: int = 20) -> list[JobRun]:
    """Return the latest job runs, newest first."""
    return list(session.exec(select(JobRun).order_by(col(JobRun.id).desc()).limit(limit)))

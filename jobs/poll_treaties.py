"""Poll the Treaty Office for every watched treaty; record changes, evidence and check results.

Fetching happens first with no database writes; then one short transaction either records a
failed check (and changes nothing else) or applies every observation. So a poll that fails on
any treaty leaves every treaty state and the event log as they were.
"""

import dataclasses
import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlmodel import Session

from jobs.context import JobContext
from jobs.treaty_office import (
    Observation,
    SourceError,
    TreatyOfficeClient,
    derive_treaty_state,
    is_backwards,
    parse_signatures,
)
from jobs.treaty_office.states import STATE_RANK
from tracker.db import begin_write, unit_of_work
from tracker.evidence import latest_response, prune_responses, store_response
from tracker.models import SourceStatus, Treaty
from tracker.source_status import TREATY_OFFICE, record_check_failure, record_check_success
from tracker.treaties import (
    dates_from_json,
    dates_json,
    polled_treaties,
    treaty_dates,
    treaty_label,
)
from tracker.treaty_changes import record_treaty_change

logger = logging.getLogger(__name__)

ACTOR = "poll-treaties"
POLL_SOURCE = "Council of Europe Treaty Office, chart of signatures and ratifications"


@dataclass(frozen=True)
class WatchedTreaty:
    """What the fetch phase needs of a treaty, read before the session closes."""

    id: int
    number: int
    label: str


def build_client(
    ctx: JobContext,
    *,
    sleep: Callable[[float], None] | None = None,
    validators: dict | None = None,
):
    """Return a Treaty Office client configured from the settings."""
    settings = ctx.settings
    options: dict = {} if sleep is None else {"sleep": sleep}
    if validators is not None:
        options["validators"] = validators
    return TreatyOfficeClient(
        settings.coe_page_url,
        settings.coe_api_url,
        settings.coe_token,
        country=settings.coe_country,
        user_agent=settings.user_agent,
        timeout_seconds=settings.http_timeout_seconds,
        **options,
    )


def run(
    ctx: JobContext,
    *,
    client: TreatyOfficeClient | None = None,
    sleep: Callable[[float], None] | None = None,
) -> dict[str, int]:
    """Poll every watched treaty once and return what happened, counted."""
    with unit_of_work(ctx.engine) as session:
        watched = [
            WatchedTreaty(t.id, t.number, treaty_label(t))
            for t in polled_treaties(session)
            if t.number
        ]
        status = session.get(SourceStatus, TREATY_OFFICE)
        validators = dict(status.validators or {}) if status else {}
    if client is None:
        client = build_client(ctx, sleep=sleep, validators=validators)
        own_client = True
    else:
        own_client = False
    try:
        observations, failure = _fetch_all(ctx, watched, client=client)
    finally:
        if own_client:
            client.close()
    counts = {"treaties": len(watched), "changed": 0, "confirmed": 0, "stored": 0, "failed": 0}
    with unit_of_work(ctx.engine) as session:
        begin_write(session)
        if failure is not None:
            failed, error = failure
            treaty = session.get(Treaty, failed.id)
            treaty.last_checked_at, treaty.last_error = ctx.now, error
            record_check_failure(
                session,
                TREATY_OFFICE,
                error=error,
                now=ctx.now,
                threshold=ctx.settings.source_failure_threshold,
                actor=ACTOR,
            )
            counts["failed"] = 1
            return counts
        for watched_treaty, observation in observations:
            treaty = session.get(Treaty, watched_treaty.id)
            outcome, stored = apply_observation(session, treaty, observation, ctx)
            counts[outcome] = counts.get(outcome, 0) + 1
            counts["stored"] += int(stored)
        record_check_success(session, TREATY_OFFICE, now=ctx.now, actor=ACTOR)
        # Kept only after a full success: a failed poll must not skip unseen content next time.
        session.get(SourceStatus, TREATY_OFFICE).validators = dict(client.validators)
        counts["pruned"] = prune_responses(
            session, now=ctx.now, retention_days=ctx.settings.raw_retention_days
        )
    return counts


def _fetch_all(ctx, watched, *, client):
    observations: list[tuple[WatchedTreaty, Observation]] = []
    for treaty in watched:
        try:
            observations.append((treaty, client.observe(treaty.number, today=ctx.now.date())))
        except SourceError as exc:
            logger.warning("polling %s failed: %s", treaty.label, exc)
            return observations, (treaty, f"{treaty.label}: {type(exc).__name__}: {exc}")
    return observations, None


def _reread_not_modified(
    session: Session, treaty: Treaty, observation: Observation, ctx: JobContext
) -> Observation | None:
    """Read a 304's content from the stored response, so "not modified" still counts as a poll.

    A backwards change waits for a second poll that agrees; a 304 is such a poll.
    """
    stored = latest_response(session, observation.fetch.url)
    if stored is None:
        return None
    record = parse_signatures(
        stored.body, treaty_number=treaty.number, country_code=ctx.settings.coe_country
    )
    fetch = dataclasses.replace(
        observation.fetch,
        status_code=stored.status_code,
        body=stored.body,
        sha256=stored.sha256,
        headers={"content-type": stored.content_type or "application/json"},
    )
    return Observation(
        fetch=fetch, record=record, state=derive_treaty_state(record, today=ctx.now.date())
    )


def apply_observation(
    session: Session, treaty: Treaty, observation: Observation, ctx: JobContext
) -> tuple[str, bool]:
    """Store the evidence, compare with the treaty, record a change; name the outcome.

    Returns the outcome ("unchanged", "pending", "confirmed" or "changed") and whether a new
    raw response was stored.
    """
    treaty.last_checked_at = treaty.last_success_at = ctx.now
    treaty.last_error = None
    session.add(treaty)
    if observation.not_modified:
        observation = _reread_not_modified(session, treaty, observation, ctx)
    if observation is None or observation.record is None:
        return "unchanged", False
    fetch = observation.fetch
    raw, stored = store_response(
        session,
        source=TREATY_OFFICE,
        url=fetch.url,
        status_code=fetch.status_code,
        body=fetch.body,
        sha256=fetch.sha256 or "",
        fetched_at=fetch.fetched_at,
        content_type=fetch.headers.get("content-type"),
        treaty_id=treaty.id,
    )
    new_state, new_dates = observation.state, observation.record.dates()
    old_dates = treaty_dates(treaty)
    if treaty.state_origin == "poll" and new_state == treaty.state and new_dates == old_dates:
        treaty.pending_state = treaty.pending_dates = treaty.pending_since = None
        return "unchanged", stored
    old_state = treaty.state if treaty.state in STATE_RANK else None
    backwards = is_backwards(old_state, old_dates, new_state, new_dates)
    if backwards:
        agreed = treaty.pending_state == new_state and dates_from_json(
            treaty.pending_dates
        ) == dict(new_dates)
        if not agreed:
            # One poll saying "backwards" may be a glitch of the source: wait for a second.
            treaty.pending_state = new_state
            treaty.pending_dates = dates_json(new_dates)
            treaty.pending_since = ctx.now
            return "pending", stored
    unchanged = new_state == treaty.state and new_dates == old_dates
    record_treaty_change(
        session,
        treaty,
        new_state=new_state,
        new_dates=new_dates,
        origin="poll",
        source=f"{POLL_SOURCE}: {fetch.url}",
        actor=ACTOR,
        now=ctx.now,
        raw_response_id=raw.id,
        evidence_url=f"{ctx.settings.base_url}/evidence/{raw.id}",
        backwards=backwards,
    )
    return ("confirmed" if unchanged else "changed"), stored


class PollFailed(RuntimeError):
    """The poll recorded a failed check; raised so the job run shows as failed."""


def run_scheduled(ctx: JobContext) -> dict[str, int]:
    """Poll as the scheduler and ``tracker jobs run`` do: a failed check fails the run."""
    counts = run(ctx)
    if counts["failed"]:
        with unit_of_work(ctx.engine) as session:
            status = session.get(SourceStatus, TREATY_OFFICE)
            error = status.last_error if status else "the poll failed"
        raise PollFailed(f"the check failed and changed nothing: {error}")
    return counts

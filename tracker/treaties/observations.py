"""What a Treaty Office poll means: read the watch-list, fetch, then apply each observation.

Fetching happens with no database transaction open; then one short transaction either records a
failed check (and changes nothing else) or applies every observation. A treaty's state, pending
state and last-seen fields are written only here (``apply_observation`` and ``record_poll``) and
by ``tracker.treaties.changes.record_treaty_change``, which this calls for every recorded change.
"""

import dataclasses
import logging
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from tracker.config import Settings
from tracker.models import SourceStatus, Treaty
from tracker.sources.evidence import latest_response, prune_responses, store_response
from tracker.sources.health import TREATY_OFFICE, record_check_failure, record_check_success
from tracker.sources.treaty_office import (
    Observation,
    SourceError,
    TreatyOfficeClient,
    parse_signatures,
)
from tracker.treaties.changes import (
    record_treaty_change,
    record_treaty_check,
    set_pending_change,
)
from tracker.treaties.queries import (
    dates_from_json,
    polled_treaties,
    treaty_dates,
    treaty_label,
)
from tracker.treaties.states import STATE_RANK, derive_treaty_state, is_backwards

logger = logging.getLogger(__name__)

ACTOR = "poll-treaties"
POLL_SOURCE = "Council of Europe Treaty Office, chart of signatures and ratifications"


@dataclass(frozen=True)
class WatchedTreaty:
    """What the fetch phase needs of a treaty, read before the session closes."""

    id: int
    number: int
    label: str


def read_watch_list(session: Session) -> tuple[list[WatchedTreaty], dict]:
    """Return the polled treaties and the validators kept from the last successful poll."""
    watched = [
        WatchedTreaty(t.id, t.number, treaty_label(t)) for t in polled_treaties(session) if t.number
    ]
    status = session.get(SourceStatus, TREATY_OFFICE)
    return watched, dict(status.validators or {}) if status else {}


def record_poll(
    session: Session,
    observations: list[tuple[WatchedTreaty, Observation]],
    failure: tuple[WatchedTreaty, str] | None,
    *,
    watched_count: int,
    validators: dict,
    settings: Settings,
    now: datetime,
) -> dict[str, int]:
    """Record a failed check, or apply every observation and the new validators; count."""
    counts = {"treaties": watched_count, "changed": 0, "confirmed": 0, "stored": 0, "failed": 0}
    if failure is not None:
        failed, error = failure
        record_treaty_check(session, session.get(Treaty, failed.id), now=now, error=error)
        record_check_failure(
            session,
            TREATY_OFFICE,
            error=error,
            now=now,
            threshold=settings.source_failure_threshold,
            actor=ACTOR,
        )
        counts["failed"] = 1
        return counts
    for watched_treaty, observation in observations:
        treaty = session.get(Treaty, watched_treaty.id)
        outcome, stored = apply_observation(
            session, treaty, observation, settings=settings, now=now
        )
        counts[outcome] = counts.get(outcome, 0) + 1
        counts["stored"] += int(stored)
    # Kept only after a full success: a failed poll must not skip unseen content next time.
    record_check_success(session, TREATY_OFFICE, now=now, actor=ACTOR, validators=validators)
    counts["pruned"] = prune_responses(
        session, now=now, retention_days=settings.raw_retention_days
    )
    return counts


def fetch_observations(
    client: TreatyOfficeClient, watched: list[WatchedTreaty], *, today: date
) -> tuple[list[tuple[WatchedTreaty, Observation]], tuple[WatchedTreaty, str] | None]:
    """Observe each treaty in turn; stop at the first failure and name it."""
    observations: list[tuple[WatchedTreaty, Observation]] = []
    for treaty in watched:
        try:
            observations.append((treaty, client.observe(treaty.number, today=today)))
        except SourceError as exc:
            logger.warning("polling %s failed: %s", treaty.label, exc)
            return observations, (treaty, f"{treaty.label}: {type(exc).__name__}: {exc}")
    return observations, None


def _reread_not_modified(
    session: Session, treaty: Treaty, observation: Observation, *, country: str, today: date
) -> Observation | None:
    """Read a 304's content from the stored response, so "not modified" still counts as a poll.

    A backwards change waits for a second poll that agrees; a 304 is such a poll.
    """
    stored = latest_response(session, observation.fetch.url)
    if stored is None:
        return None
    record = parse_signatures(
        stored.body, treaty_number=treaty.number, country_code=country
    )
    fetch = dataclasses.replace(
        observation.fetch,
        status_code=stored.status_code,
        body=stored.body,
        sha256=stored.sha256,
        headers={"content-type": stored.content_type or "application/json"},
    )
    return Observation(
        fetch=fetch, record=record, state=derive_treaty_state(record, today=today)
    )


def apply_observation(
    session: Session, treaty: Treaty, observation: Observation, *, settings: Settings, now: datetime
) -> tuple[str, bool]:
    """Store the evidence, compare with the treaty, record a change; name the outcome.

    Returns the outcome ("unchanged", "pending", "confirmed" or "changed") and whether a new
    raw response was stored.
    """
    record_treaty_check(session, treaty, now=now)
    if observation.not_modified:
        observation = _reread_not_modified(
            session, treaty, observation, country=settings.coe_country, today=now.date()
        )
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
        set_pending_change(session, treaty, None, now=now)
        return "unchanged", stored
    old_state = treaty.state if treaty.state in STATE_RANK else None
    backwards = is_backwards(old_state, old_dates, new_state, new_dates)
    if backwards:
        agreed = treaty.pending_state == new_state and dates_from_json(
            treaty.pending_dates
        ) == dict(new_dates)
        if not agreed:
            # One poll saying "backwards" may be a glitch of the source: wait for a second.
            set_pending_change(session, treaty, (new_state, new_dates), now=now)
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
        now=now,
        raw_response_id=raw.id,
        evidence_url=f"{settings.base_url}/evidence/{raw.id}",
        backwards=backwards,
    )
    return ("confirmed" if unchanged else "changed"), stored

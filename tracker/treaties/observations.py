"""What one instrument's answer means: a trustworthy observation, then a change, pending or not.

``interpret`` turns an answer into an observation or raises ``SourceError`` (a failed check);
``apply_observation`` compares it with what is recorded. A move the vocabulary marks as needing
confirmation waits as pending until the next successful observation of the same instrument; one
that disagrees clears it. A treaty's state, pending state and last check are written only
through ``tracker.treaties.changes``.
"""

import dataclasses
from datetime import datetime

from sqlmodel import Session

from tracker.config import Settings
from tracker.models import RawResponse, Treaty
from tracker.sources.evidence import (
    LOOK_UP,
    StoredResponse,
    find_response,
    get_response,
    latest_response,
    store_response,
)
from tracker.sources.health import TREATY_OFFICE
from tracker.sources.treaty_office import (
    Observation,
    SourceError,
    SourceFormatError,
    UnexpectedNotModifiedError,
    read_chart,
    read_chart_by_hash,
)
from tracker.treaties.changes import (
    record_treaty_change,
    set_pending_change,
)
from tracker.treaties.queries import dates_from_json, treaty_dates
from tracker.treaties.states import (
    NEEDS_CONFIRMATION,
    STATE_MOVES,
    classify_move,
    derive_treaty_state,
)

ACTOR = "poll-treaties"
POLL_SOURCE = "Council of Europe Treaty Office, chart of signatures and ratifications"


def interpret(
    session: Session,
    treaty: Treaty,
    observation: Observation,
    *,
    settings: Settings,
    now: datetime,
    last: RawResponse | StoredResponse | None | object = LOOK_UP,
) -> Observation:
    """Return the observation to apply; raise ``SourceError`` when the answer can't be trusted.

    ``last`` is the URL's last stored response (None: none), when the caller read it already.
    """
    if observation.not_modified:
        return _reread_not_modified(session, treaty, observation, settings=settings, now=now)
    chart = observation.chart
    if chart is not None and not chart.has_row:
        if last is LOOK_UP:
            last = latest_response(session, observation.fetch.url, with_body=False)
        _check_no_rows_lost(session, last, treaty, observation, settings=settings)
    return observation


def _reread_not_modified(
    session: Session, treaty: Treaty, observation: Observation, *, settings: Settings, now: datetime
) -> Observation:
    """Read a 304's content from the stored body its validators stand for."""
    url, sent = observation.fetch.url, observation.fetch.validators_sent or {}
    stored = find_response(session, url, sent["sha256"]) if sent.get("sha256") else None
    if stored is None:
        raise UnexpectedNotModifiedError(
            f"{url} answered 304 Not Modified but the body of the validators sent is not stored",
            url=url,
        )
    chart = read_chart_by_hash(
        stored.body,
        sha256=stored.sha256,
        treaty_number=treaty.number,
        country_code=settings.coe_country,
        today=now.date(),
    )
    fetch = dataclasses.replace(
        observation.fetch,
        status_code=stored.status_code,
        body=stored.body,
        sha256=stored.sha256,
        headers={"content-type": stored.content_type or "application/json"},
    )
    state = derive_treaty_state(chart.record, today=now.date())
    return Observation(fetch=fetch, record=chart.record, state=state, chart=chart)


def _check_no_rows_lost(
    session: Session,
    last: RawResponse | StoredResponse | None,
    treaty: Treaty,
    observation: Observation,
    *,
    settings: Settings,
) -> None:
    """Refuse a chart without the country's row that lost other rows since the last one read."""
    if last is None or last.sha256 == observation.fetch.sha256:
        return  # the same body read the same way: its body need not be loaded
    body = get_response(session, last.id).body
    try:
        before = read_chart(
            body, treaty_number=treaty.number, country_code=settings.coe_country
        ).other_rows
    except SourceError:
        return  # nothing to compare with
    now_rows = observation.chart.other_rows
    if now_rows < before:
        raise SourceFormatError(
            f"{observation.fetch.url}: the chart has no row for {settings.coe_country} and"
            f" {before - now_rows} fewer rows of other countries than the last one read",
            url=observation.fetch.url,
        )


def apply_observation(
    session: Session,
    treaty: Treaty,
    observation: Observation,
    *,
    settings: Settings,
    now: datetime,
    last: RawResponse | StoredResponse | None | object = LOOK_UP,
) -> tuple[str, bool]:
    """Store the evidence, compare with the treaty, record a change; name the outcome.

    The caller records the successful read itself (``record_treaty_reads``, once per poll).
    Returns the outcome ("unchanged", "pending", "confirmed" or "changed") and whether a new
    raw response was stored. ``last`` as for ``interpret``.
    """
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
        last=last,
    )
    new_state, new_dates = observation.state, observation.record.dates()
    old_dates = treaty_dates(treaty)
    if treaty.state_origin == "poll" and new_state == treaty.state and new_dates == old_dates:
        set_pending_change(session, treaty, None, now=now)
        return "unchanged", stored
    old_state = treaty.state if treaty.state in STATE_MOVES else None
    move = classify_move(old_state, old_dates, new_state, new_dates)
    backwards = move == NEEDS_CONFIRMATION
    if backwards:
        agreed = treaty.pending_state == new_state and dates_from_json(
            treaty.pending_dates
        ) == dict(new_dates)
        if not agreed:
            # One answer saying so may be a glitch of the source: wait for the next one.
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

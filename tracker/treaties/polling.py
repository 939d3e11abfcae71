"""One poll of the Treaty Office: read the watch-list, observe each instrument, record each outcome.

Fetching happens with no database transaction open; then one short transaction records every
instrument's outcome on its own: a failed check for an instrument records its error and changes
nothing of it, while every other instrument's good answer is applied. The source's health row and
its validators are written through ``tracker.sources.health``; a treaty's state only through
``tracker.treaties.observations`` and ``tracker.treaties.changes``.
"""

import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlmodel import Session, col, select

from tracker.config import Settings
from tracker.models import SourceStatus, Treaty
from tracker.sources.evidence import latest_responses, prune_responses, stored_hashes
from tracker.sources.health import (
    TREATY_OFFICE,
    page_settings,
    record_check_failure,
    record_check_success,
    record_page_settings,
)
from tracker.sources.pacing import NEAR_SOURCE_SECONDS, first_answer
from tracker.sources.treaty_office import ApiSettings, Observation, SourceError, TreatyOfficeClient
from tracker.treaties.changes import record_treaty_check, record_treaty_reads
from tracker.treaties.observations import ACTOR, apply_observation, interpret
from tracker.treaties.queries import polled_treaties, treaty_label

logger = logging.getLogger(__name__)

#: How long what the page shell said is used without reading the page again. The token has not
#: changed since 2022; a refused token, an unreachable API or a 404 read the page at once.
PAGE_SETTINGS_MAX_AGE = timedelta(days=1)


@dataclass(frozen=True)
class WatchedTreaty:
    """What the fetch phase needs of a treaty, read before the session closes."""

    id: int
    number: int
    label: str
    #: Whether the request may carry validators: not while a change waits for confirmation,
    #: which only a full answer may confirm.
    conditional: bool = True


@dataclass(frozen=True)
class InstrumentResult:
    """One instrument's fetch: its observation, or the error that made the check fail."""

    treaty: WatchedTreaty
    observation: Observation | None = None
    error: str | None = None


@dataclass
class PollResult:
    """What a poll did: counts, and one line per instrument whose check failed."""

    counts: dict[str, int]
    failures: list[str] = field(default_factory=list)


#: What the fetch phase needs of each treaty: plain rows cost less than loading whole ones.
WATCH_LIST_COLUMNS = (
    Treaty.id,
    Treaty.number,
    Treaty.series,
    Treaty.short_name,
    Treaty.pending_state,
)


def read_watch_list(session: Session) -> tuple[list[WatchedTreaty], dict]:
    """Return the polled treaties and the validators whose stored body is at hand."""
    watched = [
        WatchedTreaty(t.id, t.number, treaty_label(t), conditional=t.pending_state is None)
        for t in polled_treaties(session, columns=WATCH_LIST_COLUMNS)
        if t.number
    ]
    status = session.get(SourceStatus, TREATY_OFFICE)
    stored = dict(status.validators or {}) if status else {}
    kept = stored_hashes(session, stored)
    # A 304 is only worth asking for when the body it stands for can be read back.
    usable = {
        url: known
        for url, known in stored.items()
        if isinstance(known, dict) and known.get("sha256") and (url, known["sha256"]) in kept
    }
    return watched, usable


def remembered_api_settings(
    session: Session, page_url: str, *, now: datetime
) -> ApiSettings | None:
    """Return the API URL and token the page shell gave a poll less than a day ago, if any."""
    known = page_settings(session, TREATY_OFFICE, page_url=page_url)
    if known is None:
        return None
    api_url, token, read_at = known
    if not timedelta(0) <= now - read_at < PAGE_SETTINGS_MAX_AGE:
        return None
    return ApiSettings(api_url=api_url, token=token)


def fetch_observations(
    client: TreatyOfficeClient,
    watched: list[WatchedTreaty],
    *,
    today: date,
    near_source_seconds: float = NEAR_SOURCE_SECONDS,
) -> list[InstrumentResult]:
    """Observe every treaty, in watch-list order; a failure is that treaty's outcome only.

    The first treaty goes alone: it reads the page shell if need be and proves the token and
    the host, so a refused token or a dead host costs one request (with its retries), not one
    per worker. The others then share ``client.parallel`` connections (they all go to one
    host), unless the first one spent less time waiting for the source than working on its
    answer, or less than ``near_source_seconds`` (``tracker.sources.pacing``).
    """
    if not watched:
        return []
    first, answer = first_answer(lambda: _observe_one(client, watched[0], today))
    if client.parallel <= 1 or len(watched) == 1 or not answer.worth_parallel(near_source_seconds):
        logger.debug("one request at a time: the first waited %.1f ms", answer.waited * 1000)
        return [first, *(_observe_one(client, treaty, today) for treaty in watched[1:])]
    logger.debug(
        "%d requests at a time: the first waited %.1f ms", client.parallel, answer.waited * 1000
    )
    with ThreadPoolExecutor(client.parallel, thread_name_prefix="poll") as pool:
        rest = pool.map(lambda treaty: _observe_one(client, treaty, today), watched[1:])
        return [first, *rest]


def _observe_one(
    client: TreatyOfficeClient, treaty: WatchedTreaty, today: date
) -> InstrumentResult:
    try:
        observation = client.observe(treaty.number, today=today, conditional=treaty.conditional)
    except SourceError as exc:
        logger.warning("polling %s failed: %s", treaty.label, exc)
        return InstrumentResult(treaty, error=f"{type(exc).__name__}: {exc}")
    except Exception as exc:  # one instrument's surprise must not cost the others their poll
        logger.exception("polling %s failed unexpectedly", treaty.label)
        return InstrumentResult(treaty, error=f"unexpected {type(exc).__name__}: {exc}")
    return InstrumentResult(treaty, observation=observation)


def record_poll(
    session: Session,
    results: list[InstrumentResult],
    *,
    sent_validators: dict,
    new_validators: dict,
    settings: Settings,
    now: datetime,
    page_read: ApiSettings | None = None,
) -> PollResult:
    """Record each instrument's outcome, then the source's health and validators; count.

    ``page_read``: what the page shell said, when this poll read it.
    """
    poll = PollResult(
        counts=dict.fromkeys(("changed", "confirmed", "stored", "failed", "skipped_rows"), 0)
        | {"treaties": len(results)}
    )
    validators = dict(sent_validators)
    failed_treaties: list[Treaty] = []
    read_treaties: list[Treaty] = []
    # Read up front, in two queries, what each instrument's outcome compares with: the loop
    # then only writes, and the session flushes those writes together.
    ids = [result.treaty.id for result in results]
    treaties = {t.id: t for t in session.exec(select(Treaty).where(col(Treaty.id).in_(ids)))}
    latest = latest_responses(
        session, {r.observation.fetch.url for r in results if r.observation is not None}
    )
    for result in results:
        treaty = treaties[result.treaty.id]
        observation, error = result.observation, result.error
        last = latest.get(observation.fetch.url) if observation is not None else None
        if observation is not None:
            try:
                observation = interpret(
                    session, treaty, observation, settings=settings, now=now, last=last
                )
            except SourceError as exc:
                observation, error = None, f"{type(exc).__name__}: {exc}"
        if observation is None:
            record_treaty_check(session, treaty, now=now, error=error)
            poll.failures.append(f"{result.treaty.label}: {error}")
            failed_treaties.append(treaty)
            continue
        read_treaties.append(treaty)
        outcome, stored = apply_observation(
            session, treaty, observation, settings=settings, now=now, last=last
        )
        poll.counts[outcome] = poll.counts.get(outcome, 0) + 1
        poll.counts["stored"] += int(stored)
        poll.counts["skipped_rows"] += len(observation.chart.skipped if observation.chart else ())
        _keep_validators(validators, new_validators, observation)
    record_treaty_reads(session, read_treaties, now=now)
    poll.counts["failed"] = len(poll.failures)
    if poll.failures:
        record_check_failure(
            session,
            TREATY_OFFICE,
            error="; ".join(poll.failures),
            now=now,
            threshold=settings.source_failure_threshold,
            actor=ACTOR,
            keeps_failing={treaty_label(t): t.consecutive_failures for t in failed_treaties},
            validators=validators,
        )
    else:
        record_check_success(session, TREATY_OFFICE, now=now, actor=ACTOR, validators=validators)
    if page_read is not None:
        record_page_settings(
            session,
            TREATY_OFFICE,
            page_url=settings.coe_page_url,
            api_url=page_read.api_url,
            token=page_read.token,
            now=now,
        )
    poll.counts["pruned"] = prune_responses(
        session, now=now, retention_days=settings.raw_retention_days
    )
    return poll


def _keep_validators(validators: dict, fetched: dict, observation: Observation) -> None:
    """Take a succeeded instrument's validators; failed ones keep what they had."""
    url = observation.fetch.url
    if observation.fetch.not_modified:
        # The next request goes without validators: a source that wrongly keeps answering 304
        # hides a change for one poll at most.
        validators.pop(url, None)
    elif url in fetched:
        validators[url] = fetched[url]
    else:
        validators.pop(url, None)

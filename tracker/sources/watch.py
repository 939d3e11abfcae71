"""Check watched sources: plan the due ones, fetch them concurrently, record each on its own.

Fetching knows HTTP (``fetching``), parsing knows the formats (``feeds``, ``pages``), the
inbox decides what is new (``tracker.documents.inbox``); health goes through
``tracker.sources.health``, the one writer of checks and validators.
"""

from collections import defaultdict, deque
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import or_, update
from sqlmodel import Session, col, select

from tracker.documents.inbox import (
    last_snapshot,
    last_snapshot_hashes,
    prune_snapshots,
    record_entries,
    record_page_change,
    store_snapshot,
)
from tracker.documents.matching import ParagraphIndex
from tracker.models import SourceStatus, WatchedSource
from tracker.sources import feeds, pages
from tracker.sources.catalogue import health_name
from tracker.sources.entries import Entry
from tracker.sources.fetching import SafeFetcher
from tracker.sources.health import (
    record_check_failure,
    record_check_success,
    record_unchanged_successes,
)
from tracker.sources.pacing import NEAR_SOURCE_SECONDS, first_answer
from tracker.sources.treaty_office.errors import SourceError
from tracker.sources.treaty_office.http import FetchResult

ACTOR = "check-sources job"
MAX_WORKERS = 8
PER_HOST = 2  # at most this many requests at once to one site, however many sources it has


@dataclass(frozen=True)
class CheckPlan:
    """What a check of one source needs, read before any request is made."""

    source_id: int
    slug: str
    kind: str
    url: str
    selector: str | None
    validators: dict
    last_sha256: str | None


@dataclass
class CheckOutcome:
    """What one source's check found: a fetch result and what was parsed, or an error."""

    plan: CheckPlan
    result: FetchResult | None = None
    entries: list[Entry] = field(default_factory=list)
    page: tuple[str, str] | None = None  # (title, main text) of a single page
    unchanged: bool = False
    error: str | None = None


#: What a plan needs of a source: plain rows, since a run may read hundreds.
PLAN_COLUMNS = (
    WatchedSource.id,
    WatchedSource.slug,
    WatchedSource.kind,
    WatchedSource.url,
    WatchedSource.selector,
)


def due_plans(
    session: Session, *, now: datetime, slugs: list[str] | None = None
) -> list[CheckPlan]:
    """Return plans for the sources due now (or exactly the named ones, paused or not)."""
    query = select(*PLAN_COLUMNS)
    if slugs:
        query = query.where(col(WatchedSource.slug).in_(slugs))
    else:
        due = or_(
            col(WatchedSource.next_check_at).is_(None), col(WatchedSource.next_check_at) <= now
        )
        query = query.where(col(WatchedSource.paused).is_(False), due)
    sources = list(session.exec(query.order_by(col(WatchedSource.id))))
    # Three queries for any number of sources: a run over hundreds stays cheap.
    names = [health_name(source) for source in sources]
    validators = dict(
        session.exec(
            select(SourceStatus.name, SourceStatus.validators).where(
                col(SourceStatus.name).in_(names)
            )
        ).all()
    )
    hashes = last_snapshot_hashes(session, [source.id for source in sources])
    return [
        CheckPlan(
            source_id=source.id,
            slug=source.slug,
            kind=source.kind,
            url=source.url,
            selector=source.selector,
            validators=dict(validators.get(name) or {}),
            last_sha256=hashes.get(source.id),
        )
        for source, name in zip(sources, names, strict=True)
    ]


def check_one(fetcher: SafeFetcher, plan: CheckPlan) -> CheckOutcome:
    """Fetch and parse one source; any failure becomes the outcome's error, never raised."""
    outcome = CheckOutcome(plan)
    try:
        result = fetcher.get(plan.url, validators=plan.validators)
        outcome.result = result
        # Hash first: an unchanged answer (304, or the same bytes) is never parsed again.
        if result.not_modified or result.sha256 == plan.last_sha256:
            outcome.unchanged = True
        elif plan.kind == "feed":
            outcome.entries = feeds.parse_feed(result.body, url=result.url)
        elif plan.kind == "listing":
            outcome.entries = pages.listing_entries(
                result.body, url=result.url, selector=plan.selector or ""
            )
        else:
            outcome.page = pages.main_text(result.body)
    except SourceError as error:
        outcome.error = str(error)
    except Exception as error:  # noqa: BLE001 - a parser's surprise must not stop other sources
        outcome.error = f"{plan.url}: {error.__class__.__name__}: {error}"
    return outcome


def fetch_all(
    fetcher: SafeFetcher,
    plans: list[CheckPlan],
    *,
    near_source_seconds: float = NEAR_SOURCE_SECONDS,
) -> list[CheckOutcome]:
    """Check every plan, sites side by side (``MAX_WORKERS`` threads); keep the order.

    A site's first source goes alone. Its others follow ``PER_HOST`` at a time, or one at a
    time when the first answer did not keep the check waiting (``tracker.sources.pacing``).
    """
    if len(plans) <= 1:
        return [check_one(fetcher, plan) for plan in plans]
    outcomes: list[CheckOutcome | None] = [None] * len(plans)
    sites: dict[str, deque[tuple[int, CheckPlan]]] = defaultdict(deque)
    for index, plan in enumerate(plans):
        sites[urlsplit(plan.url).netloc.lower()].append((index, plan))

    def check_first(queue: deque[tuple[int, CheckPlan]]) -> int:
        index, plan = queue.popleft()
        outcomes[index], answer = first_answer(lambda: check_one(fetcher, plan))
        return PER_HOST if answer.worth_parallel(near_source_seconds) else 1

    def check_rest(queue: deque[tuple[int, CheckPlan]]) -> None:
        while True:
            try:
                index, plan = queue.popleft()  # a deque's popleft is atomic: lanes share it
            except IndexError:
                return
            outcomes[index] = check_one(fetcher, plan)

    with ThreadPoolExecutor(max_workers=MAX_WORKERS, thread_name_prefix="check") as pool:
        firsts = {pool.submit(check_first, queue): queue for queue in sites.values()}
        lanes = [
            pool.submit(check_rest, firsts[done])
            for done in as_completed(firsts)
            for _ in range(min(done.result(), len(firsts[done])))
        ]
        for lane in lanes:
            lane.result()
    return outcomes  # type: ignore[return-value]  (check_one never raises: all are set)


def record_unchanged(session: Session, outcomes: list[CheckOutcome], *, now: datetime) -> None:
    """Record many unchanged checks at once: health rows and next checks, a few statements."""
    ids = [outcome.plan.source_id for outcome in outcomes]
    columns = (WatchedSource.id, WatchedSource.slug, WatchedSource.interval_minutes)
    sources = session.exec(select(*columns).where(col(WatchedSource.id).in_(ids))).all()
    by_id = {source.id: source for source in sources}
    validators = {
        health_name(by_id[o.plan.source_id]): o.plan.validators
        for o in outcomes
        if o.plan.source_id in by_id
    }
    record_unchanged_successes(session, validators, now=now, actor=ACTOR)
    for interval in {source.interval_minutes for source in sources}:
        session.execute(
            update(WatchedSource)
            .where(
                col(WatchedSource.id).in_([s.id for s in sources if s.interval_minutes == interval])
            )
            .values(next_check_at=now + timedelta(minutes=interval))
            .execution_options(synchronize_session=False)
        )


def record_outcome(
    session: Session,
    outcome: CheckOutcome,
    *,
    index: ParagraphIndex,
    now: datetime,
    failure_threshold: int,
) -> int:
    """Record one source's check: health, snapshot and new documents; return new documents."""
    source = session.get(WatchedSource, outcome.plan.source_id)
    if source is None:  # removed while it was being checked
        return 0
    source.next_check_at = now + timedelta(minutes=source.interval_minutes)
    session.add(source)
    name = health_name(source)
    if outcome.error is not None:
        record_check_failure(
            session, name, error=outcome.error, now=now, threshold=failure_threshold, actor=ACTOR
        )
        return 0
    result = outcome.result
    record_check_success(session, name, now=now, actor=ACTOR, validators=outcome.plan.validators)
    if outcome.unchanged or result is None:
        return 0
    previous = last_snapshot(session, source.id) if source.kind == "page" else None
    snapshot = store_snapshot(
        session,
        source,
        url=result.url,
        body=result.body,
        sha256=result.sha256 or "",
        content_type=result.headers.get("content-type"),
        text=outcome.page[1] if outcome.page else None,
        now=now,
    )
    new = _record_snapshot(session, source, snapshot, outcome, previous, index=index, now=now)
    prune_snapshots(session, source.id)
    return new


def _record_snapshot(session, source, snapshot, outcome, previous, *, index, now) -> int:
    if outcome.page is None:
        return record_entries(session, source, snapshot, outcome.entries, index=index, now=now)
    if previous is None or previous.text is None:
        return 0  # the first snapshot of a page is the baseline later changes are shown against
    title, text = outcome.page
    changed = record_page_change(
        session,
        source,
        snapshot,
        title=title,
        old_text=previous.text,
        new_text=text,
        index=index,
        now=now,
    )
    return 1 if changed else 0

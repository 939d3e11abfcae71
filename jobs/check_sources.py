"""Job: check the watched feeds and pages that are due (the domain is ``tracker.sources.watch``)."""

from sqlmodel import Session

from jobs.context import JobContext
from tracker.db import begin_write, unit_of_work
from tracker.documents.matching import load_index
from tracker.sources.catalogue import HEALTH_PREFIX
from tracker.sources.fetching import SafeFetcher
from tracker.sources.health import record_check_failure
from tracker.sources.treaty_office.http import HttpPolicy
from tracker.sources.watch import (
    ACTOR,
    CheckOutcome,
    due_plans,
    fetch_all,
    record_outcome,
    record_unchanged,
)


class SourcesFailed(RuntimeError):
    """Some sources failed; the others were recorded. Raised so the run shows as failed."""


def build_fetcher(ctx: JobContext, **options) -> SafeFetcher:
    """Return a fetcher configured from the settings."""
    settings = ctx.settings
    return SafeFetcher(
        user_agent=settings.user_agent,
        timeout_seconds=settings.http_timeout_seconds,
        allowed_networks=settings.sources_allow_private,
        policy=HttpPolicy(deadline_seconds=max(60.0, settings.http_timeout_seconds * 2.0)),
        **options,
    )


def check(
    ctx: JobContext, *, slugs: list[str] | None = None, fetcher: SafeFetcher | None = None
) -> tuple[dict[str, int], list[str]]:
    """Check every due source (or the named ones) once; return counts and the failures."""
    with unit_of_work(ctx.engine) as session:
        plans = due_plans(session, now=ctx.now, slugs=slugs)
    own = fetcher is None
    fetcher = fetcher or build_fetcher(ctx)
    try:
        outcomes = fetch_all(fetcher, plans)
    finally:
        if own:
            fetcher.close()
    counts = {"checked": len(outcomes), "unchanged": 0, "new_documents": 0, "failed": 0}
    failures: list[str] = []
    unchanged = [o for o in outcomes if o.unchanged and o.error is None]
    try:
        # Unchanged sources only move their health rows: one transaction for all of them,
        # each source's row still its own. If it fails, each is recorded alone below.
        with unit_of_work(ctx.engine) as session:
            begin_write(session)
            record_unchanged(session, unchanged, now=ctx.now)
        counts["unchanged"] = len(unchanged)
        outcomes = [o for o in outcomes if not (o.unchanged and o.error is None)]
    except Exception:  # noqa: BLE001 - fall back to one transaction per source
        pass
    index = None
    for outcome in outcomes:
        if outcome.error is None and not outcome.unchanged and index is None:
            with Session(ctx.engine) as session:
                index = load_index(session)
        try:
            with unit_of_work(ctx.engine) as session:
                begin_write(session)
                new = record_outcome(
                    session,
                    outcome,
                    index=index,
                    now=ctx.now,
                    failure_threshold=ctx.settings.source_failure_threshold,
                )
        except Exception as error:  # noqa: BLE001 - one source's bad data never stops another
            outcome.error = f"recording the check failed: {error.__class__.__name__}: {error}"
            _record_failure(ctx, outcome)
            new = 0
        counts["new_documents"] += new
        counts["unchanged"] += int(outcome.unchanged and outcome.error is None)
        if outcome.error is not None:
            counts["failed"] += 1
            failures.append(f"{outcome.plan.slug}: {outcome.error}")
    return counts, failures


def _record_failure(ctx: JobContext, outcome: CheckOutcome) -> None:
    with unit_of_work(ctx.engine) as session:
        begin_write(session)
        record_check_failure(
            session,
            HEALTH_PREFIX + outcome.plan.slug,
            error=outcome.error or "",
            now=ctx.now,
            threshold=ctx.settings.source_failure_threshold,
            actor=ACTOR,
        )


def run_scheduled(ctx: JobContext) -> dict[str, int]:
    """Check due sources as the scheduler does: any failed source fails the run, naming it."""
    counts, failures = check(ctx)
    if failures:
        raise SourcesFailed(
            f"{len(failures)} of {counts['checked']} sources failed (the others were recorded): "
            + "; ".join(failures)
        )
    return counts

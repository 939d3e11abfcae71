"""Job: poll the Treaty Office for every watched treaty (the domain is ``tracker.treaties``)."""

from collections.abc import Callable

from jobs.context import JobContext
from tracker.db import begin_write, unit_of_work
from tracker.models import SourceStatus
from tracker.sources.health import TREATY_OFFICE
from tracker.sources.treaty_office import TreatyOfficeClient
from tracker.treaties.observations import fetch_observations, read_watch_list, record_poll


def build_client(
    ctx: JobContext,
    *,
    sleep: Callable[[float], None] | None = None,
    validators: dict | None = None,
) -> TreatyOfficeClient:
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
        watched, validators = read_watch_list(session)
    own_client = client is None
    if client is None:
        client = build_client(ctx, sleep=sleep, validators=validators)
    try:
        observations, failure = fetch_observations(client, watched, today=ctx.now.date())
    finally:
        if own_client:
            client.close()
    with unit_of_work(ctx.engine) as session:
        begin_write(session)
        return record_poll(
            session,
            observations,
            failure,
            watched_count=len(watched),
            validators=client.validators,
            settings=ctx.settings,
            now=ctx.now,
        )


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

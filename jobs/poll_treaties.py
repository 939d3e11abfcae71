"""Job: poll the Treaty Office for every watched treaty (the domain is ``tracker.treaties``)."""

from collections.abc import Callable

from jobs.context import JobContext, UnitsFailed
from tracker.db import begin_write, unit_of_work
from tracker.sources.treaty_office import ApiSettings, HttpPolicy, TreatyOfficeClient
from tracker.treaties.polling import (
    PollResult,
    fetch_observations,
    read_watch_list,
    record_poll,
    remembered_api_settings,
)


def build_client(
    ctx: JobContext,
    *,
    sleep: Callable[[float], None] | None = None,
    validators: dict | None = None,
    remembered: ApiSettings | None = None,
) -> TreatyOfficeClient:
    """Return a Treaty Office client configured from the settings.

    ``remembered``: what the page shell told an earlier poll, used instead of reading it again.
    """
    settings = ctx.settings
    options: dict = {} if sleep is None else {"sleep": sleep}
    if validators is not None:
        options["validators"] = validators
    return TreatyOfficeClient(
        settings.coe_page_url,
        settings.coe_api_url,
        settings.coe_token,
        remembered=remembered,
        country=settings.coe_country,
        user_agent=settings.user_agent,
        timeout_seconds=settings.http_timeout_seconds,
        # A Retry-After longer than the deadline is not waited out: that check fails instead.
        policy=HttpPolicy(
            deadline_seconds=settings.http_deadline_seconds,
            max_bytes=settings.http_max_bytes,
            max_retry_after_seconds=settings.http_deadline_seconds,
        ),
        **options,
    )


def poll(
    ctx: JobContext,
    *,
    client: TreatyOfficeClient | None = None,
    sleep: Callable[[float], None] | None = None,
) -> PollResult:
    """Poll every watched treaty once; return the counts and each failed instrument."""
    with unit_of_work(ctx.engine) as session:
        watched, validators = read_watch_list(session)
        remembered = remembered_api_settings(session, ctx.settings.coe_page_url, now=ctx.now)
    own_client = client is None
    if client is None:
        client = build_client(ctx, sleep=sleep, validators=dict(validators), remembered=remembered)
    else:
        client.validators = dict(validators)
    try:
        results = fetch_observations(client, watched, today=ctx.now.date())
    finally:
        if own_client:
            client.close()
    with unit_of_work(ctx.engine) as session:
        begin_write(session)
        return record_poll(
            session,
            results,
            sent_validators=validators,
            new_validators=client.validators,
            settings=ctx.settings,
            now=ctx.now,
            page_read=client.settings if client.settings_source == "page" else None,
        )


def run(
    ctx: JobContext,
    *,
    client: TreatyOfficeClient | None = None,
    sleep: Callable[[float], None] | None = None,
) -> dict[str, int]:
    """Poll every watched treaty once and return what happened, counted."""
    return poll(ctx, client=client, sleep=sleep).counts


class PollFailed(UnitsFailed):
    """Some instruments' checks failed; raised so the job run shows as partial or failed."""


def run_scheduled(ctx: JobContext) -> dict[str, int]:
    """Poll as the scheduler and ``tracker jobs run`` do: a failed instrument fails the run."""
    result = poll(ctx)
    if result.failures:
        raise PollFailed(result.counts, result.failures, total=result.counts["treaties"])
    return result.counts

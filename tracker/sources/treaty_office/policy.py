"""Retry, backoff and conditional-request rules for fetching; free of any HTTP library."""

import random
import time
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

import tenacity

#: Per URL: {"etag": ..., "last_modified": ...}; plain data the caller may persist.
Validators = MutableMapping[str, dict[str, str]]


@dataclass(frozen=True)
class HttpPolicy:
    """Limits and retry settings for one fetch."""

    deadline_seconds: float = 60.0
    max_bytes: int = 5_000_000
    max_attempts: int = 4
    backoff_seconds: float = 1.0
    max_backoff_seconds: float = 30.0
    jitter_seconds: float = 0.5
    max_retry_after_seconds: float = 120.0


def parse_retry_after(value: str | None, *, now: datetime) -> float | None:
    """Return the seconds a Retry-After header asks for (delay or HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


def make_retrying(
    policy: HttpPolicy, *, sleep: Callable[[float], None], started: float | None = None
) -> tenacity.Retrying:
    """Return a bounded retrier for errors marked ``retryable``, sleeping with ``sleep``.

    ``started``: the ``time.monotonic()`` of a first attempt made before, which the deadline
    counts from.
    """
    began = time.monotonic() if started is None else started

    def past_deadline(_state: tenacity.RetryCallState) -> bool:
        return time.monotonic() - began >= policy.deadline_seconds

    return tenacity.Retrying(
        # No new attempt after the deadline: a source that keeps timing out costs one deadline
        # (plus the attempt under way), not one per attempt.
        stop=tenacity.stop_any(tenacity.stop_after_attempt(policy.max_attempts), past_deadline),
        wait=retry_wait(policy),
        retry=tenacity.retry_if_exception(lambda exc: getattr(exc, "retryable", False)),
        sleep=sleep,
        reraise=True,
    )


def retry_wait(policy: HttpPolicy) -> Callable[[tenacity.RetryCallState], float]:
    """Return a tenacity wait: Retry-After if given (capped), else capped exponential backoff."""

    def wait(state: tenacity.RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        jitter = random.uniform(0, policy.jitter_seconds) if policy.jitter_seconds else 0.0
        retry_after = getattr(error, "retry_after", None)
        if retry_after is not None:
            return min(retry_after, policy.max_retry_after_seconds) + jitter
        backoff = policy.backoff_seconds * 2 ** (state.attempt_number - 1)
        return min(backoff, policy.max_backoff_seconds) + jitter

    return wait


def conditional_headers(known: dict[str, str]) -> dict[str, str]:
    """Return If-None-Match / If-Modified-Since headers for a URL's remembered validators."""
    headers = {}
    if known.get("etag"):
        headers["If-None-Match"] = known["etag"]
    if known.get("last_modified"):
        headers["If-Modified-Since"] = known["last_modified"]
    return headers


def remember_validators(
    validators: Validators, url: str, headers: dict[str, str], *, sha256: str | None = None
) -> None:
    """Store the ETag and Last-Modified of a full response (and its hash); else forget them."""
    known = {}
    if headers.get("etag"):
        known["etag"] = headers["etag"]
    if headers.get("last-modified"):
        known["last_modified"] = headers["last-modified"]
    if known:
        if sha256:
            known["sha256"] = sha256
        validators[url] = known
    else:
        validators.pop(url, None)


def not_modified_problem(sent: dict[str, str], response_headers: dict[str, str]) -> str | None:
    """Return why a 304 answer to a request with headers ``sent`` cannot be trusted, or None."""
    if not sent.get("If-None-Match") and not sent.get("If-Modified-Since"):
        return "answered 304 Not Modified to a request that carried no validator"
    etag = response_headers.get("etag")
    if etag and sent.get("If-None-Match") and _opaque(etag) != _opaque(sent["If-None-Match"]):
        return f"answered 304 Not Modified with ETag {etag}, not the {sent['If-None-Match']} sent"
    return None


def _opaque(etag: str) -> str:
    return etag.strip().removeprefix("W/")

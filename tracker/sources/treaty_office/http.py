"""Fetch one URL with timeouts, a deadline, a byte limit, retries and conditional requests.

This is the only module that imports httpx.
"""

import dataclasses
import functools
import hashlib
import ssl
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

import httpx

from tracker import clock

from .errors import (
    BodyTooLargeError,
    DeadlineExceededError,
    SourceConnectionError,
    SourceError,
    SourceFormatError,
    SourceHttpError,
    SourceTimeoutError,
    SourceTlsError,
    UnexpectedNotModifiedError,
)
from .policy import (
    HttpPolicy,
    Validators,
    conditional_headers,
    make_retrying,
    not_modified_problem,
    parse_retry_after,
    remember_validators,
)

#: How much of an error response is kept, for messages and challenge detection.
ERROR_BODY_LIMIT = 64 * 1024


@dataclass(frozen=True)
class FetchResult:
    """What the source answered to one GET, kept as it came."""

    url: str
    status_code: int
    headers: dict[str, str]
    body: bytes
    sha256: str | None
    fetched_at: datetime
    not_modified: bool = False
    #: The validators the request carried (ETag, Last-Modified, hash of their body), if any.
    validators_sent: dict[str, str] | None = None


def utc_now() -> datetime:
    """Return the current time, timezone-aware UTC."""
    return clock.now()


def make_user_agent(application: str, contact: str) -> str:
    """Return a User-Agent naming the application and how to reach its operator."""
    return f"{application} (+{contact})"


def legacy_tls_context() -> ssl.SSLContext:
    """Return a verifying TLS context that accepts the API host's small DH key."""
    context = httpx.create_ssl_context()
    context.set_ciphers("DEFAULT@SECLEVEL=1")
    legacy_option = getattr(ssl, "OP_LEGACY_SERVER_CONNECT", None)
    if legacy_option is not None:
        context.options |= legacy_option
    return context


@functools.cache
def _shared_tls_contexts() -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """Return (default, legacy) contexts, built once: loading the CA store is slow."""
    return httpx.create_ssl_context(), legacy_tls_context()


def build_client(
    *,
    user_agent: str,
    timeout_seconds: float,
    legacy_tls_hosts: Iterable[str] = (),
    connections: int = 5,
) -> httpx.Client:
    """Return a client with one pool of ``connections``; only ``legacy_tls_hosts`` get weak TLS."""
    default_context, legacy_context = _shared_tls_contexts()
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    mounts = {
        f"https://{host}": httpx.HTTPTransport(verify=legacy_context, limits=limits)
        for host in legacy_tls_hosts
    }
    return httpx.Client(
        headers={"User-Agent": user_agent},
        timeout=httpx.Timeout(timeout_seconds),
        verify=default_context,
        follow_redirects=False,
        max_redirects=3,
        trust_env=False,
        mounts=mounts,
        limits=limits,
    )


def fetch(
    client: httpx.Client,
    url: str,
    *,
    policy: HttpPolicy,
    headers: dict[str, str] | None = None,
    validators: Validators | None = None,
    follow_redirects: bool = False,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], datetime] = utc_now,
) -> FetchResult:
    """GET ``url`` with bounded retries; raise a ``SourceError`` unless it answers 2xx or 304."""
    request_headers = dict(headers or {})
    known = validators.get(url, {}) if validators is not None else {}
    conditional = conditional_headers(known)
    request_headers.update(conditional)
    attempt = functools.partial(
        _fetch_once, client, url, request_headers, policy, follow_redirects, clock
    )
    started = time.monotonic()
    try:
        result = attempt()
    except SourceError as exc:
        if not exc.retryable:
            raise
        result = _retry_after_first(exc, attempt, policy, sleep=sleep, started=started)
    if result.not_modified:
        return dataclasses.replace(result, validators_sent=dict(known))
    if validators is not None:
        remember_validators(validators, url, result.headers, sha256=result.sha256)
    return result


def _retry_after_first(
    first: SourceError,
    attempt: Callable[[], FetchResult],
    policy: HttpPolicy,
    *,
    sleep: Callable[[float], None],
    started: float,
) -> FetchResult:
    """Go on retrying after a first attempt failed with ``first``.

    The first attempt runs without tenacity: it nearly always succeeds, and tenacity's
    machinery costs about as much CPU as the rest of a fetch. Replaying the first error as
    tenacity's attempt 1 keeps the same waits (Retry-After included), attempts and deadline.
    """
    replay = [first]

    def again() -> FetchResult:
        if replay:
            raise replay.pop()
        return attempt()

    return make_retrying(policy, sleep=sleep, started=started)(again)


def _fetch_once(
    client: httpx.Client,
    url: str,
    headers: dict[str, str],
    policy: HttpPolicy,
    follow_redirects: bool,
    clock: Callable[[], datetime],
) -> FetchResult:
    deadline = time.monotonic() + policy.deadline_seconds
    try:
        with client.stream(
            "GET",
            url,
            headers=headers,
            follow_redirects=follow_redirects,
            timeout=_within(client.timeout, policy.deadline_seconds),
        ) as response:
            fetched_at = clock()
            status = response.status_code
            response_headers = {key.lower(): value for key, value in response.headers.items()}
            if status == 304:
                problem = not_modified_problem(headers, response_headers)
                if problem:
                    raise UnexpectedNotModifiedError(f"{url} {problem}", url=url)
                return FetchResult(url, status, response_headers, b"", None, fetched_at, True)
            if not 200 <= status <= 299:
                body = _read_body(response, url, ERROR_BODY_LIMIT, deadline, truncate=True)
                raise _status_error(url, status, response_headers, body, now=fetched_at)
            body = _read_body(response, url, policy.max_bytes, deadline, truncate=False)
    except httpx.TimeoutException as exc:
        raise SourceTimeoutError(f"{url} did not answer in time ({exc})", url=url) from exc
    except httpx.TooManyRedirects as exc:
        raise SourceConnectionError(f"{url} redirected too many times", url=url) from exc
    except httpx.TransportError as exc:
        if _caused_by_tls(exc):
            message = f"TLS handshake with {url} failed: {_root_cause(exc)}"
            raise SourceTlsError(message, url=url) from exc
        raise SourceConnectionError(f"could not read {url}: {exc!r}", url=url) from exc
    except httpx.DecodingError as exc:
        message = f"{url} sent a body that cannot be decoded: {exc}"
        raise SourceFormatError(message, url=url) from exc
    except (httpx.HTTPError, httpx.StreamError, httpx.InvalidURL) as exc:
        error = SourceConnectionError(f"could not read {url}: {exc!r}", url=url)
        error.retryable = False
        raise error from exc
    digest = hashlib.sha256(body).hexdigest()
    return FetchResult(url, status, response_headers, body, digest, fetched_at)


def _read_body(
    response: httpx.Response, url: str, limit: int, deadline: float, *, truncate: bool
) -> bytes:
    declared = response.headers.get("content-length", "")
    if not truncate and declared.isdigit() and int(declared) > limit:
        raise BodyTooLargeError(
            f"{url} announced {declared} bytes, more than the limit of {limit}", url=url
        )
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > limit:
            if truncate:
                chunks.append(chunk[: limit - (size - len(chunk))])
                break
            raise BodyTooLargeError(f"{url} sent more than the limit of {limit} bytes", url=url)
        chunks.append(chunk)
        if time.monotonic() > deadline:
            raise DeadlineExceededError(f"{url} took longer than the total deadline", url=url)
    return b"".join(chunks)


def _within(timeout: httpx.Timeout, deadline_seconds: float) -> httpx.Timeout:
    """Return the client's timeouts, none longer than the total deadline of a request."""

    def bound(value: float | None) -> float:
        return deadline_seconds if value is None else min(value, deadline_seconds)

    return httpx.Timeout(
        connect=bound(timeout.connect),
        read=bound(timeout.read),
        write=bound(timeout.write),
        pool=bound(timeout.pool),
    )


def _status_error(
    url: str, status: int, headers: dict[str, str], body: bytes, *, now: datetime
) -> SourceHttpError:
    reason = httpx.codes.get_reason_phrase(status)
    message = f"{url} answered {status} {reason}".rstrip()
    if 300 <= status <= 399 and headers.get("location"):
        message += f" (redirect to {headers['location']} not followed)"
    retry_after = parse_retry_after(headers.get("retry-after"), now=now)
    error = SourceHttpError(
        message, url=url, status_code=status, headers=headers, body=body, retry_after=retry_after
    )
    if headers.get("cf-mitigated", "").lower() == "challenge":
        error.retryable = False
    return error


def _causes(exc: BaseException) -> Iterable[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _caused_by_tls(exc: BaseException) -> bool:
    return any(isinstance(cause, ssl.SSLError) for cause in _causes(exc))


def _root_cause(exc: BaseException) -> BaseException:
    return list(_causes(exc))[-1]


__all__ = [
    "FetchResult",
    "HttpPolicy",
    "Validators",
    "build_client",
    "fetch",
    "legacy_tls_context",
    "make_user_agent",
    "parse_retry_after",
    "utc_now",
]

"""Fetch a watched source safely: http(s) only, public addresses only, robots.txt respected.

Built on the Treaty Office client's ``fetch`` (timeouts, size cap, deadline, bounded retries
with backoff and Retry-After, conditional requests); this module adds what pages and feeds
from anyone's site need: the address checks on every redirect hop and robots.txt.

The address is checked where the connection is made (``PinnedBackend``): the host is resolved
once, every address is checked, and the socket connects to a checked address. Checking the URL
and then letting the HTTP library resolve the name again would let a DNS answer that changes
between the two (DNS rebinding) reach a private address.
"""

import ipaddress
import socket
import threading
import time
import typing
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpcore
import httpx

from tracker.sources.treaty_office.errors import SourceError, SourceHttpError, SourceTimeoutError
from tracker.sources.treaty_office.http import (
    FetchResult,
    HttpPolicy,
    Validators,
    build_client,
    fetch,
)

MAX_REDIRECTS = 5
ROBOTS_MAX_BYTES = 512 * 1024

Resolver = Callable[[str, int], Iterable[str]]


class AddressRefusedError(SourceError):
    """The URL is not http(s), or its host resolves to an address we never connect to."""


class RobotsDisallowedError(SourceError):
    """The site's robots.txt does not allow us to fetch the URL."""


def resolve_host(host: str, port: int) -> list[str]:
    """Return every address the host name resolves to."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise AddressRefusedError(f"cannot resolve {host}: {exc}") from exc
    return sorted({str(info[4][0]) for info in infos})


def is_refused_address(address: str, allowed: Iterable[str] = ()) -> bool:
    """Tell whether an address is private, loopback, link-local or otherwise not public."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if any(ip in ipaddress.ip_network(network) for network in allowed):
        return False
    if getattr(ip, "ipv4_mapped", None) is not None:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


def check_url(url: str, *, allowed: Iterable[str] = (), resolve: Resolver = resolve_host) -> None:
    """Raise ``AddressRefusedError`` unless the URL is http(s) on a public address."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"}:
        raise AddressRefusedError(f"{url}: only http and https URLs are fetched", url=url)
    if not parts.hostname:
        raise AddressRefusedError(f"{url}: the URL has no host", url=url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    allowed = tuple(allowed)
    for address in resolve(parts.hostname, port):
        if is_refused_address(address, allowed):
            raise AddressRefusedError(
                f"{url}: {parts.hostname} resolves to {address}, a private, loopback or "
                "link-local address (allowed only through TRACKER_SOURCES_ALLOW_PRIVATE)",
                url=url,
            )


class PinnedBackend(httpcore.SyncBackend):
    """Connect only to addresses the host resolves to and that are allowed, resolved once."""

    def __init__(self, *, allowed: tuple[str, ...], resolve: Resolver) -> None:
        self.allowed = allowed
        self.resolve = resolve

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[typing.Any] | None = None,
    ) -> httpcore.NetworkStream:
        addresses = list(self.resolve(host, port))
        refused = [address for address in addresses if is_refused_address(address, self.allowed)]
        if refused or not addresses:
            raise AddressRefusedError(
                f"{host} resolves to {', '.join(refused) or 'no address'}, a private, loopback "
                "or link-local address (allowed only through TRACKER_SOURCES_ALLOW_PRIVATE)"
            )
        last_error: Exception | None = None
        for address in addresses:
            try:
                # TLS still names the host (SNI and certificate check use the URL's host).
                return super().connect_tcp(
                    address, port, timeout, local_address, socket_options=socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                last_error = error
        assert last_error is not None
        raise last_error


def pin_connections(client: httpx.Client, backend: PinnedBackend) -> None:
    """Make every transport of the client connect through ``backend``."""
    transports = [client._transport, *client._mounts.values()]  # noqa: SLF001
    for transport in transports:
        pool = getattr(transport, "_pool", None)
        if not isinstance(pool, httpcore.ConnectionPool):
            # Never fall back to unpinned connections: fail at start-up, loudly.
            raise RuntimeError(f"cannot pin the connections of {transport!r}")
        pool._network_backend = backend  # noqa: SLF001


@dataclass
class SafeFetcher:
    """One HTTP client (one connection pool) for a run over many sources."""

    user_agent: str
    timeout_seconds: float
    allowed_networks: tuple[str, ...] = ()
    policy: HttpPolicy = field(default_factory=HttpPolicy)
    sleep: Callable[[float], None] = time.sleep
    resolve: Resolver = resolve_host
    robots_user_agent: str = "kz-resolution-tracker"

    def __post_init__(self) -> None:
        self.client = build_client(user_agent=self.user_agent, timeout_seconds=self.timeout_seconds)
        pin_connections(
            self.client, PinnedBackend(allowed=tuple(self.allowed_networks), resolve=self.resolve)
        )
        self._robots: dict[str, RobotFileParser] = {}
        self._robots_locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def close(self) -> None:
        """Close the connection pool."""
        self.client.close()

    def get(self, url: str, *, validators: Validators | None = None) -> FetchResult:
        """GET a URL, re-checking the address at every redirect hop and robots.txt first."""
        return self._follow(url, self.policy, validators=validators, robots=True)

    def _follow(
        self, url: str, policy: HttpPolicy, *, validators: Validators | None, robots: bool
    ) -> FetchResult:
        # One deadline for every attempt and wait of this source: retries never outlast it.
        deadline = _Deadline(policy.deadline_seconds)
        current = url
        for _hop in range(MAX_REDIRECTS + 1):
            check_url(current, allowed=self.allowed_networks, resolve=self.resolve)
            if robots:
                self._check_robots(current)
            try:
                return fetch(
                    self.client,
                    current,
                    policy=policy,
                    validators=validators,
                    sleep=self._sleep_until(deadline, current),
                )
            except SourceHttpError as error:
                location = error.headers.get("location")
                if not (300 <= error.status_code <= 399 and location):
                    raise
                current = urljoin(current, location)
        raise SourceError(f"{url} redirected more than {MAX_REDIRECTS} times", url=url)

    def _sleep_until(self, deadline: "_Deadline", url: str) -> Callable[[float], None]:
        def sleep(seconds: float) -> None:
            if deadline.spent() + seconds > deadline.seconds:
                raise SourceTimeoutError(
                    f"{url}: waiting {seconds:.0f}s to retry would pass the total deadline",
                    url=url,
                )
            deadline.waited += seconds
            self.sleep(seconds)

        return sleep

    def _check_robots(self, url: str) -> None:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        with self._lock:
            lock = self._robots_locks.setdefault(origin, threading.Lock())
        with lock:  # one robots.txt request per site and run, however many sources it has
            if origin not in self._robots:
                self._robots[origin] = self._read_robots(origin)
        if not self._robots[origin].can_fetch(self.robots_user_agent, url):
            raise RobotsDisallowedError(f"{origin}/robots.txt does not allow {url}", url=url)

    def _read_robots(self, origin: str) -> RobotFileParser:
        robots = RobotFileParser(f"{origin}/robots.txt")
        policy = HttpPolicy(
            deadline_seconds=self.policy.deadline_seconds, max_bytes=ROBOTS_MAX_BYTES
        )
        try:
            result = self._follow(robots.url, policy, validators=None, robots=False)
        except SourceHttpError as error:
            # RFC 9309: a 4xx robots.txt means no rules; a 5xx means assume everything is
            # disallowed until it answers again.
            if 400 <= error.status_code <= 499:
                robots.allow_all = True
                return robots
            raise SourceError(f"{robots.url} answered {error.status_code}; not fetching") from None
        robots.parse(result.body.decode("utf-8", errors="replace").splitlines())
        return robots


class _Deadline:
    """Seconds spent on one source: wall time, or the waits if a test's sleep does not wait."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.started = time.monotonic()
        self.waited = 0.0

    def spent(self) -> float:
        return max(time.monotonic() - self.started, self.waited)

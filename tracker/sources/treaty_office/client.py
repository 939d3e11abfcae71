"""A client of the Treaty Office JSON service for one country."""

import functools
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from urllib.parse import urlencode, urlsplit

from tracker.treaties.states import derive_treaty_state

from . import http
from .errors import (
    ChallengePageError,
    SourceConnectionError,
    SourceError,
    SourceHttpError,
    TokenRefusedError,
)
from .http import FetchResult
from .page_shell import ApiSettings, is_challenge_page, read_api_settings
from .policy import HttpPolicy, Validators
from .signatures import ChartReading, CountryRecord, read_chart, read_chart_by_hash

logger = logging.getLogger(__name__)

PAGE_URL = "https://www.coe.int/en/web/conventions/full-list"
API_URL = "https://conventions-ws.coe.int/WS_LFRConventions/"
#: The public key the page shell has set since 2022; used when the page cannot be read.
DEFAULT_TOKEN = "hfghhgp2q5vgwg1hbn532kw71zgtww7e"
REFUSED_STATUSES = (401, 403)
#: What remembered settings may meet when the API moved: the page shell is then read again.
MOVED_STATUSES = (404, 410)
#: Requests in flight at once to the API host: a few hide the network's latency without
#: pressing a public service.
PARALLEL_REQUESTS = 4


@dataclass(frozen=True)
class Observation:
    """One poll of one treaty: the raw answer, the country's record and its derived state.

    ``record``, ``state`` and ``chart`` are None when the source answered 304 Not Modified.
    """

    fetch: FetchResult
    record: CountryRecord | None
    state: str | None
    chart: ChartReading | None = None

    @property
    def not_modified(self) -> bool:
        """Tell whether the source said the chart has not changed."""
        return self.fetch.not_modified


def format_treaty_number(treaty_number: int) -> str:
    """Return the treaty number as the service expects it: at least three digits."""
    if isinstance(treaty_number, bool) or not isinstance(treaty_number, int) or treaty_number < 1:
        raise ValueError(f"not a treaty number: {treaty_number!r}")
    return f"{treaty_number:03d}"


@functools.lru_cache(maxsize=1024)
def _query(treaty_number: int, language: str) -> str:
    # Encoded once per treaty: a poll asks for every watched one each time.
    return urlencode({"numSTE": format_treaty_number(treaty_number), "langue": language})


class TreatyOfficeClient:
    """Read the charts of signatures and ratifications for one country."""

    def __init__(
        self,
        page_url: str = PAGE_URL,
        api_url: str = API_URL,
        token: str = DEFAULT_TOKEN,
        *,
        country: str = "KAZ",
        user_agent: str,
        timeout_seconds: float = 20.0,
        policy: HttpPolicy | None = None,
        language: str = "ENG",
        read_page_on_start: bool = True,
        validators: Validators | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], datetime] = http.utc_now,
        parallel: int = PARALLEL_REQUESTS,
        remembered: ApiSettings | None = None,
    ) -> None:
        """``api_url`` and ``token`` are the configured settings, used when the page shell
        cannot be read. ``remembered``: what the page shell told an earlier poll; the page is
        then not read at the start, only when the API refuses the token, cannot be reached, or
        answers 404 or 410 (it may have moved).
        """
        if not user_agent:
            raise ValueError("a User-Agent naming the application and a contact is required")
        self.page_url = page_url
        self.country = country.strip().upper()
        self.language = language
        self.policy = policy or HttpPolicy()
        self.validators: Validators = {} if validators is None else validators
        self.configured = ApiSettings(api_url=api_url, token=token)
        self.settings = remembered or self.configured
        self.settings_source = "configured" if remembered is None else "remembered"
        self._started = remembered is not None or not read_page_on_start
        self._refresh_failed: str | None = None
        self._sleep = sleep
        self._clock = clock
        self.parallel = max(1, parallel)
        # Worker threads share the client: one of them at a time reads the page shell.
        self._settings_lock = threading.Lock()
        api_hosts = {urlsplit(api.api_url).hostname for api in (self.configured, self.settings)}
        self._http = http.build_client(
            user_agent=user_agent,
            timeout_seconds=timeout_seconds,
            legacy_tls_hosts=sorted(host for host in api_hosts if host),
            connections=self.parallel + 1,  # the API's and the page shell's
        )

    def __enter__(self) -> "TreatyOfficeClient":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the HTTP connections."""
        self._http.close()

    def start(self) -> None:
        """Read the API URL and token from the page shell once; keep the configured ones if not."""
        with self._settings_lock:
            if self._started:
                return
            self._started = True
            try:
                self.read_settings_from_page()
            except SourceError as exc:
                logger.warning("using the configured API URL and token: %s", exc)

    def read_settings_from_page(self) -> ApiSettings:
        """Fetch the page shell and adopt the API URL and token it sets."""
        try:
            result = self._get(self.page_url, follow_redirects=True)
        except SourceHttpError as exc:
            if is_challenge_page(exc.body) or exc.headers.get("cf-mitigated") == "challenge":
                raise self._challenge(self.page_url, exc.status_code) from exc
            raise
        if is_challenge_page(result.body):
            raise self._challenge(self.page_url, result.status_code)
        settings = read_api_settings(result.body)
        if settings.api_url != self.settings.api_url:
            logger.info(
                "the page shell moves the API from %s to %s",
                self.settings.api_url,
                settings.api_url,
            )
        self.settings = settings
        self.settings_source = "page"
        return settings

    def signatures_url(self, treaty_number: int, settings: ApiSettings | None = None) -> str:
        """Return the URL of the treaty's chart of signatures and ratifications."""
        api_url = (settings or self.settings).api_url
        return f"{api_url}api/signatures?{_query(treaty_number, self.language)}"

    def fetch_signatures(self, treaty_number: int, *, conditional: bool = True) -> FetchResult:
        """Fetch the treaty's chart; read the page shell once if refused, or if stale settings fail.

        ``conditional`` sends the URL's remembered validators, so the source may answer 304.
        """
        self.start()
        used = self.settings
        try:
            return self._get_signatures(treaty_number, conditional)
        except (SourceHttpError, SourceConnectionError) as exc:
            refused = getattr(exc, "status_code", None) in REFUSED_STATUSES
            if not (refused or self._may_be_stale(exc, used)):
                raise
            failed = exc
        with self._settings_lock:
            if self._refresh_failed is not None:
                # The page shell was read afresh once already and its token is refused too.
                raise TokenRefusedError(self._refresh_failed, url=failed.url)
            if self.settings is used:  # else another worker read it meanwhile
                self._read_page_after(failed, refused=refused)
        if not refused and self.settings == used:
            raise failed  # the page names the same API and token: the API itself failed
        try:
            return self._get_signatures(treaty_number, conditional)
        except SourceHttpError as exc:
            if exc.status_code not in REFUSED_STATUSES:
                raise
            self._refresh_failed = (
                f"the Treaty Office API refused the token ({exc.status_code}), also the one"
                f" read afresh from {self.page_url}"
            )
            raise TokenRefusedError(self._refresh_failed, url=exc.url) from exc

    def _may_be_stale(self, exc: SourceError, used: ApiSettings) -> bool:
        """Tell whether settings other than ``used`` might answer: read since, or remembered."""
        if self.settings is not used:
            return True
        moved = getattr(exc, "status_code", None) in MOVED_STATUSES
        stale = moved or isinstance(exc, SourceConnectionError)
        return stale and self.settings_source == "remembered"

    def _read_page_after(self, failed: SourceError, *, refused: bool) -> None:
        if refused:
            self._read_refused_page(failed)
            return
        logger.info("the remembered API settings failed (%s); reading the page shell", failed)
        try:
            self.read_settings_from_page()
        except SourceError as exc:
            logger.warning("using the configured API URL and token: %s", exc)
            failed.message = f"{failed.message} (and the page shell could not be read: {exc})"
            self.settings, self.settings_source = self.configured, "configured"

    def _read_refused_page(self, refused: SourceHttpError) -> None:
        logger.info("the API refused the token (%s); reading the page shell", refused.status_code)
        try:
            self.read_settings_from_page()
        except SourceError as exc:
            raise TokenRefusedError(
                f"the Treaty Office API refused the token ({refused.status_code}) and no new token"
                f" could be read from {self.page_url}: {exc}",
                url=refused.url,
            ) from exc

    def observe(
        self, treaty_number: int, *, today: date | None = None, conditional: bool = True
    ) -> Observation:
        """Fetch and parse the treaty's chart and derive the country's state."""
        result = self.fetch_signatures(treaty_number, conditional=conditional)
        if result.not_modified:
            return Observation(fetch=result, record=None, state=None)
        today = today or result.fetched_at.date()
        chart = self.read(result, treaty_number, today=today)
        state = derive_treaty_state(chart.record, today=today)
        return Observation(fetch=result, record=chart.record, state=state, chart=chart)

    def read(self, result: FetchResult, treaty_number: int, *, today: date) -> ChartReading:
        """Read the country's row from a fetched chart; errors name the URL."""
        try:
            if result.sha256:
                return read_chart_by_hash(
                    result.body,
                    sha256=result.sha256,
                    treaty_number=treaty_number,
                    country_code=self.country,
                    today=today,
                )
            return read_chart(
                result.body, treaty_number=treaty_number, country_code=self.country, today=today
            )
        except SourceError as exc:
            raise type(exc)(f"{result.url}: {exc.message}", url=result.url) from exc

    def _get_signatures(self, treaty_number: int, conditional: bool) -> FetchResult:
        settings = self.settings  # one pair of URL and token, whatever another worker reads
        url = self.signatures_url(treaty_number, settings)
        try:
            result = self._get(url, headers={"token": settings.token}, conditional=conditional)
        except SourceHttpError as exc:
            if exc.status_code == 403 and is_challenge_page(exc.body):
                raise self._challenge(url, exc.status_code) from exc
            raise
        if result.body.lstrip()[:1] == b"<" and is_challenge_page(result.body):
            raise self._challenge(url, result.status_code)
        return result

    def _get(
        self,
        url: str,
        *,
        headers: dict[str, str] | None = None,
        conditional: bool = False,
        follow_redirects: bool = False,
    ) -> FetchResult:
        return http.fetch(
            self._http,
            url,
            policy=self.policy,
            headers=headers,
            validators=self.validators if conditional else None,
            follow_redirects=follow_redirects,
            sleep=self._sleep,
            clock=self._clock,
        )

    @staticmethod
    def _challenge(url: str, status_code: int) -> ChallengePageError:
        return ChallengePageError(
            f"{url} answered {status_code} with a Cloudflare challenge page instead of content",
            url=url,
        )

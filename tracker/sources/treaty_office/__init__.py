"""The Treaty Office client: fetch and parse charts of signatures, with no database.

The front door is ``TreatyOfficeClient.observe``; states come from ``tracker.treaties.states``.
"""

from .client import (
    API_URL,
    DEFAULT_TOKEN,
    PAGE_URL,
    Observation,
    TreatyOfficeClient,
    format_treaty_number,
)
from .errors import (
    BodyTooLargeError,
    ChallengePageError,
    DeadlineExceededError,
    InvalidJsonError,
    PageShellError,
    SourceConnectionError,
    SourceError,
    SourceFormatError,
    SourceHttpError,
    SourceTimeoutError,
    SourceTlsError,
    TokenRefusedError,
    UnexpectedNotModifiedError,
)
from .http import FetchResult, make_user_agent
from .page_shell import ApiSettings, is_challenge_page, read_api_settings
from .policy import HttpPolicy
from .signatures import (
    ChartReading,
    CountryRecord,
    parse_chart,
    parse_signatures,
    read_chart,
    read_chart_by_hash,
)

__all__ = [
    "API_URL",
    "DEFAULT_TOKEN",
    "PAGE_URL",
    "ApiSettings",
    "BodyTooLargeError",
    "ChallengePageError",
    "ChartReading",
    "CountryRecord",
    "DeadlineExceededError",
    "FetchResult",
    "HttpPolicy",
    "InvalidJsonError",
    "Observation",
    "PageShellError",
    "SourceConnectionError",
    "SourceError",
    "SourceFormatError",
    "SourceHttpError",
    "SourceTimeoutError",
    "SourceTlsError",
    "TokenRefusedError",
    "TreatyOfficeClient",
    "UnexpectedNotModifiedError",
    "format_treaty_number",
    "is_challenge_page",
    "make_user_agent",
    "parse_chart",
    "parse_signatures",
    "read_chart",
    "read_chart_by_hash",
    "read_api_settings",
]

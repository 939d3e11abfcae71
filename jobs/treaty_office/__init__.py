"""Read the Council of Europe Treaty Office: fetch, parse and derive, with no database."""

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
    InvalidJsonError,
    PageShellError,
    SourceConnectionError,
    SourceError,
    SourceFormatError,
    SourceHttpError,
    SourceTimeoutError,
    SourceTlsError,
    TokenRefusedError,
)
from .http import FetchResult, make_user_agent
from .page_shell import ApiSettings, is_challenge_page, read_api_settings
from .policy import HttpPolicy
from .signatures import CountryRecord, parse_chart, parse_signatures
from .states import TREATY_STATES, derive_treaty_state, is_backwards

__all__ = [
    "API_URL",
    "DEFAULT_TOKEN",
    "PAGE_URL",
    "TREATY_STATES",
    "ApiSettings",
    "BodyTooLargeError",
    "ChallengePageError",
    "CountryRecord",
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
    "derive_treaty_state",
    "format_treaty_number",
    "is_backwards",
    "is_challenge_page",
    "make_user_agent",
    "parse_chart",
    "parse_signatures",
    "read_api_settings",
]

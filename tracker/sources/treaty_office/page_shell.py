"""Read the API URL and token from a Treaty Office page shell."""

import re
from dataclasses import dataclass

from .errors import PageShellError

_GLOBAL = r"window\.{name}\s*=\s*(?P<quote>[\"'])(?P<value>[^\"'\s]*)(?P=quote)"
_API_URL = re.compile(_GLOBAL.format(name="conventions_api_url"))
_API_KEY = re.compile(_GLOBAL.format(name="conventions_api_key"))

#: Markers of a Cloudflare challenge page (matched case-insensitively).
CHALLENGE_MARKERS = (
    "<title>just a moment...</title>",
    "challenges.cloudflare.com",
    "cf-chl",
    "cf_chl",
)


@dataclass(frozen=True)
class ApiSettings:
    """Where the JSON service is and the token it expects."""

    api_url: str
    token: str

    def __post_init__(self) -> None:
        if not self.api_url.endswith("/"):
            object.__setattr__(self, "api_url", self.api_url + "/")


def is_challenge_page(html: str | bytes) -> bool:
    """Tell whether a page is a Cloudflare challenge rather than content."""
    if isinstance(html, bytes):
        html = html.decode("utf-8", errors="replace")
    text = html.lower()
    return any(marker in text for marker in CHALLENGE_MARKERS)


def read_api_settings(html: str | bytes) -> ApiSettings:
    """Return the API URL and token set by the page's ``window.conventions_api_*`` globals."""
    if isinstance(html, bytes):
        html = html.decode("utf-8", errors="replace")
    url_match = _API_URL.search(html)
    key_match = _API_KEY.search(html)
    missing = [
        name
        for name, match in (
            ("window.conventions_api_url", url_match),
            ("window.conventions_api_key", key_match),
        )
        if match is None or not match["value"]
    ]
    if missing:
        raise PageShellError(f"the page shell does not set {' or '.join(missing)}")
    api_url = url_match["value"]
    if not api_url.startswith(("https://", "http://")):
        raise PageShellError(f"the page shell sets an API URL that is not HTTP(S): {api_url!r}")
    return ApiSettings(api_url=api_url, token=key_match["value"])

"""Read a text to parse from a file or an http(s) URL, with a timeout and a size cap."""

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx

MAX_BYTES = 5 * 1024 * 1024
TIMEOUT_SECONDS = 20.0


class SourceError(ValueError):
    """Signal a text that cannot be read: missing file, refused URL, HTTP error, too large."""


@dataclass(frozen=True)
class Source:
    """A text as read, with whether it is HTML by its name or content type."""

    location: str
    text: str
    is_html: bool | None


def read_source(
    location: str, *, max_bytes: int = MAX_BYTES, timeout: float = TIMEOUT_SECONDS
) -> Source:
    """Return the text at a path or an http(s) URL."""
    scheme = urlsplit(location).scheme.lower()
    if "://" in location:
        if scheme not in ("http", "https"):
            raise SourceError(f"{location}: only http and https URLs can be read")
        return _fetch(location, max_bytes=max_bytes, timeout=timeout)
    path = Path(location)
    try:
        if path.stat().st_size > max_bytes:
            raise SourceError(f"{location}: larger than {max_bytes} bytes")
        data = path.read_bytes()
    except OSError as error:
        raise SourceError(f"{location}: {error.strerror or error}") from None
    is_html = True if path.suffix.lower() in (".html", ".htm", ".xhtml") else None
    return Source(location, _decode(data, None), is_html)


def _fetch(url: str, *, max_bytes: int, timeout: float) -> Source:
    """GET a URL, following at most five redirects to http(s) only, stopping at the cap."""
    try:
        with httpx.Client(timeout=httpx.Timeout(timeout), follow_redirects=False) as client:
            for _ in range(6):
                with client.stream(
                    "GET", url, headers={"Accept": "text/html, text/plain"}
                ) as response:
                    if response.is_redirect:
                        url = str(response.url.join(response.headers["location"]))
                        if urlsplit(url).scheme not in ("http", "https"):
                            raise SourceError(f"redirect to {url}: only http and https are read")
                        continue
                    if response.status_code != 200:
                        raise SourceError(f"{url}: HTTP {response.status_code}")
                    body = bytearray()
                    for chunk in response.iter_bytes():
                        body += chunk
                        if len(body) > max_bytes:
                            raise SourceError(f"{url}: larger than {max_bytes} bytes")
                    content_type = response.headers.get("content-type", "")
                    charset = response.charset_encoding
                    is_html = True if "html" in content_type else None
                    return Source(url, _decode(bytes(body), charset), is_html)
            raise SourceError(f"{url}: too many redirects")
    except httpx.HTTPError as error:
        raise SourceError(f"{url}: {type(error).__name__}: {error}") from None


def _decode(data: bytes, charset: str | None) -> str:
    """Decode bytes as the declared charset, else UTF-8, else Windows-1252 (older pages)."""
    for encoding in filter(None, (charset, "utf-8-sig")):
        try:
            return data.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("cp1252", errors="replace")

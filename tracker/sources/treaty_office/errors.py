"""Failures of the Treaty Office source, all under one ``SourceError``."""


class SourceError(Exception):
    """Reading the Treaty Office failed; ``str(error)`` is a message for people."""

    retryable = False

    def __init__(self, message: str, *, url: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.url = url
        self.retry_after: float | None = None

    def __str__(self) -> str:
        return self.message


class SourceHttpError(SourceError):
    """The source answered with a status other than 2xx or 304."""

    def __init__(
        self,
        message: str,
        *,
        url: str,
        status_code: int,
        headers: dict[str, str] | None = None,
        body: bytes = b"",
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, url=url)
        self.status_code = status_code
        self.headers = headers or {}
        self.body = body
        self.retry_after = retry_after
        self.retryable = status_code == 429 or 500 <= status_code <= 599


class SourceTimeoutError(SourceError):
    """The source did not answer within a timeout or the total deadline."""

    retryable = True


class DeadlineExceededError(SourceTimeoutError):
    """The response took longer than the total deadline; a retry would likely do the same."""

    retryable = False


class SourceConnectionError(SourceError):
    """The connection to the source could not be made or was broken."""

    retryable = True


class SourceTlsError(SourceError):
    """The TLS handshake with the source failed."""


class BodyTooLargeError(SourceError):
    """The response body is larger than the configured limit."""


class SourceFormatError(SourceError):
    """The response does not have the shape the parser expects."""


class InvalidJsonError(SourceFormatError):
    """The response body is not valid JSON."""


class PageShellError(SourceFormatError):
    """The page shell lacks the API URL or token globals."""


class ChallengePageError(SourceError):
    """The source answered with a Cloudflare challenge page instead of content."""


class TokenRefusedError(SourceError):
    """The API refused the token, even after reading a fresh one from the page shell."""


class UnexpectedNotModifiedError(SourceError):
    """The source answered 304 Not Modified where that cannot be trusted."""

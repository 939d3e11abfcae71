"""One SMTP connection per batch; each failure classed as temporary or permanent."""

import smtplib
import socket
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from types import TracebackType

TLS_MODES = ("none", "starttls", "ssl")


class SendError(Exception):
    """A message was not accepted; ``permanent`` says whether retrying can help."""

    def __init__(self, message: str, *, permanent: bool, connection_lost: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.connection_lost = connection_lost


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    username: str | None
    password: str | None
    tls: str
    timeout_seconds: float = 30.0


class SmtpConnection:
    """An open, logged-in SMTP session for sending a batch of messages."""

    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> "SmtpConnection":
        s = self.settings
        try:
            if s.tls == "ssl":
                context = ssl.create_default_context()
                self._smtp = smtplib.SMTP_SSL(
                    s.host, s.port, timeout=s.timeout_seconds, context=context
                )
            else:
                self._smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout_seconds)
                if s.tls == "starttls":
                    self._smtp.starttls(context=ssl.create_default_context())
            if s.username:
                self._smtp.login(s.username, s.password or "")
        except (OSError, smtplib.SMTPException) as error:
            self._close()
            raise SendError(
                f"cannot connect to SMTP {s.host}:{s.port}: {_describe(error)}",
                permanent=False,
                connection_lost=True,
            ) from error
        return self

    def send(self, message: EmailMessage) -> None:
        """Send one message; raise SendError saying whether to retry."""
        assert self._smtp is not None, "use SmtpConnection as a context manager"
        try:
            refused = self._smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            code, text = next(iter(error.recipients.values()))
            raise SendError(
                f"recipient refused: {code} {_text(text)}", permanent=code >= 500
            ) from error
        except smtplib.SMTPResponseException as error:
            raise SendError(
                f"SMTP error {error.smtp_code} {_text(error.smtp_error)}",
                permanent=error.smtp_code >= 500,
            ) from error
        except (OSError, smtplib.SMTPException) as error:
            raise SendError(
                f"connection lost: {_describe(error)}", permanent=False, connection_lost=True
            ) from error
        if refused:
            code, text = next(iter(refused.values()))
            raise SendError(f"recipient refused: {code} {_text(text)}", permanent=code >= 500)

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._close()

    def _close(self) -> None:
        if self._smtp is None:
            return
        try:
            self._smtp.quit()
        except (OSError, smtplib.SMTPException):
            self._smtp.close()
        self._smtp = None


def _text(raw: bytes | str) -> str:
    return raw.decode(errors="replace") if isinstance(raw, bytes) else str(raw)


def _describe(error: BaseException) -> str:
    if isinstance(error, socket.timeout | TimeoutError):
        return "timed out"
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    return f"{error.__class__.__name__}: {error}"

"""One SMTP connection per batch, step by step, so each answer is classed by where it came.

Whose fault a refusal is decides what happens next (pitfalls, "Mail standards"):

- connecting, the greeting, EHLO, STARTTLS, AUTH, a refusal at MAIL FROM, a refusal at DATA
  and any 4xx anywhere are the transport's fault: retry later, suppress nobody;
- only a 5xx to RCPT TO is about that one address (``recipient_fault``), unless its text says
  the relay refuses to relay for us (then it is the transport's, as at MAIL FROM).
"""

import functools
import re
import smtplib
import socket
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import parseaddr
from types import TracebackType

TLS_MODES = ("none", "starttls", "ssl")


class SendError(Exception):
    """A message was not accepted; says at which step, and whose fault it is."""

    def __init__(
        self,
        message: str,
        *,
        stage: str,
        code: int | None = None,
        recipient_fault: bool = False,
        stop_batch: bool = False,
    ) -> None:
        super().__init__(message)
        self.stage = stage
        self.code = code
        # Only a 5xx to RCPT TO: the address is refused, retrying cannot help.
        self.recipient_fault = recipient_fault
        # The connection is gone or every message would meet the same refusal.
        self.stop_batch = stop_batch


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
        stage = "connect"
        try:
            if s.tls == "ssl":
                self._smtp = smtplib.SMTP_SSL(
                    timeout=s.timeout_seconds, context=ssl.create_default_context()
                )
            else:
                self._smtp = smtplib.SMTP(timeout=s.timeout_seconds)
            self._smtp.connect(s.host, s.port)
            stage = "EHLO"
            self._smtp.ehlo_or_helo_if_needed()
            if s.tls == "starttls":
                stage = "STARTTLS"
                self._smtp.starttls(context=ssl.create_default_context())
            if s.username:
                stage = "AUTH"
                self._smtp.login(s.username, s.password or "")
        except (OSError, smtplib.SMTPException) as error:
            self._close()
            raise SendError(
                f"SMTP {s.host}:{s.port} at {stage}: {_describe(error)}",
                stage=stage,
                code=getattr(error, "smtp_code", None),
                stop_batch=True,
            ) from error
        return self

    def send(self, message: EmailMessage) -> None:
        """Send one message to its one recipient; raise SendError saying whose fault it is."""
        data = message.as_bytes(policy=message.policy.clone(linesep="\r\n"))
        self.send_bytes(str(message["From"]), str(message["To"]), data)

    def send_bytes(self, mail_from: str, to: str, data: bytes) -> None:
        """Send a message already written out (CRLF lines) from the ``From`` to the ``To``."""
        assert self._smtp is not None, "use SmtpConnection as a context manager"
        sender = _envelope_address(mail_from)
        recipient = _envelope_address(to)
        stage = "MAIL FROM"
        try:
            code, text = self._envelope("mail", sender)
            if code != 250:
                # The relay refuses the sender: every message of the batch would be refused.
                raise self._refused(stage, code, text, stop_batch=True)
            stage = "RCPT TO"
            code, text = self._envelope("rcpt", recipient)
            if code not in (250, 251):
                relay = _relay_refuses(code, text)
                raise self._refused(
                    stage, code, text, recipient_fault=code >= 500 and not relay, stop_batch=relay
                )
            stage = "DATA"
            code, text = self._data(data)
            if code != 250:
                raise self._refused(stage, code, text)
        except smtplib.SMTPDataError as error:
            raise self._refused(stage, error.smtp_code, error.smtp_error) from error
        except SendError:
            raise
        except (OSError, smtplib.SMTPException) as error:
            # Lost while the message was in flight: it may have been accepted; sent again later.
            raise SendError(
                f"connection lost at {stage}: {_describe(error)}", stage=stage, stop_batch=True
            ) from error

    def _envelope(self, verb: str, address: str) -> tuple[int, bytes]:
        """Send MAIL FROM or RCPT TO for an address; return the server's answer."""
        if not _BARE.fullmatch(address):
            return getattr(self._smtp, verb)(address)
        # What smtplib writes for a bare address ("<address>"), without parsing it again.
        self._smtp.putcmd(verb, f"{_KEYWORD[verb]}:<{address}>")
        return self._smtp.getreply()

    def _data(self, data: bytes) -> tuple[int, bytes]:
        """Send DATA and the message, as smtplib's ``data`` does for bytes; return the answer.

        The dot-stuffing is smtplib's (a "." at the start of the data or after any LF gets a
        second "."), done by ``bytes.replace`` instead of a regular expression over the message.
        """
        self._smtp.putcmd("data")
        code, text = self._smtp.getreply()
        if code != 354:
            raise smtplib.SMTPDataError(code, text)
        quoted = (b"." + data if data.startswith(b".") else data).replace(b"\n.", b"\n..")
        if not quoted.endswith(b"\r\n"):
            quoted += b"\r\n"
        self._smtp.send(quoted + b".\r\n")
        return self._smtp.getreply()

    def _refused(
        self,
        stage: str,
        code: int,
        text: bytes | str,
        *,
        recipient_fault: bool = False,
        stop_batch: bool = False,
    ) -> SendError:
        # 421: the server is closing the connection; nothing more can go through it.
        stop_batch = stop_batch or code == 421
        if not stop_batch:
            self._reset()
        return SendError(
            f"refused at {stage}: {code} {_text(text)}",
            stage=stage,
            code=code,
            recipient_fault=recipient_fault,
            stop_batch=stop_batch,
        )

    def _reset(self) -> None:
        try:
            self._smtp.rset()
        except (OSError, smtplib.SMTPException):
            pass  # the next command finds the connection gone and says so

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


# A bare address of these characters is its own envelope address, as smtplib would quote it.
_BARE = re.compile(
    r"[A-Za-z0-9_+-]+(?:\.[A-Za-z0-9_+-]+)*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*", re.ASCII
)
_KEYWORD = {"mail": "from", "rcpt": "to"}


def _envelope_address(header: str) -> str:
    """Return the address of a From or To header value for the SMTP envelope."""
    if _BARE.fullmatch(header):
        return header
    return _parsed_address(header)


@functools.lru_cache(maxsize=256)
def _parsed_address(header: str) -> str:
    # The sender's "Name <address>" is the same for every message of a run: parsed once.
    return parseaddr(header)[1]


_RELAY_REFUSAL = re.compile(r"relay|authenticat|auth(entication)? required", re.IGNORECASE)


def _relay_refuses(code: int, text: bytes | str) -> bool:
    """Return whether a refusal at RCPT TO is the relay refusing us, not the address.

    "554 5.7.1 Relay access denied" and "530 Authentication required" come at RCPT TO from
    relays that want a login: every recipient would be refused, and none is at fault.
    """
    return code == 530 or bool(_RELAY_REFUSAL.search(_text(text)))


def _text(raw: bytes | str) -> str:
    return raw.decode(errors="replace") if isinstance(raw, bytes) else str(raw)


def _describe(error: BaseException) -> str:
    if isinstance(error, socket.timeout | TimeoutError):
        return "timed out"
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    if isinstance(error, smtplib.SMTPResponseException):
        return f"{error.smtp_code} {_text(error.smtp_error)}"
    return f"{error.__class__.__name__}: {error}"

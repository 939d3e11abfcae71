"""A real SMTP server (aiosmtpd) on 127.0.0.1 for tests, that can refuse, be slow or go down."""

import asyncio
import socket
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class RecordingHandler:
    """Keep every accepted message; refuse at a chosen step with a chosen answer."""

    messages: list[EmailMessage] = field(default_factory=list)
    raw: list[bytes] = field(default_factory=list)
    refuse: dict[str, str] = field(default_factory=dict)  # address -> "550 No such user"
    refuse_mail_from: str | None = None  # e.g. "550 5.7.1 Relaying denied"
    refuse_data: str | None = None  # e.g. "451 4.3.0 Try again later"
    delay_seconds: float = 0.0  # before answering DATA: a slow server
    auth_required: bool = False  # answer 530 at MAIL FROM to a client that did not log in

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.refuse_mail_from:
            return self.refuse_mail_from
        if self.auth_required and not session.authenticated:
            return "530 5.7.0 Authentication required"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.lower() in self.refuse:
            return self.refuse[address.lower()]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay_seconds:
            await asyncio.sleep(self.delay_seconds)
        if self.refuse_data:
            return self.refuse_data
        self.raw.append(envelope.original_content or envelope.content)
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


def _authenticator(accepted: tuple[str, str] | None):
    def check(server, session, envelope, mechanism, auth_data) -> AuthResult:
        login = (auth_data.login.decode(), auth_data.password.decode())
        # handled=False: aiosmtpd answers the refusal itself (535).
        return AuthResult(success=accepted is not None and login == accepted, handled=False)

    return check


class SmtpServer:
    """An aiosmtpd server on a fixed 127.0.0.1 port that tests can stop and start again."""

    def __init__(self) -> None:
        self.port = free_port()
        self.handler = RecordingHandler()
        self.auth: tuple[str, str] | None = None  # require AUTH with this login and password
        self._controller: Controller | None = None

    @property
    def messages(self) -> list[EmailMessage]:
        return self.handler.messages

    def start(self) -> None:
        options = {}
        self.handler.auth_required = self.auth is not None
        if self.auth is not None:
            # AUTH offered without TLS (127.0.0.1 only); the 530 for a client that did not log
            # in comes from the handler, as aiosmtpd warns (an error here) about auth_required.
            options = {"auth_require_tls": False, "authenticator": _authenticator(self.auth)}
        self._controller = Controller(self.handler, hostname="127.0.0.1", port=self.port, **options)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def to(self, address: str) -> list[EmailMessage]:
        """Return the messages received for one address."""
        return [m for m in self.messages if m["To"] and address in m["To"]]

    def message_ids(self) -> list[str]:
        """Return the Message-ID of every message received, in order (repeats included)."""
        return [m["Message-ID"] for m in self.messages]


@pytest.fixture
def smtp_server():
    """Yield a running SMTP server on 127.0.0.1, stopped afterwards."""
    server = SmtpServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()

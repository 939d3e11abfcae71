"""What SmtpConnection.send_bytes puts on the wire: the envelope addresses and the dot-stuffing."""

import pytest

from tracker.mail.smtp import SmtpConnection, SmtpSettings

pytest_plugins = ["tests.smtp_server"]


class EnvelopeHandler:
    """The test server's handler, also keeping each accepted message's envelope."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.envelopes: list[tuple[str, list[str], bytes]] = []

    def __getattr__(self, name):
        return getattr(self.inner, name)

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(
            (envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content)
        )
        return await self.inner.handle_DATA(server, session, envelope)


@pytest.fixture
def envelope_server(smtp_server):
    smtp_server.handler = EnvelopeHandler(smtp_server.handler)
    smtp_server.restart()
    return smtp_server


def settings(server) -> SmtpSettings:
    return SmtpSettings(
        host="127.0.0.1", port=server.port, username=None, password=None, tls="none"
    )


@pytest.mark.parametrize(
    "mail_from, to, envelope",
    [
        (
            "Resolution 2616 tracker <tracker@localhost>",
            "reader7@example.org",
            ("tracker@localhost", "reader7@example.org"),
        ),
        (
            "tracker@example.org",
            "first.last+tag@mail.example.org",
            ("tracker@example.org", "first.last+tag@mail.example.org"),
        ),
        (
            "Suivi <suivi@example.org>",
            "Zoë Martin <zoe@example.org>",
            ("suivi@example.org", "zoe@example.org"),
        ),
        ("t@example.org", '"odd name"@example.org', ("t@example.org", '"odd name"@example.org')),
    ],
)
def test_the_envelope_carries_the_headers_addresses(envelope_server, mail_from, to, envelope):
    data = b"Subject: x\r\n\r\nbody\r\n"
    with SmtpConnection(settings(envelope_server)) as connection:
        connection.send_bytes(mail_from, to, data)
    [(got_from, got_to, content)] = envelope_server.handler.envelopes
    assert (got_from, got_to) == (envelope[0], [envelope[1]])
    assert content == data


@pytest.mark.parametrize(
    "data",
    [
        b"Subject: dots\r\n\r\nFirst line\r\n.\r\n..two\r\n.three\r\nlast\r\n",
        b".starts with a dot\r\n\r\n.\r\n",
        b"Subject: no line end at the end\r\n\r\n.\r\nlast",
    ],
)
def test_lines_that_start_with_a_dot_arrive_whole(envelope_server, data):
    # Each message of a connection arrives exactly, and the next one is not lost in the first.
    with SmtpConnection(settings(envelope_server)) as connection:
        connection.send_bytes("t@example.org", "a@example.org", data)
        connection.send_bytes("t@example.org", "b@example.org", b"Subject: next\r\n\r\nok\r\n")
    contents = [content for _, _, content in envelope_server.handler.envelopes]
    whole = data if data.endswith(b"\r\n") else data + b"\r\n"
    assert contents == [whole, b"Subject: next\r\n\r\nok\r\n"]

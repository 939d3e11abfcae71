"""Write a stored message straight to the bytes sent over SMTP.

The same message ``build_email`` makes (headers folded by the same policy, the list URL kept
raw, multipart/alternative of two quoted-printable UTF-8 parts), without building an
EmailMessage: the sender writes thousands of digests a run, and the stdlib's pure-Python
quoted-printable encoder and header registry were most of its time. The bodies go through
``binascii.b2a_qp`` (C), whose lines are at most 76 characters before the CRLF.
"""

import binascii
import functools
import random
import re
import sys

from tracker.mail.compose import _POLICY, _SHARED_HEADERS, _URL_HEADERS, MAX_LINE, check_header

_WIRE = _POLICY.clone(linesep="\r\n")
# As the stdlib draws a boundary: fifteen "=", a zero-padded random number, "==". A
# quoted-printable body cannot hold it ("=" is always written "=3D" there).
_WIDTH = len(repr(sys.maxsize - 1))
_PART = (
    b'Content-Type: text/%s; charset="utf-8"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n'
)


# A bare address or Message-ID of these characters folds to itself: no need to parse it.
_DOT_ATOMS = r"[A-Za-z0-9_+-]+(?:\.[A-Za-z0-9_+-]+)*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*"
_PLAIN = {"To": re.compile(_DOT_ATOMS), "Message-ID": re.compile(f"<{_DOT_ATOMS}>")}


def _fold(name: str, value: str) -> bytes:
    plain = _PLAIN.get(name)
    if plain and len(name) + 2 + len(value) <= MAX_LINE and plain.fullmatch(value):
        return f"{name}: {value}\r\n".encode("ascii")
    if name in _URL_HEADERS:
        # On the header's own line if it fits, else on the next (folding before the "<").
        fits = len(name) + 2 + len(value) <= MAX_LINE
        return _WIRE.fold_binary(name, value if fits else f"\n {value}")
    return _WIRE.fold_binary(name, _POLICY.header_factory(name, value))


# Headers that many messages of a run share (sender, subject, date): folded once.
_folded_shared = functools.lru_cache(maxsize=1024)(_fold)


def header_bytes(headers: dict[str, str]) -> bytes:
    """Return the header lines, each folded within 78 octets; refuse a line break in a value."""
    lines = []
    for name, value in headers.items():
        check_header(name, value)
        lines.append(_folded_shared(name, value) if name in _SHARED_HEADERS else _fold(name, value))
    return b"".join(lines)


def quoted_printable(text: str) -> bytes:
    """Return ``text`` as UTF-8 quoted-printable with CRLF line ends, as the stdlib splits it."""
    # Line breaks as the stdlib reads them (\n, \r, \r\n), one \n at the end; any \r left
    # would be encoded, so every \n of the result is a line end.
    data = b"\n".join(text.encode("utf-8").splitlines()) + b"\n"
    return binascii.b2a_qp(data, istext=True).replace(b"\n", b"\r\n")


def message_bytes(headers: dict[str, str], text_body: str, html_body: str) -> bytes:
    """Return the message to send, from what the outbox stored, as it goes after DATA."""
    text_part = quoted_printable(text_body)
    html_part = quoted_printable(html_body)
    while True:
        boundary = b"=" * 15 + b"%0*d" % (_WIDTH, random.randrange(sys.maxsize)) + b"=="
        if boundary not in text_part and boundary not in html_part:
            break
    return b"".join(
        (
            header_bytes(headers),
            b"MIME-Version: 1.0\r\n",
            b'Content-Type: multipart/alternative;\r\n boundary="%s"\r\n\r\n' % boundary,
            b"--%s\r\n" % boundary,
            _PART % b"plain",
            text_part,
            b"\r\n--%s\r\n" % boundary,
            _PART % b"html",
            html_part,
            b"\r\n--%s--\r\n" % boundary,
        )
    )

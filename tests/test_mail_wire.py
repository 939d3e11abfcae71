"""The sender's bytes (tracker.mail.wire) read back as the EmailMessage path's message."""

import email
import email.policy
import random

import pytest

from tracker.mail.compose import HeaderInjectionError, build_email
from tracker.mail.wire import message_bytes

HEADERS = {
    "From": "Suivi PACE <noreply@tracker.example.org>",
    "To": "reader7@example.org",
    "Subject": "Résumé quotidien — 3 changements",
    "Date": "Sat, 05 Dec 2026 12:00:00 +0000",
    "Message-ID": "<0123456789abcdef@tracker.example.org>",
    "List-Id": "PACE tracker <tracker.example.org>",
    "List-Unsubscribe": "<https://tracker-2616.example.org/unsubscribe/4182.A1b2-C3d4_e5F6g7>",
    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    "Auto-Submitted": "auto-generated",
    "Reply-To": "secretariat@example.org",
}
LONG_URL = "https://tracker.example.org/items/resolution-2417/paragraph-12?" + "x=1&" * 30
BODIES = {
    "ascii": ("Two changes today.\nSee the page.\n", "<p>Two changes today.</p>\n"),
    "french": (
        "Résolution 2417 : « mise en œuvre » — état changé à côté.\n",
        "<p>Résolution 2417 : « mise en œuvre » — état changé</p>\n",
    ),
    "cyrillic": ("Резолюция 2417: статус изменён.\n" * 5, "<p>Резолюция 2417</p>\n" * 5),
    "long url": (f"Read it at {LONG_URL}\n", f'<a href="{LONG_URL}">{LONG_URL}</a>\n'),
    "from line": ("Hello,\nFrom the secretariat: one change.\n", "From <b>here</b>\n"),
    "lone dot": ("First line\n.\nLast line\n", "<p>\n.\n</p>\n"),
    "trailing blanks": ("Ends with spaces   \nand a tab\t\n" + "x" * 75 + " \n", "a \n"),
}


def old_bytes(headers, text, html):
    message = build_email(headers, text, html)
    return message.as_bytes(policy=message.policy.clone(linesep="\r\n"))


def assert_same_message(headers, text, html):
    new = message_bytes(headers, text, html)
    lines = new.split(b"\r\n")
    assert lines[-1] == b"" and all(b"\n" not in line and b"\r" not in line for line in lines)
    assert max(len(line) for line in lines) <= 78
    new.decode("ascii")
    old = email.message_from_bytes(old_bytes(headers, text, html), policy=email.policy.default)
    got = email.message_from_bytes(new, policy=email.policy.default)
    # The boundary is drawn at random on both paths: the rest of every header is the same.
    assert got.get_content_type() == old.get_content_type() == "multipart/alternative"
    assert got.get_boundary() and old.get_boundary()
    assert [(k, str(v)) for k, v in got.items() if k != "Content-Type"] == [
        (k, str(v)) for k, v in old.items() if k != "Content-Type"
    ]
    assert [k for k, _ in got.items()] == [k for k, _ in old.items()]
    for got_part, old_part in zip(got.iter_parts(), old.iter_parts(), strict=True):
        assert got_part.get_content_type() == old_part.get_content_type()
        assert got_part.get_content_charset() == old_part.get_content_charset() == "utf-8"
        assert got_part["Content-Transfer-Encoding"] == "quoted-printable"
        assert got_part.get_content() == old_part.get_content()
    return got


@pytest.mark.parametrize("name", list(BODIES))
def test_the_sent_bytes_read_back_as_the_built_message(name):
    text, html = BODIES[name]
    got = assert_same_message(HEADERS, text, html)
    # The parser keeps the wire's CRLF line ends in the decoded text.
    assert got.get_body(("plain",)).get_content().replace("\r\n", "\n") == text
    assert got.get_body(("html",)).get_content().replace("\r\n", "\n") == html


def test_the_list_url_stays_whole_on_its_own_line():
    short = HEADERS | {"List-Unsubscribe": "<https://t.example.org/u/abc>"}
    for headers in (HEADERS, short):
        data = message_bytes(headers, "x\n", "y\n")
        url = headers["List-Unsubscribe"].encode()
        assert b"\r\n " + url + b"\r\n" in data or b"List-Unsubscribe: " + url + b"\r\n" in data
        assert data.split(b"\r\n").count(b"List-Unsubscribe: ") == (headers is HEADERS)
        assert_same_message(headers, "x\n", "y\n")


@pytest.mark.parametrize(
    "to, message_id",
    [
        ("reader7@example.org", "<0123abcd@tracker.example.org>"),
        ("first.last+tag@mail.example.org", "<a.b-c_d@x-y.example.org>"),
        ("a..b@example.org", "<.dot@example.org>"),
        ("Zoë Martin <zoe@example.org>", "<id with space@example.org>"),
        ("x" * 62 + "@example.org", "<" + "y" * 50 + "@example.org>"),
        ("user@[127.0.0.1]", "no-brackets@example.org"),
        # Longer than the line: the policy folds it before the "<".
        ("r@example.org", "<" + "e7f1" * 8 + "@resolution-2616-tracker.example.org>"),
    ],
)
def test_recipients_and_message_ids_read_back_the_same(to, message_id):
    headers = HEADERS | {"To": to, "Message-ID": message_id}
    data = message_bytes(headers, "x\n", "y\n")
    assert data.split(b"\r\n")[1:5] == old_bytes(headers, "x\n", "y\n").split(b"\r\n")[1:5]
    assert_same_message(headers, "x\n", "y\n")


def test_random_bodies_read_back_the_same_within_78_octets():
    # Trailing blanks near the line limit, "=", CR, lone dots and multibyte characters.
    alphabet = "ab .=\t\r\néЖ—€😀F"
    rng = random.Random(16)
    for _ in range(300):
        text = "".join(
            rng.choice(alphabet) if rng.random() < 0.5 else rng.choice("abcdefgh ")
            for _ in range(rng.randrange(0, 300))
        )
        html = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 160)))
        assert_same_message(HEADERS, text, html)


def test_a_line_break_in_a_header_is_refused():
    with pytest.raises(HeaderInjectionError):
        message_bytes(HEADERS | {"To": "a@example.org\r\nBcc: b@example.org"}, "x\n", "y\n")

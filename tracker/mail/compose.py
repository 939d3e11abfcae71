"""Render emails from templates into what the outbox stores, and stored rows into messages."""

import functools
import re
import uuid
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import escape

from tracker.i18n import DEFAULT_LANGUAGE
from tracker.i18n.mail import mail_locale, translations
from tracker.items.statuses import STATUS_INFO
from tracker.resources import TEMPLATES as ALL_TEMPLATES

TEMPLATES = ALL_TEMPLATES / "mail"
_NEWLINE = re.compile(r"[\r\n]")
#: The English label of each status value: the msgid the templates translate.
STATUS_LABELS = {status.value: info.label for status, info in STATUS_INFO.items()}



@functools.cache
def _environment(language: str) -> Environment:
    """Return the mail templates' environment for one language (a catalogue installed once)."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        # Included pieces end with their own line break; without this Jinja drops it.
        keep_trailing_newline=True,
        # Mail templates change only with a deploy; checking their files per render is wasted work.
        auto_reload=False,
        extensions=["jinja2.ext.i18n"],
    )
    env.policies["ext.i18n.trimmed"] = True
    env.install_gettext_translations(translations(language), newstyle=True)
    locale = mail_locale(language)
    env.globals.update(lang=locale.language, status_labels=STATUS_LABELS)
    env.filters.update(
        when=locale.when, day=locale.day, short_day=locale.short_day, number=locale.number
    )
    return env


# Every line of a message stays within 78 octets (RFC 5322): headers fold at whitespace,
# bodies are quoted-printable. Stored header values are never refolded from source, so a
# header set raw (List-Unsubscribe) keeps its URL whole instead of becoming encoded words.
MAX_LINE = 78
_POLICY = policy.SMTP.clone(max_line_length=MAX_LINE, refold_source="none")
# Headers whose value is a URL in angle brackets: an encoded word there is no longer a URL.
_URL_HEADERS = ("List-Unsubscribe",)


# Headers that many messages of a run share (a digest's sender, subject and date): parsed once.
# A parsed header is only read when the message is written out, so messages may share it.
_SHARED_HEADERS = frozenset(
    ("From", "Reply-To", "Subject", "Date", "List-Id", "List-Unsubscribe-Post", "Auto-Submitted")
)


@functools.lru_cache(maxsize=1024)
def _parsed_header(name: str, value: str):
    return _POLICY.header_factory(name, value)


class HeaderInjectionError(ValueError):
    """A header value carries a line break: refused, never folded into the message."""


@dataclass(frozen=True)
class MailIdentity:
    """Who the mail comes from and where its links point."""

    mail_from: str
    reply_to: str | None
    base_url: str
    list_id: str


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    text_body: str
    html_body: str
    headers: dict[str, str]
    message_id: str


def check_header(name: str, value: str) -> str:
    """Return the value if it is safe as one header line, else raise HeaderInjectionError."""
    if _NEWLINE.search(value):
        raise HeaderInjectionError(f"line break in the {name} header refused")
    return value


def render_mail(
    template: str,
    *,
    recipient: str,
    subject: str,
    context: dict[str, Any],
    identity: MailIdentity,
    unsubscribe_url: str,
    manage_url: str | None,
    now: datetime,
    message_id: str | None = None,
    language: str = DEFAULT_LANGUAGE,
    shared: "SharedBodies | None" = None,
    share_key: Hashable = None,
) -> RenderedMail:
    """Render ``mail/<template>.txt`` and ``.html`` in ``language``, with the usual headers.

    With ``shared``, recipients whose ``share_key`` is equal get the bodies rendered once, with
    their own links filled in: the key must stand for everything else in ``context``, the
    language included.
    """
    domain = urlsplit(identity.base_url).hostname or "localhost"
    message_id = message_id or f"<{uuid.uuid4().hex}@{domain}>"
    values = context | {
        "subject": subject,
        "base_url": identity.base_url,
        "unsubscribe_url": unsubscribe_url,
        "manage_url": manage_url,
    }
    headers = {
        "From": identity.mail_from,
        "To": recipient,
        "Subject": subject,
        "Date": format_datetime(now),
        "Message-ID": message_id,
        "List-Id": identity.list_id,
        "List-Unsubscribe": f"<{unsubscribe_url}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "Auto-Submitted": "auto-generated",
    }
    if identity.reply_to:
        headers["Reply-To"] = identity.reply_to
    for name, value in headers.items():
        check_header(name, value)
    language = mail_locale(language).language
    if shared is None:
        text_body, html_body = _render_bodies(template, values, language)
    else:
        text_body, html_body = shared.bodies(template, (language, share_key), values, language)
    return RenderedMail(
        subject=subject,
        text_body=text_body,
        html_body=html_body,
        headers=headers,
        message_id=message_id,
    )


def _render_bodies(template: str, values: dict[str, Any], language: str) -> tuple[str, str]:
    env = _environment(language)
    return (
        env.get_template(f"{template}.txt").render(values),
        env.get_template(f"{template}.html").render(values),
    )


#: The values that differ between recipients of the same content: their signed links.
PERSONAL = ("unsubscribe_url", "manage_url")


class SharedBodies:
    """Bodies rendered once per key with stand-ins for the personal links, filled per recipient.

    A stand-in is letters and digits only, so escaping leaves it whole; the HTML body gets each
    link escaped as the template would have escaped it.
    """

    def __init__(self) -> None:
        nonce = uuid.uuid4().hex
        self._stand_ins = {name: f"zz{nonce}{index}zz" for index, name in enumerate(PERSONAL)}
        self._rendered: dict[tuple[str, Hashable], tuple[str, str]] = {}

    def bodies(
        self, template: str, key: Hashable, values: dict[str, Any], language: str
    ) -> tuple[str, str]:
        """Return the text and HTML bodies for these values, rendering only a new key."""
        present = {name: stand_in for name, stand_in in self._stand_ins.items() if values[name]}
        cache_key = (template, key, frozenset(present))
        if cache_key not in self._rendered:
            self._rendered[cache_key] = _render_bodies(template, values | present, language)
        text_body, html_body = self._rendered[cache_key]
        for name, stand_in in present.items():
            text_body = text_body.replace(stand_in, values[name])
            html_body = html_body.replace(stand_in, str(escape(values[name])))
        return text_body, html_body


def build_email(headers: dict[str, str], text_body: str, html_body: str) -> EmailMessage:
    """Return the message to send, from what the outbox stored."""
    message = EmailMessage(policy=_POLICY)
    for name, value in headers.items():
        check_header(name, value)
        if name in _URL_HEADERS:
            # On the header's own line if it fits, else on the next (folding before the "<").
            fits = len(name) + 2 + len(value) <= MAX_LINE
            message.set_raw(name, value if fits else f"\n {value}")
        elif name in _SHARED_HEADERS:
            message[name] = _parsed_header(name, value)
        else:
            message[name] = value
    message.set_content(text_body, cte="quoted-printable")
    message.add_alternative(html_body, subtype="html", cte="quoted-printable")
    return message

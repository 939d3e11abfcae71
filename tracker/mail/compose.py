"""Render emails from templates into what the outbox stores, and stored rows into messages."""

import functools
import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

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
) -> RenderedMail:
    """Render ``mail/<template>.txt`` and ``.html`` in ``language``, with the usual headers."""
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
    env = _environment(mail_locale(language).language)
    return RenderedMail(
        subject=subject,
        text_body=env.get_template(f"{template}.txt").render(values),
        html_body=env.get_template(f"{template}.html").render(values),
        headers=headers,
        message_id=message_id,
    )


def build_email(headers: dict[str, str], text_body: str, html_body: str) -> EmailMessage:
    """Return the message to send, from what the outbox stored."""
    message = EmailMessage(policy=_POLICY)
    for name, value in headers.items():
        check_header(name, value)
        if name in _URL_HEADERS:
            # On the header's own line if it fits, else on the next (folding before the "<").
            fits = len(name) + 2 + len(value) <= MAX_LINE
            message.set_raw(name, value if fits else f"\n {value}")
        else:
            message[name] = value
    message.set_content(text_body, cte="quoted-printable")
    message.add_alternative(html_body, subtype="html", cte="quoted-printable")
    return message

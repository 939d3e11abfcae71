"""The language a subscriber's mail is written in.

Writer of ``Subscriber.language`` after sign-up: ``set_mail_language`` (the manage page);
``start_subscription`` sets it once, when it creates the subscriber.
"""

from sqlmodel import Session

from tracker.i18n import known_language
from tracker.models import Subscriber


class UnknownLanguage(ValueError):
    """The code names no language of the interface."""


def set_mail_language(session: Session, subscriber: Subscriber, language: str) -> None:
    """Write the subscriber's mail language; do not commit."""
    code = known_language(language)
    if code is None or code != language:
        raise UnknownLanguage(f"No interface language {language!r}.")
    subscriber.language = code
    session.add(subscriber)

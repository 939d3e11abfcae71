"""One email's language: its catalogue, gettext for subjects, and its date formats.

Mail is rendered outside any web request (by the scheduler's jobs), so the language is passed
in: the subscriber's ``language``, English for monitors and for anything unknown.
"""

import functools
from dataclasses import dataclass
from datetime import date, datetime

from babel import Locale, dates, numbers
from babel.support import NullTranslations, Translations

from tracker.i18n import DEFAULT_LANGUAGE, FORMAT_LOCALES, known_language
from tracker.resources import TRANSLATIONS


@functools.cache
def translations(language: str) -> NullTranslations:
    """Return the compiled catalogue of a language (English: the msgids themselves)."""
    if language == DEFAULT_LANGUAGE:
        return NullTranslations()
    return Translations.load(str(TRANSLATIONS), [language], domain="messages")


@dataclass(frozen=True)
class MailLocale:
    """What an email in one language needs: gettext and the locale's formats."""

    language: str

    @property
    def locale(self) -> Locale:
        return Locale.parse(FORMAT_LOCALES[self.language])

    def gettext(self, message: str, **values) -> str:
        text = translations(self.language).gettext(message)
        return text % values if values else text

    def ngettext(self, singular: str, plural: str, count: int, **values) -> str:
        text = translations(self.language).ngettext(singular, plural, count)
        return text % ({"num": count} | values)

    def when(self, value: datetime) -> str:
        """Return a moment as a date and a 24-hour time, as the web pages write it."""
        return f"{dates.format_date(value, 'medium', locale=self.locale)}, {value:%H:%M}"

    def day(self, value: date) -> str:
        return dates.format_date(value, "long", locale=self.locale)

    def short_day(self, value: date, pattern: str = "EEE dd MMM y") -> str:
        """Return a day as a subject names it ("Mon 02 Feb 2026", "lun. 02 févr. 2026")."""
        return dates.format_date(value, pattern, locale=self.locale)

    def number(self, value: int | float) -> str:
        return numbers.format_decimal(value, locale=self.locale)


def mail_locale(language: str | None) -> MailLocale:
    """Return the locale of a subscriber's mail; an unknown or missing code gives English."""
    return MailLocale(known_language(language) or DEFAULT_LANGUAGE)

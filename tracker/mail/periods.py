"""The periods of the digests: one calendar day or week of the digest time zone."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from tracker.i18n.mail import MailLocale, mail_locale

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class DigestPeriod:
    """One calendar day or week of the digest time zone, as [start, end) in UTC."""

    frequency: str
    label: str
    start: datetime
    end: datetime
    first_day: date
    last_day: date

    def title(self, locale: MailLocale | None = None) -> str:
        """Return how the period reads in a subject: one day, or a week's first and last day."""
        locale = locale or mail_locale(None)
        if self.frequency == "daily":
            return locale.short_day(self.first_day)
        return locale.gettext(
            "%(first)s to %(last)s",
            first=locale.short_day(self.first_day, "dd MMM"),
            last=locale.short_day(self.last_day, "dd MMM y"),
        )

    def heading(self, locale: MailLocale) -> str:
        """Return "Daily digest for …" or "Weekly digest for …" in the locale's words."""
        if self.frequency == "daily":
            return locale.gettext("Daily digest for %(period)s", period=self.title(locale))
        return locale.gettext("Weekly digest for %(period)s", period=self.title(locale))


def digest_period(
    frequency: str, now: datetime, *, hour: int, weekday: str, zone: str = "UTC"
) -> DigestPeriod:
    """Return the latest day or week (in ``zone``) that has ended and whose hour has come.

    A day's digest goes out from ``hour`` o'clock of the next day; a week (ending on the eve of
    ``weekday``) from ``hour`` o'clock of that weekday.
    """
    tz = ZoneInfo(zone)
    end_day = (now.astimezone(tz) - timedelta(hours=hour)).date()
    if frequency == "weekly":
        end_day -= timedelta(days=(end_day.weekday() - WEEKDAYS.index(weekday)) % 7)
        first_day = end_day - timedelta(days=7)
    elif frequency == "daily":
        first_day = end_day - timedelta(days=1)
    else:
        raise ValueError(f"digests are daily or weekly, not {frequency!r}")

    def midnight(day: date) -> datetime:
        # Local midnight, whatever the day's length (DST), then UTC as everything is stored.
        return datetime.combine(day, time(0), tzinfo=tz).astimezone(UTC)

    # A label names the period by its first day, so a restart finds the same label and skips it.
    return DigestPeriod(
        frequency=frequency,
        label=f"{frequency}:{first_day.isoformat()}",
        start=midnight(first_day),
        end=midnight(end_day),
        first_day=first_day,
        last_day=end_day - timedelta(days=1),
    )


__all__ = ["WEEKDAYS", "DigestPeriod", "digest_period"]

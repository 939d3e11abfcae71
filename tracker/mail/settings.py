"""The SMTP and retry settings of the mail sender, taken from the tracker's settings."""

from tracker.config import Settings
from tracker.mail.outbox import RetryPolicy
from tracker.mail.smtp import SmtpSettings


def smtp_settings(settings: Settings) -> SmtpSettings:
    """Return the SMTP connection settings."""
    return SmtpSettings(
        host=settings.smtp_host,
        port=settings.smtp_port,
        username=settings.smtp_username,
        password=settings.smtp_password,
        tls=settings.smtp_tls,
        timeout_seconds=settings.smtp_timeout_seconds,
    )


def retry_policy(settings: Settings) -> RetryPolicy:
    """Return how failed sends are retried and when an address is suppressed."""
    return RetryPolicy(
        max_attempts=settings.mail_max_attempts,
        max_hard_failures=settings.mail_max_hard_failures,
        claim_seconds=settings.mail_claim_seconds,
    )

"""Settings read from ``TRACKER_*`` environment variables, validated at start-up."""

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# The Treaty Office's public page shell and JSON service (see shared/reference).
COE_PAGE_URL = (
    "https://www.coe.int/en/web/conventions/full-list?module=signatures-by-treaty&treatynum=210"
)
COE_API_URL = "https://conventions-ws.coe.int/WS_LFRConventions/"
COE_TOKEN = "hfghhgp2q5vgwg1hbn532kw71zgtww7e"
DEFAULT_USER_AGENT = (
    "kz-resolution-tracker/0.1 (PACE Resolution 2616 follow-up; operator: set TRACKER_USER_AGENT)"
)


class ConfigError(ValueError):
    """A setting has a value the application cannot run with."""


@dataclass(frozen=True)
class Settings:
    database_url: str
    secret_key: str
    session_cookie_secure: bool
    login_max_failures: int
    login_window_minutes: int
    page_size: int
    base_url: str
    coe_page_url: str
    coe_api_url: str
    coe_token: str
    coe_country: str
    poll_interval_minutes: int
    http_timeout_seconds: int
    user_agent: str
    source_failure_threshold: int
    # TRACKER_RAW_RETENTION_DAYS: how long raw source responses are kept as evidence. Pruning
    # never removes a response that a treaty state change points to, nor the latest per URL.
    raw_retention_days: int = 365
    smtp_host: str = "localhost"
    smtp_port: int = 25
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_tls: str = "none"
    smtp_timeout_seconds: int = 30
    mail_from: str = "Resolution 2616 tracker <tracker@localhost>"
    mail_reply_to: str | None = None
    digest_hour: int = 7
    digest_weekday: str = "mon"
    stale_item_months: int = 6
    unconfirmed_expiry_hours: int = 72
    mail_max_attempts: int = 12
    # Permanent refusals (5xx to RCPT TO) in a row before an address is suppressed.
    mail_max_hard_failures: int = 2
    # How long a sender's claim on a message lasts; renewed while its batch goes on.
    mail_claim_seconds: int = 300
    # The zone whose calendar days and weeks the digests cover (an IANA name).
    digest_timezone: str = "UTC"
    # Immediate alerts this close to each other go out as one message.
    alert_coalesce_minutes: int = 5
    subscribe_limit_per_hour: int = 10
    # Reverse proxies in front of the app whose X-Forwarded-* headers are trusted (0: none).
    proxy_hops: int = 0


def _bool(name: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"TRACKER_{name} must be true or false, not {raw!r}")


def _positive_int(name: str, raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"TRACKER_{name} must be a whole number, not {raw!r}") from None
    if value < 1:
        raise ConfigError(f"TRACKER_{name} must be at least 1, not {value}")
    return value


def _http_url(name: str, raw: str) -> str:
    if not raw.startswith(("http://", "https://")):
        raise ConfigError(f"TRACKER_{name} must be an http:// or https:// URL, not {raw!r}")
    return raw


def _country(raw: str) -> str:
    if len(raw) != 3 or not raw.isalpha() or not raw.isupper():
        raise ConfigError(
            f"TRACKER_COE_COUNTRY must be a three-letter Council of Europe code, not {raw!r}"
        )
    return raw


def _non_negative_int(name: str, raw: str) -> int:
    if not raw.isdigit():
        raise ConfigError(f"TRACKER_{name} must be a whole number of 0 or more, not {raw!r}")
    return int(raw)


def _database_url(raw: str | None, instance_path: Path) -> str:
    if not raw:
        return f"sqlite:///{instance_path / 'tracker.sqlite3'}"
    if raw.startswith("postgres://"):
        raw = "postgresql://" + raw.removeprefix("postgres://")
    if raw.startswith("postgresql://"):
        # psycopg 3 is the driver we ship; SQLAlchemy would otherwise look for psycopg2.
        raw = "postgresql+psycopg://" + raw.removeprefix("postgresql://")
    if not raw.startswith(("sqlite:///", "postgresql+psycopg://")):
        raise ConfigError(
            "TRACKER_DATABASE_URL must be a sqlite:/// or postgresql:// URL, "
            f"not {raw.split(':', 1)[0]!r}"
        )
    return raw


def _secret_key(raw: str | None, instance_path: Path, *, embedded: bool) -> str:
    if raw:
        if len(raw) < 16:
            raise ConfigError("TRACKER_SECRET_KEY must be at least 16 characters long")
        return raw
    if not embedded:
        raise ConfigError(
            "TRACKER_SECRET_KEY must be set when TRACKER_DATABASE_URL points at a server"
        )
    # The embedded SQLite setup keeps a generated key so that sessions survive restarts.
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(48))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def load_settings(environ: Mapping[str, str] | None = None, *, instance_path: Path) -> Settings:
    """Read and validate the settings from the environment."""
    env = os.environ if environ is None else environ

    def get(name: str, default: str) -> str:
        return env.get(f"TRACKER_{name}", default)

    database_url = _database_url(env.get("TRACKER_DATABASE_URL"), instance_path)
    base_url = get("BASE_URL", "http://127.0.0.1:5000").rstrip("/")
    if not base_url.startswith(("http://", "https://")):
        raise ConfigError(f"TRACKER_BASE_URL must start with http:// or https://, not {base_url!r}")
    return Settings(
        database_url=database_url,
        secret_key=_secret_key(
            env.get("TRACKER_SECRET_KEY"),
            instance_path,
            embedded=database_url.startswith("sqlite:"),
        ),
        session_cookie_secure=_bool("SESSION_COOKIE_SECURE", get("SESSION_COOKIE_SECURE", "false")),
        login_max_failures=_positive_int("LOGIN_MAX_FAILURES", get("LOGIN_MAX_FAILURES", "5")),
        login_window_minutes=_positive_int(
            "LOGIN_WINDOW_MINUTES", get("LOGIN_WINDOW_MINUTES", "15")
        ),
        page_size=_positive_int("PAGE_SIZE", get("PAGE_SIZE", "50")),
        base_url=base_url,
        coe_page_url=_http_url("COE_PAGE_URL", get("COE_PAGE_URL", COE_PAGE_URL)),
        coe_api_url=_http_url("COE_API_URL", get("COE_API_URL", COE_API_URL)),
        coe_token=get("COE_TOKEN", COE_TOKEN),
        coe_country=_country(get("COE_COUNTRY", "KAZ")),
        poll_interval_minutes=_positive_int(
            "POLL_INTERVAL_MINUTES", get("POLL_INTERVAL_MINUTES", "360")
        ),
        http_timeout_seconds=_positive_int(
            "HTTP_TIMEOUT_SECONDS", get("HTTP_TIMEOUT_SECONDS", "30")
        ),
        user_agent=get("USER_AGENT", DEFAULT_USER_AGENT),
        source_failure_threshold=_positive_int(
            "SOURCE_FAILURE_THRESHOLD", get("SOURCE_FAILURE_THRESHOLD", "3")
        ),
        raw_retention_days=_positive_int("RAW_RETENTION_DAYS", get("RAW_RETENTION_DAYS", "365")),
        **_mail_settings(get),
    )


def _choice(name: str, raw: str, choices: tuple[str, ...]) -> str:
    if raw not in choices:
        raise ConfigError(f"TRACKER_{name} must be one of {', '.join(choices)}, not {raw!r}")
    return raw


def _hour(raw: str) -> int:
    if not raw.isdigit() or not 0 <= int(raw) <= 23:
        raise ConfigError(f"TRACKER_DIGEST_HOUR must be an hour from 0 to 23, not {raw!r}")
    return int(raw)


def _claim_seconds(raw: str) -> int:
    value = _positive_int("MAIL_CLAIM_SECONDS", raw)
    if value < 30:
        # Shorter than one slow SMTP exchange: claims would expire while a message is sent.
        raise ConfigError(f"TRACKER_MAIL_CLAIM_SECONDS must be at least 30, not {value}")
    return value


def _timezone(raw: str) -> str:
    try:
        ZoneInfo(raw)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"TRACKER_DIGEST_TIMEZONE must be a time zone name such as Asia/Almaty, not {raw!r}"
        ) from None
    return raw


def _header_value(name: str, raw: str) -> str:
    if "\r" in raw or "\n" in raw:
        raise ConfigError(f"TRACKER_{name} must be one line")
    return raw


def _mail_settings(get) -> dict:
    port = _positive_int("SMTP_PORT", get("SMTP_PORT", "25"))
    if port > 65535:
        raise ConfigError(f"TRACKER_SMTP_PORT must be a TCP port, not {port}")
    return {
        "smtp_host": get("SMTP_HOST", "localhost"),
        "smtp_port": port,
        "smtp_username": get("SMTP_USERNAME", "") or None,
        "smtp_password": get("SMTP_PASSWORD", "") or None,
        "smtp_tls": _choice("SMTP_TLS", get("SMTP_TLS", "none"), ("none", "starttls", "ssl")),
        "smtp_timeout_seconds": _positive_int(
            "SMTP_TIMEOUT_SECONDS", get("SMTP_TIMEOUT_SECONDS", "30")
        ),
        "mail_from": _header_value(
            "MAIL_FROM", get("MAIL_FROM", "Resolution 2616 tracker <tracker@localhost>")
        ),
        "mail_reply_to": _header_value("MAIL_REPLY_TO", get("MAIL_REPLY_TO", "")) or None,
        "digest_hour": _hour(get("DIGEST_HOUR", "7")),
        "digest_weekday": _choice(
            "DIGEST_WEEKDAY",
            get("DIGEST_WEEKDAY", "mon"),
            ("mon", "tue", "wed", "thu", "fri", "sat", "sun"),
        ),
        "stale_item_months": _positive_int("STALE_ITEM_MONTHS", get("STALE_ITEM_MONTHS", "6")),
        "unconfirmed_expiry_hours": _positive_int(
            "UNCONFIRMED_EXPIRY_HOURS", get("UNCONFIRMED_EXPIRY_HOURS", "72")
        ),
        "mail_max_attempts": _positive_int("MAIL_MAX_ATTEMPTS", get("MAIL_MAX_ATTEMPTS", "12")),
        # TRACKER_MAIL_HARD_FAILURE_LIMIT is the setting's former name, still read as a fallback.
        "mail_max_hard_failures": _positive_int(
            "MAIL_MAX_HARD_FAILURES",
            get("MAIL_MAX_HARD_FAILURES", get("MAIL_HARD_FAILURE_LIMIT", "2")),
        ),
        "mail_claim_seconds": _claim_seconds(get("MAIL_CLAIM_SECONDS", "300")),
        "digest_timezone": _timezone(get("DIGEST_TIMEZONE", "UTC")),
        "alert_coalesce_minutes": _non_negative_int(
            "ALERT_COALESCE_MINUTES", get("ALERT_COALESCE_MINUTES", "5")
        ),
        "subscribe_limit_per_hour": _positive_int(
            "SUBSCRIBE_LIMIT_PER_HOUR", get("SUBSCRIBE_LIMIT_PER_HOUR", "10")
        ),
        "proxy_hops": _non_negative_int("PROXY_HOPS", get("PROXY_HOPS", "0")),
    }

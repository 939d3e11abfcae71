"""Settings read from ``TRACKER_*`` environment variables, validated at start-up."""

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import platformdirs

from tracker.config_values import (
    FORMER_NAMES,
    PARSERS,
    ConfigError,
)

# The Treaty Office's public page shell and JSON service (see shared/reference).
COE_PAGE_URL = (
    "https://www.coe.int/en/web/conventions/full-list?module=signatures-by-treaty&treatynum=210"
)
COE_API_URL = "https://conventions-ws.coe.int/WS_LFRConventions/"
COE_TOKEN = "hfghhgp2q5vgwg1hbn532kw71zgtww7e"
DEFAULT_USER_AGENT = (
    "kz-resolution-tracker/0.1 (PACE Resolution 2616 follow-up; operator: set TRACKER_USER_AGENT)"
)


def instance_path(environ: Mapping[str, str] | None = None) -> Path:
    """Return the folder of the default database and secret key (never inside the package)."""
    env = os.environ if environ is None else environ
    raw = env.get("TRACKER_INSTANCE_PATH")
    if raw:
        return Path(raw).expanduser().resolve()
    # An installed package lives in site-packages, which may be read-only or shared.
    return Path(platformdirs.user_data_dir("kz-resolution-tracker", appauthor=False))


@dataclass(frozen=True)
class Settings:
    """Every setting; the default here is the only one. ``TRACKER_<NAME>`` overrides it."""

    database_url: str
    secret_key: str
    session_cookie_secure: bool = False
    login_max_failures: int = 5
    login_window_minutes: int = 15
    page_size: int = 50
    base_url: str = "http://127.0.0.1:5000"
    coe_page_url: str = COE_PAGE_URL
    coe_api_url: str = COE_API_URL
    coe_token: str = COE_TOKEN
    coe_country: str = "KAZ"
    poll_interval_minutes: int = 360
    http_timeout_seconds: int = 30
    user_agent: str = DEFAULT_USER_AGENT
    source_failure_threshold: int = 3
    # How long raw source responses are kept as evidence. Pruning never removes a response that
    # a treaty state change points to, nor the latest per URL.
    raw_retention_days: int = 365
    # TRACKER_HTTP_DEADLINE_SECONDS / TRACKER_HTTP_MAX_BYTES: each request to a source must end
    # within the deadline and send at most this many bytes, or that check fails.
    http_deadline_seconds: int = 30
    http_max_bytes: int = 2_000_000
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
    # Permanent refusals (5xx to RCPT TO) in a row before an address is suppressed. Read from
    # TRACKER_MAIL_MAX_HARD_FAILURES, or else from its former name TRACKER_MAIL_HARD_FAILURE_LIMIT.
    mail_max_hard_failures: int = 2
    # How long a sender's claim on a message lasts; renewed while its batch goes on.
    mail_claim_seconds: int = 300
    # The zone whose calendar days and weeks the digests cover (an IANA name).
    digest_timezone: str = "UTC"
    # Immediate alerts this close to each other go out as one message (0: never combined).
    alert_coalesce_minutes: int = 5
    subscribe_limit_per_hour: int = 10
    # Reverse proxies in front of the app whose X-Forwarded-* headers are trusted (0: none).
    proxy_hops: int = 0
    # The text whose dashboard "/" shows (a slug: "res-2616", "rec-2296").
    default_text: str = "res-2616"
    # Networks watched sources may resolve to although private, loopback or link-local
    # (comma-separated, e.g. "127.0.0.1/32,10.0.0.0/8"): for tests and private deployments.
    sources_allow_private: tuple[str, ...] = ()


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
    """Read and validate the settings from the environment; unset ones keep their default."""
    env = os.environ if environ is None else environ
    database_url = _database_url(env.get("TRACKER_DATABASE_URL"), instance_path)
    values: dict[str, Any] = {}
    for setting in fields(Settings):
        parse = PARSERS.get(setting.name)
        raw = env.get(f"TRACKER_{setting.name.upper()}")
        if raw is None and setting.name in FORMER_NAMES:
            raw = env.get(f"TRACKER_{FORMER_NAMES[setting.name]}")
        if parse is not None and raw is not None:
            values[setting.name] = parse(setting.name.upper(), raw)
    return Settings(
        database_url=database_url,
        secret_key=_secret_key(
            env.get("TRACKER_SECRET_KEY"),
            instance_path,
            embedded=database_url.startswith("sqlite:"),
        ),
        **values,
    )

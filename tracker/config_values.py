"""How each setting's environment value is read and checked; a bad one is a ``ConfigError``."""

import ipaddress
import re
from collections.abc import Callable
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class ConfigError(ValueError):
    """A setting has a value the application cannot run with."""


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


def _country(_name: str, raw: str) -> str:
    if len(raw) != 3 or not raw.isalpha() or not raw.isupper():
        raise ConfigError(
            f"TRACKER_COE_COUNTRY must be a three-letter Council of Europe code, not {raw!r}"
        )
    return raw


def _non_negative_int(name: str, raw: str) -> int:
    if not raw.isdigit():
        raise ConfigError(f"TRACKER_{name} must be a whole number of 0 or more, not {raw!r}")
    return int(raw)


def _base_url(name: str, raw: str) -> str:
    if not raw.startswith(("http://", "https://")):
        raise ConfigError(f"TRACKER_{name} must start with http:// or https://, not {raw!r}")
    return raw.rstrip("/")


def _optional(name: str, raw: str) -> str | None:
    return _header_value(name, raw) or None


def _port(name: str, raw: str) -> int:
    port = _positive_int(name, raw)
    if port > 65535:
        raise ConfigError(f"TRACKER_{name} must be a TCP port, not {port}")
    return port


def _hour(name: str, raw: str) -> int:
    if not raw.isdigit() or not 0 <= int(raw) <= 23:
        raise ConfigError(f"TRACKER_{name} must be an hour from 0 to 23, not {raw!r}")
    return int(raw)


def _claim_seconds(name: str, raw: str) -> int:
    value = _positive_int(name, raw)
    if value < 30:
        # Shorter than one slow SMTP exchange: claims would expire while a message is sent.
        raise ConfigError(f"TRACKER_{name} must be at least 30, not {value}")
    return value


def _timezone(name: str, raw: str) -> str:
    try:
        ZoneInfo(raw)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"TRACKER_{name} must be a time zone name such as Asia/Almaty, not {raw!r}"
        ) from None
    return raw


def _header_value(name: str, raw: str) -> str:
    if "\r" in raw or "\n" in raw:
        raise ConfigError(f"TRACKER_{name} must be one line")
    return raw


def _one_of(*choices: str) -> Callable[[str, str], str]:
    def parse(name: str, raw: str) -> str:
        if raw not in choices:
            raise ConfigError(f"TRACKER_{name} must be one of {', '.join(choices)}, not {raw!r}")
        return raw

    return parse


def _slug(name: str, raw: str) -> str:
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,79}", raw):
        raise ConfigError(f"TRACKER_{name} must be a text's slug such as res-2616, not {raw!r}")
    return raw


def _text(_name: str, raw: str) -> str:
    return raw


def _networks(name: str, raw: str) -> tuple[str, ...]:

    networks = []
    for part in filter(None, (piece.strip() for piece in raw.split(","))):
        try:
            networks.append(str(ipaddress.ip_network(part, strict=False)))
        except ValueError:
            raise ConfigError(
                f"TRACKER_{name} must be comma-separated addresses or networks, not {part!r}"
            ) from None
    return tuple(networks)


#: How each setting's environment value is read and checked (database URL and key apart).
PARSERS: dict[str, Callable[[str, str], Any]] = {
    "session_cookie_secure": _bool,
    "login_max_failures": _positive_int,
    "login_window_minutes": _positive_int,
    "page_size": _positive_int,
    "base_url": _base_url,
    "coe_page_url": _http_url,
    "coe_api_url": _http_url,
    "coe_token": _text,
    "coe_country": _country,
    "poll_interval_minutes": _positive_int,
    "http_timeout_seconds": _positive_int,
    "user_agent": _header_value,
    "source_failure_threshold": _positive_int,
    "http_deadline_seconds": _positive_int,
    "http_max_bytes": _positive_int,
    "raw_retention_days": _positive_int,
    "smtp_host": _text,
    "smtp_port": _port,
    "smtp_username": _optional,
    "smtp_password": _optional,
    "smtp_tls": _one_of("none", "starttls", "ssl"),
    "smtp_timeout_seconds": _positive_int,
    "mail_from": _header_value,
    "mail_reply_to": _optional,
    "digest_hour": _hour,
    "digest_weekday": _one_of("mon", "tue", "wed", "thu", "fri", "sat", "sun"),
    "stale_item_months": _positive_int,
    "unconfirmed_expiry_hours": _positive_int,
    "mail_max_attempts": _positive_int,
    "mail_max_hard_failures": _positive_int,
    "mail_claim_seconds": _claim_seconds,
    "digest_timezone": _timezone,
    "alert_coalesce_minutes": _non_negative_int,
    "subscribe_limit_per_hour": _positive_int,
    "proxy_hops": _non_negative_int,
    "default_text": _slug,
    "sources_allow_private": _networks,
}


#: Settings renamed, and the name each had before, still read when the new one is not set.
FORMER_NAMES = {"mail_max_hard_failures": "MAIL_HARD_FAILURE_LIMIT"}

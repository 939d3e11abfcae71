"""Signed tokens for the links in emails: confirm, manage, unsubscribe."""

import hashlib
import hmac

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

PURPOSES = ("confirm", "manage", "unsubscribe", "monitor-alerts")


class TokenError(ValueError):
    """A link's token is forged, damaged, expired or for another purpose."""


def email_fingerprint(email: str) -> str:
    """Return a short hash of an address, so a token names it without showing it."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:24]


def _serializer(secret_key: str, purpose: str) -> URLSafeTimedSerializer:
    if purpose not in PURPOSES:
        raise ValueError(f"unknown token purpose {purpose!r}")
    # One salt per purpose: an unsubscribe token cannot be replayed as a confirmation.
    return URLSafeTimedSerializer(secret_key, salt=f"tracker-subscription-{purpose}")


def make_token(secret_key: str, *, purpose: str, subscriber_id: int, email: str) -> str:
    """Return a signed token for one subscriber, address and purpose."""
    return _serializer(secret_key, purpose).dumps([subscriber_id, email_fingerprint(email)])


def read_token(
    secret_key: str, token: str, *, purpose: str, max_age_seconds: int | None = None
) -> tuple[int, str]:
    """Return (subscriber id, address fingerprint) from a token, or raise TokenError."""
    try:
        value = _serializer(secret_key, purpose).loads(token, max_age=max_age_seconds)
    except SignatureExpired:
        raise TokenError("This link has expired.") from None
    except BadSignature:
        raise TokenError("This link is not valid.") from None
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not isinstance(value[0], int)
        or not isinstance(value[1], str)
    ):
        raise TokenError("This link is not valid.")
    return value[0], value[1]


def token_matches(fingerprint: str, email: str) -> bool:
    """Return whether a token's fingerprint is that of this address."""
    return hmac.compare_digest(fingerprint, email_fingerprint(email))

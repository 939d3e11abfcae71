"""Signed tokens for the links in emails: confirm, manage, unsubscribe."""

import base64
import hashlib
import hmac
import re

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


# The one-click unsubscribe link sits in the List-Unsubscribe header, which must keep its URL
# whole on one line of at most 78 octets: a compact HMAC token (id and 96-bit MAC) fits there,
# a timed serializer token (about 75 characters) does not. It never expires, like the link.
_COMPACT = re.compile(r"(\d{1,12})\.([A-Za-z0-9_-]{16})")


def _compact_mac(secret_key: str, purpose: str, subscriber_id: int, email: str) -> str:
    message = f"tracker-compact-{purpose}:{subscriber_id}:{email_fingerprint(email)}".encode()
    digest = hmac.new(secret_key.encode(), message, hashlib.sha256).digest()[:12]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def make_compact_token(secret_key: str, *, purpose: str, subscriber_id: int, email: str) -> str:
    """Return a short signed token for one subscriber, address and purpose."""
    if purpose not in PURPOSES:
        raise ValueError(f"unknown token purpose {purpose!r}")
    return f"{subscriber_id}.{_compact_mac(secret_key, purpose, subscriber_id, email)}"


def compact_token_id(token: str) -> int | None:
    """Return the subscriber id a compact token names (not yet checked), or None."""
    match = _COMPACT.fullmatch(token)
    return int(match.group(1)) if match else None


def compact_token_matches(
    secret_key: str, token: str, *, purpose: str, subscriber_id: int, email: str
) -> bool:
    """Return whether a compact token was made for this purpose, subscriber and address."""
    expected = make_compact_token(
        secret_key, purpose=purpose, subscriber_id=subscriber_id, email=email
    )
    return hmac.compare_digest(token.encode(), expected.encode())

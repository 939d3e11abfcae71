"""Signed tokens for the links in emails: confirm, manage, unsubscribe, monitor alerts.

A token names its subscriber (or user) by id and by a keyed fingerprint of the address: an
HMAC with the secret key, so a token cannot be used to check a guessed address. Tokens from
before the keyed form (a bare hash prefix) stay valid for LEGACY_MAX_AGE, so links in old mails
keep working while they are likely to be used; a subscriber can ask for a fresh link by address.
"""

import base64
import functools
import hashlib
import hmac
import re

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from tracker.i18n import N_

PURPOSES = ("confirm", "manage", "unsubscribe", "monitor-alerts")
# The keyed form is marked by a third element, so old two-element tokens are recognised.
KEYED = 2
LEGACY_MAX_AGE = 180 * 24 * 3600


class TokenError(ValueError):
    """A link's token is forged, damaged, expired or for another purpose."""


def email_fingerprint(secret_key: str, email: str) -> str:
    """Return a keyed hash of an address, so a token names it without revealing or confirming it."""
    message = email.strip().lower().encode()
    return hmac.new(_fingerprint_key(secret_key), message, hashlib.sha256).hexdigest()[:32]


@functools.lru_cache(maxsize=8)
def _fingerprint_key(secret_key: str) -> bytes:
    # Derived once per key: a digest run fingerprints every subscriber's address.
    return hashlib.sha256(("tracker-address-fingerprint:" + secret_key).encode()).digest()


def _bare_fingerprint(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:24]


@functools.lru_cache(maxsize=32)
def _serializer(secret_key: str, purpose: str) -> URLSafeTimedSerializer:
    if purpose not in PURPOSES:
        raise ValueError(f"unknown token purpose {purpose!r}")
    # One salt per purpose: an unsubscribe token cannot be replayed as a confirmation.
    return URLSafeTimedSerializer(secret_key, salt=f"tracker-subscription-{purpose}")


def make_token(secret_key: str, *, purpose: str, subscriber_id: int, email: str) -> str:
    """Return a signed token for one subscriber, address and purpose."""
    fingerprint = email_fingerprint(secret_key, email)
    return _serializer(secret_key, purpose).dumps([subscriber_id, fingerprint, KEYED])


def read_token(
    secret_key: str, token: str, *, purpose: str, max_age_seconds: int | None = None
) -> tuple[int, str]:
    """Return (id, fingerprint) from a token, or raise TokenError.

    The fingerprint comes back prefixed "legacy:" for a token of the old form.
    """
    if not isinstance(token, str) or len(token) > 500:
        raise TokenError(N_("This link is not valid."))
    serializer = _serializer(secret_key, purpose)
    try:
        value = serializer.loads(token, max_age=max_age_seconds)
        if isinstance(value, list) and len(value) == 2:
            legacy_age = min(max_age_seconds or LEGACY_MAX_AGE, LEGACY_MAX_AGE)
            value = serializer.loads(token, max_age=legacy_age)
            value = [value[0], f"legacy:{value[1]}"]
    except SignatureExpired:
        raise TokenError(N_("This link has expired.")) from None
    except BadSignature:
        raise TokenError(N_("This link is not valid.")) from None
    if (
        not isinstance(value, list)
        or len(value) not in (2, 3)
        or not isinstance(value[0], int)
        or isinstance(value[0], bool)
        or not isinstance(value[1], str)
    ):
        raise TokenError(N_("This link is not valid."))
    return value[0], value[1]


def token_matches(secret_key: str, fingerprint: str, email: str) -> bool:
    """Return whether a token's fingerprint is that of this address."""
    if fingerprint.startswith("legacy:"):
        return hmac.compare_digest(fingerprint[7:], _bare_fingerprint(email))
    return hmac.compare_digest(fingerprint, email_fingerprint(secret_key, email))


# The one-click unsubscribe link sits in the List-Unsubscribe header, which must keep its URL
# whole on one line of at most 78 octets: a compact HMAC token (id and 96-bit MAC) fits there,
# a timed serializer token (about 75 characters) does not. It never expires, like the link.
_COMPACT = re.compile(r"([0-9]{1,10})\.([A-Za-z0-9_-]{16})")
# Ids above PostgreSQL's integer range name no row (and would fail the query).
_MAX_ID = 2**31 - 1


def _compact_mac(secret_key: str, purpose: str, subscriber_id: int, email: str) -> str:
    message = f"tracker-compact-{purpose}:{subscriber_id}:{_bare_fingerprint(email)}".encode()
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
    if match is None or int(match.group(1)) > _MAX_ID:
        return None
    return int(match.group(1))


def compact_token_matches(
    secret_key: str, token: str, *, purpose: str, subscriber_id: int, email: str
) -> bool:
    """Return whether a compact token was made for this purpose, subscriber and address."""
    expected = make_compact_token(
        secret_key, purpose=purpose, subscriber_id=subscriber_id, email=email
    )
    return hmac.compare_digest(token.encode(), expected.encode())

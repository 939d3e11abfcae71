"""Monitors and admins: accounts, password hashing, and throttled login."""

import re
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func
from sqlmodel import Session, col, select

from tracker.models import LoginAttempt, User

ROLES = ("monitor", "admin")
PASSWORD_MIN_LENGTH = 12
EMAIL_PATTERN = re.compile(r"^[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;]+$")
# A per-address limit well above the per-account one, so one office behind NAT can still work.
ADDRESS_LIMIT_FACTOR = 4

_hasher = PasswordHasher()
# Verifying against this keeps an unknown address as slow as a wrong password.
_DUMMY_HASH = _hasher.hash("not a real password, used to equalise timing")


class UserError(ValueError):
    """A user cannot be created or changed as asked."""


class LoginThrottled(Exception):
    """Too many failed logins for this account or address in the window."""

    def __init__(self, retry_after: timedelta) -> None:
        minutes = max(1, int(retry_after.total_seconds() // 60))
        super().__init__(f"Too many failed attempts. Try again in about {minutes} minute(s).")
        self.retry_after = retry_after


def normalise_email(email: str) -> str:
    """Return the address trimmed and lower-cased, or raise UserError if it is not one."""
    email = email.strip().lower()
    if len(email) > 254 or not EMAIL_PATTERN.match(email):
        raise UserError(f"{email!r} is not a valid email address.")
    return email


def create_user(session: Session, *, email: str, password: str, role: str) -> User:
    """Create an active user with a hashed password; do not commit."""
    email = normalise_email(email)
    if role not in ROLES:
        raise UserError(f"The role must be one of {', '.join(ROLES)}, not {role!r}.")
    if len(password) < PASSWORD_MIN_LENGTH:
        raise UserError(f"The password must be at least {PASSWORD_MIN_LENGTH} characters long.")
    if session.exec(select(User).where(User.email == email)).first() is not None:
        raise UserError(f"A user with the address {email} exists already.")
    user = User(email=email, password_hash=_hasher.hash(password), role=role)
    session.add(user)
    session.flush()
    return user


def set_active(session: Session, user: User, *, active: bool) -> None:
    """Enable or disable a user's login; do not commit."""
    user.is_active = active
    session.add(user)


def _recent_failures(session: Session, column, value: str, since: datetime) -> list[datetime]:
    query = select(LoginAttempt.attempted_at).where(
        column == value,
        col(LoginAttempt.attempted_at) >= since,
        col(LoginAttempt.succeeded).is_(False),
    )
    return list(session.exec(query))


def authenticate(
    session: Session,
    *,
    email: str,
    password: str,
    remote_addr: str,
    now: datetime,
    max_failures: int,
    window: timedelta,
) -> User | None:
    """Return the user if the password is right, None if not; record the attempt."""
    email = email.strip().lower()[:254]
    since = now - window
    for failures, limit in (
        (_recent_failures(session, LoginAttempt.email, email, since), max_failures),
        (
            _recent_failures(session, LoginAttempt.remote_addr, remote_addr, since),
            max_failures * ADDRESS_LIMIT_FACTOR,
        ),
    ):
        if len(failures) >= limit:
            raise LoginThrottled(min(failures) + window - now)

    user = session.exec(select(User).where(func.lower(User.email) == email)).first()
    ok = False
    try:
        ok = _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        ok = False
    ok = ok and user is not None and user.is_active
    session.add(
        LoginAttempt(email=email, remote_addr=remote_addr[:64], attempted_at=now, succeeded=ok)
    )
    if not ok:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    user.last_login_at = now
    session.add(user)
    return user

"""Monitors and admins: accounts, public names, password hashing, sessions and throttled login.

The writer of a user's display name and session generation.
"""

from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func
from sqlmodel import Session, col, select

from tracker import clock
from tracker.models import LoginAttempt, User
from tracker.safe_text import UnsafeText, check_line

ROLES = ("monitor", "admin")
PASSWORD_MIN_LENGTH = 12
PASSWORD_MAX_LENGTH = 1000
EMAIL_MAX_LENGTH = 254
DISPLAY_NAME_MAX_LENGTH = 60
# A per-address limit well above the per-account one, so one office behind NAT can still work.
ADDRESS_LIMIT_FACTOR = 4
# Failed logins for an account beyond the free ones double the wait before the next attempt,
# up to this many seconds: an attacker is slowed, the owner is never locked out for long.
MAX_LOGIN_DELAY_SECONDS = 60

_hasher = PasswordHasher()
# Verifying against this keeps an unknown address as slow as a wrong password.
_DUMMY_HASH = _hasher.hash("not a real password, used to equalise timing")


class UserError(ValueError):
    """A user cannot be created or changed as asked."""


class LoginThrottled(Exception):
    """Too many failed logins for this account or address just now."""

    def __init__(self, retry_after: timedelta) -> None:
        seconds = max(1, int(retry_after.total_seconds()) + 1)
        wait = f"{seconds} second(s)" if seconds < 120 else f"about {seconds // 60} minute(s)"
        super().__init__(f"Too many failed attempts. Try again in {wait}.")
        self.retry_after = retry_after


def normalise_email(email: str) -> str:
    """Return the address as a mail system would accept it, lower-cased, or raise UserError."""
    if not isinstance(email, str) or len(email) > EMAIL_MAX_LENGTH * 2:
        raise UserError("That is not a valid email address.")
    try:
        # No DNS: syntax only. No display names, quoted local parts, comments or literals.
        checked = validate_email(
            email.strip(),
            check_deliverability=False,
            allow_smtputf8=False,
            allow_quoted_local=False,
            allow_domain_literal=False,
            allow_display_name=False,
        )
    except EmailNotValidError as invalid:
        raise UserError(f"That is not a valid email address: {invalid}") from None
    normalised = checked.ascii_email.lower()
    if len(normalised) > EMAIL_MAX_LENGTH:
        raise UserError("That email address is too long.")
    return normalised


def validate_display_name(name: str) -> str:
    """Return a cleaned public name, or raise UserError."""
    try:
        name = check_line(name or "", field="name", max_length=DISPLAY_NAME_MAX_LENGTH)
    except UnsafeText as unsafe:
        raise UserError(str(unsafe)) from None
    if not name:
        raise UserError("The name must not be empty.")
    # A name that looks like an address would publish one.
    if "@" in name or "\uff20" in name or "\ufe6b" in name:
        raise UserError("The public name must not contain “@”: it must not be an address.")
    return " ".join(name.split())


def _name_taken(session: Session, name: str, *, other_than: int | None) -> bool:
    query = select(User.id).where(func.lower(User.display_name) == name.lower())
    if other_than is not None:
        query = query.where(col(User.id) != other_than)
    return session.exec(query).first() is not None


def default_display_name(session: Session) -> str:
    """Return "Monitor N" with the smallest free N above the number of users."""
    number = session.exec(select(func.count()).select_from(User)).one() + 1
    while _name_taken(session, f"Monitor {number}", other_than=None):
        number += 1
    return f"Monitor {number}"


def create_user(
    session: Session, *, email: str, password: str, role: str, display_name: str | None = None
) -> User:
    """Create an active user with a hashed password and a public name; do not commit."""
    email = normalise_email(email)
    if role not in ROLES:
        raise UserError(f"The role must be one of {', '.join(ROLES)}, not {role!r}.")
    _check_password(password)
    if session.exec(select(User).where(User.email == email)).first() is not None:
        raise UserError("A user with that address exists already.")
    name = validate_display_name(display_name) if display_name else default_display_name(session)
    if _name_taken(session, name, other_than=None):
        raise UserError(f"The public name “{name}” is taken already.")
    user = User(email=email, display_name=name, password_hash=_hasher.hash(password), role=role)
    session.add(user)
    session.flush()
    return user


def rename_user(session: Session, user: User, name: str) -> None:
    """Change a user's public name everywhere it is shown; do not commit."""
    name = validate_display_name(name)
    if _name_taken(session, name, other_than=user.id):
        raise UserError(f"The public name “{name}” is taken already.")
    if name != user.display_name:
        user.display_name, user.renamed_at = name, clock.now()
    session.add(user)
    session.flush()


def _check_password(password: str) -> None:
    if len(password) < PASSWORD_MIN_LENGTH:
        raise UserError(f"The password must be at least {PASSWORD_MIN_LENGTH} characters long.")
    if len(password) > PASSWORD_MAX_LENGTH or "\x00" in password:
        raise UserError("The password is too long or holds a NUL character.")


def revoke_sessions(session: Session, user: User) -> None:
    """End every session of a user (each carries the generation it started in)."""
    user.session_generation = (user.session_generation or 0) + 1
    session.add(user)


def change_password(session: Session, user: User, *, current: str, new: str) -> None:
    """Set a new password after checking the current one; end other sessions; do not commit."""
    try:
        _hasher.verify(user.password_hash, current)
    except (VerificationError, InvalidHashError):
        raise UserError("The current password is not right.") from None
    _check_password(new)
    user.password_hash = _hasher.hash(new)
    revoke_sessions(session, user)


def set_active(session: Session, user: User, *, active: bool) -> None:
    """Enable or disable a user's login; disabling ends the user's sessions; do not commit."""
    user.is_active = active
    if not active:
        revoke_sessions(session, user)
    session.add(user)


def display_names(session: Session) -> dict[int, str]:
    """Return every user's current public name by id."""
    return dict(session.exec(select(User.id, User.display_name)).all())


def actor_name(row, names: dict[int, str]) -> str:
    """Return who made a change as the public sees it: a user's current name, or a job's."""
    user_id = getattr(row, "user_id", None)
    if user_id is not None and user_id in names:
        return names[user_id]
    return row.actor


def _recent_failures(session: Session, column, value: str, since: datetime) -> list[datetime]:
    query = select(LoginAttempt.attempted_at).where(
        column == value,
        col(LoginAttempt.attempted_at) >= since,
        col(LoginAttempt.succeeded).is_(False),
    )
    return list(session.exec(query))


def account_delay(failures: int, *, free: int) -> timedelta:
    """Return how long to wait after the last failure, given the failures in the window."""
    if failures < free:
        return timedelta(0)
    return timedelta(seconds=min(2 ** (failures - free), MAX_LOGIN_DELAY_SECONDS))


def _check_throttle(
    session: Session, *, email: str, remote_addr: str, now: datetime, free: int, window: timedelta
) -> None:
    since = now - window
    by_address = _recent_failures(session, LoginAttempt.remote_addr, remote_addr, since)
    if len(by_address) >= free * ADDRESS_LIMIT_FACTOR:
        raise LoginThrottled(min(by_address) + window - now)
    by_account = _recent_failures(session, LoginAttempt.email, email, since)
    if by_account:
        ready_at = max(by_account) + account_delay(len(by_account), free=free)
        if ready_at > now:
            raise LoginThrottled(ready_at - now)


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
    email = email.strip().lower()[:EMAIL_MAX_LENGTH]
    remote_addr = remote_addr[:64]
    _check_throttle(
        session, email=email, remote_addr=remote_addr, now=now, free=max_failures, window=window
    )
    user = session.exec(select(User).where(func.lower(User.email) == email)).first()
    ok = False
    try:
        ok = _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        ok = False
    ok = ok and user is not None and user.is_active
    session.add(LoginAttempt(email=email, remote_addr=remote_addr, attempted_at=now, succeeded=ok))
    if not ok:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    user.last_login_at = now
    session.add(user)
    return user

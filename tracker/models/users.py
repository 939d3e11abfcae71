"""Monitors and admins, and their login attempts."""


from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from tracker import clock


class User(SQLModel, table=True):
    """A monitor or admin who logs in to change statuses."""

    __table_args__ = (Index("uq_user_display_name", "display_name", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(unique=True, max_length=254)
    # The public name on pages, feeds, the API and mail; the address is shown to admins only.
    display_name: str = Field(max_length=60, sa_column_kwargs={"server_default": ""})
    password_hash: str = Field(max_length=200)
    role: str = Field(max_length=20)  # monitor or admin
    is_active: bool = Field(default=True)
    created_at: datetime = Field(default_factory=clock.now)
    last_login_at: datetime | None = None
    # Part of every public page's validator: a page showing the old name must not be reused.
    renamed_at: datetime | None = None
    # Alerts about failing sources and reviews; the link in each alert turns them off.
    alerts_enabled: bool = Field(default=True)
    # Bumped by logout, disabling and a password change: sessions holding an older one end.
    session_generation: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class LoginAttempt(SQLModel, table=True):
    """A login attempt, counted in the database so every web worker sees the same limit."""

    __table_args__ = (
        Index("ix_loginattempt_email_at", "email", "attempted_at"),
        Index("ix_loginattempt_addr_at", "remote_addr", "attempted_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254)
    remote_addr: str = Field(max_length=64)
    attempted_at: datetime = Field(default_factory=clock.now)
    succeeded: bool

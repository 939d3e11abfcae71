"""What sources answered (kept as evidence) and how their checks went."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, LargeBinary, Text
from sqlmodel import Field, SQLModel


class RawResponse(SQLModel, table=True):
    """A response of a source, kept as evidence when it differs from the previous one."""

    __table_args__ = (Index("ix_rawresponse_url_id", "url", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(max_length=40)
    treaty_id: int | None = Field(default=None, foreign_key="treaty.id")
    url: str = Field(max_length=2000)
    fetched_at: datetime
    status_code: int
    sha256: str = Field(max_length=64)
    content_type: str | None = Field(default=None, max_length=200)
    body: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class SourceStatus(SQLModel, table=True):
    """How the checks of one source went: last check, last success, failures in a row."""

    name: str = Field(primary_key=True, max_length=40)
    last_checked_at: datetime | None = None
    last_success_at: datetime | None = None
    consecutive_failures: int = 0
    last_error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    last_error_at: datetime | None = None
    failing: bool = False
    # ETag / Last-Modified per URL from the last successful check, for conditional requests.
    validators: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    # What the source's page shell last said (page, api_url, token, read_at): the next checks
    # use it without reading the page again (tracker.sources.health.record_page_settings).
    page_settings: dict[str, Any] | None = Field(
        default=None, sa_column=Column(JSON, nullable=True)
    )

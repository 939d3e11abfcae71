"""Scheduled job runs and the scheduler's lease."""


from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, Text
from sqlmodel import Field, SQLModel


class JobRun(SQLModel, table=True):
    """One run of a scheduled job: when, how it ended, what it counted."""

    __table_args__ = (Index("ix_jobrun_job_id_id", "job_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    job_id: str = Field(max_length=60)
    started_at: datetime
    finished_at: datetime | None = None
    # running, ok, partial (some units failed, the others' work kept), failed, abandoned
    outcome: str = Field(default="running", max_length=20)
    counts: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    runner: str = Field(max_length=200)  # host and pid of the process that ran it


class SchedulerLease(SQLModel, table=True):
    """Which scheduler process may run jobs (SQLite; PostgreSQL uses an advisory lock)."""

    name: str = Field(primary_key=True, max_length=60)
    holder: str = Field(max_length=200)
    acquired_at: datetime
    expires_at: datetime

"""Which scheduler process may run jobs: a PostgreSQL advisory lock or a SQLite lease row."""

import logging
import threading
import uuid
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import Connection, Engine, insert, text, update
from sqlalchemy.exc import IntegrityError

from jobs.runner import runner_name
from tracker import clock
from tracker.db import begin_write, unit_of_work
from tracker.models import SchedulerLease

logger = logging.getLogger("jobs.leadership")

LEASE_NAME = "scheduler"
LEASE_SECONDS = 90
RENEW_SECONDS = 30
# pg_try_advisory_lock(bigint): one fixed key for "the tracker's scheduler" (fits in 32 bits).
ADVISORY_KEY = 0x7261_2616


class Leadership(Protocol):
    """The right to run jobs, held by at most one process per database."""

    holder: str

    def acquire(self) -> bool:
        """Take the right if nobody holds it; return whether this process holds it now."""

    def renew(self) -> bool:
        """Confirm (and extend) the right; return False if it was lost."""

    def release(self) -> None:
        """Give the right up so that a standby process can take it at once."""


def _holder() -> str:
    # host:pid plus a token, so two holders in one process (tests) are still told apart.
    return f"{runner_name()}:{uuid.uuid4().hex[:8]}"


class AdvisoryLock:
    """A session-level advisory lock on a dedicated PostgreSQL connection."""

    def __init__(self, engine: Engine, *, key: int = ADVISORY_KEY) -> None:
        self.engine = engine
        self.key = key
        self.holder = _holder()
        self._connection: Connection | None = None
        # The keeper and job threads both check the lock; a Connection is not thread-safe.
        self._mutex = threading.RLock()

    def acquire(self) -> bool:
        """Try the lock on a fresh connection; keep the connection while it is held."""
        with self._mutex:
            return self._acquire()

    def renew(self) -> bool:
        """Check on the dedicated connection that this session still holds the lock."""
        with self._mutex:
            return self._renew()

    def release(self) -> None:
        """Unlock and close the dedicated connection."""
        with self._mutex:
            self._release()

    def _acquire(self) -> bool:
        if self._connection is not None:
            return self._renew()
        # Autocommit: the lock belongs to the session, and no transaction stays open for hours.
        connection = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        try:
            got = connection.execute(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": self.key}
            ).scalar_one()
        except Exception:
            connection.close()
            raise
        if not got:
            connection.close()
            return False
        self._connection = connection
        return True

    def _renew(self) -> bool:
        if self._connection is None:
            return False
        try:
            held = self._connection.execute(
                text(
                    "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory'"
                    " AND pid = pg_backend_pid() AND classid = 0 AND objid::bigint = :key"
                    " AND objsubid = 1 AND granted)"
                ),
                {"key": self.key},
            ).scalar_one()
        except Exception:
            # A dead connection has already freed the lock on the server.
            logger.warning("scheduler lock connection lost", exc_info=True)
            self._drop()
            return False
        if not held:
            self._drop()
        return bool(held)

    def _release(self) -> None:
        if self._connection is None:
            return
        try:
            self._connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": self.key})
        except Exception:
            logger.warning("could not unlock; closing the connection frees it", exc_info=True)
        self._drop()

    def _drop(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            # Invalidate rather than return it to the pool, so the session (and lock) really ends.
            try:
                connection.invalidate()
            finally:
                connection.close()


class LeaseRow:
    """A row in ``schedulerlease`` taken and renewed with conditional writes (SQLite)."""

    def __init__(
        self, engine: Engine, *, name: str = LEASE_NAME, seconds: int = LEASE_SECONDS
    ) -> None:
        self.engine = engine
        self.name = name
        self.seconds = seconds
        self.holder = _holder()

    def acquire(self, *, now: datetime | None = None) -> bool:
        """Take the lease if it is free, expired or already ours."""
        now = now or clock.now()
        table = SchedulerLease.__table__
        expires = now + timedelta(seconds=self.seconds)
        try:
            with unit_of_work(self.engine) as session:
                begin_write(session)
                taken = session.execute(
                    update(table)
                    .where(table.c.name == self.name)
                    .where((table.c.holder == self.holder) | (table.c.expires_at <= now))
                    .values(holder=self.holder, acquired_at=now, expires_at=expires)
                ).rowcount
                if taken:
                    return True
                exists = session.get(SchedulerLease, self.name) is not None
                if exists:
                    return False
                session.execute(
                    insert(table).values(
                        name=self.name, holder=self.holder, acquired_at=now, expires_at=expires
                    )
                )
        except IntegrityError:
            return False  # another process inserted the row first
        return True

    def renew(self, *, now: datetime | None = None) -> bool:
        """Extend the lease if this holder still has it and it has not run out."""
        now = now or clock.now()
        table = SchedulerLease.__table__
        with unit_of_work(self.engine) as session:
            begin_write(session)
            extended = session.execute(
                update(table)
                .where(table.c.name == self.name)
                .where(table.c.holder == self.holder)
                .where(table.c.expires_at > now)
                .values(expires_at=now + timedelta(seconds=self.seconds))
            ).rowcount
        return bool(extended)

    def release(self) -> None:
        """Expire the lease now if this holder has it."""
        table = SchedulerLease.__table__
        now = clock.now()
        with unit_of_work(self.engine) as session:
            begin_write(session)
            session.execute(
                update(table)
                .where(table.c.name == self.name)
                .where(table.c.holder == self.holder)
                .values(expires_at=now)
            )


def leadership_for(engine: Engine) -> Leadership:
    """Return the advisory lock on PostgreSQL and the lease row elsewhere."""
    if engine.dialect.name == "postgresql":
        return AdvisoryLock(engine)
    return LeaseRow(engine)

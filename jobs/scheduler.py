"""The scheduler process: one per deployment, jobs only while it holds the database's lock."""

import logging
import signal
import threading
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from types import FrameType

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import Engine

from jobs.leadership import RENEW_SECONDS, Leadership, leadership_for
from jobs.registry import JobSpec
from jobs.runner import last_started_at, mark_abandoned_runs, run_job
from tracker import clock
from tracker.config import Settings

logger = logging.getLogger("jobs.scheduler")

STANDBY_POLL_SECONDS = 5.0
KEEPER_ID = "_keep-leadership"


def add_jobs(
    scheduler: BaseScheduler,
    specs: Sequence[JobSpec],
    *,
    settings: Settings,
    now: datetime,
    run_job_id: Callable[[str], None],
    run_now: bool = False,
    last_started: Mapping[str, datetime] | None = None,
) -> None:
    """Add each job of the table under its fixed id, calling ``run_job_id(job_id)``."""
    last_started = last_started or {}
    for spec in specs:
        scheduler.add_job(
            run_job_id,
            trigger=spec.trigger(settings, now=now, last_started=last_started.get(spec.id)),
            args=(spec.id,),
            id=spec.id,
            name=spec.description,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=spec.misfire_grace_seconds,
            replace_existing=True,
            # --run-now: fire once at start, then follow the trigger.
            **({"next_run_time": now} if run_now else {}),
        )


def new_scheduler() -> BlockingScheduler:
    """Return a blocking scheduler in UTC with the house job defaults."""
    return BlockingScheduler(
        timezone=UTC,
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 60},
    )


class SchedulerProcess:
    """Wait for the lock, run the job table while holding it, stop cleanly on a signal."""

    def __init__(
        self,
        *,
        engine: Engine,
        settings: Settings,
        specs: Sequence[JobSpec],
        run_now: bool = False,
        standby_poll_seconds: float = STANDBY_POLL_SECONDS,
        renew_seconds: float = RENEW_SECONDS,
        leadership: Leadership | None = None,
    ) -> None:
        self.engine = engine
        self.settings = settings
        self.specs = list(specs)
        self.run_now = run_now
        self.standby_poll_seconds = standby_poll_seconds
        self.renew_seconds = renew_seconds
        self.leadership = leadership or leadership_for(engine)
        self.stopping = threading.Event()
        self.scheduler: BlockingScheduler | None = None
        # Survives a lost-then-regained lock, so one process never runs a job twice at once.
        self._job_locks = {spec.id: threading.Lock() for spec in self.specs}

    def serve(self) -> None:
        """Run until stopped: standby while another process holds the lock, leader otherwise."""
        waiting_logged = False
        while not self.stopping.is_set():
            try:
                leader = self.leadership.acquire()
            except Exception:
                logger.warning("scheduler could not reach the database; retrying", exc_info=True)
                leader = False
            if not leader:
                if not waiting_logged:
                    logger.info("scheduler standby: another process holds the lock; waiting")
                    waiting_logged = True
                self.stopping.wait(self.standby_poll_seconds)
                continue
            waiting_logged = False
            abandoned = mark_abandoned_runs(self.engine, now=clock.now())
            if abandoned:
                logger.warning("marked %d job run(s) of dead processes as abandoned", abandoned)
            logger.info(
                "scheduler leader (%s): running %s",
                self.leadership.holder,
                ", ".join(spec.id for spec in self.specs),
            )
            try:
                self._lead()
            finally:
                self._release()
        logger.info("scheduler stopped")

    def _lead(self) -> None:
        scheduler = new_scheduler()
        now = clock.now()
        try:
            last_started = last_started_at(self.engine)
        except Exception:
            logger.warning("could not read the last job runs; timing from now", exc_info=True)
            last_started = {}
        add_jobs(
            scheduler,
            self.specs,
            settings=self.settings,
            now=now,
            run_job_id=self.run_guarded,
            run_now=self.run_now,
            last_started=last_started,
        )
        scheduler.add_job(
            self._keep_leadership,
            trigger=IntervalTrigger(seconds=self.renew_seconds, timezone=UTC),
            id=KEEPER_ID,
            misfire_grace_time=int(self.renew_seconds),
        )
        self.scheduler = scheduler
        if self.stopping.is_set():  # a signal arrived while we were taking the lock
            return
        scheduler.start()  # blocks until shutdown() from the signal handler or the keeper
        self.scheduler = None

    def _release(self) -> None:
        try:
            self.leadership.release()
        except Exception:
            logger.warning("could not release the scheduler lock", exc_info=True)

    def _keep_leadership(self) -> None:
        """Renew the lease (or check the lock); on loss, stop leading and go back to standby."""
        try:
            held = self.leadership.renew()
        except Exception:
            logger.warning("could not renew the scheduler lock", exc_info=True)
            held = False
        if not held or self.stopping.is_set():
            if not held:
                logger.warning("scheduler lost the lock; back to standby")
            self._stop_scheduler(wait=False)  # wait=True from a job thread would wait for itself

    def run_guarded(self, job_id: str, now: datetime | None = None) -> None:
        """Run a job if this process still leads; never raise into the scheduler."""
        try:
            if not self.leadership.renew():
                logger.warning("job %s skipped: this process no longer holds the lock", job_id)
                self._stop_scheduler(wait=False)
                return
            lock = self._job_locks.setdefault(job_id, threading.Lock())
            if not lock.acquire(blocking=False):
                logger.warning("job %s skipped: still running from before", job_id)
                return
            try:
                run_job(job_id, engine=self.engine, settings=self.settings, now=now)
            finally:
                lock.release()
        except Exception:
            logger.exception("job %s could not be run", job_id)

    def stop(self, signum: int | None = None, _frame: FrameType | None = None) -> None:
        """Stop: finish the running jobs, then leave ``serve``; safe from a signal handler."""
        if signum is not None:
            logger.info(
                "scheduler received %s; finishing running jobs", signal.Signals(signum).name
            )
        self.stopping.set()
        self._stop_scheduler(wait=True)

    def _stop_scheduler(self, *, wait: bool) -> None:
        scheduler = self.scheduler
        if scheduler is not None and scheduler.running:
            try:
                scheduler.shutdown(wait=wait)
            except Exception:  # already stopping: SchedulerNotRunningError
                logger.debug("scheduler already stopped", exc_info=True)


def install_signal_handlers(process: SchedulerProcess) -> None:
    """Stop the process cleanly on SIGTERM and SIGINT (SIGTERM does not run atexit)."""
    signal.signal(signal.SIGTERM, process.stop)
    signal.signal(signal.SIGINT, process.stop)


def next_fire_times(
    specs: Sequence[JobSpec],
    *,
    settings: Settings,
    now: datetime,
    last_started: Mapping[str, datetime] | None = None,
) -> list[tuple[JobSpec, str, datetime | None]]:
    """Return each job with its trigger's description and next fire time after ``now``."""
    last_started = last_started or {}
    rows = []
    for spec in specs:
        trigger = spec.trigger(settings, now=now, last_started=last_started.get(spec.id))
        rows.append((spec, str(trigger), trigger.get_next_fire_time(None, now)))
    return rows

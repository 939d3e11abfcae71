"""Queue and send the daily digest to the first N subscribers in a fresh process; print peak RSS.

Run by bench/digest.py as ``python bench/_rss_probe.py INSTANCE N`` with the TRACKER_* settings
in the environment; a fresh process, so its peak resident set is this path's alone.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import text

from tracker import clock
from tracker.config import load_settings
from tracker.db import begin_write, create_db_engine, unit_of_work
from tracker.mail.digests import queue_digests
from tracker.mail.sending import send_due_mail
from tracker.mail.settings import retry_policy, smtp_settings

PREPARE = (
    "DELETE FROM outboxmessage",
    "UPDATE subscriber SET last_event_id = 0, last_digest_period = NULL",
    "UPDATE subscriber SET confirmed_at = NULL",
    """UPDATE subscriber SET confirmed_at = created_at
    WHERE id IN (SELECT id FROM subscriber ORDER BY id LIMIT :count)""",
)


def peak_rss_mib(env: dict[str, str], instance: Path, count: int) -> float:
    """Run this probe for ``count`` subscribers in a child process and return its peak RSS."""
    done = subprocess.run(
        [sys.executable, __file__, str(instance), str(count)],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    result = json.loads((done.stdout.strip().splitlines() or ["{}"])[-1])
    if done.returncode or result.get("sent") != count:
        raise RuntimeError(f"the RSS probe for {count} failed: {result} {done.stderr[-2000:]}")
    return result["rss_mib"]


def main() -> int:
    """Prepare the first N subscribers, run the path once, print counts and ru_maxrss (MiB)."""
    instance, count = Path(sys.argv[1]), int(sys.argv[2])
    settings = load_settings(dict(os.environ), instance_path=instance)
    engine = create_db_engine(settings.database_url)
    with engine.begin() as connection:
        for statement in PREPARE:
            connection.execute(text(statement), {"count": count})
    with unit_of_work(engine) as session:
        begin_write(session)
        queued = queue_digests(session, settings, frequency="daily", now=clock.now())
    sent = send_due_mail(
        engine, smtp=smtp_settings(settings), retry=retry_policy(settings), clock=clock.now
    )
    engine.dispose()
    # ru_maxrss survives execve (it would report the parent's peak); VmHWM is this image's own.
    status = Path("/proc/self/status").read_text()
    rss = int(status.split("VmHWM:")[1].split()[0]) / 1024  # KiB
    print(json.dumps({"queued": queued.queued, "sent": sent.as_dict()["sent"], "rss_mib": rss}))
    return 0


if __name__ == "__main__":
    sys.exit(main())

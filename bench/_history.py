"""Build the dashboard benchmark's databases: a history through the real writer, or in bulk."""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from _support import ACTOR, STATUSES, BenchError, record_change
from sqlalchemy import Engine, func, insert, select, text, update

from tracker.db import begin_write, unit_of_work
from tracker.items.queries import all_items
from tracker.items.statuses import status_label
from tracker.models import Event, Item, StatusChange

OTHER_STATUSES = {s: [t for t in STATUSES if t != s] for s in STATUSES}
BATCH = 10_000
ITEM = "5"  # the item page measured


@dataclass(frozen=True)
class History:
    """What one benchmark database holds."""

    changes: int
    of_item: int  # the status changes of §5
    items: int


def record_small_history(engine: Engine, *, per_item: int, now: datetime) -> int:
    """Give every item a few status changes through the real writer."""
    with unit_of_work(engine) as session:
        begin_write(session)
        # Context paragraphs have no status: only operative ones are given a history.
        items = [item for item in all_items(session) if item.role == "operative"]
        for step in range(per_item):
            for item in items:
                record_change(
                    session,
                    item,
                    new_status=STATUSES[step % (len(STATUSES) - 1) + 1],  # never the same twice
                    note=f"Small history {step}.",
                    evidence_url=None,
                    now=now - timedelta(days=per_item - step),
                )
    return per_item * len(items)


def bulk_history(engine: Engine, *, days: int, per_day: int, end: datetime) -> int:
    """Insert days × per_day changes as record_status_change writes them, in one transaction."""
    rng = random.Random(2616)
    start, step = end - timedelta(days=days), timedelta(days=1) / per_day
    with engine.begin() as connection:
        items = connection.execute(select(Item.id, Item.number, Item.status, Item.version)).all()
        state = {item.id: {"status": item.status, "version": item.version} for item in items}
        event_id = connection.execute(select(func.coalesce(func.max(Event.id), 0))).scalar_one()
        events: list[dict] = []
        changes: list[dict] = []
        for n in range(days * per_day):
            item, at = rng.choice(items), start + n * step
            current = state[item.id]
            old, new = current["status"], rng.choice(OTHER_STATUSES[current["status"]])
            note = f"Benchmark change {n}: reviewed the monitoring report of {at:%d %B %Y}."
            url = f"https://example.org/evidence/{n}" if n % 3 == 0 else None
            event_id += 1
            events.append(
                {
                    "id": event_id,
                    "kind": "item_status_changed",
                    "occurred_at": at,
                    "item_id": item.id,
                    "actor": ACTOR.label,
                    "summary": f"§{item.number}: {status_label(old)} → {status_label(new)}",
                    "payload": {
                        "item": item.number,
                        "from": old,
                        "to": new,
                        "note": note,
                        "evidence_url": url,
                    },
                }
            )
            changes.append(
                {
                    "item_id": item.id,
                    "event_id": event_id,
                    "from_status": old,
                    "to_status": new,
                    "changed_at": at,
                    "user_id": ACTOR.user_id,
                    "actor": ACTOR.label,
                    "note": note,
                    "evidence_url": url,
                }
            )
            current.update(status=new, version=current["version"] + 1, changed_at=at)
            if len(events) == BATCH:
                connection.execute(insert(Event), events)
                connection.execute(insert(StatusChange), changes)
                events, changes = [], []
        if events:
            connection.execute(insert(Event), events)
            connection.execute(insert(StatusChange), changes)
        for item_id, final in state.items():
            if "changed_at" in final:
                connection.execute(
                    update(Item)
                    .where(Item.id == item_id)
                    .values(
                        status=final["status"],
                        status_changed_at=final["changed_at"],
                        version=final["version"],
                    )
                )
    return days * per_day


VERIFY_LINKS = """SELECT count(*),
(SELECT count(*) FROM event WHERE kind = 'item_status_changed') FROM statuschange s
JOIN event e ON e.id = s.event_id AND e.item_id = s.item_id AND e.kind = 'item_status_changed'"""
VERIFY_ITEMS = """SELECT i.number, i.status, i.version, count(s.id), l.to_status,
l.changed_at IS i.status_changed_at FROM item i LEFT JOIN statuschange s ON s.item_id = i.id
LEFT JOIN statuschange l ON l.id = (SELECT max(id) FROM statuschange WHERE item_id = i.id)
GROUP BY i.id"""


def verify_history(engine: Engine, expected: int) -> History:
    """Check the counts and that each item ends where its history ends."""
    with engine.connect() as connection:
        linked, events = connection.execute(text(VERIFY_LINKS)).one()
        rows = connection.execute(text(VERIFY_ITEMS)).all()
    if linked != expected or events != expected:
        raise BenchError(f"expected {expected} changes, found {linked} linked, {events} events")
    counts = {}
    for number, status, version, count, last, same_time in rows:
        if count and (last != status or version != count or not same_time):
            raise BenchError(
                f"§{number} ({status}, version {version}) does not match its last"
                f" change ({last}, same time: {bool(same_time)}) or count ({count})"
            )
        counts[number] = count
    return History(changes=expected, of_item=counts.get(ITEM, 0), items=len(counts))

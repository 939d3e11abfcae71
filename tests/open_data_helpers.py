"""Helpers for the open-data tests: status changes, conditional GETs on a live server."""

import urllib.error
import urllib.request
from dataclasses import dataclass
from email.message import Message

from tracker import clock
from tracker.db import begin_write, unit_of_work
from tracker.items.queries import get_item
from tracker.items.status_changes import Actor, record_status_change

#: Every public page, feed, export and API response (a treaty and paragraph that exist).
PUBLIC_HTML = [
    "/",
    "/texts/res-2616",
    "/texts/res-2616/9.2.1",
    "/changes",
    "/statuses",
    "/treaties",
    "/treaties/cets-210",
    "/sources",
    "/api/",
]
PUBLIC_DATA = [
    "/changes.atom",
    "/texts/res-2616/9.2.1/feed.atom",
    "/treaties/cets-210/feed.atom",
    "/deadlines.ics",
    "/export/items.csv",
    "/export/history.csv",
    "/export/treaties.csv",
    "/api/v1/items",
    "/api/v1/items/9.2.1",
    "/api/v1/events",
    "/api/v1/treaties",
    "/api/v1/treaties/cets-210",
    "/api/v1/openapi.json",
]
TRICKY_NOTE = 'Bill "No. 12", tabled, read once\nthen, "amended";\nsee §3, Ä ü — 日本'


def change_status(engine, number: str = "9.2.1", status: str = "in_progress", *,
                  note: str = "A note", actor: str = "Ana Monitor",
                  evidence_url: str | None = "https://parlam.kz/bill/12") -> None:
    """Record a status change through the one writer, as a boundary would."""
    with unit_of_work(engine) as session:
        begin_write(session)
        item = get_item(session, number)
        record_status_change(
            session,
            item,
            new_status=status,
            note=note,
            evidence_url=evidence_url,
            actor=Actor(label=actor),
            expected_version=item.version,
            now=clock.now(),
        )


@dataclass
class Answer:
    status: int
    headers: Message  # case-insensitive, as HTTP header names are
    body: bytes


def fetch(url: str, headers: dict[str, str] | None = None, method: str = "GET") -> Answer:
    """Make one real HTTP request to the live server; HTTP errors are answers too."""
    request = urllib.request.Request(url, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - 127.0.0.1
            return Answer(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        return Answer(error.code, error.headers, error.read())

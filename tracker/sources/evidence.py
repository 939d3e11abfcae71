"""Raw source responses kept as evidence: stored once per distinct answer, pruned by age."""

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Delete, Select, bindparam, delete, func
from sqlalchemy.orm import defer
from sqlmodel import Session, col, select

from tracker.models import RawResponse, Treaty, TreatyStateChange

#: Default of the ``last`` arguments: the function reads the last stored response itself.
LOOK_UP = object()


@dataclass(frozen=True)
class StoredResponse:
    """What a poll compares an answer with: a stored response, without its body."""

    id: int
    url: str
    sha256: str
    status_code: int


def latest_response(session: Session, url: str, *, with_body: bool = True) -> RawResponse | None:
    """Return the last stored response of a URL (its body loaded only when asked for)."""
    query = select(RawResponse).where(RawResponse.url == url).order_by(col(RawResponse.id).desc())
    if not with_body:
        query = query.options(defer(RawResponse.body))
    return session.exec(query.limit(1)).first()


def latest_responses(session: Session, urls: Iterable[str]) -> dict[str, StoredResponse]:
    """Return the last stored response of each URL that has one, without bodies: one query."""
    urls = list(urls)
    if not urls:
        return {}
    # Plain rows: a poll reads one per instrument, and ORM objects cost more than the query.
    rows = session.execute(_latest_of_urls(), {"urls": urls})
    return {row.url: StoredResponse(*row) for row in rows}


@functools.cache
def _latest_of_urls() -> Select:
    # Built once: every poll runs it, and building it cost about as much as running it.
    latest = (
        select(func.max(RawResponse.id))
        .where(col(RawResponse.url).in_(bindparam("urls", expanding=True)))
        .group_by(col(RawResponse.url))
    )
    columns = (RawResponse.id, RawResponse.url, RawResponse.sha256, RawResponse.status_code)
    return select(*columns).where(col(RawResponse.id).in_(latest))


def stored_hashes(session: Session, urls: Iterable[str]) -> set[tuple[str, str]]:
    """Return the (URL, body hash) pairs still stored for these URLs: one query."""
    urls = list(urls)
    if not urls:
        return set()
    query = select(RawResponse.url, RawResponse.sha256).where(col(RawResponse.url).in_(urls))
    return {(url, sha256) for url, sha256 in session.exec(query.distinct())}


def find_response(
    session: Session, url: str, sha256: str, *, with_body: bool = True
) -> RawResponse | None:
    """Return the last stored response of a URL with this body hash, if it is still kept."""
    query = (
        select(RawResponse)
        .where(RawResponse.url == url, RawResponse.sha256 == sha256)
        .order_by(col(RawResponse.id).desc())
    )
    if not with_body:
        query = query.options(defer(RawResponse.body))
    return session.exec(query.limit(1)).first()


def store_response(
    session: Session,
    *,
    source: str,
    url: str,
    status_code: int,
    body: bytes,
    sha256: str,
    fetched_at: datetime,
    content_type: str | None,
    treaty_id: int | None = None,
    last: RawResponse | StoredResponse | None | object = LOOK_UP,
) -> tuple[RawResponse | StoredResponse, bool]:
    """Keep a response unless it is identical to the last one of its URL; tell if stored.

    ``last`` is that URL's last stored response (None: there is none) when the caller read it
    already, as ``latest_responses`` does for a whole poll.
    """
    if last is LOOK_UP:
        # Comparing hashes needs no body: a poll would otherwise read every stored chart back.
        last = latest_response(session, url, with_body=False)
    if last is not None and last.sha256 == sha256 and last.status_code == status_code:
        return last, False
    response = RawResponse(
        source=source,
        treaty_id=treaty_id,
        url=url,
        fetched_at=fetched_at,
        status_code=status_code,
        sha256=sha256,
        content_type=content_type,
        body=body,
    )
    session.add(response)
    session.flush()
    return response, True


def prune_responses(session: Session, *, now: datetime, retention_days: int) -> int:
    """Delete responses older than the retention, except referenced and latest ones."""
    cutoff = now - timedelta(days=retention_days)
    result = session.execute(_prune_before(), {"cutoff": cutoff})
    return result.rowcount or 0


@functools.cache
def _prune_before() -> Delete:
    # Built once, as every poll runs it.
    referenced = select(TreatyStateChange.raw_response_id).where(
        col(TreatyStateChange.raw_response_id).is_not(None)
    )
    # The latest per URL is what the next poll compares against.
    latest = select(func.max(RawResponse.id)).group_by(col(RawResponse.url))
    return (
        delete(RawResponse)
        .where(
            col(RawResponse.fetched_at)
            < bindparam("cutoff", type_=RawResponse.__table__.c.fetched_at.type),
            col(RawResponse.id).not_in(referenced),
            col(RawResponse.id).not_in(latest),
        )
        .execution_options(synchronize_session=False)
    )


def get_response(session: Session, response_id: int) -> RawResponse | None:
    """Return one stored response."""
    return session.get(RawResponse, response_id)


def response_treaty(session: Session, response: RawResponse) -> Treaty | None:
    """Return the treaty a response is about, if any."""
    return session.get(Treaty, response.treaty_id) if response.treaty_id else None


def response_text(response: RawResponse) -> str:
    """Return the body as text for people, JSON indented when it parses."""
    import json

    text = response.body.decode("utf-8", errors="replace")
    try:
        return json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    except ValueError:
        return text

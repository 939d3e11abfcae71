"""New documents into the inbox, once each; the one writer of found documents and snapshots."""

import dataclasses
import hashlib
from datetime import datetime

from sqlalchemy import delete, func, or_
from sqlalchemy.orm import defer
from sqlmodel import Session, col, select

from tracker.documents.matching import ParagraphIndex, rank_paragraphs
from tracker.models import FoundDocument, SourceSnapshot, WatchedSource
from tracker.sources.entries import Entry
from tracker.texts.comparison import word_diff

EXCERPT_CONTEXT_WORDS = 12
LINK_MAX_LENGTH = 2000
# Snapshots that no document points to are kept only as the recent history of a source (the
# newest is what the next check compares with); a document's snapshot is evidence, kept forever.
KEEP_UNREFERENCED_SNAPSHOTS = 5


def sha256_text(value: str) -> str:
    """Return the hex SHA-256 of a text."""
    return hashlib.sha256(value.encode()).hexdigest()


def last_snapshot(
    session: Session, source_id: int, *, with_body: bool = False
) -> SourceSnapshot | None:
    """Return the source's latest snapshot (its raw body loaded only when asked for)."""
    query = select(SourceSnapshot).where(SourceSnapshot.source_id == source_id)
    if not with_body:
        query = query.options(defer(SourceSnapshot.body))
    return session.exec(query.order_by(col(SourceSnapshot.id).desc()).limit(1)).first()


def last_snapshot_hashes(session: Session, source_ids: list[int]) -> dict[int, str]:
    """Return the SHA-256 of each source's latest snapshot, by source id."""
    latest = (
        select(func.max(SourceSnapshot.id))
        .where(col(SourceSnapshot.source_id).in_(source_ids))
        .group_by(col(SourceSnapshot.source_id))
    )
    query = select(SourceSnapshot.source_id, SourceSnapshot.sha256).where(
        col(SourceSnapshot.id).in_(latest)
    )
    return dict(session.exec(query).all())


def store_snapshot(
    session: Session,
    source: WatchedSource,
    *,
    url: str,
    body: bytes,
    sha256: str,
    content_type: str | None,
    text: str | None,
    now: datetime,
) -> SourceSnapshot:
    """Keep one answer of a source as evidence: raw body, URL, time and hash."""
    snapshot = SourceSnapshot(
        source_id=source.id,
        url=url,
        fetched_at=now,
        sha256=sha256,
        content_type=content_type,
        body=body,
        text=text,
    )
    session.add(snapshot)
    session.flush()
    return snapshot


def prune_snapshots(
    session: Session, source_id: int, *, keep: int = KEEP_UNREFERENCED_SNAPSHOTS
) -> int:
    """Delete a source's snapshots that no document cites, but for the newest ``keep``."""
    newest = (
        select(SourceSnapshot.id)
        .where(SourceSnapshot.source_id == source_id)
        .order_by(col(SourceSnapshot.id).desc())
        .limit(keep)
    )
    cited = select(FoundDocument.snapshot_id).where(FoundDocument.source_id == source_id)
    pruned = session.execute(
        delete(SourceSnapshot)
        .where(
            col(SourceSnapshot.source_id) == source_id,
            col(SourceSnapshot.id).not_in(select(newest.subquery().c.id)),
            col(SourceSnapshot.id).not_in(cited),
        )
        .execution_options(synchronize_session=False)
    )
    return pruned.rowcount


def _already_found(session: Session, source_id: int, keys: list[str]) -> bool:
    # A hash match on the entry's id, its link or its content: a feed that reorders, re-dates,
    # or republishes an entry under a new id or link does not add it twice.
    key, link, content = keys
    conditions = [
        col(FoundDocument.key_sha256) == key,
        col(FoundDocument.content_sha256) == content,
    ]
    if link:
        conditions.append(col(FoundDocument.link_sha256) == link)
    query = select(FoundDocument.id).where(FoundDocument.source_id == source_id, or_(*conditions))
    return session.exec(query.limit(1)).first() is not None


def record_entries(
    session: Session,
    source: WatchedSource,
    snapshot: SourceSnapshot,
    entries: list[Entry],
    *,
    index: ParagraphIndex,
    now: datetime,
) -> int:
    """Add the entries not seen before to the inbox; return how many were new."""
    new = 0
    for entry in entries:
        if entry.link is not None and len(entry.link) > LINK_MAX_LENGTH:
            # Kept as text, not as a link: the column (and any sane URL) is shorter.
            entry = dataclasses.replace(entry, link=None)
        keys = [
            sha256_text(entry.key),
            sha256_text(entry.link) if entry.link else None,
            entry.content_sha256(),
        ]
        if _already_found(session, source.id, keys):
            continue
        session.add(
            FoundDocument(
                source_id=source.id,
                snapshot_id=snapshot.id,
                key_sha256=keys[0],
                link_sha256=keys[1],
                content_sha256=keys[2],
                title=entry.title,
                link=entry.link,
                published_at=entry.published_at,
                found_at=now,
                text=entry.text,
                suggestions=_suggest(index, source, f"{entry.title}\n{entry.text}"),
            )
        )
        session.flush()  # the next entry of the same feed is compared with this one too
        new += 1
    return new


def record_page_change(
    session: Session,
    source: WatchedSource,
    snapshot: SourceSnapshot,
    *,
    title: str,
    old_text: str,
    new_text: str,
    index: ParagraphIndex,
    now: datetime,
) -> FoundDocument | None:
    """Add a changed page to the inbox with its word diff; None if its text is the same."""
    if " ".join(old_text.split()) == " ".join(new_text.split()):
        return None
    diff = word_diff(old_text, new_text)
    excerpt = changed_excerpt(diff)
    changed_words = " ".join(words for op, words in diff if op == "insert")
    content = sha256_text(new_text)
    document = FoundDocument(
        source_id=source.id,
        snapshot_id=snapshot.id,
        key_sha256=sha256_text(f"{snapshot.sha256}:{content}"),
        link_sha256=None,
        content_sha256=content,
        title=f"{title or source.name}: the page changed",
        link=snapshot.url,
        published_at=None,
        found_at=now,
        text=new_text,
        excerpt=excerpt,
        suggestions=_suggest(index, source, f"{title}\n{changed_words or new_text}"),
    )
    session.add(document)
    session.flush()
    return document


def changed_excerpt(diff: list[tuple[str, str]]) -> list[list[str]]:
    """Keep the changes of a word diff with a few words of context around each."""
    excerpt = []
    for position, (op, text) in enumerate(diff):
        if op != "equal":
            excerpt.append([op, text])
            continue
        parts = text.split()
        before = position > 0
        after = position < len(diff) - 1
        if len(parts) <= 2 * EXCERPT_CONTEXT_WORDS:
            excerpt.append([op, text])
            continue
        head = parts[:EXCERPT_CONTEXT_WORDS] if before else []
        tail = parts[-EXCERPT_CONTEXT_WORDS:] if after else []
        excerpt.append([op, " ".join([*head, "…", *tail]).strip()])
    return excerpt


def _suggest(index: ParagraphIndex, source: WatchedSource, text: str) -> list[dict]:
    return rank_paragraphs(
        index, text, keywords=list(source.keywords), source_items=list(source.item_numbers)
    )


def inbox_documents(session: Session, *, state: str = "new", limit: int = 100) -> list:
    """Return (document, source) pairs in one state, newest first."""
    query = (
        select(FoundDocument, WatchedSource)
        .join(WatchedSource, col(WatchedSource.id) == col(FoundDocument.source_id))
        .where(FoundDocument.state == state)
        .order_by(col(FoundDocument.id).desc())
        .limit(limit)
    )
    return list(session.exec(query))

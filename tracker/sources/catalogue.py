"""The watched sources: add, edit, pause, remove, seed. The one writer of their settings."""

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlmodel import Session, col, func, select

from tracker.i18n import N_
from tracker.models import (
    DocumentDecision,
    FoundDocument,
    SourceSnapshot,
    SourceStatus,
    WatchedSource,
)
from tracker.sources.health import WATCHED_PREFIX
from tracker.sources.pages import SelectorError, check_selector

KINDS = {
    "feed": N_("RSS or Atom feed"),
    "listing": N_("HTML listing page (entries picked by a CSS selector)"),
    "page": N_("Single page watched for changes of its main text"),
}
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,29}$")
MIN_INTERVAL_MINUTES = 15
HEALTH_PREFIX = WATCHED_PREFIX


class SourceSettingsError(ValueError):
    """The source's settings cannot be saved as given."""


@dataclass
class SourceSettings:
    """What an admin sets for a source."""

    slug: str
    name: str
    url: str
    kind: str
    selector: str | None = None
    interval_minutes: int = 360
    item_numbers: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    paused: bool = True
    note: str | None = None


def health_name(source: WatchedSource) -> str:
    """Return the name of the source's row in ``tracker.sources.health``."""
    return HEALTH_PREFIX + source.slug


def split_list(raw: str | list[str] | None) -> list[str]:
    """Return the non-empty comma- or line-separated parts of a list typed by a person."""
    if raw is None:
        return []
    parts = raw if isinstance(raw, list) else re.split(r"[,\n]", raw)
    return list(dict.fromkeys(p.strip() for p in parts if p.strip()))


def validate(settings: SourceSettings, known_items: set[str]) -> SourceSettings:
    """Return the settings cleaned, or raise ``SourceSettingsError`` saying what is wrong."""
    settings.slug = settings.slug.strip().lower()
    if not SLUG.match(settings.slug):
        raise SourceSettingsError("The short name must be 1 to 30 of a-z, 0-9 and hyphens.")
    settings.name = settings.name.strip()
    if not settings.name or len(settings.name) > 200:
        raise SourceSettingsError("The name is required (at most 200 characters).")
    settings.url = settings.url.strip()
    if not re.match(r"^https?://[^\s/]+", settings.url) or len(settings.url) > 2000:
        raise SourceSettingsError("The URL must be a full http:// or https:// address.")
    if settings.kind not in KINDS:
        raise SourceSettingsError(f"The kind must be one of {', '.join(KINDS)}.")
    settings.selector = (settings.selector or "").strip() or None
    if settings.kind == "listing":
        if not settings.selector:
            raise SourceSettingsError("A listing page needs a CSS selector for its entries.")
        try:
            check_selector(settings.selector)
        except SelectorError as exc:
            raise SourceSettingsError(str(exc)) from None
    if settings.interval_minutes < MIN_INTERVAL_MINUTES:
        raise SourceSettingsError(
            f"The interval must be at least {MIN_INTERVAL_MINUTES} minutes, to be polite."
        )
    settings.item_numbers = split_list(settings.item_numbers)
    unknown = [n for n in settings.item_numbers if n not in known_items]
    if unknown:
        raise SourceSettingsError(f"No paragraph is numbered {', '.join(unknown)}.")
    settings.keywords = split_list(settings.keywords)
    settings.note = (settings.note or "").strip() or None
    return settings


def get_source(session: Session, slug: str) -> WatchedSource | None:
    """Return the source with this short name."""
    return session.exec(select(WatchedSource).where(WatchedSource.slug == slug)).first()


def all_sources(session: Session) -> list[WatchedSource]:
    """Return every watched source, by name."""
    return list(session.exec(select(WatchedSource).order_by(col(WatchedSource.name))))


def save_source(
    session: Session,
    settings: SourceSettings,
    *,
    known_items: set[str],
    now: datetime,
    source: WatchedSource | None = None,
) -> WatchedSource:
    """Add a source, or change ``source`` to the settings; do not commit."""
    settings = validate(settings, known_items)
    other = get_source(session, settings.slug)
    if other is not None and other is not source:
        raise SourceSettingsError(f"A source called {settings.slug!r} exists already.")
    if source is None:
        source = WatchedSource(
            slug=settings.slug,
            name=settings.name,
            url=settings.url,
            kind=settings.kind,
            created_at=now,
        )
    elif source.slug != settings.slug:
        raise SourceSettingsError("The short name of a source cannot change.")
    for name, value in vars(settings).items():
        setattr(source, name, value)
    source.next_check_at = None  # checked at the next run with its new settings
    session.add(source)
    session.flush()
    return source


def set_paused(session: Session, source: WatchedSource, *, paused: bool) -> None:
    """Pause or resume a source; a resumed source is checked at the next run."""
    source.paused = paused
    source.next_check_at = None
    session.add(source)
    session.flush()


def remove_source(session: Session, source: WatchedSource) -> None:
    """Delete a source and what it found, unless a monitor decided on one of its documents."""
    decided = session.exec(
        select(func.count())
        .select_from(DocumentDecision)
        .join(FoundDocument, col(FoundDocument.id) == col(DocumentDecision.document_id))
        .where(FoundDocument.source_id == source.id)
    ).one()
    if decided:
        raise SourceSettingsError(
            f"Monitors decided on documents of {source.name}; they are kept as evidence, "
            "so pause the source instead."
        )
    for document in session.exec(select(FoundDocument).where(FoundDocument.source_id == source.id)):
        session.delete(document)
    session.flush()
    for snapshot in session.exec(
        select(SourceSnapshot).where(SourceSnapshot.source_id == source.id)
    ):
        session.delete(snapshot)
    status = session.get(SourceStatus, health_name(source))
    if status is not None:
        session.delete(status)
    session.flush()
    session.delete(source)
    session.flush()


def seed_sources(session: Session, path: Path, *, known_items: set[str], now: datetime) -> int:
    """Add the sources of a seed file that are not there yet (paused); return how many."""
    added = 0
    for raw in json.loads(path.read_text(encoding="utf-8")):
        if get_source(session, raw["slug"]) is not None:
            continue
        settings = SourceSettings(**{**raw, "paused": True})
        save_source(session, settings, known_items=known_items, now=now)
        added += 1
    return added


def sources_with_health(session: Session) -> list[tuple[WatchedSource, SourceStatus | None]]:
    """Return every watched source with its health row (None if never checked)."""
    statuses = {
        s.name: s
        for s in session.exec(
            select(SourceStatus).where(col(SourceStatus.name).startswith(HEALTH_PREFIX))
        )
    }
    return [(source, statuses.get(health_name(source))) for source in all_sources(session)]

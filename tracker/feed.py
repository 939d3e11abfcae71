"""The public change feed: real changes only (no same-state confirmations), filtered.

Confirmations and source failures are source health, shown on /sources; per-paragraph copies of
a treaty change ("item_treaty_changed") are folded into the one treaty event.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import and_, exists, func, or_
from sqlmodel import Session, col, select

from tracker.i18n import N_
from tracker.items.queries import get_item
from tracker.items.tags import get_tag, item_ids_tagged
from tracker.models import Event, Item, ItemTreaty, Treaty, TreatyStateChange
from tracker.texts.queries import get_text

# What a reader can filter by, and the event kinds each means.
FEED_KINDS: dict[str, tuple[str, ...]] = {
    "status": ("item_status_changed",),
    "treaty": ("treaty_state_changed",),
    "deadline": ("invitation_deadline",),
    "document": ("document_linked",),
    "paragraph": ("item_role_changed", "item_tags_changed", "item_lineage_marked"),
}
KIND_LABELS = {
    "status": N_("Status changes"),
    "treaty": N_("Treaty changes"),
    "deadline": N_("Invitation deadlines"),
    "document": N_("Documents linked to paragraphs"),
    "paragraph": N_("Paragraph classification, themes and lineage"),
}


FEED_FILTER_ARGUMENTS = ("kind", "text", "item", "treaty", "tag", "since", "until")


class FeedFilterError(ValueError):
    """A filter names something that does not exist or a malformed date."""


@dataclass(frozen=True)
class FeedFilter:
    """What a reader asked the feed to show; every field optional."""

    kind: str | None = None
    text: str | None = None  # text slug; the paragraph number below is one of its paragraphs
    item: str | None = None  # paragraph number
    treaty: str | None = None  # treaty slug
    tag: str | None = None  # tag slug
    since: date | None = None
    until: date | None = None

    @property
    def active(self) -> bool:
        """Return whether any filter narrows the feed."""
        return any(
            (self.kind, self.text, self.item, self.treaty, self.tag, self.since, self.until)
        )

    @property
    def paragraph(self) -> str | None:
        """Return the chosen paragraph as "<text slug>:<number>", or None."""
        return f"{self.text}:{self.item}" if self.text and self.item else None

    def arguments(self) -> dict[str, str]:
        """Return the filter as URL query arguments, empty ones left out."""
        values = {
            "kind": self.kind,
            "text": self.text,
            "item": self.item,
            "treaty": self.treaty,
            "tag": self.tag,
            "since": self.since.isoformat() if self.since else None,
            "until": self.until.isoformat() if self.until else None,
        }
        return {name: value for name, value in values.items() if value}


def _day(value: str | None, name: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise FeedFilterError(f"“{value}” is not a date as YYYY-MM-DD ({name}).") from None


def feed_filter_from(arguments, *, default_text: str) -> FeedFilter:
    """Read a FeedFilter from request arguments; raise FeedFilterError for malformed ones.

    A paragraph is ``item=<number>`` with ``text=<slug>`` (the default text when absent), or
    ``item=<slug>:<number>``.
    """
    kind = arguments.get("kind") or None
    if kind is not None and kind not in FEED_KINDS:
        raise FeedFilterError(f"There is no kind of change called “{kind}”.")
    text = (arguments.get("text") or "").strip() or None
    item = (arguments.get("item") or "").strip() or None
    if item and ":" in item:
        named, _, item = item.partition(":")
        if text and named != text:
            raise FeedFilterError(f"The paragraph “{named}:{item}” is not in the text “{text}”.")
        text = named
    item = (item or "").strip().lstrip("§") or None
    wanted = FeedFilter(
        kind=kind,
        text=text or (default_text if item else None),
        item=item,
        treaty=arguments.get("treaty") or None,
        tag=arguments.get("tag") or None,
        since=_day(arguments.get("since"), "from"),
        until=_day(arguments.get("until"), "until"),
    )
    if wanted.since and wanted.until and wanted.since > wanted.until:
        raise FeedFilterError("The start date is after the end date.")
    return wanted


def _real_change():
    """Return the condition that an event is a real change, not a confirmation or a copy."""
    kinds = [kind for group in FEED_KINDS.values() for kind in group]
    # A treaty "change" from a state to the same state only filled in dates the poll confirmed.
    state_moved = exists().where(
        TreatyStateChange.event_id == Event.id,
        col(TreatyStateChange.from_state) != col(TreatyStateChange.to_state),
    )
    return and_(
        col(Event.kind).in_(kinds),
        or_(Event.kind != "treaty_state_changed", state_moved),
    )


def _about_items(item_ids):
    """Return the condition "about one of these paragraphs or a treaty they concern".

    ``item_ids`` is a set of ids or a query selecting them.
    """
    treaties = select(ItemTreaty.treaty_id).where(col(ItemTreaty.item_id).in_(item_ids))
    return or_(col(Event.item_id).in_(item_ids), col(Event.treaty_id).in_(treaties))


def _conditions(session: Session, wanted: FeedFilter) -> list:
    conditions = [_real_change()]
    if wanted.kind:
        conditions.append(col(Event.kind).in_(FEED_KINDS[wanted.kind]))
    if wanted.text:
        text = get_text(session, wanted.text)
        if text is None:
            raise FeedFilterError(f"There is no text “{wanted.text}”.")
        if wanted.item:
            item = get_item(session, wanted.item, document_id=text.id)
            if item is None:
                raise FeedFilterError(f"There is no paragraph §{wanted.item} in {text.reference}.")
            conditions.append(_about_items({item.id}))
        else:
            conditions.append(_about_items(select(Item.id).where(Item.document_id == text.id)))
    if wanted.tag:
        tag = get_tag(session, wanted.tag)
        if tag is None:
            raise FeedFilterError(f"There is no tag called “{wanted.tag}”.")
        conditions.append(_about_items(item_ids_tagged(session, tag)))
    if wanted.treaty:
        treaty = session.exec(select(Treaty).where(Treaty.slug == wanted.treaty)).first()
        if treaty is None:
            raise FeedFilterError(f"There is no treaty “{wanted.treaty}”.")
        linked = select(ItemTreaty.item_id).where(ItemTreaty.treaty_id == treaty.id)
        conditions.append(or_(Event.treaty_id == treaty.id, col(Event.item_id).in_(linked)))
    if wanted.since:
        conditions.append(col(Event.occurred_at) >= _start_of(wanted.since))
    if wanted.until:
        conditions.append(col(Event.occurred_at) < _start_of(wanted.until + timedelta(days=1)))
    return conditions


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def feed_page(
    session: Session, wanted: FeedFilter, *, page: int, per_page: int
) -> tuple[list[Event], int]:
    """Return one page of real changes matching the filter, newest first, and their number."""
    conditions = _conditions(session, wanted)
    total = session.exec(select(func.count()).select_from(Event).where(*conditions)).one()
    query = select(Event).where(*conditions).order_by(col(Event.id).desc())
    return list(session.exec(query.offset((page - 1) * per_page).limit(per_page))), total


def latest_changes(
    session: Session, wanted: FeedFilter | None = None, *, limit: int
) -> list[Event]:
    """Return the newest real changes matching the filter, newest first."""
    query = select(Event).where(*_conditions(session, wanted or FeedFilter()))
    return list(session.exec(query.order_by(col(Event.id).desc()).limit(limit)))


def feed_after(session: Session, wanted: FeedFilter, after: int, *, limit: int) -> list[Event]:
    """Return up to ``limit`` real changes matching the filter with an id above ``after``."""
    query = select(Event).where(*_conditions(session, wanted), col(Event.id) > after)
    return list(session.exec(query.order_by(col(Event.id)).limit(limit)))


def place_and_change(event: Event) -> tuple[str, str]:
    """Split "§11.4: Not assessed → In progress" into where ("§11.4") and what changed."""
    place, separator, change = event.summary.partition(": ")
    return (place, change) if separator else ("", event.summary)

"""Reading treaties: the watch-list, one treaty, its history, links and labels."""

from datetime import date

from sqlmodel import Session, col, select

from tracker.i18n import N_
from tracker.models import Item, ItemReview, ItemTreaty, Treaty, TreatyStateChange
from tracker.treaties.states import INVITED, NOT_SIGNED

DATE_NAMES = (
    "signed_on",
    "consent_on",
    "in_force_on",
    "denounced_on",
    "denunciation_effective_on",
    "suspended_on",
)
DATE_LABELS = {
    "signed_on": N_("Signature"),
    "consent_on": N_("Ratification or accession"),
    "in_force_on": N_("Entry into force"),
    "denounced_on": N_("Denunciation"),
    "denunciation_effective_on": N_("Denunciation effective"),
    "suspended_on": N_("Suspension"),
}
CHART_URL = (
    "https://www.coe.int/en/web/conventions/full-list?module=signatures-by-treaty&treatynum={:03d}"
)
ORIGIN_LABELS = {"seed": N_("seeded"), "poll": N_("Treaty Office poll")}


def treaty_dates(treaty: Treaty) -> dict[str, date | None]:
    """Return the treaty's dates by name."""
    return {name: getattr(treaty, name) for name in DATE_NAMES}


def dates_json(dates: dict[str, date | None]) -> dict[str, str | None]:
    """Return dates as ISO strings, for JSON columns and payloads."""
    return {name: value.isoformat() if value else None for name, value in dates.items()}


def dates_from_json(data: dict[str, str | None] | None) -> dict[str, date | None]:
    """Return the dates stored by ``dates_json``."""
    data = data or {}
    return {name: date.fromisoformat(data[name]) if data.get(name) else None for name in DATE_NAMES}


def describe_dates(dates: dict[str, date | None]) -> str:
    """Return the known dates as "Signature 2026-01-10, Entry into force …"."""
    parts = [f"{DATE_LABELS[name]} {value.isoformat()}" for name, value in dates.items() if value]
    return ", ".join(parts) or "no dates"


def treaty_reference(treaty: Treaty) -> str:
    """Return "CETS 210" or the body's short name."""
    if treaty.series and treaty.number:
        return f"{treaty.series} {treaty.number:03d}"
    return treaty.short_name


def treaty_label(treaty: Treaty) -> str:
    """Return "CETS 210 Istanbul Convention"."""
    reference = treaty_reference(treaty)
    return reference if reference == treaty.short_name else f"{reference} {treaty.short_name}"


def invitation_lapsed(treaty: Treaty, today: date) -> bool:
    """Tell whether the treaty's invitation to accede has a validity that ended before today."""
    return treaty.invitation_lapses_on is not None and treaty.invitation_lapses_on < today


# The date the source gives for reaching each state: "since" on the pages means this date.
STATE_DATES = {
    "signed": "signed_on",
    "ratified": "consent_on",
    "acceded": "consent_on",
    "in_force": "in_force_on",
    "denounced": "denounced_on",
    "suspended": "suspended_on",
    "invited": "invited_on",
}


def state_since(treaty: Treaty, state: str) -> date | None:
    """Return the date the source gives for the state shown, or None if it gives none."""
    name = STATE_DATES.get(state)
    return getattr(treaty, name) if name else None


def display_state(treaty: Treaty, today: date) -> str:
    """Return the state to show: "invited" when not signed with a live invitation."""
    if treaty.state == NOT_SIGNED and treaty.invited_on and not invitation_lapsed(treaty, today):
        return INVITED
    return treaty.state


def all_treaties(session: Session) -> list[Treaty]:
    """Return the watch-list in its order."""
    return list(session.exec(select(Treaty).order_by(col(Treaty.position), col(Treaty.id))))


def polled_treaties(session: Session, *, columns: tuple = ()) -> list[Treaty]:
    """Return the treaties read from the Treaty Office, in order; only ``columns`` if given."""
    query = select(*columns) if columns else select(Treaty)
    query = query.where(col(Treaty.polled).is_(True)).order_by(col(Treaty.position))
    return list(session.exec(query))


def get_treaty(session: Session, slug: str) -> Treaty | None:
    """Return the treaty with that slug, or None."""
    return session.exec(select(Treaty).where(Treaty.slug == slug)).first()


def treaty_items(session: Session, treaty_id: int) -> list[Item]:
    """Return the paragraphs that concern a treaty, in text order."""
    query = (
        select(Item)
        .join(ItemTreaty, col(ItemTreaty.item_id) == col(Item.id))
        .where(ItemTreaty.treaty_id == treaty_id)
        .order_by(col(Item.position))
    )
    return list(session.exec(query))


def item_treaties(session: Session, item_id: int) -> list[Treaty]:
    """Return the treaties a paragraph concerns."""
    query = (
        select(Treaty)
        .join(ItemTreaty, col(ItemTreaty.treaty_id) == col(Treaty.id))
        .where(ItemTreaty.item_id == item_id)
        .order_by(col(Treaty.position))
    )
    return list(session.exec(query))


def treaty_history(session: Session, treaty_id: int) -> list[TreatyStateChange]:
    """Return a treaty's state history, newest first."""
    query = (
        select(TreatyStateChange)
        .where(TreatyStateChange.treaty_id == treaty_id)
        .order_by(col(TreatyStateChange.id).desc())
    )
    return list(session.exec(query))


def open_reviews(session: Session, item_id: int | None = None) -> list[ItemReview]:
    """Return the reviews no monitor has decided yet, oldest first."""
    query = select(ItemReview).where(col(ItemReview.resolution).is_(None))
    if item_id is not None:
        query = query.where(ItemReview.item_id == item_id)
    return list(session.exec(query.order_by(col(ItemReview.id))))

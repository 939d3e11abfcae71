"""The one writer of a paragraph's role (operative/context) and its themes, with their events."""

from datetime import datetime

from sqlalchemy import delete
from sqlmodel import Session, col, select

from tracker.events import append_item_event
from tracker.items.status_changes import Actor
from tracker.models import Item, ItemTag, Tag
from tracker.texts.roles import ROLES


class ClassificationError(ValueError):
    """The requested role or tags cannot be recorded."""


def set_item_role(
    session: Session, item: Item, *, role: str, actor: Actor, now: datetime
) -> bool:
    """Correct an item's role; append an event; return whether it changed. Does not commit."""
    if role not in ROLES:
        raise ClassificationError(f"Unknown role {role!r}.")
    if role == item.role:
        return False
    before, item.role, item.role_set_by = item.role, role, actor.label
    session.add(item)
    append_item_event(
        session,
        item,
        kind="item_role_changed",
        summary=f"§{item.number}: classified as {role} (was {before})",
        actor=actor,
        now=now,
        payload={"from": before, "to": role},
    )
    return True


def set_item_tags(
    session: Session, item: Item, *, slugs: list[str], actor: Actor, now: datetime
) -> bool:
    """Replace an item's themes; append an event; return whether they changed. No commit."""
    tags = list(session.exec(select(Tag).where(col(Tag.slug).in_(slugs)))) if slugs else []
    if len(tags) != len(set(slugs)):
        raise ClassificationError("Unknown theme.")
    query = select(Tag).join(ItemTag, col(ItemTag.tag_id) == Tag.id)
    query = query.where(ItemTag.item_id == item.id)
    before = {tag.slug for tag in session.exec(query)}
    after = {tag.slug for tag in tags}
    if before == after:
        return False
    session.execute(delete(ItemTag).where(col(ItemTag.item_id) == item.id))
    session.add_all(ItemTag(item_id=item.id, tag_id=tag.id) for tag in tags)
    labels = ", ".join(sorted(tag.label for tag in tags)) or "none"
    append_item_event(
        session,
        item,
        kind="item_tags_changed",
        summary=f"§{item.number}: themes now {labels}",
        actor=actor,
        now=now,
        payload={"from": sorted(before), "to": sorted(after)},
    )
    session.flush()
    return True

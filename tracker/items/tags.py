"""The themes paragraphs are tagged with: the seeded list and reading who has which."""

from collections import defaultdict

from sqlmodel import Session, col, select

from tracker.i18n import N_
from tracker.models import ItemTag, Tag

SEEDED_TAGS = (
    ("elections", N_("Elections")),
    ("judiciary", N_("Judiciary")),
    ("media-freedom", N_("Media freedom")),
    ("civil-society", N_("Civil society")),
    ("torture-and-detention", N_("Torture and detention")),
    ("corruption", N_("Corruption")),
    ("treaties", N_("Treaties")),
    ("gender-equality", N_("Gender equality")),
)


def seed_tags(session: Session) -> int:
    """Create the seeded tags the database lacks; return how many were created."""
    known = set(session.exec(select(Tag.slug)))
    missing = [Tag(slug=slug, label=label) for slug, label in SEEDED_TAGS if slug not in known]
    session.add_all(missing)
    session.flush()
    return len(missing)


def all_tags(session: Session) -> list[Tag]:
    """Return every tag, alphabetically by label."""
    return list(session.exec(select(Tag).order_by(col(Tag.label))))


def get_tag(session: Session, slug: str) -> Tag | None:
    """Return the tag with that slug, or None."""
    return session.exec(select(Tag).where(Tag.slug == slug)).first()


def tags_by_item(session: Session) -> dict[int, list[Tag]]:
    """Return each tagged item's tags, alphabetically."""
    query = select(ItemTag.item_id, Tag).join(Tag, col(Tag.id) == ItemTag.tag_id)
    found: dict[int, list[Tag]] = defaultdict(list)
    for item_id, tag in session.exec(query.order_by(col(Tag.label))):
        found[item_id].append(tag)
    return dict(found)


def item_ids_tagged(session: Session, tag: Tag) -> set[int]:
    """Return the ids of the items tagged with a tag."""
    return set(session.exec(select(ItemTag.item_id).where(ItemTag.tag_id == tag.id)))

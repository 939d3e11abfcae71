"""Store a text's units as items: create what is missing, report what differs, overwrite nothing.

Used by seeding (``seeds/``) and by ``tracker texts import``; neither commits.
"""

from dataclasses import dataclass, field

from sqlmodel import Session, select

from tracker.models import Document, Item
from tracker.texts.chapeaux import without_article
from tracker.texts.comparison import classify_difference
from tracker.texts.roles import classify_role
from tracker.texts.units import Paragraph


@dataclass
class ItemsReport:
    """What storing a text's units did, and what it refused to do."""

    items_created: int = 0
    items_unchanged: int = 0
    conflicts: list[str] = field(default_factory=list)


def store_units(
    session: Session,
    document: Document,
    paragraphs: list[Paragraph],
    drafts: dict[str, str],
    *,
    source_name: str,
    report: ItemsReport,
    create: bool = True,
) -> None:
    """Create the document's missing items (unless ``create`` is false); report stored items
    that differ from the text."""
    stored = {
        item.number: item
        for item in session.exec(select(Item).where(Item.document_id == document.id))
    }
    for paragraph in paragraphs:
        draft_text = drafts.get(paragraph.number)
        item = stored.get(paragraph.number)
        if item is None and not create:
            report.conflicts.append(f"§{paragraph.number} is in {source_name} but not stored")
        elif item is None:
            parent = stored.get(paragraph.parent) if paragraph.parent else None
            item = Item(
                document_id=document.id,
                number=paragraph.number,
                parent_id=parent.id if parent else None,
                position=paragraph.position,
                depth=paragraph.number.count("."),
                text=paragraph.text,
                draft_text=draft_text,
                difference=classify_difference(paragraph.text, draft_text),
                addressee=without_article(paragraph.addressee),
                verb=paragraph.verb,
                role=classify_role(
                    paragraph.text, verb=paragraph.verb, is_sub_paragraph=bool(paragraph.parent)
                ),
            )
            session.add(item)
            session.flush()
            stored[paragraph.number] = item
            report.items_created += 1
        elif item.text != paragraph.text or item.draft_text != draft_text:
            what = "text" if item.text != paragraph.text else "draft text"
            report.conflicts.append(
                f"§{paragraph.number}: the {what} in {source_name} differs from the stored {what}"
            )
        else:
            report.items_unchanged += 1
    current = {p.number for p in paragraphs}
    for number in sorted(set(stored) - current):
        report.conflicts.append(f"§{number} is stored but no longer in {source_name}")

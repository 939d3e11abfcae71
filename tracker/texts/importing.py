"""Import a parsed PACE text (and its committee draft) as a document with tracked items.

Repeating an import is safe: an identical text changes nothing, and a text that differs from
the stored one is reported unit by unit and never written over.
"""

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session, select

from tracker.models import Document
from tracker.texts.storing import ItemsReport, store_units
from tracker.texts.units import ParsedText

SLUG_PREFIXES = {"resolution": "res", "recommendation": "rec", "opinion": "opi", "order": "ord"}
_ADOPTED_ON = re.compile(
    r"adopted\s+by\s+the\s+(?:assembly|standing\s+committee)[^.]*?\bon\s+(\d{1,2}\s+\w+\s+\d{4})",
    re.IGNORECASE,
)


class ImportRefused(ValueError):
    """Signal a text that cannot be imported as it is (no number for its slug, a bad slug)."""


@dataclass
class ImportReport:
    """What an import did, and what it refused to do."""

    slug: str
    document_created: bool = False
    items: ItemsReport = field(default_factory=ItemsReport)

    def lines(self) -> list[str]:
        """Return the report as lines for a person."""
        return [
            f"text {self.slug}: {'created' if self.document_created else 'already stored'}",
            f"items created: {self.items.items_created}, unchanged: {self.items.items_unchanged}",
            *(f"NOT OVERWRITTEN: {conflict}" for conflict in self.items.conflicts),
        ]


def default_slug(parsed: ParsedText) -> str:
    """Return the slug of a text: "res-2616", "rec-2296"."""
    if parsed.kind not in SLUG_PREFIXES or not parsed.number:
        raise ImportRefused(
            "the text names no kind and number (Resolution 2616 (2025)): give --slug"
        )
    return f"{SLUG_PREFIXES[parsed.kind]}-{parsed.number}"


def fingerprint(parsed: ParsedText) -> str:
    """Return a hash of what the parser read, so that page chrome around a text does not count."""
    canonical = json.dumps(parsed.as_json(), ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()


def import_text(
    session: Session,
    parsed: ParsedText,
    *,
    source: str,
    draft: ParsedText | None = None,
    draft_source: str | None = None,
    slug: str | None = None,
    now: datetime,
) -> ImportReport:
    """Add the text and its units, or report how they differ from the stored copy; no commit."""
    slug = slug or default_slug(parsed)
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,60}", slug):
        raise ImportRefused(f"slug {slug!r}: use lower-case letters, digits and hyphens")
    report = ImportReport(slug)
    document = session.exec(select(Document).where(Document.slug == slug)).first()
    drafts = {unit.number: unit.text for unit in draft.units} if draft else {}
    if document is not None:
        # Compared unit by unit, so a seeded copy of the same text is recognised too.
        store_units(
            session, document, parsed.units, drafts, source_name=source, report=report.items,
            create=False,
        )  # fmt: skip
        if report.items.conflicts:
            report.items.conflicts.insert(
                0, f"{source} differs from the copy stored on {document.loaded_at:%Y-%m-%d}"
            )
        return report
    document = _new_document(parsed, slug=slug, kind=parsed.kind or "text", source=source, now=now)
    document.text_sha256 = fingerprint(parsed)
    session.add(document)
    if draft is not None:
        draft_document = _new_document(
            draft, slug=f"{slug}-draft", kind="draft", source=draft_source or "", now=now
        )
        draft_document.text_sha256 = fingerprint(draft)
        session.add(draft_document)
    session.flush()
    report.document_created = True
    store_units(session, document, parsed.units, drafts, source_name=source, report=report.items)
    return report


def _new_document(parsed: ParsedText, *, slug: str, kind: str, source: str, now: datetime):
    """Return an unsaved document for a parsed text."""
    reference = (
        f"{parsed.kind.capitalize()} {parsed.number} ({parsed.year})"
        if parsed.kind and parsed.number and parsed.year
        else f"Draft {parsed.kind or 'text'}"
    )
    return Document(
        slug=slug,
        kind=kind,
        reference=reference[:200],
        title=(parsed.title or reference)[:500],
        dated=adopted_on(parsed) or now.date(),
        source=source,
        source_url=source[:500] if source.startswith(("http://", "https://")) else None,
        seed_file=source[-200:],
        text_sha256="",
        loaded_at=now,
    )


def adopted_on(parsed: ParsedText) -> date | None:
    """Return the adoption date named in the headers or footnotes ("Text adopted ... on 30
    September 2025"), or None."""
    for text in [*parsed.headers, *(note.text for note in parsed.footnotes)]:
        if match := _ADOPTED_ON.search(text):
            try:
                return datetime.strptime(match.group(1), "%d %B %Y").date()
            except ValueError:
                continue
    return None

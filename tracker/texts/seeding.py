"""Load the seed texts into items: idempotent, and never overwriting a text that changed."""

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlmodel import Session, select

from tracker.items.tags import seed_tags
from tracker.models import Document
from tracker.texts.parsing import Paragraph, parse_paragraphs
from tracker.texts.storing import ItemsReport, store_units
from tracker.treaties.seeding import seed_treaties

MANIFEST = "documents.json"


@dataclass
class SeedReport:
    """What a seed run did, and what it refused to do."""

    documents_created: int = 0
    items_created: int = 0
    items_unchanged: int = 0
    treaties_created: int = 0
    treaty_links_created: int = 0
    conflicts: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """Return the report as lines for a person."""
        return [
            f"documents created: {self.documents_created}",
            f"items created: {self.items_created}, unchanged: {self.items_unchanged}",
            f"treaties created: {self.treaties_created}, "
            f"treaty links created: {self.treaty_links_created}",
            *(f"NOT OVERWRITTEN: {conflict}" for conflict in self.conflicts),
        ]


@dataclass(frozen=True)
class SeedText:
    """One document of the manifest with its parsed paragraphs."""

    meta: dict
    text: str
    paragraphs: list[Paragraph]

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode()).hexdigest()


def read_seed_text(seeds_dir: Path, meta: dict) -> SeedText:
    """Read and parse one document named in the manifest."""
    text = (seeds_dir / meta["file"]).read_text(encoding="utf-8")
    paragraphs = parse_paragraphs(
        text, start_after=meta.get("start_after"), stop_before=meta.get("stop_before")
    )
    return SeedText(meta=meta, text=text, paragraphs=paragraphs)


def _document(
    session: Session, seed: SeedText, kind: str, report: SeedReport, now: datetime
) -> Document:
    meta = seed.meta
    existing = session.exec(select(Document).where(Document.slug == meta["slug"])).first()
    if existing is not None:
        if existing.text_sha256 != seed.sha256:
            report.conflicts.append(
                f"{meta['file']} differs from the copy loaded on "
                f"{existing.loaded_at:%Y-%m-%d} (sha256 {existing.text_sha256[:12]}…)"
            )
        return existing
    document = Document(
        slug=meta["slug"],
        kind=kind,
        reference=meta["reference"],
        title=meta["title"],
        dated=date.fromisoformat(meta["dated"]),
        source=meta["source"],
        source_url=meta.get("source_url"),
        seed_file=meta["file"],
        text_sha256=seed.sha256,
        loaded_at=now,
    )
    session.add(document)
    session.flush()
    report.documents_created += 1
    return document


def seed_database(session: Session, seeds_dir: Path, *, now: datetime) -> SeedReport:
    """Create what the seeds hold and the database lacks; report differences; do not commit."""
    manifest = json.loads((seeds_dir / MANIFEST).read_text(encoding="utf-8"))
    adopted = read_seed_text(seeds_dir, manifest["resolution"])
    draft = read_seed_text(seeds_dir, manifest["draft"])
    report = SeedReport()
    document = _document(session, adopted, "resolution", report, now)
    _document(session, draft, "draft", report, now)
    drafts = {p.number: p.text for p in draft.paragraphs}
    items = ItemsReport()
    store_units(
        session, document, adopted.paragraphs, drafts, source_name=adopted.meta["file"],
        report=items,
    )  # fmt: skip
    report.items_created, report.items_unchanged = items.items_created, items.items_unchanged
    report.conflicts.extend(items.conflicts)
    seed_tags(session)
    treaties = seed_treaties(session, seeds_dir, now=now)
    report.treaties_created = treaties.treaties_created
    report.treaty_links_created = treaties.links_created
    report.conflicts.extend(treaties.problems)
    return report

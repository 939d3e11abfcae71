"""An entry found in a feed or listing page, as plain data."""

import hashlib
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Entry:
    """One item of a feed or listing page, as text."""

    key: str  # the feed's id, else the link, else the title: what identifies it over time
    title: str
    link: str | None
    published_at: datetime | None
    text: str

    def content_sha256(self) -> str:
        """Return the hash of what the entry says (title, link-less text), not of its date."""
        normalised = " ".join(f"{self.title}\n{self.text}".split()).casefold()
        return hashlib.sha256(normalised.encode()).hexdigest()

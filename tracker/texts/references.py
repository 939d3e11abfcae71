"""Find the mentions of other Assembly texts in a paragraph and where each one links to.

"Resolution 1526 (2006)", "Recommendation 2296 (2025)", "Resolutions 1526 (2006) ... and 2193
(2017)" (a bare "2193 (2017)" takes the kind named last before it) and "Doc. 16245". A mention
links to the text in the tracker when it is imported there, else to the Assembly's search for
that reference (the Assembly's file numbers cannot be derived from a reference).
"""

import re
from dataclasses import dataclass
from urllib.parse import quote_plus

from tracker.texts.importing import SLUG_PREFIXES

ASSEMBLY_SEARCH = "https://pace.coe.int/en/search?q={}"

_MENTION = re.compile(
    r"\b(?:(?P<kind>resolutions?|recommendations?|opinions?|orders?)\s+)?"
    r"(?:no\.\s*)?(?P<number>\d{3,4})\s*\((?P<year>\d{4})\)"
    r"|\bdoc(?:ument)?\.\s*(?P<doc>\d{4,5})\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Mention:
    """A reference to another text: its kind ("resolution", "doc"), number and year."""

    kind: str
    number: str
    year: str | None

    @property
    def label(self) -> str:
        if self.kind == "doc":
            return f"Doc. {self.number}"
        return f"{self.kind.capitalize()} {self.number} ({self.year})"

    @property
    def slug(self) -> str | None:
        """Return the slug the text would have in the tracker ("res-1526")."""
        prefix = SLUG_PREFIXES.get(self.kind)
        return f"{prefix}-{self.number}" if prefix else None

    @property
    def assembly_url(self) -> str:
        return ASSEMBLY_SEARCH.format(quote_plus(self.label))


def split_mentions(text: str) -> list[tuple[str, Mention | None]]:
    """Return the text as segments, each either plain (None) or one mention of another text."""
    segments: list[tuple[str, Mention | None]] = []
    kind: str | None = None
    position = 0
    for match in _MENTION.finditer(text):
        if match["doc"]:
            mention = Mention("doc", match["doc"], None)
        else:
            if match["kind"]:
                kind = match["kind"].lower().rstrip("s")
            if kind is None:
                continue  # "the 2004 (…)": a number with a year but no kind named before
            mention = Mention(kind, match["number"], match["year"])
        segments.append((text[position : match.start()], None))
        segments.append((match.group(), mention))
        position = match.end()
    segments.append((text[position:], None))
    return [(part, mention) for part, mention in segments if part]

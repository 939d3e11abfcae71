"""What the parser returns: units, the parsed text, and its error."""

from dataclasses import dataclass, field

from tracker.texts.footnotes import Footnote


@dataclass(frozen=True)
class Paragraph:
    """One numbered unit of a PACE text: a paragraph, sub-paragraph or list item."""

    number: str
    parent: str | None
    text: str
    addressee: str | None
    verb: str | None
    position: int


@dataclass
class ParsedText:
    """What the parser read: the text's identity, its units, footnotes and the lines around."""

    kind: str | None
    number: str | None
    year: str | None
    title: str | None
    units: list[Paragraph]
    footnotes: list[Footnote]
    headers: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        """Return the parse as the JSON document ``tracker texts parse`` prints."""
        return {
            "kind": self.kind,
            "number": self.number,
            "year": self.year,
            "title": self.title,
            "units": [
                {"number": u.number, "parent": u.parent, "text": u.text, "addressee": u.addressee}
                for u in self.units
            ],
            "footnotes": [{"mark": n.mark, "text": n.text} for n in self.footnotes],
        }


class ParseError(ValueError):
    """Signal that a text cannot be read as numbered PACE units."""

"""Collect footnote references and footnote texts, and pair them without guessing.

A footnote text belongs to the reference with its mark that precedes it. When several texts
share a mark (two notes numbered 1), each must follow exactly one not-yet-paired reference
with that mark; otherwise the pairing would be a guess, and the parse fails naming the mark.
"""

import re
from dataclasses import dataclass, field

from tracker.texts.markup import clean_text

# How a footnote's text starts, as opposed to a paragraph that happens to bear its number.
FOOTNOTE_OPENER = re.compile(
    r"^\W*(?:assembly\s+debate|see\b|text\s+adopted|doc\.|draft\s+(?:resolution|recommendation)"
    r"|(?:resolution|recommendation|opinion|order)\s+\d|c?ets\b|https?://|reference\b|ibid|"
    r"adopted\s+by\b|\w+\s+\d{1,2}\s*\(\d{4}\))",
    re.IGNORECASE,
)

# The older viewer prints a note inside its paragraph: "(1)", then "Doc. 10957 which revealed".
REFERENCE_THEN_TEXT = re.compile(
    r"^\s*(?P<note>(?:see\s+(?:also\s+)?)?(?:doc(?:ument)?s?\.?\s*\d{3,5}(?:\s+rev\.?)?"
    r"(?:\s*(?:,|and)\s*(?:doc\.?\s*)?\d{3,5})*|(?:resolution|recommendation|opinion|order)"
    r"\s+\d{1,4}\s*\(\d{4}\)|c?ets\s+no\.?\s*\d+))\s+(?P<rest>(?-i:[a-z]).*)$",
    re.IGNORECASE,
)
# "(1) Assembly debate on ..." at the end of a camera.it copy
BRACKETED_NOTE = re.compile(r"^\s*(?:\((\d{1,3})\)|\[(\d{1,3})\])\s+(?=\S)")
# "Kosovo*" refers to the note "* All reference to Kosovo ..." (plain and PDF text).
STAR_GLUED = re.compile(r"(?<=[^\W\d_])\*(?=[\s,.;:)”’\"]|$)")
STAR_NOTE = re.compile(r"^\s*\*\s*(?=[A-Z])")
_ABBREVIATION = re.compile(r"\b(?:Doc|Nos?|pp?|paras?|Art|cf|e\.g|i\.e|ibid|op|vol)\.\s*$", re.I)


def continues_cut_unit(note_line: str, line: str, *, page_note: bool) -> bool:
    """Say whether a line after a note's last line goes on with the unit a page cut (no
    running title between): after a finished note sentence, a line in lower case (a note's
    next sentence would not be), or, after a PDF page's note ("2 See ..."), a capitalised
    line that does not read like a note ("Text adopted by the Assembly on ...")."""
    done = re.search(r"[.;][)”\"’]*\s*$", note_line) and not _ABBREVIATION.search(note_line)
    first = line.lstrip()[:1]
    if not done:
        return False  # "(see Doc.\n18880, report ...", "(i.e.\nthe second)"
    return first.islower() or (page_note and first.isupper() and not FOOTNOTE_OPENER.match(line))


class FootnoteError(ValueError):
    """Signal a footnote mark that cannot be paired with its text unambiguously."""


@dataclass
class Footnote:
    """One footnote's mark and the lines of its text."""

    mark: str
    lines: list[str] = field(default_factory=list)
    position: int = 0  # order of events, to pair texts with the references before them

    @property
    def text(self) -> str:
        return clean_text(" ".join(self.lines))


@dataclass
class Footnotes:
    """The references and texts met while reading a text, in reading order."""

    references: list[tuple[str, int]] = field(default_factory=list)  # (mark, position)
    notes: list[Footnote] = field(default_factory=list)
    _clock: int = 0

    def tick(self) -> int:
        self._clock += 1
        return self._clock

    def refer(self, mark: str) -> None:
        """Record a reference to a mark at the current point of the text."""
        self.references.append((mark, self.tick()))

    def start(self, mark: str, first_line: str = "") -> Footnote:
        """Start a footnote's text and return it, to add its further lines."""
        note = Footnote(mark, [first_line] if first_line.strip() else [], self.tick())
        self.notes.append(note)
        return note

    def is_pending(self, mark: str) -> bool:
        """Say whether a mark was referred to and has no text yet."""
        referred = sum(1 for m, _ in self.references if m == mark)
        return referred > 0 and sum(1 for n in self.notes if n.mark == mark) < referred

    def has_text(self, mark: str) -> bool:
        """Say whether a note with this mark has been read."""
        return any(n.mark == mark for n in self.notes)

    def last_number(self) -> int:
        """Return the highest numeric mark with a text so far (0 when none)."""
        return max((int(n.mark) for n in self.notes if n.mark.isdigit()), default=0)

    def check_pairing(self) -> None:
        """Raise FootnoteError for a mark whose texts cannot each be paired with one reference."""
        for mark in dict.fromkeys(n.mark for n in self.notes):
            notes = [n for n in self.notes if n.mark == mark]
            if len(notes) < 2:
                continue
            refs = [position for m, position in self.references if m == mark]
            previous = 0
            for note in notes:
                before = [p for p in refs if previous < p < note.position]
                if len(before) != 1:
                    raise FootnoteError(
                        f"footnote mark {mark} is used for {len(notes)} notes and note text "
                        f"“{note.text[:40]}” follows {len(before)} references to it: "
                        "cannot tell which text belongs to which reference"
                    )
                previous = note.position
            if any(p > previous for p in refs):
                raise FootnoteError(
                    f"footnote mark {mark}: a reference after the last of its {len(notes)} "
                    "notes has no text of its own"
                )

    def unmatched_references(self) -> list[str]:
        """Return the marks referred to that have no text at all."""
        with_text = {n.mark for n in self.notes}
        return list(dict.fromkeys(m for m, _ in self.references if m not in with_text))

"""Read normalised lines one by one into preamble, units and footnotes.

Reading order of one line: blank or page residue; a website note "(2)"; in the preamble the
title line and the Assembly's headers (``preamble``); a footnote text; a number that
continues the numbering (a new unit); otherwise the line continues the current unit or
footnote.
"""

import re
from dataclasses import dataclass

from tracker.texts import headers as hdr
from tracker.texts.footnotes import (
    BRACKETED_NOTE,
    FOOTNOTE_OPENER,
    REFERENCE_THEN_TEXT,
    STAR_GLUED,
    STAR_NOTE,
    Footnote,
    Footnotes,
    continues_cut_unit,
)
from tracker.texts.formats import NOTE, PAGE_BREAK, REF, REF_OPEN
from tracker.texts.lines import ENDS_CLAUSE, ENDS_PARAGRAPH, ENDS_SENTENCE, in_quotation, join
from tracker.texts.markup import without_emphasis
from tracker.texts.numbering import (
    DECIMAL,
    LETTER,
    Marker,
    Segment,
    decimal_successors,
    follow,
    read_marker,
    render,
)
from tracker.texts.preamble import Preamble
from tracker.texts.units import ParseError

_BULLET = re.compile(r"^\s*(?:[-*+•▪●◦]\s+)+")


@dataclass
class RawUnit:
    path: list[Segment]
    lines: list[str]


class Reader:
    """The state of one pass over the lines of a text."""

    def __init__(self) -> None:
        self.units: list[RawUnit] = []
        self.notes = Footnotes()
        self.note: Footnote | None = None
        self.headers: list[str] = []
        self.preamble = Preamble(self.headers, self.refer)
        self.seen: set[str] = set()
        self.rejected: str | None = None  # why a numbered line before any unit was refused
        self.at_break = True  # the previous line ended a paragraph (or there was none)
        self.at_clause = False  # the previous line ended with a comma
        self.fresh_note = False  # a website note "(1)" has been read, its text not yet
        self.intro: str | None = None  # the last line before the first unit
        self.undotted = False  # the first unit was numbered "1 The", without a dot
        self.page_note = False  # the last note began "2 See ...", as at a PDF page's foot
        self.starred = False  # "Kosovo*" was met: a "* ..." line is its note
        # After a blank line, a capitalised line after a finished unit is not that unit's text
        # (a heading, the page's footer) unless a page break or a note explains the gap.
        self.after_blank = False
        self.gap_explained = False
        self.detached = False

    def read(self, lines: list[str], first_line: int) -> None:
        for line_number, raw in enumerate(lines, start=first_line):
            if self.read_line(raw, line_number) == "stop":
                break

    def read_line(self, raw: str, line_number: int) -> str | None:
        if self.notes.is_pending("*") and (star := STAR_NOTE.match(raw)):
            self._start_note("*", raw[star.end() :])
            return None
        starred = STAR_GLUED.search(without_emphasis(raw)) and not hdr.is_header(raw)
        if not self.starred and starred:  # not "Provisional versions*" and its "*subject to"
            self.starred = True
            self.refer("*")
        line = _BULLET.sub("", raw, count=1).lstrip()
        toggle, line = hdr.strip_open_toggle(line)
        if toggle:
            self.headers.append(toggle)
        bare = REF.sub("", line).strip()
        if line.strip() == PAGE_BREAK:
            # Like a blank line, but the page explains the gap and the cut unit may go on.
            self.note, self.after_blank, self.gap_explained = None, True, True
            self.preamble.blank()
            return None
        if not line.strip():
            self.note, self.at_break, self.after_blank = None, True, True
            self.preamble.blank()
            return None
        if line.startswith(NOTE):
            self.gap_explained = True
            self.refer(line[len(NOTE) :])
            self._start_note(line[len(NOTE) :])
            self.fresh_note = True
            return None
        if self.fresh_note and self.units and (split := REFERENCE_THEN_TEXT.match(line)):
            # The older viewer prints a note inside its paragraph: "(1)", then "Doc. 10957 which
            # revealed ...": the reference is the note, the words after it the paragraph's.
            self.note.lines.append(split["note"])
            self.note, self.fresh_note = None, False
            self.add_text(split["rest"])
            return None
        self.fresh_note = False
        if self.units and any(  # "- 2 -" is a page number, not a bullet
            hdr.is_page_residue(each, title_line=self.preamble.title_line)
            for each in (bare, raw.strip())
        ):
            self.headers.append(bare)
            self.gap_explained = True
            if self.note is not None:
                # A note stands at the foot of its page: the page's footer or the next page's
                # running title ends it, and the unit it interrupted goes on.
                self.note = None
                self._after(self.units[-1].lines[-1])
            return None
        if self.units and (hdr.END_OF_TEXT.match(bare) or self._other_title(bare)):
            return "stop"
        if (
            self.units
            and not self.note
            and hdr.between_units(line, bare, after_break=self.at_break)
        ):
            self.headers.append(bare)
            self.at_break = True
            return None
        if not self.units and self._lettered_from_the_start(line, bare):
            return None
        if not self.units and self.read_preamble(line, bare):
            self.intro = bare
            return None
        if line.startswith(REF_OPEN) and (match := REF.match(line)) and line[match.end() :].strip():
            self._start_note(match.group(1), line[match.end() :])
            return None
        if (match := BRACKETED_NOTE.match(line)) and self.notes.is_pending(
            mark := match[1] or match[2]
        ):
            # "(1) Assembly debate on ..." (camera.it), "[1] ..." (a word processor's copy)
            self._start_note(mark, line[match.end() :])
            return None
        marker = read_marker(line, bare_items=self.undotted)
        if marker is not None and self.read_numbered(marker, line_number):
            return None
        self.add_text(line)
        return None

    def read_preamble(self, line: str, bare: str) -> bool:
        """Take a line before the first unit that is the title line, a header or the title."""
        if self.note is not None:
            return False  # a website note's text, whatever it says
        if self.preamble.read(line, bare):
            self.at_break = True
            return True
        return False

    def _lettered_from_the_start(self, line: str, bare: str) -> bool:
        """Start with item "a" when the text has no numbered paragraph: "Recommends that the
        Committee of Ministers" then "a adopt ...;" (the oldest texts)."""
        marker = read_marker(line, bare_items=True)
        if marker is None or marker.kind == DECIMAL or marker.value != "a" or self.note:
            return False
        if not self.intro or not hdr.CALL_INTRO.match(self.intro):
            return False
        self.undotted = not marker.dotted
        self.units.append(RawUnit([(LETTER, "a")], [marker.rest]))
        self._after(marker.rest)
        return True

    def read_numbered(self, marker: Marker, line_number: int) -> bool:
        """Start a unit or a numbered footnote text; say whether the line was taken."""
        path = self.units[-1].path if self.units else []
        new_path = follow(path, marker)
        top_level = marker.kind == DECIMAL and "." not in marker.value
        pending = top_level and self.notes.is_pending(marker.value)
        # A note text among notes, or one that reads like a note ("See Doc. 16245").
        looks_like_note = self.note is not None or bool(FOOTNOTE_OPENER.match(marker.rest))
        sequential = top_level and int(marker.value) == self.notes.last_number() + 1
        # PDF notes are numbered "2 See ...", the units "2. The ...": among notes, the next
        # undotted number is the next note.
        next_note = self.note is not None and self.page_note and sequential and not marker.dotted
        if marker.dotted and self.units and in_quotation(self.units[-1].lines, straight=False):
            return False  # “1. Each Party ...\n2. Each Party ...”: the quoted text's numbers
        if new_path is not None and not (pending and looks_like_note) and not next_note:
            if not self.at_break and not marker.dotted and not self._clause_ends(marker):
                return False  # "... held on\n15 October" is a wrapped line
            self.undotted = self.undotted if self.units else not marker.dotted
            self.units.append(RawUnit(new_path, [marker.rest]))
            self.after_blank = self.gap_explained = self.detached = False
            for mark in REF.findall(marker.rest):
                self.refer(mark)
            self.seen.add(marker.value)
            self.note = None
            self._after(marker.rest)
            return True
        # A second note with a mark already used ("1 See also ..." under note 1): kept, so
        # that the pairing check can refuse it unless its reference is unambiguous.
        repeated = looks_like_note and self.notes.has_text(marker.value)
        quoted = marker.dotted and self.note is None and self._quoting()
        if top_level and (pending or repeated or (sequential and self.units and not quoted)):
            self._start_note(marker.value, marker.rest, page=not marker.dotted)
            return True
        if marker.kind == DECIMAL and marker.dotted and self.at_break and not quoted:
            if self.units:
                self._out_of_sequence(marker.value, path, line_number)
            self.rejected = self.rejected or (
                f"line {line_number}: paragraph {marker.value} cannot come as the first paragraph"
            )
        return False

    def _quoting(self) -> bool:
        """Say whether the current unit quotes a text with its own numbered paragraphs:
        "replace Article 5 with: “1. Each Party ...\n2. Each Party ...”"."""
        return bool(self.units) and in_quotation(self.units[-1].lines)

    def _out_of_sequence(self, number: str, path: list[Segment], line_number: int) -> None:
        previous = render(path)
        if number in self.seen:
            raise ParseError(f"line {line_number}: duplicate paragraph number {number}")
        expected = " or ".join(decimal_successors(path))
        raise ParseError(
            f"line {line_number}: paragraph {number} cannot come after {previous}; "
            f"expected {expected}"
        )

    def add_text(self, line: str) -> None:
        """Add a line to the open footnote, the current unit, or the preamble."""
        note = self.note
        if (
            self.units
            and note
            and note.lines
            and continues_cut_unit(note.lines[-1], line, page_note=self.page_note)
        ):
            self.note = None
        target = self.note.lines if self.note else (self.units[-1].lines if self.units else None)
        if target is not None and self.note is None and self._detached(line):
            target = None
        if target is None:
            self.headers.append(line)
            self.intro = REF.sub("", line).strip() if not self.units else self.intro
        else:
            if self.note is None:
                for mark in REF.findall(line):
                    self.refer(mark)
            join(target, line)
        self._after(line)

    def _start_note(self, mark: str, text: str = "", *, page: bool = False) -> None:
        """Open a note's text; ``page`` when it is a PDF page's "2 See ..." note."""
        self.note = self.notes.start(mark, text)
        self.page_note = page

    def _after(self, line: str) -> None:
        """Remember how a line of text ended, to tell a new unit from a wrapped line."""
        self.at_break = ENDS_SENTENCE.search(REF.sub("", line)) is not None
        self.at_clause = ENDS_CLAUSE.search(REF.sub("", line)) is not None

    def _clause_ends(self, marker: Marker) -> bool:
        """Say whether "2 Instructs" after a line ending in a comma starts a unit: an older
        text's considerations ("1 In the light of ...,") end with one."""
        return self.at_clause and marker.kind == DECIMAL and "." not in marker.value

    def _detached(self, line: str) -> bool:
        """Say whether a line after a finished unit and a blank line stands apart from it."""
        if not self.detached and self.after_blank and not self.gap_explained:
            # After a colon the unit goes on ("notes:" then "– the first;"), as it does with a
            # line that does not start with a capital letter.
            finished = ENDS_PARAGRAPH.search(REF.sub("", self.units[-1].lines[-1]))
            self.detached = bool(finished) and line.lstrip()[:1].isupper()
        self.after_blank = self.gap_explained = False
        return self.detached

    def refer(self, mark: str) -> None:
        self.notes.refer(mark)

    def _other_title(self, bare: str) -> bool:
        title, current = hdr.read_title_line(bare), self.preamble.title_line
        if title is None or current is None:
            return False
        return (title.kind, title.number) != (current.kind, current.number)

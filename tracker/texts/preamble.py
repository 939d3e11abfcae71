"""Read the lines before the first unit: the title line, the title, the Assembly's headers.

Writer of one text's identity while ``reader`` passes over its preamble: the title line
("Resolution 2616 (2025)"), the title (the lines after the title line up to the headers, else
the block just above the title line, as pace.coe.int prints it) and a draft's kind. A title
line replaces an earlier one until a settling header ("Parliamentary Assembly", the debate
line) has been read: the earlier ones were a table of contents.
"""

from collections.abc import Callable

from tracker.texts import headers as hdr
from tracker.texts.formats import REF, REF_OPEN
from tracker.texts.numbering import read_marker


class Preamble:
    """What the lines before the first unit say about the text."""

    def __init__(self, headers: list[str], refer: Callable[[str], None]) -> None:
        self.headers = headers  # shared with the reader: the lines that are not text
        self.refer = refer
        self.title_line: hdr.TitleLine | None = None
        self.draft_kind: str | None = None
        self.title_lines: list[str] = []
        self.title_done = False
        self.cover_lines: list[str] = []  # the block of lines just before the title line
        self.block: list[str] = []
        self.block_open = False
        self.settled = False  # the title line is the text's own, not a table of contents

    @property
    def title(self) -> str:
        return " ".join(self.title_lines or self.cover_lines)

    def blank(self) -> None:
        self.title_done = self.title_done or bool(self.title_lines)
        self.block_open = False

    def read(self, line: str, bare: str) -> bool:
        """Take a line that is the title line, a header or the title; say whether it was."""
        if (title := hdr.read_title_line(bare)) and not self.settled:
            # Lines before the title line are a cover ("Doc. XII-bis, n. 259") or, on
            # pace.coe.int, the title itself; an earlier title line was a table of contents.
            self.cover_lines = self.block if self.title_line is None else []
            self.title_line = title
            self.headers.extend([*self.title_lines, bare])
            self.title_lines = [title.rest] if title.rest else []
            self.title_done = False
            if title.mark:
                self.refer(title.mark)
            for mark in REF.findall(line):
                self.refer(mark)
            return True
        if hdr.is_header(bare) or (self.title_line and hdr.is_page_residue(bare, title_line=None)):
            if draft := hdr.DRAFT_SECTION.match(bare):
                self.draft_kind = draft["kind"].lower()
            self.headers.append(bare)
            self.blank()
            # After "Parliamentary Assembly" or the debate line, a title line is a reference.
            self.settled = self.settled or bool(self.title_line and hdr.SETTLING.match(bare))
            self.title_done = self.title_done or self.settled  # the title comes before these
            return True
        if line.startswith(REF_OPEN) or read_marker(line):
            return False
        if self.title_line is None and not hdr.is_page_residue(bare, title_line=None):
            self.block = self.block if self.block_open else []
            self.block.append(line)
            self.block_open = True
        if not self.title_done:
            self.title_lines.append(line)
            for mark in REF.findall(line):
                self.refer(mark)
            return True
        return False

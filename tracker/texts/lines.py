"""How a line of text ends and how the next one joins it (wrapped lines of PDF text).

Pure helpers of ``reader``: whether a line ends a paragraph, a sentence or a clause, and
how a line is appended to the lines of a unit or note.
"""

import re

ENDS_PARAGRAPH = re.compile(r"[.;!?][)”\"’»]*\s*(?:\d{1,2})?\s*$")
ENDS_SENTENCE = re.compile(r"[.;:!?)”\"’»]\s*(?:\d{1,2})?\s*$")
ENDS_CLAUSE = re.compile(r",\s*(?:\d{1,2})?\s*$")
# A hyphen or an en dash right after a letter or digit at the end of a line: "non-", "2024–"
_HYPHEN_AT_END = re.compile(r"[^\W_][-–]\s*$")


def join(lines: list[str], line: str) -> None:
    """Append a line, joining a word hyphenated at the end of the previous line.

    The hyphen stays: "non-\\ngovernmental" and "co-\\noperation" are written with one, and
    nothing tells a layout's hyphenation from them (a soft hyphen does, see ``formats``).
    """
    if lines and _HYPHEN_AT_END.search(lines[-1]) and line.lstrip()[:1].isalnum():
        lines[-1] = lines[-1].rstrip() + line.lstrip()
    else:
        lines.append(line)


def in_quotation(lines: list[str], *, straight: bool = True) -> bool:
    """Say whether a unit's text so far opened a quotation it has not closed (an amended
    article quoted with its own numbered paragraphs); ``straight`` counts '"' too, whose
    pairs a typo can break."""
    # The quoted text starts a line of its own ("... the following:\n“1. Each Party"), so a
    # stray quote mark inside a sentence ("the so-called “agents“ law") opens nothing.
    starts = [i for i, line in enumerate(lines) if line.lstrip()[:1] in ("“", "«", '"')]
    if not starts:
        return False
    text = " ".join(lines[starts[-1] :])
    curly = text.count("“") > text.count("”") or text.count("«") > text.count("»")
    return curly or (straight and text.count('"') % 2 == 1)

"""Recognise the lines around the numbered text: title, PACE headers, page residue.

The conventions are the Assembly's own: a title line "Resolution 2616 (2025)" (any case,
maybe followed by a note mark or "Provisional version"), the headline, "Parliamentary
Assembly", "Author(s): ...", "Origin - Assembly debate on ... Text adopted by the Assembly
on ...", "See Doc. 16245, report of ...", and in a committee report "A. Draft resolution"
up to "B. Explanatory memorandum". PDF pages add page numbers, the Strasbourg footer and
the title line again at the top of each page.
"""

import re
from dataclasses import dataclass

KINDS = ("resolution", "recommendation", "opinion", "order")

TITLE_LINE = re.compile(
    r"^\s*(?:\*\*)?(?P<kind>resolution|recommendation|opinion|order)\s+(?:no\.?\s*)?"
    r"(?P<number>\d{1,5})\s*\((?P<year>\d{4})\)(?:\*\*)?(?P<rest>.*)$",
    re.IGNORECASE,
)
DRAFT_SECTION = re.compile(
    r"^\s*(?:[A-Z]\.\s+)?(?:Preliminary\s+)?draft\s+(?P<kind>resolution|recommendation|opinion)\b",
    re.IGNORECASE,
)
# What ends the numbered text: the next part of a report, an appendix.
END_OF_TEXT = re.compile(
    r"^\s*(?:[A-Z]\.\s+(?:Explanatory\s+memorandum|Draft\s+\w+|Justification)\b"
    r"|Explanatory\s+memorandum\b|Appendix\b|Annex\b)",
    re.IGNORECASE,
)
_HEADERS = [
    r"(?:provisional|final)\s+(?:versions?|edition)\*?",
    r"\*?subject\s+to\s+editorial\s+review\.?",
    r"logo\s+assembly(?:\s+logo\s+hemicycle)?",
    # The older texts open "The Assembly," before their numbered considerations.
    r"the\s+(?:parliamentary\s+)?assembly\s*,",
    r"(?:the\s+)?parliamentary\s+assembly(?:\s+of\s+the\s+council\s+of\s+europe)?",
    r"council\s+of\s+europe",
    r"author\(s\)\s*:.*",
    r"origin\s*[-–—:].*",
    r"assembly\s+debate\s+on\b.*",
    r"text\s+adopted\s+by\s+the\s+(?:assembly|standing\s+committee)\b.*",
    r"see\s+doc(?:ument)?\.?\s*\d+.*",
    r"\(?see\s+doc\.?\s*\d+.*",
    r"print",
    r"see\s+related\s+documents",
    r"share",
    r"(?:report|opinion|reply|information\s+report)\s*\|\s*doc\.?\s*\d+.*",
    r"rapporteur\s*:.*",
    r"(?:committee|commission)\s+(?:on|for)\s+[^.;:]{3,120}",
    r"reference\s+to\s+committee.*",
    r"\d{4}\s*[-–—]\s*\w+\s+part[-\s]session",
    r"[A-Z]\.\s+draft\s+(?:resolution|recommendation|opinion)",
    r"_{3,}|-{3,}|\*{3,}|={3,}",
]
# The debate and adoption line printed after the text (older pages) is no unit's text.
TRAILER = re.compile(
    r"^\s*\(?(?:assembly\s+debate\s+on\b|text\s+adopted\s+by\s+the\s+(?:assembly|standing)\b"
    r"|extract\s+from\s+the\s+official\s+gazette\b)",
    re.IGNORECASE,
)
# An unnumbered call that the oldest texts let lettered items follow.
CALL_INTRO = re.compile(
    r"^(?:the\s+assembly\s*,?\s*)?(?:recommends|instructs|invites|calls\s+(?:on|upon)|urges"
    r"|asks|requests|decides|resolves)\b[^.;]*:?$",
    re.IGNORECASE,
)
# A section heading between units: "A. General principles", "II. The way forward".
SECTION_HEADING = re.compile(r"^\s*(?:[A-H]|[IVX]{1,4})\.\s+[A-Z][^.;:!?]{2,80}$")
# The headers that only the text itself carries under its title line, not a table of contents.
SETTLING = re.compile(
    r"^\s*(?:(?:the\s+)?parliamentary\s+assembly|author|origin|assembly\s+debate|text\s+adopted)",
    re.IGNORECASE,
)
HEADER = re.compile(rf"^\s*(?:{'|'.join(_HEADERS)})\s*$", re.IGNORECASE)
# Page residue can stand anywhere in PDF text, even in the middle of a paragraph.
# The ft.dk copies of the "Texts adopted" add their stamp ("Offentligt", "ERD, Alm.del - ...")
# and page images ("2766698_0003.png"); the camera.it copies number pages "Pag. 2".
PAGE_RESIDUE = re.compile(
    r"^\s*(?:\d{1,3}(?:\s*/\s*\d{1,3})?|[-–]\s*\d{1,3}\s*[-–]"
    r"|pag(?:e|\.)\s*\d+(?:\s+(?:of|/)\s+\d+)?|_{3,}|-{3,}|provisional\s+version"
    r"|\d+_\d{4}\.png|offentligt|europarådet\s+\d{4}-\d{2}.*|erd,?\s+alm\.\s*del\b.*"
    r"|F\s*[-–]\s*67075\s+Strasbourg.*|.*assembly@coe\.int.*|(?:tel|fax)\s*[.:].*"
    r"|https?://(?:assembly|pace)\.coe\.int\S*|doc\.\s*\d{4,5})\s*$",
    re.IGNORECASE,
)
# The websites' own lines around a text; unlike a page's residue they explain no gap.
SITE_CHROME = re.compile(
    r"^\s*(?:(?:see\s+)?related\s+(?:documents|texts)|see\s+also\s*:?|print(?:\s+sitting)?"
    r"|share|document\s+details"
    r"|logo\s+assembly(?:\s+logo\s+hemicycle)?"
    r"|(?:report|opinion|reply|resolution|recommendation)\s*\|\s*doc\.?\s*\d+.*)\s*$",
    re.IGNORECASE,
)
_DETAIL = re.compile(
    r"^\s*(?:|\d{1,2}[/.]\d{1,2}[/.]\d{4}|\d{1,2}\s+[A-Za-z]+\s+\d{4}|final\s+version"
    r"|doc\.?\s*\d+|adopted\s+text)\s*$",
    re.IGNORECASE,
)
_OPEN_TOGGLE = re.compile(r"^\s*\((?:open|close)\)\s*", re.IGNORECASE)


@dataclass(frozen=True)
class TitleLine:
    """The "Resolution 2616 (2025)" line: kind, number, year and what followed on the line."""

    kind: str
    number: str
    year: str
    rest: str
    line: str
    mark: str | None  # a note mark printed as a plain digit: "Resolution 2616 (2025)1"


def read_title_line(line: str) -> TitleLine | None:
    """Return the kind, number and year a title line names, or None."""
    match = TITLE_LINE.match(line)
    if match is None:
        return None
    glued = re.match(r"^\s*(?:\((\d{1,2})\)|(\d{1,2})(?=\s|$))", match["rest"])
    mark = (glued.group(1) or glued.group(2)) if glued else None
    rest = match["rest"][glued.end() :] if glued else match["rest"]
    rest = re.sub(r"(?i)\bprovisional\s+(?:version|edition)\b", "", rest).strip(" -–—|")
    # "Resolution 2616 (2025) | 1 October 2025 | Final version": the site's details
    rest = " ".join(part.strip() for part in rest.split("|") if not _DETAIL.match(part))
    if len(rest) > 200 or re.search(r"[.;]$", rest):
        return None  # a sentence that starts with "Resolution 1526 (2006) ..."
    kind = match["kind"].lower()
    return TitleLine(kind, match["number"], match["year"], rest, line.strip(), mark)


def is_header(line: str) -> bool:
    """Say whether a line is one of the Assembly's headers around a text."""
    return bool(HEADER.match(line))


def is_page_residue(line: str, *, title_line: TitleLine | None) -> bool:
    """Say whether a line is a page number, footer or running title of a PDF page."""
    if PAGE_RESIDUE.match(line):
        return True
    # The running title, maybe with the page number before it: "2 Resolution 2616 (2025)"
    line = re.sub(r"^\s*\d{1,3}\s+(?=[A-Za-z])", "", line)
    again = read_title_line(line) if title_line is not None else None
    same = again and (again.kind, again.number) == (title_line.kind, title_line.number)
    return bool(same and not again.rest)


def strip_open_toggle(line: str) -> tuple[str, str]:
    """Split the older viewer's "(open)" off a line: (toggle, rest)."""
    match = _OPEN_TOGGLE.match(line)
    if match is None:
        return "", line
    return match.group(), line[match.end() :]


def between_units(line: str, bare: str, *, after_break: bool) -> bool:
    """Say whether a line after a unit is a header rather than its text: a section heading
    (after a finished line: "... of Mr\nA. Example" is a wrapped name), the websites' lines,
    the debate line printed after the text (``line`` still carries a note's token: "[^1]:
    Assembly debate ..." is a note)."""
    heading = after_break and SECTION_HEADING.match(bare)
    return bool(heading or SITE_CHROME.match(bare) or TRAILER.match(line))

"""Parse the numbered paragraphs of a PACE resolution or recommendation."""

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Paragraph:
    """One numbered paragraph or sub-paragraph of a PACE text."""

    number: str
    parent: str | None
    text: str
    addressee: str | None
    verb: str | None
    position: int


class ParseError(ValueError):
    """Signal that a text cannot be read as numbered PACE paragraphs."""


# Bullets are conversion residue: "- 11.3." is paragraph 11.3, not a list item.
_BULLET = re.compile(r"^\s*(?:[-*+•]\s+)+")
# The trailing dot is required so that "71.3 % Kazakhs" is not read as a number.
_NUMBERED = re.compile(r"^\s*(\d+(?:\\?\.\d+)*)\\?\.(?:\s+|$)")
# "(1)" on its own line is how the PACE website renders a footnote; "[^1]:" is Markdown's.
_FOOTNOTE_MARK = re.compile(r"^\s*(?:\((\d+)\)\s*$|\[\^(\w+)\]:)")
# Toggles of the website's collapsible sections.
_WEB_RESIDUE = re.compile(r"^\s*\((?:open|close)\)\s*$", re.IGNORECASE)

_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_FOOTNOTE_REF = re.compile(r"\[\^\w+\]|<sup>\s*\(?\d+\)?\s*</sup>|[⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾]+", re.IGNORECASE)
# Tags only: "<https://...>" autolinks have a colon after the name and are left alone.
_HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^>]*)?/?>")
_STAR_EMPHASIS = re.compile(r"(\*{1,3})(?=\S)(.+?)(?<=\S)\1")
_UNDERSCORE_EMPHASIS = re.compile(r"(?<!\w)(_{1,3})(?=\S)(.+?)(?<=\S)\1(?!\w)")
_PLACEHOLDER_BASE = 0xE000  # private-use area: never present in a PACE text
_PLACEHOLDER = re.compile("[\ue000-\ue07f]")

_VERBS = (
    "calls on", "calls upon", "appeals to", "encourages", "urges", "recommends", "invites",
    "asks", "requests", "instructs", "resolves", "decides", "agrees",
)  # fmt: skip
_VERB_RE = "|".join(v.replace(" ", r"\s+") for v in sorted(_VERBS, key=len, reverse=True))
_SUBJECT = r"(?:[^,:;]{1,60},\s*)?the\s+(?:parliamentary\s+)?assembly\b\s*"
_ADVERBS = (
    r"(?:(?:therefore|also|further|furthermore|thus|accordingly|consequently|strongly"
    r"|firmly|again|once\s+again|hereby)\b\s*)*"
)
_CHAPEAU = re.compile(
    rf"^(?P<subject>{_SUBJECT})?{_ADVERBS}(?P<verb>{_VERB_RE})\b\s*(?:that\s+)?"
    r"(?P<addressee>(?:(?!\bto\b)[^:;])*?)\s*(?:\bto\s*)?:$",
    re.IGNORECASE,
)
_BARE_CHAPEAU = re.compile(rf"^{_SUBJECT}{_ADVERBS}:$", re.IGNORECASE)


def clean_text(text: str) -> str:
    """Remove Markdown and footnote residue from a paragraph and collapse its whitespace."""
    # Escaped characters are parked in the private-use area so that "\*" or "\]" cannot be
    # taken for emphasis or link syntax, then put back as plain characters at the end.
    text = _ESCAPE.sub(lambda m: chr(_PLACEHOLDER_BASE + ord(m.group(1))), text)
    text = _FOOTNOTE_REF.sub("", text)
    text = _LINK.sub(r"\1", text)
    text = _HTML_TAG.sub("", text)
    text = _STAR_EMPHASIS.sub(r"\2", text)
    text = _UNDERSCORE_EMPHASIS.sub(r"\2", text)
    text = _PLACEHOLDER.sub(lambda m: chr(ord(m.group()) - _PLACEHOLDER_BASE), text)
    return " ".join(text.split())


def is_chapeau(text: str) -> bool:
    """Return whether a paragraph only introduces its sub-paragraphs ("The Assembly urges:")."""
    return bool(_BARE_CHAPEAU.match(text) or _CHAPEAU.match(text))


def parse_paragraphs(
    text: str, *, start_after: str | None = None, stop_before: str | None = None
) -> list[Paragraph]:
    """Return the numbered paragraphs of a PACE text in document order."""
    first_line, lines = _select_lines(text, start_after=start_after, stop_before=stop_before)
    blocks = _numbered_blocks(lines, first_line=first_line)
    paragraphs = []
    scopes: dict[str, tuple[str | None, str | None, bool]] = {}
    for position, (number, raw_lines) in enumerate(blocks):
        parent = number.rpartition(".")[0] or None
        body = clean_text(" ".join(raw_lines))
        addressee, verb, open_to_verbs = _scope(body, scopes.get(parent) if parent else None)
        scopes[number] = (addressee, verb, open_to_verbs)
        paragraphs.append(Paragraph(number, parent, body, addressee, verb, position))
    return paragraphs


def _select_lines(
    text: str, *, start_after: str | None, stop_before: str | None
) -> tuple[int, list[str]]:
    """Return the first line number and the lines between the two delimiting patterns."""
    start = 0
    if start_after is not None:
        match = re.search(start_after, text, re.MULTILINE)
        if match is None:
            raise ParseError(f"start_after pattern {start_after!r} not found")
        line_end = text.find("\n", match.end())
        start = len(text) if line_end == -1 else line_end + 1
    end = len(text)
    if stop_before is not None:
        match = re.search(stop_before, text[start:], re.MULTILINE)
        if match is None:
            raise ParseError(f"stop_before pattern {stop_before!r} not found")
        end = text.rfind("\n", 0, start + match.start()) + 1
        end = max(end, start)
    return text.count("\n", 0, start) + 1, text[start:end].splitlines()


def _numbered_blocks(lines: list[str], *, first_line: int) -> list[tuple[str, list[str]]]:
    """Group lines into numbered paragraphs, dropping preamble, footnotes and page residue."""
    blocks: list[tuple[str, list[str]]] = []
    seen: set[str] = set()
    last_footnote = 0
    in_footnote = False
    for line_number, raw in enumerate(lines, start=first_line):
        line = _BULLET.sub("", raw, count=1)
        if not line.strip():
            # A footnote ends at the first blank line; what follows is the cut paragraph.
            in_footnote = False
            continue
        if _WEB_RESIDUE.match(line):
            continue
        if mark := _FOOTNOTE_MARK.match(line):
            if mark.group(1):
                last_footnote = max(last_footnote, int(mark.group(1)))
            in_footnote = True
            continue
        numbered = _NUMBERED.match(line)
        if numbered is None:
            if blocks and not in_footnote:
                blocks[-1][1].append(line)
            continue
        number = ".".join(str(int(part)) for part in numbered.group(1).replace("\\", "").split("."))
        previous = blocks[-1][0] if blocks else None
        if number in _successors(previous):
            blocks.append((number, [line[numbered.end() :]]))
            seen.add(number)
            in_footnote = False
        elif "." not in number and int(number) == last_footnote + 1:
            # Footnotes are numbered 1, 2, ... through the text and land wherever the page
            # broke, so the next footnote number out of sequence is a footnote, not a paragraph.
            last_footnote += 1
            in_footnote = True
        elif number in seen:
            raise ParseError(f"line {line_number}: duplicate paragraph number {number}")
        else:
            expected = " or ".join(_successors(previous))
            after = f" after {previous}" if previous else " as the first paragraph"
            raise ParseError(
                f"line {line_number}: paragraph {number} cannot come{after}; expected {expected}"
            )
    if not blocks:
        raise ParseError("no numbered paragraph found")
    return blocks


def _successors(number: str | None) -> list[str]:
    """Return the numbers that may follow a paragraph number: its first child, then siblings."""
    if number is None:
        return ["1"]
    parts = [int(part) for part in number.split(".")]
    found = [f"{number}.1"]
    for depth in range(len(parts), 0, -1):
        found.append(".".join(map(str, [*parts[: depth - 1], parts[depth - 1] + 1])))
    return found


def _scope(
    text: str, inherited: tuple[str | None, str | None, bool] | None
) -> tuple[str | None, str | None, bool]:
    """Return the addressee, the verb and whether sub-paragraphs may name their own addressee."""
    # At top level nothing has been addressed yet, so a verb-led chapeau may name an addressee.
    addressee, verb, open_to_verbs = inherited or (None, None, True)
    if _BARE_CHAPEAU.match(text):
        # "The Assembly therefore:" leaves each sub-paragraph to name its addressee.
        return None, None, True
    chapeau = _CHAPEAU.match(text)
    # A verb-led chapeau ("invites the Secretary General to:") speaks for the Assembly only
    # under a bare chapeau; under "encourages the Parliament to:" it is what the Parliament
    # should do (9.2 "encourage the authorities ... in particular:") and changes nothing.
    if chapeau and (chapeau["subject"] or (open_to_verbs and addressee is None)):
        own = re.sub(r"^the\s+", "", chapeau["addressee"], flags=re.IGNORECASE) or None
        return own, " ".join(chapeau["verb"].lower().split()), False
    return addressee, verb, open_to_verbs

"""Parse a PACE text (plain, PDF text, Markdown or HTML) into its units and footnotes.

Front door: ``parse_text`` (everything) and ``parse_paragraphs`` (the units only). The
steps live in their own modules: ``formats`` (input to lines), ``headers`` (title and
PACE headers), ``preamble`` (title line and title), ``numbering``, ``footnotes``,
``chapeaux`` (addressees), ``lines`` (line ends, hyphen joins), ``reader`` (the pass over
the lines).
"""

import re

from tracker.texts.chapeaux import Scope, scopes_of
from tracker.texts.footnotes import STAR_GLUED, FootnoteError
from tracker.texts.formats import REF, looks_like_html, to_lines
from tracker.texts.markup import clean_text
from tracker.texts.numbering import LETTER, render
from tracker.texts.reader import Reader
from tracker.texts.units import Paragraph, ParsedText, ParseError

__all__ = ["Paragraph", "ParseError", "ParsedText", "clean_text", "parse_paragraphs", "parse_text"]


def parse_text(
    text: str,
    *,
    is_html: bool | None = None,
    start_after: str | None = None,
    stop_before: str | None = None,
) -> ParsedText:
    """Return what a PACE text holds; raise ParseError when it has no numbered unit."""
    if is_html is None:
        is_html = looks_like_html(text)
    first_line, selected = _select(text, start_after=start_after, stop_before=stop_before)
    reader = Reader()
    reader.read(to_lines(selected, is_html=is_html), first_line)
    if not reader.units:
        raise ParseError(reader.rejected or "no numbered paragraph found")
    try:
        reader.notes.check_pairing()
    except FootnoteError as ambiguous:
        raise ParseError(str(ambiguous)) from None
    units = _units(reader)
    title_line = reader.preamble.title_line
    warnings = [
        f"footnote mark {mark} has no footnote text" for mark in reader.notes.unmatched_references()
    ]
    return ParsedText(
        kind=title_line.kind if title_line else reader.preamble.draft_kind,
        number=title_line.number if title_line else None,
        year=title_line.year if title_line else None,
        title=_unstarred(reader, reader.preamble.title) or None,
        units=units,
        footnotes=reader.notes.notes,
        headers=reader.headers,
        warnings=warnings,
    )


def parse_paragraphs(
    text: str, *, start_after: str | None = None, stop_before: str | None = None
) -> list[Paragraph]:
    """Return the numbered units of a PACE text in document order."""
    return parse_text(text, start_after=start_after, stop_before=stop_before).units


def _units(reader: Reader) -> list[Paragraph]:
    """Turn the raw units into paragraphs with parents, clean text and addressees."""
    paragraphs = []
    scopes: dict[str, Scope] = {}
    # Items lettered from the start answer the unnumbered call before them.
    first = reader.units[0].path if reader.units else []
    intro = scopes_of(reader.intro, None)[1] if first[:1] == [(LETTER, "a")] else None
    referred = {mark for mark, _ in reader.notes.references}
    # PDF text prints a note's reference as a plain digit glued to the word before it.
    glued = [n.mark for n in reader.notes.notes if n.mark.isdigit() and n.mark not in referred]
    for position, raw in enumerate(reader.units):
        number = render(raw.path)
        parent = render(raw.path[:-1]) or None
        body = _unstarred(reader, " ".join(raw.lines))
        for mark in list(glued):
            body, found = _glued_mark(mark).subn("", body, count=1)
            if found:
                glued.remove(mark)
                reader.notes.refer(mark)
        scope, scopes[number] = scopes_of(body, scopes.get(parent) if parent else intro)
        paragraphs.append(Paragraph(number, parent, body, scope.addressee, scope.verb, position))
    return paragraphs


def _unstarred(reader: Reader, text: str) -> str:
    """Return clean text without its note references, "Kosovo*" too when a "*" note exists."""
    text = clean_text(REF.sub("", text))  # Markdown emphasis first: "*in particular*"
    if any(note.mark == "*" for note in reader.notes.notes):
        text = STAR_GLUED.sub("", text)
    return text


def _glued_mark(mark: str) -> re.Pattern:
    """Return the pattern of a note mark glued to a word: "(2006)2 on", "stability.3"."""
    return re.compile(
        rf"(?:(?<=[a-z]{{3}})|(?<=[a-z]{{2}}[.,;:])|(?<=[)\]”’\"])){mark}(?=[\s.,;:)]|$)"
    )


def _select(text: str, *, start_after: str | None, stop_before: str | None) -> tuple[int, str]:
    """Return the first line number and the text between the two delimiting patterns."""
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
        end = max(text.rfind("\n", 0, start + match.start()) + 1, start)
    return text.count("\n", 0, start) + 1, text[start:end]

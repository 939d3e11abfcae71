"""Turn what a user pastes (plain text, PDF text, Markdown, HTML) into lines of one shape.

Every format ends as plain lines in which a footnote reference is ``REF`` around its mark
(``ref("1")``); a line that starts with a reference and goes on with text is that
footnote's text. A website note ("(2)" alone on its line, the note's text below it) becomes
``NOTE`` plus its mark. A page break (form feed) becomes a ``PAGE_BREAK`` line.
"""

import re

from lxml import html as lxml_html

from tracker.texts.numbering import read_marker

REF_OPEN, REF_CLOSE, NOTE, PAGE_BREAK = "\ue000", "\ue001", "\ue002", "\ue003"
REF = re.compile(f"{REF_OPEN}([^{REF_CLOSE}]*){REF_CLOSE}")

_SUPERSCRIPT_DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
_SUPERSCRIPT = re.compile("[⁰¹²³⁴⁵⁶⁷⁸⁹]+")
_MARKDOWN_REF = re.compile(r"\[\^(\w+)\](?!:)")
_MARKDOWN_DEF = re.compile(r"^\s*\[\^(\w+)\]:\s*")
# "<sup>1</sup>" in Markdown, "^1^" in Pandoc's Markdown
_SUP_TAG = re.compile(r"<sup>\s*\(?(\d{1,3})\)?\s*</sup>|\^(\d{1,3})\^", re.IGNORECASE)
# Up to three digits: "(2006)" alone on a line is a wrapped year, not a note.
_WEB_NOTE = re.compile(r"^\s*\((\d{1,3})\)\s*$")
# PDF text keeps a font's ligatures: "ﬁnancial" is "financial".
_LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st"})
_SOFT_BREAK = re.compile("\u00ad[ \t]*\r?\n[ \t]*")
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_BRACKETED_TEXT = re.compile(r"^\s*(?:\((\d{1,2})\)|\[(\d{1,2})\])\s+(?=\S)")
# "**1.** The Assembly", "*a)* adopt": a converter's bold or italic paragraph number
_EMPHASISED_NUMBER = re.compile(
    r"^(\s*(?:[-+]\s+)?)(\*{1,2}|_{1,2})(\d{1,3}(?:\.\d{1,3})*\.?|\(?[a-z]{1,4}[.)])\2(?=\s)"
)
_MARKDOWN_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_BLOCKQUOTE = re.compile(r"^\s*(?:>\s?)+")
# A byte order mark, an XML declaration or comments may come before the first tag.
_HTML_START = re.compile(
    r"^\ufeff?\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*"
    r"(?:<!doctype\s+html|<html|<head|<body|<(?:p|div|ol|ul|h\d)\b)",
    re.I | re.S,
)

_BLOCK_TAGS = {
    "p", "div", "li", "ol", "ul", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td", "th",
    "table", "section", "article", "header", "main", "blockquote", "dd", "dt", "dl", "pre",
    "body", "aside", "figure", "figcaption", "hr", "address", "center", "form", "fieldset",
}  # fmt: skip
_SKIPPED_TAGS = {"script", "style", "head", "noscript", "template", "nav", "button", "svg"}


def ref(mark: str) -> str:
    """Return the in-line token of a footnote reference."""
    return f"{REF_OPEN}{mark}{REF_CLOSE}"


def looks_like_html(text: str) -> bool:
    """Say whether a text is an HTML document or fragment."""
    return bool(_HTML_START.match(text))


def to_lines(text: str, *, is_html: bool | None = None) -> list[str]:
    """Return the lines of any supported format, with footnote references as tokens."""
    if is_html is None:
        is_html = looks_like_html(text)
    if is_html:
        text = html_to_text(text)
    # A soft hyphen is where a layout broke a word: the word is whole again without it.
    text = _INVISIBLE.sub("", _SOFT_BREAK.sub("", text)).translate(_LIGATURES)
    text = re.sub(r"\n?\f\n?", f"\n{PAGE_BREAK}\n", text)
    lines = [_normalise_line(line) for line in text.splitlines()]
    return _bracketed_references(lines)


def _bracketed_references(lines: list[str]) -> list[str]:
    """Turn "(2023)(2)" into a reference when a line "(2) See ..." gives note 2's text (the
    camera.it copies); without such a line "(2)" may be the law's: "Article 6(1)"."""
    found = [m for line in lines if (m := _BRACKETED_TEXT.match(line))]
    marks = {m.group(1) or m.group(2) for m in found}
    if not marks:
        return lines
    after = r"(?:(?<=[^\W\d_])|(?<=[)\]”’\"»]))"  # a word or a bracket, not "Article 6(1)"
    number = "|".join(sorted(marks))
    glued = re.compile(rf"{after}(?:\(({number})\)|\[({number})\])(?=[\s.,;:»”’\"]|$)")
    return [
        line
        if _BRACKETED_TEXT.match(line)
        else glued.sub(lambda m: ref(m.group(1) or m.group(2)), line)
        for line in lines
    ]


def _normalise_line(line: str) -> str:
    """Mark footnote references and definitions and drop heading and quote markup."""
    if note := _WEB_NOTE.match(line):
        return NOTE + note.group(1)
    line = _MARKDOWN_HEADING.sub("", line)
    line = _BLOCKQUOTE.sub("", line)
    line = _EMPHASISED_NUMBER.sub(r"\1\3", line)
    line = _MARKDOWN_DEF.sub(lambda m: ref(m.group(1)) + " ", line)
    line = _MARKDOWN_REF.sub(lambda m: ref(m.group(1)), line)
    line = _SUP_TAG.sub(lambda m: ref(m.group(1) or m.group(2)), line)
    return _SUPERSCRIPT.sub(lambda m: ref(m.group().translate(_SUPERSCRIPT_DIGITS)), line)


def html_to_text(document: str) -> str:
    """Return an HTML document's text with one line per block and notes as tokens."""
    # lxml refuses a str that declares its encoding; the text is decoded already.
    document = re.sub(r"^\ufeff?\s*<\?xml[^>]*>", "", document)
    root = lxml_html.document_fromstring(document) if document.strip() else None
    if root is None:
        return ""
    out: list[str] = []
    _emit(root, out, numbering=[], in_notes=False)
    lines = [" ".join(line.split()) for line in "".join(out).split("\n")]
    filled = [line for line in lines if line]
    # Blocks apart (a blank line between) where the first ends mid-sentence, the next in
    # lower case; a <br> inside a block leaves no blank line.
    apart = re.findall(r"[A-Za-z,]\n\n+[a-z]", "\n".join(lines))
    if len(apart) >= 3:
        # A PDF turned into HTML, one block per printed line (blocks that end mid-sentence
        # and go on in lower case): the lines of one paragraph are not blocks apart.
        lines = filled
    return "\n".join(lines)


def _emit(element, out: list[str], *, numbering: list[str], in_notes: bool) -> None:
    """Append an element's text: blocks on their own lines, list numbers written out."""
    tag = element.tag if isinstance(element.tag, str) else ""
    if tag in _SKIPPED_TAGS:
        _tail(element, out)
        return
    if tag == "br":  # a line break inside a block, not a block: no blank line
        out.append("\n")
        _tail(element, out)
        return
    block = tag in _BLOCK_TAGS
    if block:
        out.append("\n")
    names = f"{element.get('class', '')} {element.get('id', '')}".lower()
    if not block and not in_notes and _is_note(names) and (note := _inline_note(element)):
        out.append(note)
        _tail(element, out)
        return
    in_notes = in_notes or "footnote" in names or "endnote" in names
    if tag == "sup" and (mark := _sup_mark(element)):
        out.append(ref(mark))
        _tail(element, out)
        return
    if tag == "a" and in_notes and element.text_content().strip() in ("↩", "↩︎", "^"):
        _tail(element, out)
        return
    if tag == "li":
        out.append(_list_marker(element, numbering, in_notes=in_notes))
    if element.text:
        out.append(element.text.replace("\n", " "))
    for child in element:
        child_numbering = numbering
        if tag == "li" and not in_notes:
            child_numbering = [*numbering, _li_value(element)]
        _emit(child, out, numbering=child_numbering, in_notes=in_notes)
    if block:
        out.append("\n")
    _tail(element, out)


def _is_note(names: str) -> bool:
    return any(word in names for word in ("footnote", "endnote", "note-", "fn"))


def _inline_note(element) -> str | None:
    """Return a note printed inside the text ("(2) Resolution 1526 ...") as a website note."""
    match = re.fullmatch(r"\s*\(?(\d{1,3})\)?\s*(.*?)\s*", element.text_content(), re.DOTALL)
    if match is None:
        return None
    if not match.group(2):
        return ref(match.group(1))
    return f"\n({match.group(1)})\n{' '.join(match.group(2).split())}\n\n"


def _tail(element, out: list[str]) -> None:
    if element.tail:
        out.append(element.tail.replace("\n", " "))


def _sup_mark(element) -> str | None:
    """Return the footnote mark a <sup> holds ("1", "(1)"), or None for "th" and the like."""
    match = re.fullmatch(r"\s*\(?(\d{1,3}|\*)\)?\s*", element.text_content())
    return match.group(1) if match else None


def _li_value(li) -> str:
    """Return the number an ordered list gives an item ("3", "c", "iv")."""
    parent = li.getparent()
    if parent is None or parent.tag != "ol":
        return ""
    items = [child for child in parent if child.tag == "li"]
    index = int(parent.get("start", "1") or 1) + items.index(li)
    if li.get("value", "").isdigit():
        index = int(li.get("value"))
    kind = parent.get("type", "1")
    if kind in ("a", "A"):
        return chr(ord("a") + index - 1)
    if kind in ("i", "I"):
        return _roman(index)
    return str(index)


def _list_marker(li, numbering: list[str], *, in_notes: bool) -> str:
    """Return the number an <ol> item shows, written as text, unless its text has one."""
    value = _li_value(li)
    if not value:
        return ""
    if in_notes:
        return ref(value) + " "
    if read_marker(li.text_content().lstrip()) is not None:
        return ""  # the text already carries its number ("9.1. use ...")
    if value.isdigit():
        decimal = [part for part in numbering if part.isdigit()]
        return ".".join([*decimal, value]) + ". "
    return f"{value}. "


def _roman(number: int) -> str:
    """Return a lower-case roman numeral."""
    numerals = [(100, "c"), (90, "xc"), (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v")]
    numerals += [(4, "iv"), (1, "i")]
    out = ""
    for value, numeral in numerals:
        while number >= value:
            out += numeral
            number -= value
    return out

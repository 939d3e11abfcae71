"""Remove Markdown and HTML residue from the text of a unit."""

import re

_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_FOOTNOTE_REF = re.compile(r"\[\^\w+\]|<sup>\s*\(?\d+\)?\s*</sup>|[⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾]+", re.IGNORECASE)
# Tags only: "<https://...>" autolinks have a colon after the name and are left alone.
_HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^>]*)?/?>")
_STAR_EMPHASIS = re.compile(r"(\*{1,3})(?=\S)(.+?)(?<=\S)\1")
_UNDERSCORE_EMPHASIS = re.compile(r"(?<!\w)(_{1,3})(?=\S)(.+?)(?<=\S)\1(?!\w)")
_PLACEHOLDER_BASE = 0xE100  # private-use area: never present in a PACE text
_PLACEHOLDER = re.compile("[\ue100-\ue17f]")


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


def without_emphasis(text: str) -> str:
    """Return a line without Markdown star emphasis, whose closing star follows a word."""
    return _STAR_EMPHASIS.sub(r"\2", text)

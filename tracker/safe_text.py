"""What text may hold: no NUL anywhere, no controls or bidi overrides in names and addresses."""

import re
import unicodedata

# C0 and C1 controls; TAB, LF and CR are handled per field (allowed in notes only).
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_NOTE_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Bidirectional overrides, embeddings and isolates can make a name read as something else.
_BIDI = re.compile("[\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]")
# Characters XML 1.0 cannot hold at all, even escaped (feeds must stay well-formed).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


class UnsafeText(ValueError):
    """Text holds characters the tracker refuses to store."""


def has_nul(value: str) -> bool:
    """Return whether a string holds NUL, which PostgreSQL text cannot store."""
    return "\x00" in value


def check_line(value: str, *, field: str, max_length: int) -> str:
    """Return a one-line value trimmed and NFC-normalised, or raise UnsafeText."""
    value = unicodedata.normalize("NFC", value.strip())
    # isprintable() also refuses zero-width and other format characters (category Cf).
    if _CONTROLS.search(value) or _BIDI.search(value) or not value.isprintable():
        raise UnsafeText(f"The {field} contains control or text-direction characters.")
    if len(value) > max_length:
        raise UnsafeText(f"The {field} is longer than {max_length} characters.")
    return value


def clean_note(value: str) -> str:
    """Return a note without controls (line breaks and tabs stay) and bidi overrides."""
    if has_nul(value):
        raise UnsafeText("The note contains a NUL character.")
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return _BIDI.sub("", _NOTE_CONTROLS.sub("", value))


def xml_safe(value: str) -> str:
    """Return text without the characters XML 1.0 cannot hold, for feeds of old rows."""
    return _NOT_XML.sub("\ufffd", value)

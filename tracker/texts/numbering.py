"""Read the number at the start of a line and decide whether it continues the numbering.

A unit's number is a path of segments: decimal ("9", "2", "1"), then optionally a letter
("a") and a roman numeral ("ii"), written "9.2.1", "4.a", "4.a.ii". A number only counts
when it can follow the previous unit: its first child or a sibling at any depth, so a
wrapped line that happens to start with "2 October" or "71.3 %" stays text.
"""

import re
from dataclasses import dataclass

# "3.1. text", "3.1 text", "3.The", "3.1.develop", "1 The", "9\.1\." (Markdown escape), "1."
# alone on a line.
_DECIMAL = re.compile(
    r"^(\d{1,4}(?:\\?\.\d{1,3})*)(?:(\\?\.)(?=[a-z]{3})|(\\?\.)?(?:\s+|$|(?=[A-Z“\"‘«(])))"
)
# "a.", "a)", "(a)", "ii.", "(iv)"; "i.e." does not match because a space must follow.
_LIST_ITEM = re.compile(r"^(?:\(([a-z]{1,5})\)|([a-z]{1,5})[.)])(?:\s+|$|(?=[A-Za-z“\"‘«]{3}))")
_WRITTEN_OUT = re.compile(r"^(\d{1,3}(?:\.\d{1,3})*(?:\.[a-z]{1,5})?)\.([a-z]{1,5})[.)](?:\s+|$)")
_BARE_ITEM = re.compile(
    r"^([a-z]|(?=[ivx]{2})c{0,3}(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3}))\s+(?=[a-z])"
)
_ROMAN = re.compile(r"^(?=[ivxlc])c{0,3}(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})$")
_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}
_MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip

DECIMAL, LETTER, ROMAN = "decimal", "letter", "roman"


@dataclass(frozen=True)
class Marker:
    """A number read at the start of a line, before it is checked against the numbering."""

    kind: str  # DECIMAL or LIST (letter or roman, decided by the numbering)
    value: str  # "9.2.1" or "a" / "ii"
    dotted: bool  # written with a trailing dot or bracket
    rest: str  # the text after the number
    within: str | None = None  # the decimal number written before a letter: "24.2" in "24.2.a."


Segment = tuple[str, str]  # (style, value)


def read_marker(line: str, *, bare_items: bool = False) -> Marker | None:
    """Return the number a line starts with, or None when it starts with none.

    With ``bare_items`` (a text numbered "1 The Assembly", as pace.coe.int shows older texts)
    a letter or roman numeral without dot or bracket counts too: "a adopt the emblem".
    """
    if match := _WRITTEN_OUT.match(line):
        # "24.2.a. the agenda": the list item written with its whole number
        within, value = match.group(1), match.group(2)
        if len(value) == 1 or _ROMAN.match(value):
            return Marker("list", value, True, line[match.end() :], within)
    if match := _DECIMAL.match(line):
        value = ".".join(str(int(part)) for part in re.split(r"\\?\.", match.group(1)))
        rest = line[match.end() :]
        dotted = bool(match.group(2) or match.group(3))
        if not dotted and not _plausible_undotted(value, rest):
            return None
        if any(len(part) > 3 for part in value.split(".")):
            return None  # a year ("2022. The ...") wrapped to the start of a line
        return Marker("decimal", value, dotted, rest)
    if match := _LIST_ITEM.match(line):
        value = match.group(1) or match.group(2)
        if len(value) == 1 or _ROMAN.match(value):
            return Marker("list", value, True, line[match.end() :])
    if bare_items and (match := _BARE_ITEM.match(line)):
        return Marker("list", match.group(1), False, line[match.end() :])
    return None


def _plausible_undotted(value: str, rest: str) -> bool:
    """Say whether "3.1 develop" / "1 The" reads as a number rather than a wrapped figure."""
    if not rest or not (rest[0].isalpha() or rest[0] in '“"‘«'):
        return False
    if "." in value:
        return True
    first_word = rest.split(maxsplit=1)[0].strip(",.;:")
    return rest[0].isupper() and first_word not in _MONTHS


def render(path: list[Segment]) -> str:
    """Return the written number of a path: "4.a.ii"."""
    return ".".join(value for _, value in path)


def decimal_successors(path: list[Segment]) -> list[str]:
    """Return the decimal numbers that may follow: the first child, then siblings upwards."""
    parts = [int(value) for style, value in path if style == DECIMAL]
    if not parts:
        return ["1"]
    found = [".".join(map(str, [*parts, 1]))] if len(path) == len(parts) else []
    for depth in range(len(parts), 0, -1):
        found.append(".".join(map(str, [*parts[: depth - 1], parts[depth - 1] + 1])))
    return found


def follow(path: list[Segment], marker: Marker) -> list[Segment] | None:
    """Return the path the marker continues the numbering with, or None if it cannot."""
    if marker.kind == DECIMAL:
        if marker.value in decimal_successors(path):
            return [(DECIMAL, part) for part in marker.value.split(".")]
        return None
    if not path:
        return None
    found = _follow_list(path, marker.value)
    if found is not None and marker.within is not None and render(found[:-1]) != marker.within:
        return None  # "24.3.a." cannot follow 24.2
    return found


def _follow_list(path: list[Segment], value: str) -> list[Segment] | None:
    """Return the path a letter or roman item continues the numbering with, or None."""
    # A letter sibling first: after "h", "i" is the next letter, not the roman one.
    for index in range(len(path) - 1, -1, -1):
        style, current = path[index]
        if style == LETTER and len(value) == 1 and ord(value) == ord(current) + 1:
            return [*path[:index], (LETTER, value)]
        if (
            style == ROMAN
            and _ROMAN.match(value)
            and roman_value(value) == roman_value(current) + 1
        ):
            return [*path[:index], (ROMAN, value)]
    last_style = path[-1][0]
    if value == "a" and last_style in (DECIMAL, ROMAN):
        return [*path, (LETTER, "a")]
    if value == "i" and last_style in (DECIMAL, LETTER):
        return [*path, (ROMAN, "i")]
    return None


def roman_value(numeral: str) -> int:
    """Return the value of a lower-case roman numeral."""
    total = 0
    for char, following in zip(numeral, [*numeral[1:], ""], strict=True):
        value = _ROMAN_VALUES[char]
        total += -value if following and _ROMAN_VALUES[following] > value else value
    return total

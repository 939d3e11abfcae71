"""A page may break after any line of a PDF text: the invented text of ``real_shapes`` is cut
after every wrapped line, at several widths, with the notes at the page foot, and must read
the same each time."""

import textwrap

import pytest

from tests import real_shapes as real
from tracker.texts.parsing import parse_text

HEAD = ["Resolution 2888 (2030)1", "Provisional version", real.TITLE, "Parliamentary Assembly"]


def body(width: int) -> list[str]:
    lines: list[str] = []
    for number, text, _ in real.UNITS:
        lines.extend(textwrap.wrap(f"{number}. {text.replace('²', '2')}", width))
    return lines


def notes(width: int) -> list[str]:
    return [*textwrap.wrap(f"1 {real.DEBATE}", width), *textwrap.wrap(f"2 {real.NOTE_2}", width)]


def pages(width: int, cut: int, style: str) -> str:
    first, second = body(width)[:cut], body(width)[cut:]
    if style == "viewer copy":
        lines = [*HEAD, *first, *notes(width + 10), real.FOOTER, "Resolution 2888 (2030)", *second]
    elif style == "pdftotext":
        lines = [*HEAD, "", *first, "", "_____", *notes(width + 10), "", real.FOOTER, "\f"]
        lines += ["Resolution 2888 (2030)", "", *second]
    else:  # no running title, no footer: only the notes stand between the two pages
        lines = [*HEAD, *first, *notes(width + 10), *second]
    return "\n".join([*lines, "2"]) + "\n"


CASES = [
    (width, cut, style)
    for width in (47, 64, 83, 110)
    for cut in range(1, len(body(width)))
    for style in ("viewer copy", "pdftotext", "notes only")
    # Without a running title, a line after the notes that starts with a figure or reads like
    # a note ("Resolution 2700 (2028) ...") cannot be told from the notes' own text.
    if style != "notes only"
    or not body(width)[cut][:1].isdigit()
    and not body(width)[cut].startswith("Resolution")
]


@pytest.mark.parametrize(("width", "cut", "style"), CASES)
def test_a_page_break_after_any_line(width, cut, style):
    parsed = parse_text(pages(width, cut, style))
    assert parsed.as_json()["units"] == real.expected_units()
    assert [(n.mark, n.text) for n in parsed.footnotes] == [
        ("1", real.DEBATE),
        ("2", real.NOTE_2),
    ]

"""The invented text of ``real_shapes`` survives what converters and copies do to it."""

import html
import re

import pytest

from tests import real_shapes as real
from tracker.texts.parsing import parse_text

MD, HTML, PDF = real.markdown(), real.html_page(), real.pdftotext()


def one_block_per_line(text: str, tag: str) -> str:
    """A PDF turned into HTML: every printed line is a block of its own."""
    lines = "".join(f"<{tag}>{html.escape(line)}</{tag}>\n" for line in text.split("\n"))
    return f"<html><body>{lines}</body></html>"


# The ft.dk copy of a "Texts adopted" compilation: stamp, cover, contents, page images.
COMPILATION = (
    "Europarådet 2029-30\nERD Alm.del Bilag 5\nOffentligt\n2766698_0001.png\nTEXTS ADOPTED\n"
    "BY THE ASSEMBLY\nProvisional versions*\n*subject to editorial review.\nF – 67075 Strasbourg"
    " Cedex | Tel: + 33 3 88 41 2000 |\n2766698_0002.png\nTable of contents\nResolutions\n"
    "Resolution 2888 (2030)\nResolution 2889 (2030)\nAllegations of invented ill-treatment\n"
    "(Doc.\n18880)\nAnother text\n(Doc.\n18881)\n2766698_0003.png\n"
    + real.pdf_viewer().replace(
        "\nResolution 2888 (2030)\n", "\n2766698_0004.png\nResolution 2888 (2030)\n"
    )
    + "2766698_0005.png\nResolution 2889 (2030)1\nProvisional version\nAnother text\n"
    "Parliamentary Assembly\n1. The Assembly decides.\n"
)
VARIANTS = {
    "ft.dk compilation, first text": COMPILATION,
    "Markdown bullets before numbers": re.sub(r"(?m)^(\s*)(\d)", r"\1- \2", MD),
    "Markdown escaped dots": re.sub(
        r"(?m)^(\s*\d+(?:\.\d+)*)\.", lambda m: m.group(1).replace(".", "\\.") + "\\.", MD
    ),
    "Markdown blank lines everywhere": MD.replace("\n", "\n\n"),
    "Pandoc superscript notes": MD.replace("[^1]:", "^1^")
    .replace("[^2]:", "^2^")
    .replace("[^", "^")
    .replace("]", "^"),
    "Markdown bold numbers": re.sub(r"(?m)^(\s*)([\d.]+\.) ", r"\1**\2** ", MD),
    "Markdown bold title line": MD.replace(
        "# Resolution 2888 (2030)", "**Resolution 2888 (2030)**"
    ),
    "HTML line breaks inside blocks": HTML.replace("&nbsp;", " ").replace(" of ", " of<br>\n", 3),
    "HTML units apart by line breaks only": re.sub(r"</p>\n<p>(?=\d)", "<br>", HTML),
    "HTML numbers in spans": re.sub(
        r"<p>([\d.]+)\.&nbsp;", r"<p><span class='n'>\1.</span> ", HTML
    ),
    "HTML nested ordered lists": real.html_lists(),
    "HTML table cells": HTML.replace("<p>", "<table><tr><td>").replace(
        "</p>", "</td></tr></table>"
    ),
    "pdftotext without rule": PDF.replace("_______________\n", ""),
    "pdftotext with ligatures": PDF.replace("fi", "ﬁ").replace("ff", "ﬀ"),
    "PDF as HTML, a <div> per line": one_block_per_line(real.pdf_viewer(), "div"),
    "PDF as HTML, a <p> per line": one_block_per_line(PDF, "p"),
    "pdftotext -layout indentation": "\n".join("      " + line for line in PDF.split("\n")),
}


@pytest.mark.parametrize("variant", VARIANTS)
def test_units_notes_and_title_survive(variant):
    parsed = parse_text(VARIANTS[variant])
    assert parsed.as_json()["units"] == real.expected_units()
    assert [(n.mark, n.text) for n in parsed.footnotes] == [
        ("1", real.DEBATE),
        ("2", real.NOTE_2),
    ]
    assert (parsed.number, parsed.title) == ("2888", real.TITLE)

"""The parser reads one constructed text the same in every shape users paste."""

import pytest

from tests import text_shapes as shapes
from tracker.texts.parsing import ParseError, parse_text

SHAPES = {
    "pace.coe.int plain text": shapes.plain(),
    "numbers without trailing dot": shapes.plain(dot=False),
    "no space after the number": shapes.plain(space=False),
    "older viewer with (open)": shapes.plain(viewer=True),
    "PDF text": shapes.pdf(),
    "Markdown": shapes.markdown(),
    "HTML paragraphs": shapes.html_page(),
    "HTML ordered lists": shapes.html_page(lists=True),
}
WITH_NOTES = ("PDF text", "Markdown", "HTML paragraphs", "HTML ordered lists")


@pytest.mark.parametrize("shape", SHAPES)
def test_every_unit_is_exact(shape):
    parsed = parse_text(SHAPES[shape])
    assert parsed.as_json()["units"] == shapes.expected_units()


@pytest.mark.parametrize("shape", SHAPES)
def test_identity_of_the_text(shape):
    parsed = parse_text(SHAPES[shape])
    assert (parsed.kind, parsed.number, parsed.year) == ("resolution", "2999", "2025")
    assert parsed.title == shapes.TITLE


@pytest.mark.parametrize("shape", WITH_NOTES)
def test_footnotes_are_kept_with_their_marks(shape):
    parsed = parse_text(SHAPES[shape])
    assert [(n["mark"], n["text"]) for n in parsed.as_json()["footnotes"]] == [
        ("1", shapes.DEBATE),
        ("2", shapes.NOTE_2),
    ]
    assert parsed.warnings == []


@pytest.mark.parametrize("shape", SHAPES)
def test_json_has_the_documented_keys(shape):
    document = parse_text(SHAPES[shape]).as_json()
    assert list(document) == ["kind", "number", "year", "title", "units", "footnotes"]
    assert all(
        list(unit) == ["number", "parent", "text", "addressee"] for unit in document["units"]
    )


@pytest.mark.parametrize(
    ("fmt", "text"),
    [
        ("plain", "Resolution 1 (2025)\n\nParliamentary Assembly\n\nThe Assembly decides.\n"),
        ("markdown", "# Resolution 1 (2025)\n\n*The Assembly* decides.\n"),
        (
            "html",
            "<html><body><h1>Resolution 1 (2025)</h1><p>The Assembly decides.</p></body></html>",
        ),
    ],
)
def test_no_numbered_unit_is_an_error(fmt, text):
    with pytest.raises(ParseError, match="no numbered paragraph"):
        parse_text(text)

"""The parser on the adopted text: footnotes, website markers, errors, numbers and addressees."""

import pytest

from tests.test_resolution_text import (  # noqa: F401  (fixtures and marks, found by name)
    ADOPTED,
    EXPECTED_STRUCTURE,
    REPORT,
    adopted,
    by_number,
    draft,
    sample,
)
from tracker.texts.parsing import ParseError, clean_text, parse_paragraphs, parse_text


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (
            "1",
            "The Parliamentary Assembly refers to its Resolution 9998 (2025) “Strengthening"
            " democratic institutions in a neighbouring region” and to its Recommendation 2001"
            " (2013), which remain relevant.",
        ),
        (
            "2",
            "The Assembly considers that co-operation should be pursued inter alia through the"
            " Neighbourhood Co-operation Priorities and targeted assistance [see Appendix],"
            " including the e_Justice platform.",
        ),
        (
            "3.1.2.2",
            "exchanges between national human rights institutions, with a particular focus on"
            " the prevention of torture, the protection of journalists and the independence of"
            " the media;",
        ),
        ("3.3", "report back to the Assembly by the end of 2026."),
        ("4.2.1", "fund the co-operation programmes on a multi-annual basis."),
        ("5", "The Assembly decides to remain seized of the matter."),
    ],
)
def test_sample_text(sample, number, text):
    assert sample[number].text == text


@pytest.mark.parametrize(
    ("number", "addressee", "verb"),
    [
        ("2", None, None),
        ("3", "the Committee of Ministers", "recommends"),
        ("3.1", "the Committee of Ministers", "recommends"),
        ("3.1.2.2", "the Committee of Ministers", "recommends"),
        ("4", None, None),
        ("4.1", "the Secretary General", "invites"),
        ("4.1.1", "the Secretary General", "invites"),
        ("4.2.1", "member States", "calls on"),
        ("5", None, None),
    ],
)
def test_sample_addressee_and_verb(sample, number, addressee, verb):
    assert (sample[number].addressee, sample[number].verb) == (addressee, verb)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("[Resolution 1506 \\(2006\\)](#) text", "Resolution 1506 (2006) text"),
        ("*inter alia*, _sic_ and **bold** and ***both***", "inter alia, sic and bold and both"),
        ("snake_case_name stays", "snake_case_name stays"),
        ("\\[sic\\] \\*not emphasis\\* No\\. 5", "[sic] *not emphasis* No. 5"),
        ("Resolution 2616 (2025)¹²", "Resolution 2616 (2025)"),
        ("a note[^3] here", "a note here"),
        ("the 20<sup>th</sup> anniversary<sup>(4)</sup>", "the 20th anniversary"),
        (
            "<a href='https://pace.coe.int'>Doc. 1</a> <https://pace.coe.int>",
            "Doc. 1 <https://pace.coe.int>",
        ),
        ("  “quoted” – Kazakhstan’s \n\t view  ", "“quoted” – Kazakhstan’s view"),
    ],
)
def test_clean_text(raw, clean):
    assert clean_text(raw) == clean


def test_footnote_cutting_a_paragraph_is_dropped():
    text = "1. One.\n2. Two begins\n\n1. Footnote text\nwrapped.\n\nand ends.\n3. Three."
    paragraphs = by_number(parse_paragraphs(text))
    assert list(paragraphs) == ["1", "2", "3"]
    assert paragraphs["2"].text == "Two begins and ends."


def test_second_footnote_follows_the_first():
    text = "1. One.\n\n1. First note.\n\n1.1. Sub.\n\n2. Second note.\n\n2. Two."
    assert [p.number for p in parse_paragraphs(text)] == ["1", "1.1", "2"]


def test_website_footnote_marker_is_dropped():
    text = "1. One cut\n\t\t\t(2) \n\t\t\tNote text\ncontinued.\n\nhere.\n2. Two."
    assert by_number(parse_paragraphs(text))["1"].text == "One cut here."


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no numbered paragraph"),
        ("Resolution 1 (2025)\n\nParliamentary Assembly\n", "no numbered paragraph"),
        ("1. One.\n2. Two.\n2. Two again.", "duplicate paragraph number 2"),
        ("1. One.\n1.1. Sub.\n1.1. Sub again.", "duplicate paragraph number 1.1"),
        ("1. One.\n2. Two.\n4. Four.", r"paragraph 4 cannot come after 2; expected 2\.1 or 3"),
        ("1. One.\n1.2. Sub.", "paragraph 1.2 cannot come after 1"),
        ("2. Two.", "paragraph 2 cannot come as the first paragraph"),
    ],
)
def test_parse_errors(text, message):
    with pytest.raises(ParseError, match=message):
        parse_paragraphs(text)


def test_parse_error_is_a_value_error():
    assert issubclass(ParseError, ValueError)


@pytest.mark.parametrize(
    "text",
    [ADOPTED, REPORT],
    ids=["adopted", "committee report (draft part found by its headings)"],
)
def test_every_paragraph_number_parent_and_addressee(text):
    parsed = parse_text(text)
    assert [(u.number, u.parent, u.addressee) for u in parsed.units] == EXPECTED_STRUCTURE
    assert all(
        "B. Explanatory" not in u.text and "Introduction" not in u.text for u in parsed.units
    )


def test_adopted_identity_and_footnote():
    parsed = parse_text(ADOPTED)
    assert (parsed.kind, parsed.number, parsed.year) == ("resolution", "2616", "2025")
    assert parsed.title == (
        "The Parliamentary Assembly should support Kazakhstan in continuing its democratic reforms"
    )
    assert [n.mark for n in parsed.footnotes] == ["1"]
    assert parsed.footnotes[0].text.startswith("Assembly debate on 30 September 2025")

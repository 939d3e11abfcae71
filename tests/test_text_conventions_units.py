"""More text conventions: lists, page breaks, figures, notes used twice, addressees and clauses."""

import pytest

from tests.test_text_conventions import (
    FORMATS,
    units,
    write,
)
from tracker.texts.parsing import ParseError, parse_text


@pytest.mark.parametrize("fmt", FORMATS)
def test_duplicate_footnote_numbers_that_cannot_be_paired_are_an_error(fmt):
    lines = [
        "1. The Assembly recalls Resolution 1526 (2006)¹.",
        "2. It recalls Resolution 2193 (2017)¹.",
        "¹ One note.",
        "¹ Another note.",
    ]
    if fmt == "markdown":
        lines[2:] = ["[^1]: One note.", "[^1]: Another note."]
    with pytest.raises(ParseError, match="footnote mark 1 "):
        parse_text(write(lines, fmt))


def test_website_notes_inline_and_a_numbered_note_out_of_sequence():
    text = (
        "Resolution 9 (2025)\n\t\t\t(1) \n\t\t\tAssembly debate on 1 October 2025.\n\n"
        "1. The Assembly refers to its Resolution 1526 (2006), \n\t\t\t(2) \n\t\t\tOn Kazakhstan,"
        "\nadopted in 2006.\n\nand decides.\n2. It ends.\n"
    )
    parsed = parse_text(text)
    assert [(u.number, u.text) for u in parsed.units] == [
        ("1", "The Assembly refers to its Resolution 1526 (2006), and decides."),
        ("2", "It ends."),
    ]
    assert [(n.mark, n.text) for n in parsed.footnotes] == [
        ("1", "Assembly debate on 1 October 2025."),
        ("2", "On Kazakhstan, adopted in 2006."),
    ]


def test_html_skips_scripts_navigation_and_styles():
    text = (
        "<html><head><style>p{}</style><script>document.write('1. Not a unit.')</script></head>"
        "<body><nav><ol><li>Home</li></ol></nav><p>1.\n  The Assembly\n  notes.</p></body></html>"
    )
    assert [(u.number, u.text) for u in parse_text(text).units] == [("1", "The Assembly notes.")]


def test_wrapped_lines_starting_with_figures_are_text():
    text = (
        "1. The Assembly notes the elections held on\n2 October 2022 and the turnout of\n"
        "71.3 % of voters in\n2022. The Assembly also notes that\n15 member States reacted.\n"
        "2. End.\n"
    )
    parsed = parse_text(text)
    assert [u.number for u in parsed.units] == ["1", "2"]
    assert parsed.units[0].text.endswith("that 15 member States reacted.")


def test_a_heading_or_page_footer_after_a_finished_unit_is_not_its_text():
    text = (
        "1. The Assembly notes.\n\nGeneral considerations\n\n2. It ends.\n\n"
        "Print\nContact us\n© Council of Europe 2025\n"
    )
    parsed = parse_text(text)
    assert [(u.number, u.text) for u in parsed.units] == [
        ("1", "The Assembly notes."),
        ("2", "It ends."),
    ]
    assert "General considerations" in parsed.headers and "Contact us" in parsed.headers


def test_html_page_chrome_after_the_text_is_not_the_last_unit():
    text = (
        "<html><body><header><ul><li>Home</li><li>Documents</li></ul></header>"
        "<h1>Resolution 2616 (2025)</h1><p>1. The Assembly notes.</p><p>2. It ends.</p>"
        "<footer><p>Print</p></footer><div><p>Follow us</p><p>Privacy policy</p></div>"
        "</body></html>"
    )
    parsed = parse_text(text)
    assert [(u.number, u.text) for u in parsed.units] == [
        ("1", "The Assembly notes."),
        ("2", "It ends."),
    ]


def test_html_note_printed_inside_the_text():
    text = (
        "<html><body><p>1. The Assembly recalls Resolution 1526 (2006), "
        "<span class='footnote'>(2) Resolution on Kazakhstan, adopted in 2006.</span> and "
        "notes.</p><p>2. It ends.</p></body></html>"
    )
    parsed = parse_text(text)
    assert parsed.units[0].text == "The Assembly recalls Resolution 1526 (2006), and notes."
    assert [(n.mark, n.text) for n in parsed.footnotes] == [
        ("2", "Resolution on Kazakhstan, adopted in 2006.")
    ]


def test_a_cover_page_before_the_title_line_is_not_the_title():
    text = (
        "Doc. XII-bis, n. 259\n\nPARLIAMENTARY ASSEMBLY OF THE COUNCIL OF EUROPE\n\n"
        "RESOLUTION 2369 (2021)(1)\n\nProvisional version\n_____________\n\n"
        "The Assembly's vision on the strategic priorities\n\n  Parliamentary Assembly\n\n"
        "  1. The Council of Europe's aim is unity (Article 1.a) of the Statute).\n"
    )
    parsed = parse_text(text)
    assert (parsed.kind, parsed.number, parsed.year) == ("resolution", "2369", "2021")
    assert parsed.title == "The Assembly's vision on the strategic priorities"
    assert (
        parsed.units[0].text
        == "The Council of Europe's aim is unity (Article 1.a) of the Statute)."
    )


def test_roman_list_under_a_paragraph_and_letters_under_roman_items():
    text = (
        "1. The Assembly recommends that the Committee of Ministers:\n"
        "i. ask member States to:\na. sign;\nb. ratify;\nii. report back;\n"
        "iii. keep the matter under review;\niv. act;\nv. end.\n"
    )
    parsed = parse_text(text)
    assert [(u.number, u.parent) for u in parsed.units] == [
        ("1", None), ("1.i", "1"), ("1.i.a", "1.i"), ("1.i.b", "1.i"), ("1.ii", "1"),
        ("1.iii", "1"), ("1.iv", "1"), ("1.v", "1"),
    ]  # fmt: skip
    assert {u.addressee for u in parsed.units} == {"the Committee of Ministers"}


@pytest.mark.parametrize(
    "text",
    [
        "1. The Assembly notes the elections.\n2 October 2022 was the polling day.\n2. End.\n",
        "1. The Assembly notes that\n2 Parties boycotted the vote.\n2. End.\n",
        "1. The Assembly notes that turnout fell.\n2022. The Assembly also notes it.\n2. End.\n",
    ],
    ids=["month after a finished sentence", "wrapped line", "year with a dot"],
)
def test_figures_at_line_start_do_not_start_units(text):
    assert [u.number for u in parse_text(text).units] == ["1", "2"]


def test_a_paragraph_continues_after_a_page_break():
    text = (
        "Resolution 2999 (2025)\n\nTitle\n\n1. The Assembly notes the reforms.\n\n\f\n"
        "Resolution 2999 (2025)\n\n2\n\nThe Assembly also welcomes them.\n2. End.\n"
    )
    assert parse_text(text).units[0].text == (
        "The Assembly notes the reforms. The Assembly also welcomes them."
    )


def test_a_sub_paragraph_naming_someone_keeps_the_chapeau_addressee():
    text = (
        "1. The Assembly calls on the authorities to:\n1.1. asks the courts to publish decisions;\n"
        "2. The Assembly recommends that the Committee of Ministers invite member States to:\n"
        "2.1. act.\n"
    )
    assert [u.addressee for u in parse_text(text).units] == [
        "the authorities", "the authorities", "the Committee of Ministers",
        "the Committee of Ministers",
    ]  # fmt: skip


def test_a_note_mark_used_twice_before_its_first_text_is_ambiguous():
    lines = [
        "1. The Assembly recalls Resolution 1526 (2006)¹ and 2193 (2017)¹.",
        "¹ Which one?",
        "2. It recalls Doc. 16245¹.",
        "¹ The report.",
    ]
    with pytest.raises(ParseError, match="footnote mark 1 "):
        parse_text(write(lines, "plain"))


def test_addressees_named_by_each_sub_paragraph_and_trailing_clauses():
    text = (
        "1. The Assembly calls on:\n1.1. the Kazakh authorities to release the prisoners;\n"
        "1.2. the international community to:\n1.2.1. help.\n"
        "2. The Assembly decides to:\n2.1. set up a working group to follow the matter.\n"
        "3. The Assembly urges the authorities of Kazakhstan, in co-operation with the Venice"
        " Commission, to:\n3.1. reform.\n"
        "4. The Assembly invites Armenia, Azerbaijan and Georgia to:\n4.1. talk.\n"
    )
    assert [(u.number, u.addressee) for u in parse_text(text).units] == [
        ("1", None), ("1.1", "the Kazakh authorities"), ("1.2", "the international community"),
        ("1.2.1", "the international community"), ("2", None), ("2.1", None),
        ("3", "the authorities of Kazakhstan"), ("3.1", "the authorities of Kazakhstan"),
        ("4", "Armenia, Azerbaijan and Georgia"), ("4.1", "Armenia, Azerbaijan and Georgia"),
    ]  # fmt: skip


def test_a_clause_between_the_assembly_and_its_call():
    text = (
        "1. The Assembly, referring to its Resolution 1526 (2006), calls on the authorities to:\n"
        "1.1. act.\n"
    )
    assert [u.addressee for u in parse_text(text).units] == ["the authorities"] * 2


@pytest.mark.parametrize("fmt", FORMATS)
def test_unnumbered_items_after_a_colon_stay_in_the_unit(fmt):
    lines = ["1. The Assembly notes:", "– the first point;", "– the second point.", "2. End."]
    assert [u[:3] for u in units(lines, fmt)] == [
        ("1", None, "The Assembly notes: – the first point; – the second point."),
        ("2", None, "End."),
    ]

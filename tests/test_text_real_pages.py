"""PDF pages as real "Texts adopted" copies cut them (the notes of issue 12 say which real
texts showed each shape); the wording is invented."""

import pytest

from tests import real_shapes as real
from tracker.texts.parsing import parse_text

HEAD = "Resolution 2888 (2030)1\nProvisional version\nAn invented title\nParliamentary Assembly\n"
DEBATE = "Assembly debate on 24 January 2030 (7th sitting). Text adopted on 24 January 2030."


def test_a_page_without_running_title_goes_on_after_its_notes():
    text = HEAD + (
        "1. The Assembly recalls Resolution 2700 (2028)2 and calls on member States to take the\n"
        "1 Assembly debate on 24 January 2030 (7th sitting). Text adopted on 24 January 2030\n"
        "(7th\nsitting).\n2 See also Resolution 2700 (2028).\n"
        "measures needed without delay.\nProvisional version\n"
        "2. The Assembly resolves to remain seized.\n"
    )
    parsed = parse_text(text)
    assert [(u.number, u.text) for u in parsed.units] == [
        (
            "1",
            "The Assembly recalls Resolution 2700 (2028) and calls on member States to take the"
            " measures needed without delay.",
        ),
        ("2", "The Assembly resolves to remain seized."),
    ]
    assert [(n.mark, n.text) for n in parsed.footnotes] == [
        ("1", DEBATE.replace("2030.", "2030 (7th sitting).")),
        ("2", "See also Resolution 2700 (2028)."),
    ]


def test_a_note_cutting_a_paragraph_at_a_page_foot_ends_with_the_page():
    text = HEAD + (
        "1. The Assembly calls on member States to co-operate with the committee and to\n"
        "1 Assembly debate on 24 January 2030 (7th sitting).\n"
        "Resolution 2888 (2030)\n"
        "Publish the reports of its visits.\n2. The Assembly resolves to remain seized.\n2\n"
    )
    parsed = parse_text(text)
    assert [u.text for u in parsed.units][0] == (
        "The Assembly calls on member States to co-operate with the committee and to"
        " Publish the reports of its visits."
    )
    assert [n.text for n in parsed.footnotes] == [
        "Assembly debate on 24 January 2030 (7th sitting)."
    ]


def test_numbers_alone_on_their_line_and_layout_spacing():
    text = HEAD + (
        "1.\nThe Assembly calls on member States to:\n1.1.\nratify the Convention;\n"
        "1.2.        sign the Protocol.\n2.    The Assembly resolves to remain seized.\n"
        "1 Assembly debate on 24 January 2030 (7th sitting).\n"
    )
    assert [(u.number, u.text, u.addressee) for u in parse_text(text).units] == [
        ("1", "The Assembly calls on member States to:", "member States"),
        ("1.1", "ratify the Convention;", "member States"),
        ("1.2", "sign the Protocol.", "member States"),
        ("2", "The Assembly resolves to remain seized.", None),
    ]


def test_list_items_written_with_their_whole_number():
    # The Rules of Procedure number their lists "24.2.a."; amending resolutions quote them.
    text = (
        "Resolution 2951 (2030)\nA title\nParliamentary Assembly\n"
        "1. The Assembly decides that the official documents are the following:\n"
        "1.a. the agenda;\n1.b. questions, namely:\n1.b.i. written questions;\n"
        "1.b.ii. oral questions, as in\n2.a. of the former Rules;\n1.c. motions.\n"
    )
    assert [(u.number, u.parent, u.text) for u in parse_text(text).units] == [
        ("1", None, "The Assembly decides that the official documents are the following:"),
        ("1.a", "1", "the agenda;"),
        ("1.b", "1", "questions, namely:"),
        ("1.b.i", "1.b", "written questions;"),
        ("1.b.ii", "1.b", "oral questions, as in 2.a. of the former Rules;"),
        ("1.c", "1", "motions."),
    ]


def test_a_starred_name_and_its_star_note():
    # Opinion 302 (2024) on Kosovo* carries a "*" note on every mention; invented here.
    text = (
        "Opinion 399 (2030)1\nProvisional version\nApplication by Exampleland* for membership\n"
        "Parliamentary Assembly\n1. Exampleland* applied for membership on 12 May 2029.\n"
        "2. The Assembly notes that Exampleland*, in its letter of 2029–\n2030, commits"
        " itself to:\n2.1. sign the 2024-\n2027 programme;\n2.2. ratify it.\n"
        "1 Assembly debate on 16 April 2030 (12th sitting).\n"
        "* Throughout this text, all reference to Exampleland is invented.\n"
    )
    parsed = parse_text(text)
    assert parsed.title == "Application by Exampleland for membership"
    assert [u.text for u in parsed.units] == [
        "Exampleland applied for membership on 12 May 2029.",
        "The Assembly notes that Exampleland, in its letter of 2029–2030, commits itself to:",
        "sign the 2024-2027 programme;",
        "ratify it.",
    ]
    assert [(n.mark, n.text) for n in parsed.footnotes] == [
        ("1", "Assembly debate on 16 April 2030 (12th sitting)."),
        ("*", "Throughout this text, all reference to Exampleland is invented."),
    ]


def test_a_star_note_in_markdown_leaves_emphasis_alone():
    text = (
        "# Opinion 399 (2030)\n\n**Application by Exampleland\\***\n\n"
        "1. Exampleland* applied for membership.\n"
        "2. The Assembly calls, *in particular*, on Exampleland to act.\n\n"
        "* Throughout this text, all reference to Exampleland is invented.\n"
    )
    parsed = parse_text(text)
    assert [u.text for u in parsed.units] == [
        "Exampleland applied for membership.",
        "The Assembly calls, in particular, on Exampleland to act.",
    ]
    assert [(n.mark, n.text) for n in parsed.footnotes] == [
        ("*", "Throughout this text, all reference to Exampleland is invented.")
    ]


RUNNING = "\nResolution 2888 (2030)\n"
PAGE_VARIANTS = {
    "page number after the running title": (RUNNING, "\nResolution 2888 (2030) 2\n"),
    "page number before the running title": (RUNNING, "\n2 Resolution 2888 (2030)\n"),
    "page 2 of 3": ("\n2\n", "\nPage 2 of 3\n"),
    "2/3": ("\n2\n", "\n2/3\n"),
    "- 2 -": ("\n2\n", "\n- 2 -\n"),
    "title line with provisional": ("1\nProvisional version", "1 Provisional version"),
    "footer on two lines": (real.FOOTER, "F – 67075 Strasbourg Cedex | assembly@coe.int\nTel: +33"),
    "Windows line ends": ("\n", "\r\n"),
}


@pytest.mark.parametrize("variant", PAGE_VARIANTS)
def test_page_residue_variants_stay_out_of_the_units(variant):
    old, new = PAGE_VARIANTS[variant]
    parsed = parse_text(real.pdf_viewer().replace(old, new))
    assert parsed.as_json()["units"] == real.expected_units()
    assert [(n.mark, n.text) for n in parsed.footnotes] == [
        ("1", real.DEBATE),
        ("2", real.NOTE_2),
    ]


def test_a_bare_form_feed_inside_a_unit():
    text = HEAD + (
        "1. The Assembly notes the reports. It is concerned.\n\fIt calls on the bodies of\n"
        "\f2 Member States to act.\n2. The Assembly resolves to remain seized.\n"
    )
    assert [u.text for u in parse_text(text).units] == [
        "The Assembly notes the reports. It is concerned. It calls on the bodies of"
        " 2 Member States to act.",
        "The Assembly resolves to remain seized.",
    ]


def test_a_note_line_ending_with_an_abbreviation_goes_on_in_lower_case():
    text = HEAD + (
        "1. The Assembly calls on member States to act on the\n"
        "1 Assembly debate on 24 January 2030 (7th sitting), on the reports (i.e.\n"
        "the second and third).\nrecommendations of the committee.\n"
    )
    parsed = parse_text(text)
    assert parsed.units[0].text == (
        "The Assembly calls on member States to act on the recommendations of the committee."
    )
    assert parsed.footnotes[0].text.endswith("(i.e. the second and third).")


def test_a_new_sentence_after_the_notes_goes_on_with_the_unit():
    text = HEAD + (
        "1. The Assembly notes the reports. It is concerned.\n"
        "1 Assembly debate on 24 January 2030 (7th sitting) (see Doc. 18880, rapporteur: Mr X).\n"
        "Text adopted by the Assembly on 24 January 2030.\n"
        "It calls on member States to act.\n2. The Assembly resolves to remain seized.\n"
    )
    parsed = parse_text(text)
    assert parsed.units[0].text == (
        "The Assembly notes the reports. It is concerned. It calls on member States to act."
    )
    assert parsed.footnotes[0].text.endswith("Text adopted by the Assembly on 24 January 2030.")


def test_section_headings_between_units_are_not_text():
    text = HEAD + (
        "A. General principles\n1. The Assembly recalls its principles.\n2. It notes them.\n"
        "B. The way forward\n3. The Assembly calls on member States to act with Mr\n"
        "A. Example and the committee of\nexperts.\n"
        "II. Final provisions\n4. It resolves to remain seized.\n"
    )
    assert [u.text for u in parse_text(text).units] == [
        "The Assembly recalls its principles.",
        "It notes them.",
        "The Assembly calls on member States to act with Mr A. Example and the committee of"
        " experts.",
        "It resolves to remain seized.",
    ]


def test_the_websites_lines_after_the_text_are_not_its_last_unit():
    text = HEAD + (
        "1. The Assembly resolves to remain seized.\nSee related documents\nPrint\nShare\n"
        "Report | Doc. 18880 | 12 January 2030\nSee also:\nRecommendation 2300 (2030)\n"
    )
    assert [u.text for u in parse_text(text).units] == ["The Assembly resolves to remain seized."]

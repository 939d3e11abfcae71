"""The parser reads the shapes real PACE texts take when users copy them (the notes of issue
12 name the real text behind each shape); every text here is invented."""

import pytest

from tests import real_shapes as real
from tracker.texts.parsing import ParseError, parse_text

RENDERINGS = {
    "PDF viewer copy": real.pdf_viewer,
    "pdftotext": real.pdftotext,
    "Markdown conversion": real.markdown,
    "pace.coe.int-like HTML": real.html_page,
}


def units(text: str) -> list[tuple]:
    return [(u.number, u.parent, u.text, u.addressee) for u in parse_text(text).units]


@pytest.mark.parametrize("rendering", RENDERINGS)
def test_every_unit_of_a_real_shaped_text_is_exact(rendering):
    parsed = parse_text(RENDERINGS[rendering]())
    assert parsed.as_json()["units"] == real.expected_units()


@pytest.mark.parametrize("rendering", RENDERINGS)
def test_identity_and_footnotes_of_a_real_shaped_text(rendering):
    parsed = parse_text(RENDERINGS[rendering]())
    assert (parsed.kind, parsed.number, parsed.year, parsed.title) == (
        "resolution", "2888", "2030", real.TITLE,
    )  # fmt: skip
    assert [(n.mark, n.text) for n in parsed.footnotes] == [
        ("1", real.DEBATE),
        ("2", real.NOTE_2),
    ]
    assert parsed.warnings == []


def test_pace_site_copy_puts_the_title_above_the_title_line():
    text = (
        "Logo Assembly Logo Hemicycle\n\nBudgets and priorities of an invented body\n\n"
        "Opinion 399 (2031)\n\nParliamentary Assembly\nAssembly debate on 21 June 2031 (17th"
        " sitting) (see Doc. 19780, report of the Committee on Rules of Procedure, rapporteur:"
        " Ms Ann Example). Text adopted by the Assembly on 21 June 2031 (17th sitting).\n"
        "1. The Assembly’s Opinion has been prepared under new circumstances.\n"
        "2. The Assembly recommends that the Committee of Ministers:\n2.1. increase the budget.\n"
    )
    parsed = parse_text(text)
    assert (parsed.kind, parsed.number, parsed.year) == ("opinion", "399", "2031")
    assert parsed.title == "Budgets and priorities of an invented body"
    assert units(text)[2] == ("2.1", "2", "increase the budget.", "the Committee of Ministers")


def test_camera_it_copy_with_italian_cover_and_bracketed_note():
    text = (
        "Doc. XII-bis, n. 999\n\nASSEMBLEA PARLAMENTARE\nDEL CONSIGLIO D'EUROPA\n\n"
        "Risoluzione n. 2999\n\n_____________\n\nTitolo inventato\n\nTrasmessa il 2 maggio 2031"
        "\n\nPag. 2\n\nPARLIAMENTARY ASSEMBLY OF THE COUNCIL OF EUROPE\n\nRESOLUTION 2999 (2031)"
        "(1)\n\nProvisional version\n_____________\n\nAn invented English title\n\n"
        "  Parliamentary Assembly\n\n  1. The Council's aim is «to achieve unity» (Article 1.a)"
        " of the Statute, Resolution 2494 (2030)(2), Article 6(1) of the Convention).\n"
        "  2. The Assembly calls on member States to:\n\n   2.1. do one thing;"
        "\n\n   2.2. do another\n\nPag. 3\n\nthing.\n\n(1) Assembly debate on 22 April 2031 (15th"
        " sitting).\n(2) See also Doc. 19999.\n"
    )
    parsed = parse_text(text)
    assert (parsed.number, parsed.title) == ("2999", "An invented English title")
    assert units(text) == [
        (
            "1",
            None,
            "The Council's aim is «to achieve unity» (Article 1.a) of the Statute, Resolution"
            " 2494 (2030), Article 6(1) of the Convention).",
            None,
        ),
        ("2", None, "The Assembly calls on member States to:", "member States"),
        ("2.1", "2", "do one thing;", "member States"),
        ("2.2", "2", "do another thing.", "member States"),
    ]
    assert [(n.mark, n.text) for n in parsed.footnotes] == [
        ("1", "Assembly debate on 22 April 2031 (15th sitting)."),
        ("2", "See also Doc. 19999."),
    ]


def test_texts_adopted_compilation_gives_its_first_text_after_the_contents():
    text = (
        "Europarådet 2030-31\nERD Alm.del Bilag 5\nOffentligt\n2816694_0001.png\n2030 ORDINARY"
        " SESSION\nTEXTS ADOPTED\nBY THE ASSEMBLY\nProvisional versions*\n*subject to editorial"
        " review.\nF – 67075 Strasbourg Cedex | Tel: + 33 3 88 41 2000 |\nERD, Alm.del - 2030-31"
        " - Bilag 5: Tekster vedtaget\n2816694_0002.png\nTable of contents\nRecommendations\n"
        "Recommendation 2965 (2030) Situation of invented children (Doc. 18901)\n"
        "Recommendation 2966 (2030) An invented future for democracy in a region of\n"
        "Europe (Doc. 18892)\nResolutions\nResolution 2924 (2030) Invented children (Doc. 18901)"
        "\n2816694_0003.png\nRecommendation 2965 (2030)1\nProvisional version\nSituation of"
        " invented children\nParliamentary Assembly\n1. The Assembly refers to its Resolution"
        " 2924 (2030).\n2. The Assembly recommends that the Committee of Ministers support"
        " children.\n1 Assembly debate on 25 January 2030 (8th sitting).\n"
        "2816694_0004.png\nRecommendation 2966 (2030)1\nProvisional version\nAn invented future"
        "\nParliamentary Assembly\n1. The Assembly recommends something else.\n"
    )
    parsed = parse_text(text)
    assert (parsed.kind, parsed.number, parsed.title) == (
        "recommendation", "2965", "Situation of invented children",
    )  # fmt: skip
    assert [u.text for u in parsed.units] == [
        "The Assembly refers to its Resolution 2924 (2030).",
        "The Assembly recommends that the Committee of Ministers support children.",
    ]
    assert [n.text for n in parsed.footnotes] == [
        "Assembly debate on 25 January 2030 (8th sitting)."
    ]
    assert parsed.warnings == []  # "Provisional versions*" refers to its own line


def test_no_break_spaces_soft_hyphens_and_invisible_characters():
    text = (
        "Resolution 2777 (2029)\n\nAn\u00a0invented title \u2013 with a dash\n\n"
        "Parliamentary Assembly\n\n1.\u00a0The Assembly recalls \u00a7\u00a012 of its Resolution"
        " 2500\u00a0(2023) and the co\u00ad\noperation of \u201cthe authorities\u201d.\u200b\n"
        "2.\tThe Assembly notes:\n\u2013 the first point;\n\u2013 the second point.\n"
        "3. The Assembly calls on the Government of Exampleland to:\n3.1.\u00a0\u00a0reform the"
        " law on non- \ngovernmental organisations;\n3.2. end the Europe-\nEuropean gap.\n"
    )
    parsed = parse_text(text)
    assert parsed.title == "An invented title – with a dash"
    assert [u.text for u in parsed.units] == [
        "The Assembly recalls § 12 of its Resolution 2500 (2023) and the cooperation of"
        " “the authorities”.",
        "The Assembly notes: – the first point; – the second point.",
        "The Assembly calls on the Government of Exampleland to:",
        "reform the law on non-governmental organisations;",
        "end the Europe-European gap.",
    ]


def test_a_related_title_line_after_the_headers_does_not_replace_the_text():
    text = (
        "Resolution 2888 (2030)\nAn invented title\nParliamentary Assembly\nSee also:\n"
        "Recommendation 2300 (2030)\n1. The Assembly decides.\n"
    )
    parsed = parse_text(text)
    assert (parsed.kind, parsed.number, parsed.title) == ("resolution", "2888", "An invented title")


def test_a_glued_note_mark_that_cannot_be_paired_is_an_error_naming_it():
    text = (
        "Resolution 2888 (2030)1\nAn invented title\nParliamentary Assembly\n"
        "1. The Assembly recalls its Resolution 2700 (2028)1 on the matter.\n"
        "1 Assembly debate on 24 January 2030 (7th sitting).\n"
        "1 See also Resolution 2700 (2028).\n"
    )
    with pytest.raises(ParseError, match="footnote mark 1"):
        parse_text(text)


def test_the_next_text_of_another_kind_with_the_same_number_ends_the_text():
    text = (
        "Recommendation 2300 (2030)\nAn invented title\nParliamentary Assembly\n"
        "1. The Assembly recommends that the Committee of Ministers act.\n"
        "Resolution 2300 (2030)\nAnother title\nParliamentary Assembly\n"
        "1. The Assembly resolves to act.\n"
    )
    assert [u.text for u in parse_text(text).units] == [
        "The Assembly recommends that the Committee of Ministers act."
    ]


def test_older_viewer_notes_inside_and_after_a_paragraph():
    text = (
        "Print\nSee related documents\n\nResolution 2562 (2027)\n\nSecret invented transfers\n\n"
        "Author(s): Parliamentary Assembly\n\nOrigin - Assembly debate on 27 June 2027 (23rd"
        " Sitting) (see Doc. 19302, report of the Committee on Legal Affairs and Human Rights,"
        " rapporteur: Mr Example). Text adopted by the Assembly on 27 June 2027 (23rd Sitting)."
        "\n\n1. The Assembly refers to the report of 12 June 2026 \n\t\t\t(1) \n\t\t\tDoc. 19957"
        " which revealed a “web” of transfers.\n2. It notes the work done. \n\t\t\t(2) \n\t\t\t"
        "See Document SG(2026)01 “Follow-up” at:\nhttp://www.coe.int/t/dc/2026_DocSG_en.doc.\n"
        "3. The Assembly calls on member States to act.\n"
    )
    parsed = parse_text(text)
    assert (parsed.number, parsed.title) == ("2562", "Secret invented transfers")
    assert [u.text for u in parsed.units] == [
        "The Assembly refers to the report of 12 June 2026 which revealed a “web” of transfers.",
        "It notes the work done.",
        "The Assembly calls on member States to act.",
    ]
    assert [(n.mark, n.text) for n in parsed.footnotes] == [
        ("1", "Doc. 19957"),
        ("2", "See Document SG(2026)01 “Follow-up” at: http://www.coe.int/t/dc/2026_DocSG_en.doc."),
    ]


def test_republished_html_with_ordered_lists_and_a_quoted_list_intro():
    text = (
        "<h2>The definition of an invented notion</h2><p><strong>Author(s):</strong>"
        " Parliamentary Assembly</p><p><strong>Origin</strong>: Assembly debate on 3 October"
        " 2029 (33rd Sitting). Text adopted by the Assembly on 3 October 2029 (33rd Sitting).</p>"
        "<ol><li>The Assembly recalls that the notion was elaborated in 2001.</li>"
        "<li>The Assembly reaffirms its support for these criteria, summed up as follows:"
        "<p>\"A person is to be regarded as 'concerned':</p><ol type='a'>"
        "<li>if the first condition is met;</li><li>if, for political motives, the second is"
        ' met; or,</li><li>if the third is met." (SG/Inf(2001)34, paragraph 10).</li></ol></li>'
        "<li>The Assembly invites the competent authorities of all the member States of the"
        " Council of Europe to reassess the cases.</li></ol><p><em>Source: </em>"
        "<a href='x'>http://assembly.coe.int/nw/xml/XRef/Xref-XML2HTML-en.asp?fileid=1</a></p>"
    )
    parsed = parse_text(text)
    assert parsed.title == "The definition of an invented notion"
    everyone = "the competent authorities of all the member States of the Council of Europe"
    assert units(text) == [
        ("1", None, "The Assembly recalls that the notion was elaborated in 2001.", None),
        (
            "2",
            None,
            "The Assembly reaffirms its support for these criteria, summed up as follows:"
            " \"A person is to be regarded as 'concerned':",
            None,
        ),
        ("2.a", "2", "if the first condition is met;", None),
        ("2.b", "2", "if, for political motives, the second is met; or,", None),
        ("2.c", "2", 'if the third is met." (SG/Inf(2001)34, paragraph 10).', None),
        ("3", None, f"The Assembly invites {everyone} to reassess the cases.", everyone),
    ]

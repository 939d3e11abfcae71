"""Each parsing convention, in plain text, Markdown and HTML."""

import html

import pytest

from tracker.texts.parsing import ParseError, parse_text

FORMATS = ("plain", "markdown", "html")


def write(lines: list[str], fmt: str) -> str:
    """Write lines as plain text, Markdown (escaped numbers, emphasis) or HTML paragraphs."""
    if fmt == "plain":
        return "\n".join(lines) + "\n"
    if fmt == "markdown":
        out = []
        for line in lines:
            line = line.replace("¹", "[^1]").replace("²", "[^2]")
            head, dot, rest = line.partition(". ")
            if dot and head.isdigit():
                line = f"{head}\\. {rest}"  # how converters escape a leading "1."
            out.append(line.replace("inter alia", "*inter alia*"))
        return "\n\n".join(out) + "\n"
    body = "".join(
        f"<p>{html.escape(line).replace('¹', '<sup>1</sup>').replace('²', '<sup>2</sup>')}</p>\n"
        for line in lines
    )
    return f"<!doctype html><html><body>\n{body}</body></html>"


def units(lines: list[str], fmt: str) -> list[tuple]:
    parsed = parse_text(write(lines, fmt))
    return [(u.number, u.parent, u.text, u.addressee) for u in parsed.units]


@pytest.mark.parametrize("fmt", FORMATS)
def test_sub_numbers_without_trailing_dot_are_units(fmt):
    lines = [
        "1 The Assembly calls on the authorities to:",
        "1.1 develop the courts;",
        "1.2 reform.",
    ]
    assert units(lines, fmt) == [
        ("1", None, "The Assembly calls on the authorities to:", "the authorities"),
        ("1.1", "1", "develop the courts;", "the authorities"),
        ("1.2", "1", "reform.", "the authorities"),
    ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_number_without_space(fmt):
    lines = ["1.The Assembly notes.", "2.The Assembly invites the Bureau to:", "2.1.act."]
    assert [u[:3] for u in units(lines, fmt)] == [
        ("1", None, "The Assembly notes."),
        ("2", None, "The Assembly invites the Bureau to:"),
        ("2.1", "2", "act."),
    ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_older_viewer_open_toggle(fmt):
    lines = ["Resolution 1526 (2006)", "(open)1. The Assembly notes.", "2. It decides.", "(close)"]
    parsed = parse_text(write(lines, fmt))
    assert [(u.number, u.text) for u in parsed.units] == [
        ("1", "The Assembly notes."),
        ("2", "It decides."),
    ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_lettered_and_roman_items_are_units(fmt):
    lines = [
        "1. The Assembly notes.",
        "2. The Assembly urges the Kazakh authorities to:",
        "a. free the journalists;",
        "b. protect, in particular:",
        "i. lawyers;",
        "ii. bloggers;",
        "c. report back.",
        "3. The Assembly therefore:",
        "(a) invites the Secretary General to act;",
        "(b) decides to remain seized.",
    ]
    kz = "the Kazakh authorities"
    assert units(lines, fmt) == [
        ("1", None, "The Assembly notes.", None),
        ("2", None, "The Assembly urges the Kazakh authorities to:", kz),
        ("2.a", "2", "free the journalists;", kz),
        ("2.b", "2", "protect, in particular:", kz),
        ("2.b.i", "2.b", "lawyers;", kz),
        ("2.b.ii", "2.b", "bloggers;", kz),
        ("2.c", "2", "report back.", kz),
        ("3", None, "The Assembly therefore:", None),
        ("3.a", "3", "invites the Secretary General to act;", "the Secretary General"),
        ("3.b", "3", "decides to remain seized.", None),
    ]


def test_letter_i_after_h_is_a_letter():
    letters = "abcdefghij"
    lines = ["1. The Assembly asks the Bureau to:"] + [f"{c}. item {c};" for c in letters]
    numbers = [u.number for u in parse_text(write(lines, "plain")).units]
    assert numbers == ["1", *(f"1.{c}" for c in letters)]


@pytest.mark.parametrize("fmt", FORMATS)
def test_recommendation_gives_its_addressee_to_sub_paragraphs(fmt):
    lines = [
        "Recommendation 2296 (2025)",
        "1. The Assembly refers to its Resolution 2616 (2025).",
        "2. The Assembly recommends that the Committee of Ministers:",
        "2.1. invite member States to:",
        "2.1.1. support the reforms;",
        "2.2. keep the matter under review.",
        "3. The Assembly, therefore, recommends that the Committee of Ministers invite the EU.",
    ]
    parsed = parse_text(write(lines, fmt))
    assert parsed.kind == "recommendation" and parsed.number == "2296"
    assert [(u.number, u.addressee) for u in parsed.units] == [
        ("1", None),
        ("2", "the Committee of Ministers"),
        ("2.1", "the Committee of Ministers"),
        ("2.1.1", "the Committee of Ministers"),
        ("2.2", "the Committee of Ministers"),
        ("3", "the Committee of Ministers"),
    ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_lone_year_line_keeps_the_rest(fmt):
    lines = [
        "1. The Assembly recalls its Resolution 1526",
        "(2006)",
        "and its Resolution 2193 (2017).",
        "2. It decides.",
    ]
    assert [u[:3] for u in units(lines, fmt)] == [
        (
            "1",
            None,
            "The Assembly recalls its Resolution 1526 (2006) and its Resolution 2193 (2017).",
        ),
        ("2", None, "It decides."),
    ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_pace_headers_are_not_units_or_text(fmt):
    lines = [
        "Resolution 2616 (2025)¹",
        "Provisional version",
        "The Parliamentary Assembly should support Kazakhstan",
        "Author(s): Parliamentary Assembly",
        "Origin - Assembly debate on 30 September 2025 (31st sitting) (see Doc. 16245, report of"
        " the Committee on Political Affairs and Democracy, rapporteur: Mr Zsolt Németh). Text"
        " adopted by the Assembly on 30 September 2025 (31st sitting).",
        "See Doc. 16245, report of the Committee on Political Affairs and Democracy.",
        "1. The Assembly notes.",
    ]
    parsed = parse_text(write(lines, fmt))
    assert (parsed.kind, parsed.number, parsed.year) == ("resolution", "2616", "2025")
    assert parsed.title == "The Parliamentary Assembly should support Kazakhstan"
    assert [(u.number, u.text) for u in parsed.units] == [("1", "The Assembly notes.")]


@pytest.mark.parametrize("fmt", FORMATS)
def test_footnote_marks_leave_the_text_and_become_footnotes(fmt):
    lines = [
        "1. The Assembly recalls Resolution 1526 (2006)¹ and Doc. 16245².",
        "2. It decides.",
        "¹ Resolution on Kazakhstan.",
        "² See Doc. 16245, report of the committee.",
    ]
    if fmt == "markdown":
        lines[2:] = [
            "[^1]: Resolution on Kazakhstan.",
            "[^2]: See Doc. 16245, report of the committee.",
        ]
    parsed = parse_text(write(lines, fmt))
    assert parsed.units[0].text == "The Assembly recalls Resolution 1526 (2006) and Doc. 16245."
    assert parsed.units[1].text == "It decides."
    assert [(n.mark, n.text) for n in parsed.footnotes] == [
        ("1", "Resolution on Kazakhstan."),
        ("2", "See Doc. 16245, report of the committee."),
    ]


@pytest.mark.parametrize("fmt", ("plain", "html"))
def test_duplicate_footnote_numbers_pair_by_page(fmt):
    lines = [
        "1. The Assembly recalls Resolution 1526 (2006)¹.",
        "¹ First note, on page one.",
        "2. It recalls Resolution 2193 (2017)¹.",
        "¹ Second note, on page two.",
    ]
    parsed = parse_text(write(lines, fmt))
    assert [(n.mark, n.text) for n in parsed.footnotes] == [
        ("1", "First note, on page one."),
        ("1", "Second note, on page two."),
    ]
    assert [u.text for u in parsed.units] == [
        "The Assembly recalls Resolution 1526 (2006).",
        "It recalls Resolution 2193 (2017).",
    ]


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

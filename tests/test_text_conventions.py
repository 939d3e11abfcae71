"""Each parsing convention, in plain text, Markdown and HTML."""

import html

import pytest

from tracker.texts.parsing import parse_text

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

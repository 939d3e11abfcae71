from pathlib import Path

import pytest

from tracker.resources import SEEDS
from tracker.texts.parsing import Paragraph, ParseError, parse_paragraphs

ADOPTED = (SEEDS / "resolution-2616-adopted.md").read_text(encoding="utf-8")
REPORT = (SEEDS / "doc-16245-report.md").read_text(encoding="utf-8")
SAMPLE = (Path(__file__).parent / "fixtures" / "recommendation-sample.md").read_text(
    encoding="utf-8"
)
DRAFT_START = r"^A\. Draft resolution"
DRAFT_STOP = r"^B\. Explanatory memorandum"

ADOPTED_NUMBERS = [
    "1", "2", "3", "4", "5", "6", "7", "8", "9", "9.1", "9.2", "9.2.1", "9.2.2", "9.3",
    "10", "10.1", "10.2", "11", "11.1", "11.2", "11.3", "11.4", "11.5",
    "12", "12.1", "12.2", "12.3", "13",
]  # fmt: skip

PARAGRAPH_5 = (
    "The Assembly welcomes the comprehensive co-operation between Kazakhstan and the Council of"
    " Europe within the framework of the Neighbourhood Co-operation Priorities, which have served"
    " as a valuable instrument for aligning Kazakh legislation with the Council of Europe’s"
    " standards. At the same time, the Assembly expects tangible progress in justice reform,"
    " anti-corruption measures, promotion of human rights and support for democratic governance,"
    " inter alia through co-operation with the Assembly, in particular: releasing 39 political"
    " prisoners, individuals targeted for their involvement in peaceful protests, civil society"
    " and anti-corruption activities, social media publications or their support of peaceful"
    " opposition movements; and fulfilling obligations to ensure freedom of political"
    " association and to stop the domestic and transnational persecution of representatives of"
    " the peaceful political opposition movements “Democratic Choice of Kazakhstan”, “Koshe"
    " Partiyasy” and “Alga Kazakhstan”, as recalled in the European Parliament resolutions of"
    " 20 January 2022 on the situation in Kazakhstan and of 17 January 2024 on the EU strategy"
    " on Central Asia."
)
PARAGRAPH_1 = (
    "The Parliamentary Assembly refers to its Resolution 1506 (2006) “External relations of the"
    " Council of Europe” and reiterates its commitment to enhancing the role of the Council of"
    " Europe in promoting democracy, the rule of law and respect for human rights beyond its"
    " borders, in particular in neighbouring regions, as an essential contribution to security,"
    " stability and development."
)
PARAGRAPH_11_3 = (
    "align with international human rights standards by ensuring that its domestic legislation,"
    " policies and practices reflect these norms, take into account the views and"
    " recommendations of domestic and international human rights bodies, including the United"
    " Nations Human Rights Committee, and implement their recommendations in full;"
)


def by_number(paragraphs: list[Paragraph]) -> dict[str, Paragraph]:
    return {p.number: p for p in paragraphs}


@pytest.fixture(scope="module")
def adopted() -> dict[str, Paragraph]:
    return by_number(parse_paragraphs(ADOPTED))


@pytest.fixture(scope="module")
def draft() -> dict[str, Paragraph]:
    return by_number(parse_paragraphs(REPORT, start_after=DRAFT_START, stop_before=DRAFT_STOP))


@pytest.fixture(scope="module")
def sample() -> dict[str, Paragraph]:
    return by_number(parse_paragraphs(SAMPLE))


def test_adopted_numbers_in_document_order():
    paragraphs = parse_paragraphs(ADOPTED)
    assert [p.number for p in paragraphs] == ADOPTED_NUMBERS
    assert [p.position for p in paragraphs] == list(range(len(ADOPTED_NUMBERS)))


@pytest.mark.parametrize(
    ("number", "text"),
    [
        ("1", PARAGRAPH_1),
        ("5", PARAGRAPH_5),
        ("9.2.1", "accelerate progress towards the ratification of the Istanbul Convention;"),
        ("11.3", PARAGRAPH_11_3),
        ("9", "Therefore, the Assembly encourages the Parliament of Kazakhstan to:"),
        (
            "11.4",
            "advance reforms aimed at enhancing judicial independence and accountability,"
            " reinforcing access to justice and the right to a fair trial;",
        ),
    ],
)
def test_adopted_text(adopted, number, text):
    assert adopted[number].text == text


def test_no_footnote_or_markdown_residue(adopted):
    for paragraph in adopted.values():
        for residue in ("Assembly debate", "Text adopted", "¹", "*", "\\", "](", "[", "  "):
            assert residue not in paragraph.text, (paragraph.number, residue)
        assert paragraph.text == paragraph.text.strip()


def test_preamble_is_not_a_paragraph(adopted):
    assert all("Resolution 2616" not in p.text for p in adopted.values())
    assert adopted["1"].text.startswith("The Parliamentary Assembly refers")


@pytest.mark.parametrize(
    ("number", "parent"),
    [("1", None), ("9", None), ("9.1", "9"), ("9.2.1", "9.2"), ("11.5", "11"), ("13", None)],
)
def test_adopted_parents(adopted, number, parent):
    assert adopted[number].parent == parent


@pytest.mark.parametrize(
    ("number", "addressee", "verb"),
    [
        ("4", None, None),
        ("9", "the Parliament of Kazakhstan", "encourages"),
        ("9.1", "the Parliament of Kazakhstan", "encourages"),
        ("9.2", "the Parliament of Kazakhstan", "encourages"),
        ("9.2.1", "the Parliament of Kazakhstan", "encourages"),
        ("10.2", "the authorities of Kazakhstan", "calls on"),
        ("11.4", "the authorities of Kazakhstan", "urges"),
        ("12.3", "the authorities of Kazakhstan", "encourages"),
        ("13", None, None),
    ],
)
def test_adopted_addressee_and_verb(adopted, number, addressee, verb):
    assert (adopted[number].addressee, adopted[number].verb) == (addressee, verb)


def test_draft_has_the_adopted_numbers(draft):
    assert list(draft) == ADOPTED_NUMBERS


def test_draft_text(draft):
    assert draft["13"].text == (
        "The Assembly should regularly assess the situation in Kazakhstan and its adherence to"
        " the values of the Council of Europe."
    )
    assert draft["1"].text.startswith("The Parliamentary Assembly refers to its Resolution 1506")
    for paragraph in draft.values():
        for residue in ("(open)", "(1)", "unanimously", "Draft resolution", "Introduction"):
            assert residue not in paragraph.text, (paragraph.number, residue)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"start_after": r"^Z\. Nowhere"}, "start_after"),
        ({"start_after": DRAFT_START, "stop_before": r"^Z\. Nowhere"}, "stop_before"),
    ],
)
def test_missing_delimiter(options, message):
    with pytest.raises(ParseError, match=message):
        parse_paragraphs(REPORT, **options)


def test_sample_numbers(sample):
    assert list(sample) == [
        "1", "2", "3", "3.1", "3.1.1", "3.1.2", "3.1.2.1", "3.1.2.2", "3.2", "3.3",
        "4", "4.1", "4.1.1", "4.2", "4.2.1", "5",
    ]  # fmt: skip
    assert sample["3.1.2.1"].parent == "3.1.2"


PARLIAMENT, AUTHORITIES = "the Parliament of Kazakhstan", "the authorities of Kazakhstan"
EXPECTED_STRUCTURE = [
    *((str(n), None, None) for n in range(1, 9)),
    ("9", None, PARLIAMENT),
    ("9.1", "9", PARLIAMENT),
    ("9.2", "9", PARLIAMENT),
    ("9.2.1", "9.2", PARLIAMENT),
    ("9.2.2", "9.2", PARLIAMENT),
    ("9.3", "9", PARLIAMENT),
    ("10", None, AUTHORITIES),
    ("10.1", "10", AUTHORITIES),
    ("10.2", "10", AUTHORITIES),
    ("11", None, AUTHORITIES),
    *((f"11.{n}", "11", AUTHORITIES) for n in range(1, 6)),
    ("12", None, AUTHORITIES),
    *((f"12.{n}", "12", AUTHORITIES) for n in range(1, 4)),
    ("13", None, None),
]

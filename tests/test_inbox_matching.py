"""The suggestions rank the right paragraph first for documents built from the seed texts."""

import re

import pytest

from tracker.cli import SEEDS_DIR
from tracker.documents.matching import ParagraphIndex, load_index, rank_paragraphs, stem, words

REPORT = (SEEDS_DIR / "doc-16245-report.md").read_text(encoding="utf-8")


def report_paragraph(number: int) -> str:
    """Return a numbered paragraph of the committee's explanatory memorandum."""
    match = re.search(rf"^{number}\. (.+)$", REPORT.split("B. Explanatory memorandum")[1], re.M)
    assert match, number
    return match.group(1)


@pytest.fixture
def index(session) -> ParagraphIndex:
    return load_index(session)


@pytest.mark.parametrize(
    ("title", "text", "expected"),
    [
        (
            "Kazakhstan asks for two more years on the Istanbul Convention",
            report_paragraph(55),
            {"6", "9.2.1"},
        ),
        ("Progress against torture in detention", report_paragraph(41), {"11.5"}),
        (
            "PACE declaration welcomes reforms",
            "The signatories note Kazakhstan's zero-tolerance policy on violence against women "
            "and its national preventive mechanisms against torture and ill-treatment in places "
            "of detention.",
            {"11.5"},
        ),
        (
            "Mazhilis debates ratification of the Istanbul Convention",
            "Deputies discussed the convention on violence against women and domestic violence.",
            {"6", "9.2.1"},
        ),
        (
            "Pompidou Group membership",
            "Kazakhstan considers joining the Pompidou Group on drugs and addictions.",
            {"9.2.2"},
        ),
    ],
)
def test_the_right_paragraph_ranks_first(index, title, text, expected):
    ranked = rank_paragraphs(index, f"{title}\n{text}")
    assert ranked[0]["item"] in expected, ranked[:3]
    assert ranked[0]["score"] > ranked[1]["score"]
    assert all(word in text + title for word in ranked[0]["words"])


def test_a_source_keyword_and_paragraph_lift_a_suggestion(index):
    text = "Parliament hears a report on judicial independence and the media environment."
    plain = [row["item"] for row in rank_paragraphs(index, text)]
    boosted = rank_paragraphs(index, text, source_items=["11.2"])
    assert boosted[0]["item"] == "11.2" and plain[0] != "11.2"
    keyword = rank_paragraphs(index, text, keywords=["media environment"])
    before = next(r for r in rank_paragraphs(index, text) if r["item"] == "11.2")["score"]
    after = next(r for r in keyword if r["item"] == "11.2")["score"]
    assert after > before
    absent = rank_paragraphs(index, text, keywords=["Istanbul Convention"])
    assert absent == rank_paragraphs(index, text)  # a keyword counts only if the text has it


def test_unrelated_text_suggests_nothing():
    index = ParagraphIndex.build([("1", "torture detention"), ("2", "media pluralism")])
    assert rank_paragraphs(index, "Weather forecast: sunny") == []
    assert [r["item"] for r in rank_paragraphs(index, "Torture cases")] == ["1"]


@pytest.mark.parametrize(
    ("word", "stemmed"),
    [("Conventions", "convention"), ("authorities'", "authorities'"), ("policies", "policy"),
     ("Kazakhstan’s", "kazakhstan"), ("process", "process"), ("status", "status"),
     ("analysis", "analysis")],
)  # fmt: skip
def test_stemming(word, stemmed):
    assert stem(word) == stemmed


def test_stop_words_are_dropped():
    assert [s for s, _ in words("The Assembly urges the authorities of Kazakhstan to act")] == [
        "act"
    ]

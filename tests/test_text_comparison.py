import pytest

from tracker.resources import SEEDS
from tracker.texts.comparison import classify_difference, longest_change, normalise, word_diff
from tracker.texts.parsing import parse_paragraphs


@pytest.fixture(scope="module")
def texts() -> tuple[dict[str, str], dict[str, str]]:
    adopted = parse_paragraphs((SEEDS / "resolution-2616-adopted.md").read_text(encoding="utf-8"))
    draft = parse_paragraphs(
        (SEEDS / "doc-16245-report.md").read_text(encoding="utf-8"),
        start_after=r"^A\. Draft resolution",
        stop_before=r"^B\. Explanatory memorandum",
    )
    return {p.number: p.text for p in adopted}, {p.number: p.text for p in draft}


def classes(texts: tuple[dict[str, str], dict[str, str]]) -> dict[str, str]:
    adopted, draft = texts
    return {n: classify_difference(text, draft.get(n)) for n, text in adopted.items()}


def test_plenary_amendments_are_the_amended_paragraphs(texts):
    amended = {n for n, kind in classes(texts).items() if kind == "amended"}
    assert amended == {"4", "5", "7", "13"}


@pytest.mark.parametrize(
    ("number", "kind"),
    [
        ("1", "unchanged"),
        ("2", "unchanged"),  # "Federation's" in the draft, "Federation’s" when adopted
        ("12.2", "editorial"),  # the reverse apostrophe swap, plus a comma
        ("3", "editorial"),  # "in the last two decades" -> "over the past two decades"
        ("6", "editorial"),
        ("9.2.1", "editorial"),  # "toward" -> "towards"
        ("10.1", "editorial"),  # a serial comma dropped
    ],
)
def test_real_paragraph_classes(texts, number, kind):
    assert classes(texts)[number] == kind


def test_amendment_threshold_sits_in_the_gap(texts):
    adopted, draft = texts
    kinds = classes(texts)
    runs = {n: longest_change(draft[n], adopted[n]) for n in adopted}
    assert max(runs[n] for n in runs if kinds[n] == "editorial") == 3
    assert min(runs[n] for n in runs if kinds[n] == "amended") == 16


@pytest.mark.parametrize(
    ("adopted", "draft", "kind"),
    [
        ("The Assembly notes.", None, "new"),
        ("The Assembly notes.", "The Assembly notes.", "unchanged"),
        ("the country’s “reform”", 'the country\'s "reform"', "unchanged"),
        ("one  two\nthree ", " one two three", "unchanged"),
        ("a, b and c", "a, b, and c", "editorial"),
        ("over the past two decades", "in the last two decades", "editorial"),
        ("the Istanbul Convention", "the istanbul convention", "editorial"),
        (
            "The Assembly notes progress, and stresses that any assessment must stay conditional.",
            "The Assembly notes progress.",
            "amended",
        ),
        (
            "The Assembly notes progress.",
            "The Assembly notes progress and the adoption of the new priorities for 2024-2027.",
            "amended",
        ),
    ],
)
def test_classify_difference(adopted, draft, kind):
    assert classify_difference(adopted, draft) == kind


def test_word_diff_segments():
    assert word_diff("which, in the last two decades", "which, over the past two decades") == [
        ("equal", "which,"),
        ("delete", "in"),
        ("insert", "over"),
        ("equal", "the"),
        ("delete", "last"),
        ("insert", "past"),
        ("equal", "two decades"),
    ]


@pytest.mark.parametrize(
    ("draft", "adopted", "segments"),
    [
        ("", "", []),
        ("same  text", "same text", [("equal", "same text")]),
        ("Kazakhstan's view", "Kazakhstan’s view", [("equal", "Kazakhstan’s view")]),
        ("a b", "a b c d", [("equal", "a b"), ("insert", "c d")]),
        ("a b c", "a", [("equal", "a"), ("delete", "b c")]),
    ],
)
def test_word_diff_edges(draft, adopted, segments):
    assert word_diff(draft, adopted) == segments


def test_word_diff_rebuilds_both_texts(texts):
    adopted, draft = texts
    for number in adopted:
        segments = word_diff(draft[number], adopted[number])
        new = " ".join(text for kind, text in segments if kind != "delete")
        old = " ".join(text for kind, text in segments if kind != "insert")
        assert new == adopted[number]
        # Equal segments show the adopted spelling, so the draft comes back up to quote variants.
        assert normalise(old) == normalise(draft[number])

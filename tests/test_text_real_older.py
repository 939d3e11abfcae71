"""Older texts as pace.coe.int shows them: "The Assembly,", numbers without dots ("1 In the
light of ...,"), lists lettered "a adopt" (Order 447 (1989), Recommendation 56 (1953));
invented wording."""

from tracker.texts.parsing import parse_text


def units(text: str) -> list[tuple]:
    return [(u.number, u.parent, u.text, u.addressee) for u in parse_text(text).units]


def test_older_order_with_the_assembly_comma_and_undotted_numbers():
    text = (
        "Invented budget priorities\n\nOrder 999 (1989)\n\nParliamentary Assembly\nText adopted"
        " by the Standing Committee, acting on behalf of the Assembly, on 6 July 1989.\n\n"
        "The Assembly,\n\n1 In the light of the budget increases for 1990 (Sub-head 74),\n"
        "2 Instructs the Bureau to reassess committee activities for 1990.\n"
    )
    parsed = parse_text(text)
    assert (parsed.kind, parsed.title) == ("order", "Invented budget priorities")
    assert units(text) == [
        ("1", None, "In the light of the budget increases for 1990 (Sub-head 74),", None),
        (
            "2",
            None,
            "Instructs the Bureau to reassess committee activities for 1990.",
            "the Bureau",
        ),
    ]


def test_undotted_letters_and_roman_numerals_in_an_undotted_text():
    text = (
        "An invented old text\n\nRecommendation 956 (1983)\n\nParliamentary Assembly\n\n"
        "The Assembly,\n\n1 Having examined the report,\n"
        "2 Recommends that the Committee of Ministers:\na adopt the emblem;\n"
        "b instruct the Secretary General to negotiate, in particular:\ni with the institutions;"
        "\nii with the member states;\nc report back.\n3 Decides to remain seized of a matter\n"
        "a new one.\n"
    )
    cm = "the Committee of Ministers"
    assert units(text) == [
        ("1", None, "Having examined the report,", None),
        ("2", None, "Recommends that the Committee of Ministers:", cm),
        ("2.a", "2", "adopt the emblem;", cm),
        ("2.b", "2", "instruct the Secretary General to negotiate, in particular:", cm),
        ("2.b.i", "2.b", "with the institutions;", cm),
        ("2.b.ii", "2.b", "with the member states;", cm),
        ("2.c", "2", "report back.", cm),
        ("3", None, "Decides to remain seized of a matter a new one.", None),
    ]


def test_a_dotted_text_keeps_a_line_starting_with_the_article_a():
    text = (
        "Resolution 2888 (2030)\nA title\nParliamentary Assembly\n"
        "1. The Assembly calls on member States to adopt:\na new law.\n"
    )
    assert units(text) == [
        ("1", None, "The Assembly calls on member States to adopt: a new law.", "member States")
    ]


def test_the_oldest_texts_letter_their_items_after_an_unnumbered_call():
    text = (
        "Logo Assembly Logo Hemicycle\n\nChoice of an invented emblem\n\n"
        "Recommendation 57 (1953)\n\nParliamentary Assembly\nThis Recommendation was adopted"
        " by the Assembly at its twenty-third Sitting, on 25th September, 1953 (see Doc. 199).\n"
        "\nThe Assembly,\n\nHaving adopted as its emblem an invented flag,\n\n"
        "Recommends that the Committee of Ministers\n\na adopt the same emblem as a whole;\n"
        "b instruct the Secretary-General to enter into negotiations.\n"
    )
    parsed = parse_text(text)
    assert (parsed.kind, parsed.number, parsed.title) == (
        "recommendation", "57", "Choice of an invented emblem",
    )  # fmt: skip
    cm = "the Committee of Ministers"
    assert units(text) == [
        ("a", None, "adopt the same emblem as a whole;", cm),
        ("b", None, "instruct the Secretary-General to enter into negotiations.", cm),
    ]


def test_a_line_starting_with_a_after_an_ordinary_preamble_is_no_item():
    text = (
        "Resolution 57 (1953)\nA title\nThe Assembly,\nHaving noted it,\na adopt.\n1. It decides.\n"
    )
    assert units(text) == [("1", None, "It decides.", None)]


def test_an_undotted_unit_after_a_website_note_is_a_unit():
    text = (
        "Order 999 (1989)\nA title\nParliamentary Assembly\nThe Assembly,\n"
        "1 Having regard to its Resolution 900 (1988),\n(1)\nSee Doc. 5999.\n"
        "2 Instructs the Bureau to act.\n"
    )
    parsed = parse_text(text)
    assert [(u.number, u.text) for u in parsed.units] == [
        ("1", "Having regard to its Resolution 900 (1988),"),
        ("2", "Instructs the Bureau to act."),
    ]
    assert [(n.mark, n.text) for n in parsed.footnotes] == [("1", "See Doc. 5999.")]


def test_the_sites_details_on_the_title_line_are_no_title():
    text = (
        "An invented title\n\nResolution 2616 (2025) | 1 October 2025 | Final version\n\n"
        "Parliamentary Assembly\n1. The Assembly decides.\n"
    )
    parsed = parse_text(text)
    assert (parsed.number, parsed.title) == ("2616", "An invented title")
    text = (
        "Resolution 2616 (2025)\nFinal version\nAn invented title\nParliamentary Assembly\n"
        "1. The Assembly decides.\n"
    )
    parsed = parse_text(text)
    assert (parsed.number, parsed.title) == ("2616", "An invented title")

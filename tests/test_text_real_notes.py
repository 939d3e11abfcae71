"""Note shapes of texts saved or copied through a word processor ("[1]"); invented wording."""

from tracker.texts.parsing import parse_text

NOTES = [("1", "Assembly debate on 2 October 2029 (30th sitting)."), ("2", "See also Doc. 19999.")]


def test_word_processor_html_notes_in_brackets():
    text = (
        "<html><body><p class=MsoTitle>Resolution 2777 (2029)<a href='#_ftn1' name='_ftnref1'>"
        "<span class=MsoFootnoteReference>[1]</span></a></p><p>An invented title</p>"
        "<p>Parliamentary Assembly</p><p>1.&nbsp;The Assembly recalls its Resolution 2500"
        " (2023)<a href='#_ftn2'><span class=MsoFootnoteReference>[2]</span></a> on it.</p>"
        "<p>2.&nbsp;The Assembly calls on member States to act.</p><div id=ftn1><p"
        " class=MsoFootnoteText><a href='#_ftnref1'><span class=MsoFootnoteReference>[1]</span>"
        "</a> Assembly debate on 2 October 2029 (30th sitting).</p></div><div id=ftn2><p"
        " class=MsoFootnoteText><a href='#_ftnref2'><span class=MsoFootnoteReference>[2]</span>"
        "</a> See also Doc. 19999.</p></div></body></html>"
    )
    parsed = parse_text(text)
    assert (parsed.number, parsed.title) == ("2777", "An invented title")
    assert [u.text for u in parsed.units] == [
        "The Assembly recalls its Resolution 2500 (2023) on it.",
        "The Assembly calls on member States to act.",
    ]
    assert [(n.mark, n.text) for n in parsed.footnotes] == NOTES


def test_plain_text_notes_in_brackets_and_a_bracket_after_a_digit():
    text = (
        "Resolution 2777 (2029)[1]\nAn invented title\nParliamentary Assembly\n"
        "1. The Assembly recalls its Resolution 2500 (2023)[2] and Article 6[1] as amended.\n"
        "2. The Assembly calls on member States to act.\n\n"
        "[1] Assembly debate on 2 October 2029 (30th sitting).\n[2] See also Doc. 19999.\n"
    )
    parsed = parse_text(text)
    assert [u.text for u in parsed.units] == [
        "The Assembly recalls its Resolution 2500 (2023) and Article 6[1] as amended.",
        "The Assembly calls on member States to act.",
    ]
    assert [(n.mark, n.text) for n in parsed.footnotes] == NOTES


def test_html_after_a_byte_order_mark_an_xml_declaration_or_a_comment():
    page = (
        "<html><body><h1>Resolution 2777 (2029)</h1><p>1. The Assembly decides.</p></body></html>"
    )
    for prefix in ("\ufeff", '<?xml version="1.0" encoding="utf-8"?>\n', "<!-- saved -->\n"):
        assert [u.text for u in parse_text(prefix + page).units] == ["The Assembly decides."]


def test_the_debate_and_adoption_lines_after_the_text_are_not_its_last_unit():
    text = (
        "Resolution 1777 (2009)\nAn invented title\n1. The Assembly decides.\n"
        "2. It resolves to remain seized.\nAssembly debate on 2 October 2009 (30th Sitting)"
        " (see Doc. 11999).\nText adopted by the Assembly on 2 October 2009 (30th Sitting).\n"
        "(Extract from the Official Gazette of the Council of Europe – October 2009)\n"
    )
    parsed = parse_text(text)
    assert [u.text for u in parsed.units] == [
        "The Assembly decides.",
        "It resolves to remain seized.",
    ]


def test_quoted_numbered_paragraphs_are_the_quoting_units_text():
    # Opinions on draft conventions quote the articles they would amend.
    text = (
        "Opinion 399 (2030)1\nAn invented title\nParliamentary Assembly\n"
        "1. The Assembly recommends that the Committee of Ministers:\n"
        "1.1. replace Article 5 with the following:\n“1. Each Party shall adopt measures.\n"
        "2. Each Party shall ensure their review.\n3. Each Party shall report.”;\n"
        "1.2. adopt the convention.\n1 Assembly debate on 16 April 2030 (12th sitting).\n"
    )
    parsed = parse_text(text)
    assert [(u.number, u.text) for u in parsed.units] == [
        ("1", "The Assembly recommends that the Committee of Ministers:"),
        (
            "1.1",
            "replace Article 5 with the following: “1. Each Party shall adopt measures."
            " 2. Each Party shall ensure their review. 3. Each Party shall report.”;",
        ),
        ("1.2", "adopt the convention."),
    ]
    assert [n.mark for n in parsed.footnotes] == ["1"]


def test_straight_quoted_numbers_that_cannot_continue_the_numbering_are_text():
    text = (
        "Opinion 399 (2030)1\nAn invented title\nParliamentary Assembly\n1. It welcomes it.\n"
        "2. It notes it.\n3. The Assembly recommends that the Committee of Ministers:\n"
        '3.1. replace Article 5 with the following:\n"1. Each Party shall adopt measures.\n'
        '2. Each Party shall ensure their review.";\n3.2. adopt the convention.\n'
        "1 Assembly debate on 16 April 2030 (12th sitting).\n"
    )
    parsed = parse_text(text)
    assert [u.number for u in parsed.units] == ["1", "2", "3", "3.1", "3.2"]
    assert parsed.units[3].text.endswith('2. Each Party shall ensure their review.";')
    assert [n.mark for n in parsed.footnotes] == ["1"]


def test_a_stray_quote_mark_inside_a_sentence_opens_no_quotation():
    text = (
        "Resolution 2888 (2030)\nA title\nParliamentary Assembly\n"
        "1. The Assembly condemns the so-called “foreign agents“ law.\n2. It resolves to act.\n"
    )
    assert [u.number for u in parse_text(text).units] == ["1", "2"]


def test_a_markdown_note_goes_on_over_an_indented_second_sentence():
    text = (
        "# Resolution 2888 (2030)[^1]\n\nA title\n\n1. The Assembly decides.\n\n"
        "[^1]: Assembly debate on 24 January 2030.\n    Second sentence of the note.\n"
    )
    parsed = parse_text(text)
    assert [u.text for u in parsed.units] == ["The Assembly decides."]
    assert parsed.footnotes[0].text == (
        "Assembly debate on 24 January 2030. Second sentence of the note."
    )


def test_a_dotted_note_at_the_end_keeps_its_second_sentence():
    text = (
        "Resolution 2888 (2030)\nA title\nParliamentary Assembly\n1. The Assembly decides.\n"
        "2. It resolves to remain seized.\n1. See the report of the committee.\n"
        "It was debated twice.\n"
    )
    parsed = parse_text(text)
    assert parsed.units[-1].text == "It resolves to remain seized."
    assert parsed.footnotes[0].text == "See the report of the committee. It was debated twice."

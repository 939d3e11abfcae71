"""An invented Resolution written out the way real PACE texts reach users (see the notes of
issue 12 for the real text that showed each shape): the PDF viewer's copy, pdftotext, a
Markdown conversion and a pace.coe.int-like HTML page. The wording is invented.
"""

import html
import textwrap

TITLE = "Allegations of invented ill-treatment in places of detention in Europe"
DEBATE = (
    "Assembly debate on 24 January 2030 (7th sitting) (see Doc. 18880, report of the Committee"
    " on Legal Affairs and Human Rights, rapporteur: Mr Jan Example). Text adopted by the"
    " Assembly on 24 January 2030 (7th sitting)."
)
NOTE_2 = "See also Resolution 2700 (2028) on conditions of detention."
FOOTER = "F – 67075 Strasbourg Cedex | assembly@coe.int | Tel: +33 3 88 41 2000 | assembly.coe.int"

STATES = "States which have been found to practise ill-treatment"
PARTIES = "States Parties to the Convention"
SG = "the Secretary General of the Council of Europe"
# (number, text, addressee); "²" marks footnote 2's reference.
UNITS = [
    (
        "1",
        "The Parliamentary Assembly is deeply concerned by the reports on ill-treatment in places"
        " of detention that it received from its committee, the monitoring bodies and civil"
        " society over the last years, and recalls its Resolution 2700 (2028)² on the matter.",
        None,
    ),
    (
        "2",
        f"The Assembly urges {STATES}, in particular Examplestan and Otherland, to address the"
        " root causes of the problem and to ensure accountability. In particular, it urges:",
        STATES,
    ),
    (
        "2.1",
        "Examplestan to ensure that all perpetrators, high-ranking officials and State bodies"
        " responsible are held to account, and that all victims receive adequate reparation;",
        "Examplestan",
    ),
    ("2.2", "Otherland to ensure that all perpetrators are held to account.", "Otherland"),
    ("3", f"With regard to the committee, the Assembly calls on {PARTIES} to:", PARTIES),
    (
        "3.1",
        "agree in advance to the automatic publication of all visit reports, as many States have"
        " done already; authorise the publication of past reports;",
        PARTIES,
    ),
    (
        "3.2",
        "co-operate fully with the committee in the organisation of upcoming visits and ensure"
        " the follow-up of its recommendations, including those on safeguards against"
        " ill-treatment in police custody;",
        PARTIES,
    ),
    ("3.3", "ensure that national preventive mechanisms have the means to:", PARTIES),
    ("3.3.1", "visit any place of detention without notice;", PARTIES),
    ("3.3.2", "publish their reports.", PARTIES),
    ("4", f"The Assembly invites {SG} to:", SG),
    ("4.1", "present a report on the follow-up given to this resolution by 2032;", SG),
    ("4.2", "consider, in co-operation with the European Union, a joint programme.", SG),
    ("5", "The Assembly resolves to:", None),
    ("5.1", "follow closely the situation in places of detention;", None),
    ("5.2", "remain seized of the matter.", None),
]
# The first page ends inside paragraph 3.2, after this many of its wrapped lines.
BREAK_IN, LINES_BEFORE_BREAK = "3.2", 1


def expected_units() -> list[dict]:
    return [
        {
            "number": number,
            "parent": number.rpartition(".")[0] or None,
            "text": text.replace("²", ""),
            "addressee": addressee,
        }
        for number, text, addressee in UNITS
    ]


def _pages(width: int) -> tuple[list[str], list[str]]:
    """Return the wrapped unit lines of page one and page two (PDF: "(2028)2 on")."""
    first: list[str] = []
    second: list[str] = []
    for number, text, _ in UNITS:
        lines = textwrap.wrap(f"{number}. {text.replace('²', '2')}", width)
        if number == BREAK_IN:
            first.extend(lines[:LINES_BEFORE_BREAK])
            second.extend(lines[LINES_BEFORE_BREAK:])
        else:
            (second if second else first).extend(lines)
    return first, second


def _notes(width: int) -> list[str]:
    return [*textwrap.wrap(f"1 {DEBATE}", width), *textwrap.wrap(f"2 {NOTE_2}", width)]


def pdf_viewer() -> str:
    """Copied from a PDF viewer: no blank line anywhere, the notes at the foot of page one, the
    footer, then page two's running title; the page number closes page two."""
    first, second = _pages(86)
    head = ["Resolution 2888 (2030)1", "Provisional version", *textwrap.wrap(TITLE, 50)]
    lines = [*head, "Parliamentary Assembly", *first, *_notes(100), FOOTER]
    lines += ["Resolution 2888 (2030)", *second, "2"]
    return "\n".join(lines) + "\n"


def pdftotext() -> str:
    """pdftotext: blocks apart, the footer first, a rule above the notes, a form feed."""
    first, second = _pages(86)
    lines = [FOOTER, "", "Resolution 2888 (2030)1", "", "Provisional version", ""]
    lines += [*textwrap.wrap(TITLE, 50), "", "Parliamentary Assembly", "", *first]
    lines += ["", "_______________", *_notes(100), "\f", "Resolution 2888 (2030)", ""]
    lines += [*second, "", "2", ""]
    return "\n".join(lines)


def markdown() -> str:
    """A Markdown conversion: ordered lists, indented sub-paragraphs, footnote syntax."""
    lines = ["# Resolution 2888 (2030)[^1]", "", f"**{TITLE}**", "", "_Parliamentary Assembly_", ""]
    for number, text, _ in UNITS:
        indent = "    " * number.count(".")
        lines.append(f"{indent}{number}. {text.replace('²', '[^2]')}")
    return "\n".join([*lines, "", f"[^1]: {DEBATE}", "", f"[^2]: {NOTE_2}", ""])


def html_page() -> str:
    """A pace.coe.int-like page: logos, the title above the title line, no-break spaces."""
    parts = [
        "<!DOCTYPE html><html><body><header><img alt='Logo Assembly'> <a href='/'>Home</a>",
        f"</header><main><h1>{html.escape(TITLE)}</h1>",
        "<div class='type'>Resolution 2888 (2030)<sup>1</sup></div>",
        "<div class='author'>Parliamentary Assembly</div>",
    ]
    for number, text, _ in UNITS:
        body = html.escape(text).replace("²", "<sup>2</sup>")
        parts.append(f"<p>{number}.&nbsp;{body}</p>")
    parts.append("<div class='footnotes'>")
    for mark, note in (("1", DEBATE), ("2", NOTE_2)):
        parts.append(f"<p><sup>{mark}</sup> {html.escape(note)}</p>")
    return "\n".join([*parts, "</div></main></body></html>"])


def html_lists() -> str:
    """A page whose numbers come from nested <ol> lists, as converters write them."""
    texts = {n: html.escape(t).replace("²", "<sup>2</sup>") for n, t, _ in UNITS}

    def items(prefix: str) -> str:
        children = [n for n, _, _ in UNITS if n.rpartition(".")[0] == prefix]
        nested = {n: f"<ol>{items(n)}</ol>" if items(n) else "" for n in children}
        return "".join(f"<li>{texts[n]}{nested[n]}</li>" for n in children)

    return (
        f"<html><body><h1>{html.escape(TITLE)}</h1><p>Resolution 2888 (2030)<sup>1</sup></p>"
        f"<p>Parliamentary Assembly</p><ol>{items('')}</ol><div class='footnotes'><ol>"
        f"<li>{html.escape(DEBATE)}</li><li>{html.escape(NOTE_2)}</li></ol></div></body></html>"
    )

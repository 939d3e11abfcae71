"""One constructed PACE text written out in the shapes users paste: plain, viewer, PDF, MD, HTML."""

import html
import textwrap

TITLE = "Democratic reforms in a neighbouring region"
DEBATE = (
    "Assembly debate on 1 October 2025 (33rd sitting) (see Doc. 16999, report of the Committee"
    " on Political Affairs and Democracy, rapporteur: Ms Jane Doe). Text adopted by the Assembly"
    " on 1 October 2025 (33rd sitting)."
)
NOTE_2 = "See also Resolution 2193 (2017) on the relations with Kazakhstan."

CM = "the Committee of Ministers"
KZ = "the authorities of Kazakhstan"
# (number, text, addressee); a "²" in a text is footnote 2's reference.
UNITS = [
    ("1", "The Parliamentary Assembly refers to its Resolution 1526 (2006)² on Kazakhstan.", None),
    ("2", "The Assembly recommends that the Committee of Ministers:", CM),
    ("2.1", "invite member States to:", CM),
    ("2.1.1", "share their experience of electoral reform with the authorities concerned;", CM),
    ("2.2", "keep the implementation of the co-operation priorities under review.", CM),
    ("3", "The Assembly calls on the authorities of Kazakhstan to:", KZ),
    ("3.1", "release all political prisoners, in particular:", KZ),
    ("3.1.a", "journalists and bloggers;", KZ),
    ("3.1.b", "human rights defenders, including:", KZ),
    ("3.1.b.i", "lawyers who represented protesters;", KZ),
    ("3.1.b.ii", "trade union leaders;", KZ),
    ("3.1.c", "members of opposition movements;", KZ),
    ("3.2", "reform the judiciary by 2027.", KZ),
    ("4", "The Assembly therefore:", None),
    ("4.1", "invites the Secretary General to:", "the Secretary General"),
    ("4.1.1", "present an assessment of the co-operation’s results;", "the Secretary General"),
    ("4.2", "decides to remain seized of the matter.", None),
]


def expected_units() -> list[dict]:
    """Return the units every shape must give."""
    return [
        {
            "number": number,
            "parent": number.rpartition(".")[0] or None,
            "text": text.replace("²", ""),
            "addressee": addressee,
        }
        for number, text, addressee in UNITS
    ]


def _label(number: str, *, dot: bool = True, letter_style: str = "{}.") -> str:
    last = number.rpartition(".")[2]
    if last.isdigit():
        return number + ("." if dot else "")
    return letter_style.format(last)


def plain(*, dot: bool = True, space: bool = True, viewer: bool = False) -> str:
    """Write the text as copied from pace.coe.int (or the older assembly.coe.int viewer)."""
    lines = [
        "Resolution 2999 (2025)",
        "Provisional version",
        "",
        TITLE,
        "",
        "Author(s): Parliamentary Assembly",
        "",
        f"Origin - {DEBATE}",
        "",
    ]
    for index, (number, text, _) in enumerate(UNITS):
        label = _label(number, dot=dot)
        separator = " " if space or not label.endswith(".") else ""
        prefix = "(open)" if viewer and index == 0 else ""
        lines.append(f"{prefix}{label}{separator}{text.replace('²', '')}")
    return "\n".join(lines) + "\n"


def pdf() -> str:
    """Write the text as PDF text: wrapped lines, page breaks with running title and page
    numbers, footnotes at the bottom of the page."""
    head = [
        "Resolution 2999 (2025)1",
        "Provisional version",
        "",
        TITLE,
        "",
        "Parliamentary Assembly",
    ]
    body: list[str] = []
    for number, text, _ in UNITS:
        label = _label(number, letter_style="({})")
        wrapped = textwrap.wrap(f"{label} {text.replace('²', '2')}", 60, break_on_hyphens=False)
        body.extend(wrapped)
    # The page breaks inside paragraph 3.1.b's list, after its first line.
    cut = next(i for i, line in enumerate(body) if line.startswith("(i)")) + 1
    foot = ["", *textwrap.wrap(f"1 {DEBATE}", 80), *textwrap.wrap(f"2 {NOTE_2}", 80)]
    page_end = [*foot, "", "F – 67075 Strasbourg Cedex | assembly@coe.int | Tel: + 33 3 88 41 2000"]
    page_two = ["\f", "Resolution 2999 (2025)", "", "2", ""]
    return "\n".join([*head, "", *body[:cut], *page_end, *page_two, *body[cut:]]) + "\n"


def markdown() -> str:
    """Write the text as Markdown: heading, emphasis, bullets, footnote references."""
    lines = ["# Resolution 2999 (2025)[^1]", "", f"**{TITLE}**", "", "*Parliamentary Assembly*", ""]
    for number, text, _ in UNITS:
        depth = number.count(".")
        label = _label(number).replace(".", "\\.") if depth == 0 else _label(number)
        text = text.replace("²", "[^2]").replace("in particular", "*in particular*")
        lines.append(f"{'  ' * depth}- {label} {text}")
    lines += ["", f"[^1]: {DEBATE}", f"[^2]: {NOTE_2}", ""]
    return "\n".join(lines)


def html_page(*, lists: bool = False) -> str:
    """Write the text as an HTML page; with ``lists`` the lettered items are <ol type="a">."""
    parts = [
        "<!DOCTYPE html><html><head><title>x</title><script>var a = '1. no';</script></head>",
        "<body><nav>1. Menu</nav><h1>Resolution 2999 (2025)<sup>1</sup></h1>",
        "<p class='provisional'>Provisional version</p>",
        f"<h2>{html.escape(TITLE)}</h2><p>Parliamentary Assembly</p>",
    ]
    texts = {number: html.escape(text).replace("²", "<sup>2</sup>") for number, text, _ in UNITS}
    for number, _, _ in UNITS:
        last = number.rpartition(".")[2]
        if lists and not last.isdigit():
            if number == "3.1.a":  # the whole nested list, as a browser numbers it
                parts.append(
                    f"<ol type='a'><li>{texts['3.1.a']}</li><li><p>{texts['3.1.b']}</p>"
                    f"<ol type='i'><li>{texts['3.1.b.i']}</li><li>{texts['3.1.b.ii']}</li></ol>"
                    f"</li><li>{texts['3.1.c']}</li></ol>"
                )
            continue
        # A line break inside a paragraph is a space in HTML.
        parts.append(f"<p>{_label(number)} {texts[number].replace(' ', chr(10), 1)}</p>")
    parts.append("<div class='footnotes'><ol>")
    parts.append(f"<li id='fn1'>{html.escape(DEBATE)} <a href='#r1'>↩</a></li>")
    parts.append(f"<li id='fn2'>{html.escape(NOTE_2)}</li></ol></div></body></html>")
    return "\n".join(parts)

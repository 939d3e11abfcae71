"""Property: the parser never loses text, and reads back the numbering it was given."""

import html
import re
from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html

from tracker.texts.parsing import parse_text

WORD = re.compile(r"[^\W\d_⁰¹²³⁴⁵⁶⁷⁸⁹]+")
words = st.text(alphabet="abcdefghijklmnopqrstuvwxyzéü", min_size=1, max_size=9)
sentences = st.lists(words, min_size=1, max_size=12).map(" ".join)


@st.composite
def documents(draw):
    """Draw a numbered text: (number, text) units, footnote texts and a format."""
    units: list[tuple[str, str]] = []
    for top in range(1, draw(st.integers(1, 5)) + 1):
        subs = draw(st.integers(0, 3))
        end = ":" if subs else draw(st.sampled_from([".", ";"]))
        units.append((str(top), draw(sentences).capitalize() + end))
        for sub in range(1, subs + 1):
            units.append((f"{top}.{sub}", draw(sentences) + draw(st.sampled_from([";", "."]))))
    # Every note is referred to, from the first units on.
    notes = draw(
        st.lists(sentences.map(lambda s: s.capitalize() + "."), max_size=min(3, len(units)))
    )
    return units, notes, draw(st.sampled_from(["plain", "markdown", "html", "pdf"]))


def render(units, notes, fmt) -> str:
    lines = ["Resolution 2999 (2025)", "Provisional version", "Some title here", ""]
    for index, (number, text) in enumerate(units):
        mark = str(index + 1) if index < len(notes) else ""
        if fmt == "markdown":
            lines.append(f"- {number}. {text}" + (f"[^{mark}]" if mark else ""))
        elif fmt == "html":
            lines.append(
                f"<p>{number}. {html.escape(text)}"
                + (f"<sup>{mark}</sup>" if mark else "")
                + "</p>"
            )
        else:
            lines.append(f"{number}. {text}" + ("¹²³"[index] if mark else ""))
    for index, note in enumerate(notes):
        if fmt == "markdown":
            lines.append(f"[^{index + 1}]: {note}")
        elif fmt == "html":
            lines.append(f"<p><sup>{index + 1}</sup> {html.escape(note)}</p>")
        else:
            lines.append(f"{index + 1} {note}")
    text = "\n".join(lines) + "\n"
    return f"<html><body>{text}</body></html>" if fmt == "html" else text


def visible_words(text: str, fmt: str) -> Counter:
    if fmt == "html":
        text = lxml_html.document_fromstring(text).text_content()
    return Counter(WORD.findall(text))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_units_footnotes_and_headers_account_for_every_word(document):
    units, notes, fmt = document
    text = render(units, notes, fmt)
    parsed = parse_text(text)
    read = [u.text for u in parsed.units] + [n.text for n in parsed.footnotes]
    read += parsed.headers + [parsed.title or ""]
    assert visible_words(text, fmt) - Counter(WORD.findall(" ".join(read))) == Counter()
    assert [(u.number, u.text) for u in parsed.units] == units
    assert [n.text for n in parsed.footnotes] == notes

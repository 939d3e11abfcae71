"""/report on paper: chromium prints it to an A4 PDF, which pdfminer reads back."""

import io
import re

import pytest
from pdfminer.high_level import extract_pages
from pdfminer.layout import LTTextContainer
from sqlmodel import Session, select

from tests.conftest import PASSWORD
from tests.page_walk import LONG_URL, fill_pages, log_in
from tracker import clock
from tracker.models import Document, Item

pytestmark = pytest.mark.browser
pytest_plugins = ["tests.conftest_treaty_office", "tests.conftest_browser"]

A4 = (595.28, 841.89)  # points
# What the screen shows around the report and paper must not: navigation, the footer, forms.
CHROME = (
    "Skip to content",
    "Resolution 2616 (2025) follow-up tracker",
    "Needs review",
    "Your account",
    "Log out",
    "JSON API",
    "Atom feed",
    "Back to the dashboard",
)


def printed(pdf: bytes) -> list[tuple[tuple[float, float], list]]:
    """Return each page's size and its text boxes."""
    pages = []
    for page in extract_pages(io.BytesIO(pdf)):
        boxes = [box for box in page if isinstance(box, LTTextContainer)]
        pages.append(((page.width, page.height), boxes))
    return pages


def test_the_report_prints_as_a_clean_a4_document(
    live_server, browser, app, engine, make_user, fake_treaty_office
):
    fill_pages(app, engine, make_user, fake_treaty_office)
    with Session(engine) as session:
        document = session.exec(select(Document).where(Document.slug == "res-2616")).one()
        numbers = session.exec(select(Item.number).where(Item.document_id == document.id)).all()
    context = browser.new_context()
    page = context.new_page()
    # Logged in, the header has most to hide: review and account links, the log-out form.
    log_in(page, live_server, "admin@example.org", PASSWORD)
    page.goto(f"{live_server}/report")
    pages = printed(page.pdf(format="A4"))
    context.close()

    assert len(pages) > 1
    for number, ((width, height), boxes) in enumerate(pages, start=1):
        assert width <= A4[0] + 1 and height <= A4[1] + 1, f"page {number} is {width}x{height}"
        # Nothing runs past the right edge: long notes and links wrap inside the margins.
        for box in boxes:
            assert 0 <= box.x0 and box.x1 <= width, f"page {number}: {box.get_text()!r} is cut"
    text = "\n".join(box.get_text() for _, boxes in pages for box in boxes)
    flat = re.sub(r"\s+", "", text)
    now = clock.now()
    today = f"{now.day} {now:%b %Y}"  # the English interface: "5 Dec 2026"
    assert re.search(rf"Follow-up report · generated {today}, \d\d:\d\d UTC", text)
    assert "Resolution 2616 (2025): implementation report" in text
    for number in numbers:
        assert re.search(rf"§{re.escape(number)}(?![\d.])", text), f"§{number} is missing"
    assert "In progress" in text and "Regressed" in text and "Sub-paragraphs:" in text
    assert flat.count("Latestnote") == 3 and LONG_URL.replace("https://", "") in flat
    for chrome in CHROME:
        assert chrome not in text, f"{chrome!r} is printed"

"""Treaty pages read like the Treaty Office: real dates, no empty rows, links both ways."""

import re


def test_no_empty_date_rows_and_a_sentence_when_no_date_is_known(client):
    page = client.get("/treaties/ets-030").get_data(as_text=True)
    assert "<dd>—</dd>" not in page and "gives no date of signature" in page
    known = client.get("/treaties/ets-127").get_data(as_text=True)
    assert re.findall(r"<dt>(.*?)</dt>", known) == ["Entry into force"]
    assert 'since <time datetime="2015-04-08">8 April 2015</time>' in known


def test_state_badges_carry_their_text_and_dates_have_one_format(client):
    listing = client.get("/treaties").get_data(as_text=True)
    assert 'class="badge treaty-state treaty-state-in_force">In force</span>' in listing
    assert not re.search(r">\s*\d{4}-\d{2}-\d{2}\s*<", listing)  # ISO only inside datetime=""


def test_paragraphs_and_treaties_link_both_ways(client):
    item = client.get("/texts/res-2616/9.2.1").get_data(as_text=True)
    assert 'href="/treaties/cets-210"' in item
    treaty = client.get("/treaties/cets-210").get_data(as_text=True)
    assert 'href="/texts/res-2616/9.2.1"' in treaty and "accelerate progress towards" in treaty


def test_the_report_prints_the_whole_text_with_statuses_roll_ups_and_notes(client, login):
    from tests.conftest import csrf_token

    login()
    form = client.get("/texts/res-2616/9.2.1/status").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', form).group(1)
    data = {"csrf_token": csrf_token(form), "version": version, "status": "in_progress",
            "note": "Bill tabled in the Mazhilis", "happened_on": "2025-11-02"}  # fmt: skip
    assert client.post("/texts/res-2616/9.2.1/status", data=data).status_code == 302
    report = client.get("/report").get_data(as_text=True)
    assert "Resolution 2616 (2025): implementation report" in report and "generated <time" in report
    assert len(re.findall(r'class="report-item ', report)) == 28
    assert "Sub-paragraphs: 1 of 2 not assessed, 1 of 2 in progress" in report
    assert 'Latest note</strong> (<time datetime="2025-11-02">' in report
    assert "Bill tabled in the Mazhilis" in report
    summary = " ".join(report.split())
    assert "17 paragraphs ask for action: 16 not assessed, 1 in progress." in summary
    assert client.get("/texts/nope/report").status_code == 404


def test_the_review_queue_shows_paragraph_treaty_change_and_evidence_side_by_side(
    client, login, engine
):
    from datetime import date

    from sqlmodel import select

    from tracker import clock
    from tracker.db import unit_of_work
    from tracker.models import Treaty
    from tracker.treaties.changes import record_treaty_change
    from tracker.treaties.queries import treaty_dates

    with unit_of_work(engine) as session:
        treaty = session.exec(select(Treaty).where(Treaty.slug == "cets-210")).one()
        record_treaty_change(
            session, treaty, new_state="signed",
            new_dates=treaty_dates(treaty) | {"signed_on": date(2025, 11, 19)},
            origin="poll", source="Treaty Office chart", actor="poll-treaties", now=clock.now(),
        )  # fmt: skip
    login()
    page = client.get("/reviews").get_data(as_text=True)
    review = page[page.index('id="review-') :]
    review = review[: review.index("</section>")]
    columns = re.findall(r"<h3>(.*?)</h3>", review)
    assert columns == ["The paragraph", "The treaty change", "The evidence"]
    assert "accelerate progress towards the ratification" in review or "Istanbul" in review
    assert 'Signature <time datetime="2025-11-19">19 November 2025</time>' in review

"""A context paragraph never gets a status, whichever path asks: form, review queue, inbox link."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import Session, select

from jobs import poll_treaties
from tests.conftest import csrf_token
from tests.fake_treaty_office import standard_chart
from tests.test_inbox import TORTURE, found  # noqa: F401 (fixture)
from tests.treaty_helpers import NOW, kaz, make_ctx, no_sleep, serve_seeded_states
from tracker.db import unit_of_work
from tracker.items.classification import set_item_role
from tracker.items.queries import get_item
from tracker.items.status_changes import Actor, ContextItemError, record_status_change
from tracker.models import DocumentLink, Item, ItemReview, StatusChange

pytest_plugins = ["tests.conftest_treaty_office"]

MONITOR = Actor(label="Monitor 1")
WHEN = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def _item(session, number: str) -> Item:
    return session.exec(select(Item).where(Item.number == number)).one()


def test_the_status_writer_refuses_a_context_paragraph(engine):
    with unit_of_work(engine) as session:
        item = get_item(session, "6")  # "welcomes": context in the seed
        assert item.role == "context"
        with pytest.raises(ContextItemError, match="§6 is a context paragraph"):
            record_status_change(
                session, item, new_status="in_progress", note="n", evidence_url=None,
                actor=MONITOR, expected_version=item.version, now=WHEN,
            )  # fmt: skip
    with Session(engine) as session:
        assert _item(session, "6").version == 0
        assert session.exec(select(StatusChange)).all() == []


def test_the_status_form_answers_a_context_paragraph_with_the_reason(client, login, engine):
    login()
    page = client.get("/texts/res-2616/6/status").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    data = {"csrf_token": csrf_token(page), "version": version, "status": "in_progress",
            "note": "Asked for by nobody"}  # fmt: skip
    response = client.post("/texts/res-2616/6/status", data=data)
    assert response.status_code == 400
    assert "§6 is a context paragraph" in response.get_data(as_text=True)
    with Session(engine) as session:
        assert _item(session, "6").status == "not_assessed"


def _poll_signature(app, fake_treaty_office) -> None:
    """Poll as seeded, then after Kazakhstan signed CETS 210 (it concerns §6 and §9.2.1)."""
    serve_seeded_states(fake_treaty_office)
    poll_treaties.run(make_ctx(app, fake_treaty_office), sleep=no_sleep)
    fake_treaty_office.set_chart(210, standard_chart(210, kaz(210, signed=date(2026, 1, 10))))
    later = make_ctx(app, fake_treaty_office, now=NOW + timedelta(hours=6))
    poll_treaties.run(later, sleep=no_sleep)


def _review_of(session, number: str) -> ItemReview:
    item_id = _item(session, number).id
    return session.exec(select(ItemReview).where(ItemReview.item_id == item_id)).one()


def test_confirming_a_review_of_a_context_paragraph_is_reported_not_applied(
    app, client, login, engine, fake_treaty_office
):
    # The treaty change flags every paragraph about CETS 210, §6 (it "welcomes") included: a
    # monitor may still classify it as operative. Confirming it as it is must not give a status.
    _poll_signature(app, fake_treaty_office)
    login()
    page = client.get("/reviews").get_data(as_text=True)
    with Session(engine) as session:
        context_review, other = _review_of(session, "6"), _review_of(session, "9.2.1")
    token = csrf_token(page)
    response = client.post(
        f"/reviews/{context_review.id}/confirm",
        data={"csrf_token": token, "note": ""},
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "§6 is a context paragraph" in html and "Dismiss this suggestion" in html
    with Session(engine) as session:
        assert _item(session, "6").status == "not_assessed"
        assert session.get(ItemReview, context_review.id).resolution is None
        assert session.exec(select(StatusChange)).all() == []
    # The rest of the queue is decided as before, and the refused one can be dismissed.
    response = client.post(f"/reviews/{other.id}/confirm", data={"csrf_token": token, "note": ""})
    assert response.status_code == 302
    response = client.post(
        f"/reviews/{context_review.id}/dismiss", data={"csrf_token": token, "note": "Context"}
    )
    assert response.status_code == 302
    with Session(engine) as session:
        assert session.get(ItemReview, other.id).resolution == "confirmed"
        assert _item(session, "9.2.1").status == "in_progress"
        assert session.get(ItemReview, context_review.id).resolution == "dismissed"
        assert _item(session, "6").status == "not_assessed"


def test_a_context_paragraph_classified_operative_can_take_the_suggestion(
    app, client, login, engine, fake_treaty_office
):
    _poll_signature(app, fake_treaty_office)
    with unit_of_work(engine) as session:
        set_item_role(session, get_item(session, "6"), role="operative", actor=MONITOR, now=WHEN)
    login()
    token = csrf_token(client.get("/reviews").get_data(as_text=True))
    with Session(engine) as session:
        review = _review_of(session, "6")
    response = client.post(f"/reviews/{review.id}/confirm", data={"csrf_token": token})
    assert response.status_code == 302
    with Session(engine) as session:
        assert _item(session, "6").status == "in_progress"


def test_a_link_with_a_status_skips_the_context_paragraph_and_says_so(
    client,
    login,
    found,
    engine,  # noqa: F811
):
    login()
    document = found[TORTURE[1]]
    token = csrf_token(client.get("/inbox").get_data(as_text=True))
    page = client.post(
        f"/inbox/{document.id}/link",
        data={"csrf_token": token, "items": ["6", "11.5"], "status": "in_progress"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "§6: linked without a status (context paragraphs have none)" in page
    with Session(engine) as session:
        assert _item(session, "6").status == "not_assessed"
        assert _item(session, "11.5").status == "in_progress"
        linked = {session.get(Item, link.item_id).number for link in session.exec(
            select(DocumentLink))}  # fmt: skip
    assert linked == {"6", "11.5"}

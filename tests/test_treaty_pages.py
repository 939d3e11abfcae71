"""Treaty, sources and evidence pages, and the monitors' confirm and dismiss flow."""

from datetime import date, timedelta

import pytest
from sqlmodel import Session, select

from jobs import poll_treaties
from tests.conftest import csrf_token
from tests.fake_treaty_office import standard_chart
from tests.treaty_helpers import NOW, kaz, make_ctx, no_sleep, serve_seeded_states
from tracker.models import Item, ItemReview, RawResponse, StatusChange

pytest_plugins = ["tests.conftest_treaty_office"]


@pytest.fixture
def changed(app, fake_treaty_office):
    """Poll once as seeded, then once after Kazakhstan signed CETS 210."""
    serve_seeded_states(fake_treaty_office)
    poll_treaties.run(make_ctx(app, fake_treaty_office), sleep=no_sleep)
    fake_treaty_office.set_chart(210, standard_chart(210, kaz(210, signed=date(2026, 1, 10))))
    later = make_ctx(app, fake_treaty_office, now=NOW + timedelta(hours=6))
    poll_treaties.run(later, sleep=no_sleep)
    return fake_treaty_office


def test_treaty_list_and_pages_before_any_poll(client):
    html = client.get("/treaties").get_data(as_text=True)
    for label in (
        "ETS 018",
        "ETS 030",
        "ETS 127",
        "ETS 141",
        "ETS 165",
        "ETS 173",
        "ETS 185",
        "CETS 198",
        "CETS 208",
        "CETS 210",
        "GRECO",
        "Venice Commission",
        "Pompidou Group",
    ):
        assert label in html
    page = client.get("/treaties/cets-210").get_data(as_text=True)
    assert "Invited to accede" in page and "2020-04-22" in page and "lapsed" in page
    assert "treatynum=210" in page and "§9.2.1" in page and "§6" in page
    assert "seeded" in page
    assert "Not a member" in client.get("/treaties/pompidou-group").get_data(as_text=True)
    assert client.get("/treaties/nope").status_code == 404


def test_treaty_page_shows_history_with_evidence_and_sources_page(client, engine, changed):
    page = client.get("/treaties/cets-210").get_data(as_text=True)
    # One date format everywhere, ISO in the markup; "since" is the source's date of the state.
    assert "Signed" in page
    assert 'Signature <time datetime="2026-01-10">10 January 2026</time>' in page
    assert 'since <time datetime="2026-01-10">10 January 2026</time>' in page
    assert page.count("Evidence #") == 2 and "Treaty Office poll" in page and "seeded" in page
    with Session(engine) as session:
        raw = session.exec(select(RawResponse).order_by(RawResponse.id.desc())).first()
    evidence = client.get(f"/evidence/{raw.id}").get_data(as_text=True)
    assert raw.sha256 in evidence and "&#34;CodePays&#34;: &#34;KAZ&#34;" in evidence
    sources = client.get("/sources").get_data(as_text=True)
    assert "Treaty Office" in sources and "15 Jan 2026, 15:30" in sources
    assert "21:30" in sources  # next check: last check + 360 minutes
    assert "last successful check" in client.get("/").get_data(as_text=True)
    item = client.get("/texts/res-2616/9.2.1").get_data(as_text=True)
    assert "Needs review" in item and "/evidence/" in item
    feed = client.get("/api/v1/events?limit=500").get_json()["events"]
    assert any(e["kind"] == "treaty_state_changed" and e["data"]["to"] == "signed" for e in feed)


def _review_page(client):
    response = client.get("/reviews")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_reviews_require_login(client):
    assert client.get("/reviews").status_code == 302


@pytest.mark.postgres
def test_monitor_confirms_a_suggestion_through_the_status_writer(client, engine, login, changed):
    login()
    html = _review_page(client)
    assert "Confirm “In progress” for §9.2.1" in html
    with Session(engine) as session:
        item = session.exec(select(Item).where(Item.number == "9.2.1")).one()
        review = session.exec(select(ItemReview).where(ItemReview.item_id == item.id)).one()
    response = client.post(
        f"/reviews/{review.id}/confirm",
        data={"csrf_token": csrf_token(html), "note": "Signed on 10 January"},
    )
    assert response.status_code == 302
    with Session(engine) as session:
        item = session.get(Item, item.id)
        assert item.status == "in_progress"
        change = session.exec(select(StatusChange).where(StatusChange.item_id == item.id)).one()
        assert "CETS 210" in change.note and "Signed on 10 January" in change.note
        assert "/evidence/" in change.evidence_url
        assert session.get(ItemReview, review.id).resolution == "confirmed"
    assert "Confirm “In progress” for §9.2.1" not in _review_page(client)


def test_monitor_dismisses_a_suggestion_and_it_is_recorded(client, engine, login, changed):
    login()
    html = _review_page(client)
    with Session(engine) as session:
        item = session.exec(select(Item).where(Item.number == "6")).one()
        review = session.exec(select(ItemReview).where(ItemReview.item_id == item.id)).one()
    assert client.post(f"/reviews/{review.id}/dismiss", data={"note": "x"}).status_code == 400
    response = client.post(
        f"/reviews/{review.id}/dismiss", data={"csrf_token": csrf_token(html), "note": "Too early"}
    )
    assert response.status_code == 302
    with Session(engine) as session:
        assert session.get(Item, item.id).status == "not_assessed"
        assert session.get(ItemReview, review.id).resolution == "dismissed"
    timeline = client.get("/texts/res-2616/6").get_data(as_text=True)
    assert "dismissed" in timeline and "Too early" in timeline

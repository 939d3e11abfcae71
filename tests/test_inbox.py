"""The inbox: suggestions, linking (with a status change) and dismissing, all by monitors."""

import pytest
from sqlmodel import Session, select

from tests.conftest import csrf_token
from tests.source_server import SourceSite, rss
from tests.sources_helpers import add_source, documents, run_check
from tracker.models import DocumentDecision, Event, Item, StatusChange

ISTANBUL = (
    "n-1",
    "Kazakhstan asks for more time on the Istanbul Convention",
    "http://news.example/istanbul",
    "The government says ratification of the convention on violence against women needs time.",
)
TORTURE = (
    "n-2",
    "Torture in detention: new cases reported",
    "http://news.example/torture",
    "Detainees describe ill-treatment in places of detention and police custody.",
)


@pytest.fixture
def found(app, engine):
    site = SourceSite()
    add_source(engine, "news", site.set("/rss", rss(ISTANBUL, TORTURE)), keywords=["ratification"])
    run_check(app)
    yield {d.title: d for d in documents(engine)}
    site.close()


def test_the_inbox_needs_a_login_and_shows_ranked_suggestions(client, login, found):
    assert client.get("/inbox").status_code == 302
    login()
    page = client.get("/inbox").get_data(as_text=True)
    assert ISTANBUL[1] in page and TORTURE[1] in page
    istanbul = found[ISTANBUL[1]].suggestions
    assert istanbul[0]["item"] in {"9.2.1", "6"} and "Istanbul" in istanbul[0]["words"]
    assert found[TORTURE[1]].suggestions[0]["item"] == "11.5"
    assert 'value="11.5"' in page and "matched: detention" in page


@pytest.mark.postgres
def test_linking_shows_the_document_on_the_paragraph_and_in_the_feeds(client, login, found, engine):
    login()
    document = found[TORTURE[1]]
    token = csrf_token(client.get("/inbox").get_data(as_text=True))
    response = client.post(
        f"/inbox/{document.id}/link",
        data={
            "csrf_token": token,
            "items": ["11.5"],
            "other_items": "11.4",
            "status": "no_progress",
            "note": "New cases.",
        },
    )
    assert response.status_code == 302
    item_page = client.get("/texts/res-2616/11.5").get_data(as_text=True)
    assert "Documents" in item_page and TORTURE[1] in item_page
    assert f"/documents/{document.id}" in item_page
    assert TORTURE[1] in client.get("/texts/res-2616/11.4").get_data(as_text=True)
    with Session(engine) as session:
        links = session.exec(select(Event).where(Event.kind == "document_linked")).all()
        assert sorted(e.payload["item"] for e in links) == ["11.4", "11.5"]
        changes = session.exec(select(StatusChange)).all()  # the status applies to each paragraph
        assert [c.to_status for c in changes] == ["no_progress", "no_progress"]
        archive = f"https://tracker.example.org/documents/{document.id}"
        assert {c.evidence_url for c in changes} == {archive}
        decision = session.exec(select(DocumentDecision)).one()
        assert (decision.decision, decision.actor) == ("linked", "Monitor 1")
        assert decision.item_numbers == ["11.4", "11.5"]
    assert "document linked" in client.get("/changes").get_data(as_text=True)
    assert "document linked" in client.get("/changes.atom").get_data(as_text=True)
    assert TORTURE[1] not in client.get("/inbox").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": token})
    public = client.get(f"/documents/{document.id}")
    assert public.status_code == 200 and "Detainees describe" in public.get_data(as_text=True)
    raw = client.get(f"/documents/{document.id}/raw")
    assert raw.headers["Content-Type"].startswith("text/plain")
    assert raw.headers["X-Content-Type-Options"] == "nosniff"


def test_a_dismissed_document_reaches_no_paragraph_and_stays_private(client, login, found, engine):
    login()
    document = found[ISTANBUL[1]]
    token = csrf_token(client.get("/inbox").get_data(as_text=True))
    client.post(f"/inbox/{document.id}/dismiss", data={"csrf_token": token})
    again = client.post(f"/inbox/{document.id}/link", data={"csrf_token": token, "items": "6"},
                        follow_redirects=True)  # fmt: skip
    assert "already dismissed" in again.get_data(as_text=True)
    with Session(engine) as session:
        assert session.exec(select(Event).where(Event.kind == "document_linked")).all() == []
        decision = session.exec(select(DocumentDecision)).one()
        assert decision.decision == "dismissed"
    assert ISTANBUL[1] not in client.get("/texts/res-2616/6").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": token})
    assert client.get(f"/documents/{document.id}").status_code == 404


def test_a_link_needs_a_paragraph_and_a_failed_status_change_links_nothing(
    client, login, found, engine
):
    login()
    document = found[TORTURE[1]]
    token = csrf_token(client.get("/inbox").get_data(as_text=True))
    page = client.post(f"/inbox/{document.id}/link", data={"csrf_token": token},
                       follow_redirects=True).get_data(as_text=True)  # fmt: skip
    assert "Choose at least one paragraph" in page
    page = client.post(
        f"/inbox/{document.id}/link",
        data={"csrf_token": token, "items": "11.5", "status": "not_assessed"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "already" in page
    with Session(engine) as session:
        assert session.exec(select(Event).where(Event.kind == "document_linked")).all() == []
        assert session.exec(select(Item).where(Item.number == "11.5")).one().version == 0
    assert TORTURE[1] in client.get("/inbox").get_data(as_text=True)


def test_subscribers_of_a_paragraph_or_of_everything_get_document_linked_events(
    client, login, found, engine
):
    from tests.mail_helpers import add_subscriber
    from tracker.mail.preferences import interest_of
    from tracker.models import Subscriber

    add_subscriber(engine, "all@example.org")
    add_subscriber(engine, "all-but-documents@example.org", documents=False)
    add_subscriber(engine, "eleven@example.org", items=["11"])
    add_subscriber(engine, "eleven-no-documents@example.org", items=["11"], documents=False)
    add_subscriber(engine, "twelve@example.org", items=["12"])
    login()
    token = csrf_token(client.get("/inbox").get_data(as_text=True))
    client.post(f"/inbox/{found[TORTURE[1]].id}/link", data={"csrf_token": token, "items": "11.5"})
    with Session(engine) as session:
        event = session.exec(select(Event).where(Event.kind == "document_linked")).one()
        wants = {
            subscriber.email.split("@")[0]: interest_of(session, subscriber).wants(event)
            for subscriber in session.exec(select(Subscriber))
        }
    assert wants == {
        "all": True,
        "all-but-documents": False,
        "eleven": True,
        "eleven-no-documents": False,
        "twelve": False,
    }

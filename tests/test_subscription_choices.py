"""What a subscriber chooses: whole texts, a text's paragraphs, themes, and document links."""

from sqlmodel import Session, select

from jobs import send_mail
from tests.conftest import csrf_token
from tests.mail_helpers import add_subscriber, mail_ctx, record_change, subscribe, text_of
from tracker import clock
from tracker.db import unit_of_work
from tracker.items.classification import set_item_tags
from tracker.items.status_changes import Actor
from tracker.models import Document, Item, Subscriber, SubscriptionTopic

pytest_plugins = ["tests.smtp_server", "tests.mail_fixtures"]

# An earlier text whose paragraph numbers are also Resolution 2616's (§5 and §7 are operative in
# both): a choice must say which text's paragraph it means.
OLD_TEXT = "Resolution 1526 (2006)\n\nThe situation in Kazakhstan\n\n" + "\n".join(
    f"{n}. The Assembly calls on the authorities of Kazakhstan to take measure {n}."
    for n in range(1, 8)
)


def import_old_text(app, tmp_path) -> None:
    path = tmp_path / "res-1526.txt"
    path.write_text(OLD_TEXT, encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["texts", "import", str(path)])
    assert result.exit_code == 0, result.output


def tag(engine, number: str, slug: str) -> None:
    with unit_of_work(engine) as session:
        item = session.exec(
            select(Item)
            .join(Document, Document.id == Item.document_id)
            .where(Item.number == number, Document.slug == "res-2616")
        ).one()
        set_item_tags(session, item, slugs=[slug], actor=Actor("Monitor 1"), now=clock.now())


def test_choices_name_their_text_and_themes_cover_paragraphs_tagged_later(
    app, engine, smtp_server, mail_clock, tmp_path
):
    import_old_text(app, tmp_path)
    add_subscriber(engine, "old-text@example.org", texts=["res-1526"])
    add_subscriber(engine, "old-seven@example.org", items=["res-1526:7"])
    add_subscriber(engine, "new-seven@example.org", items=["res-2616:7"])
    add_subscriber(engine, "bare-seven@example.org", items=["7"])  # the default text's §7
    add_subscriber(engine, "elections@example.org", tags=["elections"])
    tag(engine, "5", "elections")  # tagged after the subscriber chose the theme
    record_change(engine, "7", "in_progress", "Old seven moved", text="res-1526")
    record_change(engine, "7", "in_progress", "New seven moved", text="res-2616")
    record_change(engine, "5", "in_progress", "Elections moved", text="res-2616")
    record_change(engine, "5", "in_progress", "Old five moved", text="res-1526")
    mail_clock.advance(minutes=10)
    send_mail.run(mail_ctx(app, smtp_server, now=mail_clock.moment))

    def notes(email: str) -> set[str]:
        body = " ".join(text_of(message) for message in smtp_server.to(email))
        moved = ("Old seven", "New seven", "Elections", "Old five")
        return {note for note in moved if f"{note} moved" in body}

    assert notes("old-text@example.org") == {"Old seven", "Old five"}
    assert notes("old-seven@example.org") == {"Old seven"}
    assert notes("new-seven@example.org") == {"New seven"}
    assert notes("bare-seven@example.org") == {"New seven"}
    assert notes("elections@example.org") == {"Elections"}
    [old] = smtp_server.to("old-seven@example.org")
    assert "/texts/res-1526/7" in text_of(old)


def test_the_form_offers_each_texts_paragraphs_themes_and_the_document_switch(
    app, engine, tmp_path
):
    import_old_text(app, tmp_path)
    client = app.test_client()
    page = client.get("/subscribe").get_data(as_text=True)
    assert "Paragraphs of Resolution 2616 (2025)" in page
    assert "Paragraphs of Resolution 1526 (2006)" in page
    assert 'value="res-1526:7"' in page and 'value="res-2616:9.2.1"' in page
    assert 'value="elections"' in page and 'name="documents"' in page
    answer = subscribe(
        client,
        "chooser@example.org",
        items=["res-1526:7"],
        texts=["res-2616"],
        tags=["media-freedom"],
        documents=False,
    )
    assert answer.status_code == 200
    with Session(engine) as session:
        subscriber = session.exec(select(Subscriber)).one()
        topics = {(t.kind, t.ref) for t in session.exec(select(SubscriptionTopic))}
    assert subscriber.documents is False
    assert topics == {("item", "res-1526:7"), ("text", "res-2616"), ("tag", "media-freedom")}
    # A paragraph that exists only in another text, or a theme that doesn't exist, is refused.
    for field, value in (("items", "res-1526:9.2.1"), ("tags", "astrology"), ("texts", "x")):
        token = csrf_token(client.get("/subscribe").get_data(as_text=True))
        refused = client.post(
            "/subscribe",
            data={"csrf_token": token, "email": "other@example.org", "frequency": "daily",
                  "scope": "chosen", field: value},
        )  # fmt: skip
        assert refused.status_code == 400, (field, value)


def test_the_change_feed_filters_by_text_and_by_a_texts_paragraph(app, engine, tmp_path):
    import_old_text(app, tmp_path)
    record_change(engine, "7", "in_progress", "Old seven moved", text="res-1526")
    record_change(engine, "7", "in_progress", "New seven moved", text="res-2616")
    client = app.test_client()
    every = client.get("/changes").get_data(as_text=True)
    assert '<a href="/texts/res-1526/7">Resolution 1526 (2006) §7</a>' in every
    assert '<a href="/texts/res-2616/7">§7</a>' in every
    old = client.get("/changes?text=res-1526").get_data(as_text=True)
    assert "Old seven moved" in old and "New seven moved" not in old
    for query in ("item=7", "text=res-2616&item=7", "item=res-2616:7"):
        page = client.get(f"/changes?{query}").get_data(as_text=True)
        assert "New seven moved" in page and "Old seven moved" not in page, query
    api = client.get("/api/v1/events?item=res-1526:7").get_json()["events"]
    assert [(e["text_slug"], e["item"]) for e in api] == [("res-1526", "7")]
    atom = client.get("/changes.atom?text=res-1526").get_data(as_text=True)
    assert "Old seven moved" in atom and "New seven moved" not in atom
    wrong = client.get("/changes?text=res-2616&item=res-1526:7")
    assert wrong.status_code == 400 and "is not in the text" in wrong.get_data(as_text=True)
    assert client.get("/changes?text=nope").status_code == 400


def test_events_of_two_texts_in_one_unit_of_work_each_name_their_own_text(app, engine, tmp_path):
    from tracker.events import append_item_event

    import_old_text(app, tmp_path)
    with unit_of_work(engine) as session:
        items = session.exec(
            select(Document.slug, Item).join(Item, Item.document_id == Document.id)
            .where(Item.number == "7")
        ).all()  # fmt: skip
        named = {
            slug: append_item_event(
                session, item, kind="test", summary="§7: x", actor=Actor("M"), now=clock.now()
            ).payload["text"]
            for slug, item in items
        }
    assert named == {"res-1526": "res-1526", "res-2616": "res-2616"}

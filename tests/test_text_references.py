"""Cross-references to other Assembly texts and paragraph lineage across texts."""

import pytest
from sqlmodel import select

from tests.conftest import csrf_token
from tracker.models import ItemLineage
from tracker.texts.references import Mention, split_mentions

OLD_TEXT = """Resolution 1526 (2006)

The situation in Kazakhstan and its relations with the Council of Europe

Text adopted by the Assembly on 4 October 2006 (29th Sitting).

1. The Assembly recalls the relations of the Council of Europe with Kazakhstan and welcomes them.
2. The Assembly decides to follow the matter.
"""


def mentions(text: str) -> list[tuple[str, Mention]]:
    return [(part, mention) for part, mention in split_mentions(text) if mention]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        (
            "recalls its Resolutions 1526 (2006) “Situation” and 2193 (2017) “Relations”",
            [("resolution", "1526", "2006"), ("resolution", "2193", "2017")],
        ),
        ("see Doc. 16245, report", [("doc", "16245", None)]),
        ("its Recommendation 2001 (2013), which", [("recommendation", "2001", "2013")]),
        ("the 2004 Co-operation Agreement of 2004 (revised), its 2004 (2019) update", []),
        ("Opinion 300 (2022) and Resolution No. 1 (2020)", [("opinion", "300", "2022")]),
    ],
)
def test_mentions_of_other_texts(text, found):
    assert [(m.kind, m.number, m.year) for _, m in mentions(text)] == found
    assert "".join(part for part, _ in split_mentions(text)) == text


def test_links_go_to_imported_texts_and_otherwise_to_the_assembly(app, client, tmp_path):
    old = tmp_path / "res-1526.txt"
    old.write_text(OLD_TEXT, encoding="utf-8")
    assert app.test_cli_runner().invoke(args=["texts", "import", str(old)]).exit_code == 0
    html = client.get("/texts/res-2616/2").get_data(as_text=True)
    assert '<a class="xref" href="/texts/res-1526">Resolutions 1526 (2006)</a>' in html
    assert (
        '<a class="xref" href="https://pace.coe.int/en/search?q=Resolution+2193+%282017%29">'
        "2193 (2017)</a>" in html
    )
    doc = client.get("/texts/res-2616/1").get_data(as_text=True)
    assert 'href="https://pace.coe.int/en/search?q=Resolution+1506+%282006%29"' in doc


@pytest.fixture
def two_generations(app, tmp_path):
    old = tmp_path / "res-1526.txt"
    old.write_text(OLD_TEXT, encoding="utf-8")
    assert app.test_cli_runner().invoke(args=["texts", "import", str(old)]).exit_code == 0
    return app


def mark(client, slug: str, number: str, predecessor_label: str):
    page = client.get(f"/texts/{slug}/{number}").get_data(as_text=True)
    import re

    option = re.search(r'<option value="(\d+)">' + re.escape(predecessor_label), page)
    assert option, predecessor_label
    return client.post(
        f"/texts/{slug}/{number}/lineage",
        data={"csrf_token": csrf_token(page), "predecessor": option.group(1)},
    )


def test_a_monitor_marks_a_successor_and_both_pages_show_the_lineage(
    two_generations, client, login, session
):
    login()
    response = mark(client, "res-2616", "2", "Resolution 1526 (2006) §1")
    assert response.status_code == 302
    newer = client.get("/texts/res-2616/2").get_data(as_text=True)
    assert 'Continues <a href="/texts/res-1526/1">Resolution 1526 (2006) §1</a>' in newer
    assert "<ins>" in newer and "<del>" in newer
    older = client.get("/texts/res-1526/1").get_data(as_text=True)
    assert 'Continued by <a href="/texts/res-2616/2">Resolution 2616 (2025) §2</a>' in older
    [lineage] = session.exec(select(ItemLineage)).all()
    assert "@" not in lineage.marked_by  # the monitor's public name, never the address
    feed = client.get("/changes?kind=paragraph").get_data(as_text=True)
    assert '<a href="/texts/res-2616/2">§2</a>: continues Resolution 1526 (2006) §1' in feed
    [event] = client.get("/api/v1/events?kind=paragraph").get_json()["events"]
    assert (event["kind"], event["text_slug"], event["item"]) == (
        "item_lineage_marked",
        "res-2616",
        "2",
    )
    assert "@" not in event["actor"] and "@" not in feed.split("<main", 1)[-1]
    again = mark(client, "res-2616", "2", "Resolution 1526 (2006) §1")
    assert again.status_code == 302
    assert "already marked" in client.get("/texts/res-2616/2").get_data(as_text=True)
    assert len(session.exec(select(ItemLineage)).all()) == 1


def test_only_earlier_texts_are_offered_and_anonymous_marks_are_refused(
    two_generations, client, login, session
):
    anonymous = client.post("/texts/res-2616/2/lineage", data={"predecessor": "1"})
    assert anonymous.status_code in (302, 400)  # the CSRF check or the login comes first
    login()
    older_page = client.get("/texts/res-1526/1").get_data(as_text=True)
    assert "Mark as successor" not in older_page  # nothing older than 2006 is tracked
    newer_page = client.get("/texts/res-2616/2").get_data(as_text=True)
    assert "Resolution 1526 (2006) §2" in newer_page
    assert "Resolution 2616 (2025) §1" not in newer_page
    forged = client.post(
        "/texts/res-1526/1/lineage",
        data={"csrf_token": csrf_token(newer_page), "predecessor": "3"},
    )
    assert forged.status_code == 302
    assert "Choose a paragraph of an earlier text" in client.get("/texts/res-1526/1").get_data(
        as_text=True
    )
    assert session.exec(select(ItemLineage)).all() == []


def test_lineage_rules(two_generations, session):
    from tracker import clock
    from tracker.items.status_changes import Actor
    from tracker.models import Document, Item
    from tracker.texts.lineage import LineageError, mark_successor

    def item(slug, number):
        document = session.exec(select(Document).where(Document.slug == slug)).one()
        return session.exec(
            select(Item).where(Item.document_id == document.id, Item.number == number)
        ).one()

    now, monitor = clock.now(), Actor("Monitor M", user_id=None)
    with pytest.raises(LineageError, match="not earlier than"):
        mark_successor(
            session, item("res-1526", "1"), item("res-2616", "2"), actor=monitor, now=now
        )
    with pytest.raises(LineageError, match="another text"):
        mark_successor(
            session, item("res-2616", "1"), item("res-2616", "2"), actor=monitor, now=now
        )
    mark_successor(session, item("res-2616", "2"), item("res-1526", "1"), actor=monitor, now=now)
    with pytest.raises(LineageError, match="already marked"):
        mark_successor(
            session, item("res-2616", "2"), item("res-1526", "1"), actor=monitor, now=now
        )

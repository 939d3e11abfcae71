"""Operative or context: the classification of the seed texts, roll-ups, counts, corrections."""

import json
import re
from pathlib import Path

import pytest
from alembic import command
from sqlmodel import select

from tests.conftest import csrf_token
from tracker.cli import SEEDS_DIR
from tracker.items.rollups import rollup
from tracker.migrate import alembic_config, upgrade_database
from tracker.models import Item
from tracker.texts.roles import classify_role
from tracker.texts.seeding import read_seed_text

OPERATIVE_ADOPTED = [
    "5", "7", "9.1", "9.2", "9.2.1", "9.2.2", "9.3", "10.1", "10.2",
    "11.1", "11.2", "11.3", "11.4", "11.5", "12.1", "12.2", "12.3",
]  # fmt: skip


def operative_numbers(kind: str) -> list[str]:
    """Return the numbers the classifier calls operative in one seed text."""
    manifest = json.loads((Path(SEEDS_DIR) / "documents.json").read_text(encoding="utf-8"))
    seed = read_seed_text(Path(SEEDS_DIR), manifest[kind])
    return [
        p.number
        for p in seed.paragraphs
        if classify_role(p.text, verb=p.verb, is_sub_paragraph=p.parent is not None) == "operative"
    ]


def test_the_adopted_resolution_is_classified_from_verbs_and_chapeaux():
    # 1-4, 6, 8 and 13 recall, welcome, note or stress; 9-12 only introduce their sub-paragraphs;
    # 5 "expects ... releasing 39 political prisoners" and 7 "calls for the ... release" ask.
    assert operative_numbers("resolution") == OPERATIVE_ADOPTED


def test_the_committee_draft_lacks_the_call_added_in_plenary():
    assert operative_numbers("draft") == [n for n in OPERATIVE_ADOPTED if n != "7"]


@pytest.mark.parametrize(
    ("text", "verb", "sub", "role"),
    [
        ("The Assembly welcomes the reforms.", None, False, "context"),
        ("The Assembly recalls its Resolution 1526 (2006).", None, False, "context"),
        ("It further notes Kazakhstan's growing profile.", None, False, "context"),
        ("The Assembly calls on the authorities of Kazakhstan to:", "calls on", False, "context"),
        ("Therefore, the Assembly encourages the Parliament of Kazakhstan to:", "encourages",
         False, "context"),
        ("The Assembly therefore:", None, False, "context"),
        ("The Assembly calls for the immediate release of X.", None, False, "operative"),
        ("The Assembly urges the authorities to free X.", None, False, "operative"),
        ("The Assembly also invites the Secretary General to report.", None, False, "operative"),
        ("This support should be principled, encouraging Kazakhstan to act.", None, False,
         "context"),
        ("ensure a pluralistic media environment;", "urges", True, "operative"),
        ("ensure a pluralistic media environment;", "calls  upon", True, "operative"),
        ("ensure a pluralistic media environment;", None, True, "context"),
        ("ensure a pluralistic media environment;", "agrees", True, "context"),
        ("The Assembly urges the authorities to release prisoners.", "urges", False, "operative"),
    ],
)  # fmt: skip
def test_classify_role(text, verb, sub, role):
    assert classify_role(text, verb=verb, is_sub_paragraph=sub) == role


def kid(status: str, role: str = "operative") -> Item:
    return Item(
        document_id=1,
        number="x",
        position=0,
        depth=1,
        text="",
        difference="",
        status=status,
        role=role,
    )  # noqa: E501


def test_rollup_counts_operative_children_by_status_in_vocabulary_order():
    found = rollup(
        [
            kid("partially_implemented"),
            kid("not_assessed"),
            kid("partially_implemented"),
            kid("in_progress"),
            kid("implemented", role="context"),
        ]
    )
    assert found.total == 4
    assert found.counts == (("not_assessed", 1), ("in_progress", 1), ("partially_implemented", 2))
    assert found.phrases() == [
        "1 of 4 not assessed",
        "1 of 4 in progress",
        "2 of 4 partially implemented",
    ]


def test_rollup_of_no_operative_child_is_none():
    assert rollup([]) is None
    assert rollup([kid("implemented", role="context")]) is None


def change(client, number: str, status: str) -> None:
    page = client.get(f"/texts/res-2616/{number}/status").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    data = {"csrf_token": csrf_token(page), "version": version, "status": status, "note": "n"}
    assert client.post(f"/texts/res-2616/{number}/status", data=data).status_code == 302


def test_parents_show_their_roll_up_and_context_has_no_status(client, login):
    login()
    change(client, "9.2.1", "in_progress")
    html = client.get("/").get_data(as_text=True)
    assert "Sub-paragraphs: 1 of 2 not assessed, 1 of 2 in progress" in html  # §9.2
    assert "Sub-paragraphs: 3 of 3 not assessed" in html  # §9: 9.2 is still not assessed
    assert "Not assessed</span> <strong>16</strong>" in html
    first = html[html.index('id="item-1"') : html.index('id="item-2"')]
    assert "Context" in first and "badge-not_assessed" not in first
    item = client.get("/texts/res-2616/9.2").get_data(as_text=True)
    assert "Sub-paragraphs: 1 of 2 not assessed, 1 of 2 in progress" in item
    assert "Context, not tracked" in client.get("/texts/res-2616/9").get_data(as_text=True)


def test_a_monitor_corrects_the_role_and_tags_a_paragraph(client, login):
    login()
    page = client.get("/texts/res-2616/13/classify").get_data(as_text=True)
    assert 'checked id="role-1" name="role" required type="radio" value="context"' in page
    response = client.post(
        "/texts/res-2616/13/classify",
        data={
            "csrf_token": csrf_token(page),
            "role": "operative",
            "tags": ["elections", "judiciary"],
        },
    )
    assert response.status_code == 302
    html = client.get("/").get_data(as_text=True)
    assert "Not assessed</span> <strong>18</strong>" in html
    shown = re.findall(r'id="item-([\d.]+)"', client.get("/?tag=elections").get_data(as_text=True))
    assert shown == ["13"]
    item = client.get("/texts/res-2616/13").get_data(as_text=True)
    assert "Current status" in item and "Elections" in item and "Judiciary" in item
    feed = client.get("/changes?kind=paragraph").get_data(as_text=True)
    assert (
        "classified as operative (was context)" in feed
        and "themes now Elections, Judiciary" in feed
    )
    bad = client.post(
        "/texts/res-2616/13/classify",
        data={"csrf_token": csrf_token(page), "role": "x", "tags": ["nope"]},
    )
    assert bad.status_code == 400 and "There is a problem" in bad.get_data(as_text=True)


def test_logged_out_readers_cannot_classify(client):
    assert client.get("/texts/res-2616/13/classify").status_code == 302


@pytest.mark.postgres
def test_the_migration_classifies_existing_items(engine, session):
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0010")
    upgrade_database(engine)
    roles = {item.number: item.role for item in session.exec(select(Item))}
    assert sorted(n for n, r in roles.items() if r == "operative") == sorted(OPERATIVE_ADOPTED)

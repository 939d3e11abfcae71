"""Monitors are shown by a public name; the address is for admins; renaming shows everywhere."""

from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import text
from sqlmodel import select

from tests.conftest import csrf_token
from tests.test_web import submit_change
from tracker.migrate import alembic_config, upgrade_database
from tracker.models import Event, StatusChange, User

PUBLIC_PAGES = ("/", "/texts/res-2616/9.2.1", "/changes", "/changes.atom", "/api/v1/items/9.2.1")


def _public_text(app) -> str:
    anonymous = app.test_client()
    return "".join(
        anonymous.get(page).get_data(as_text=True) for page in (*PUBLIC_PAGES, "/api/v1/events")
    )


def _rename(client, name: str):
    page = client.get("/account").get_data(as_text=True)
    return client.post("/account/name", data={"display_name": name, "csrf_token": csrf_token(page)})


def test_renaming_shows_the_new_name_on_every_public_view(app, client, login):
    login()
    assert submit_change(client, note="Bill tabled").status_code == 302
    assert "Monitor 1" in _public_text(app)
    response = _rename(client, "Aigerim (Almaty office)")
    assert response.status_code == 302
    shown = _public_text(app)
    assert "Monitor 1" not in shown and "monitor@example.org" not in shown
    anonymous = app.test_client()
    for page in ("/texts/res-2616/9.2.1", "/changes", "/changes.atom", "/api/v1/events"):
        assert "Aigerim (Almaty office)" in anonymous.get(page).get_data(as_text=True), page
    history = anonymous.get("/api/v1/items/9.2.1").get_json()["history"]
    assert history[0]["by"] == "Aigerim (Almaty office)"


def test_a_page_cached_with_the_old_name_is_not_revalidated_after_a_rename(app, client, login):
    login()
    assert submit_change(client, note="Bill tabled").status_code == 302
    anonymous = app.test_client()
    cached = {page: anonymous.get(page).headers["ETag"] for page in PUBLIC_PAGES}
    for page, etag in cached.items():
        assert anonymous.get(page, headers={"If-None-Match": etag}).status_code == 304, page
    assert _rename(client, "Aigerim (Almaty office)").status_code == 302
    for page, etag in cached.items():
        fresh = anonymous.get(page, headers={"If-None-Match": etag})
        assert fresh.status_code == 200, page


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("someone@example.org", "must not contain “@”"),
        ("evil\u202etxt.exe", "control or text-direction"),
        ("tab\tname", "control or text-direction"),
        ("x" * 61, "Field cannot be longer than 60 characters"),
        ("   ", "This field is required"),
        ("monitor 1", "taken already"),
    ],
)
def test_a_bad_public_name_is_refused_and_nothing_changes(
    client, login, make_user, session, name, message
):
    make_user("other@example.org")  # Monitor 1
    login()  # Monitor 2
    response = _rename(client, name)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    names = sorted(session.exec(select(User.display_name)))
    assert names == ["Monitor 1", "Monitor 2"]


def test_admins_see_addresses_and_rename_users(client, login, make_user, session):
    make_user("reader@example.org")
    login("admin@example.org", role="admin")
    page = client.get("/admin/users").get_data(as_text=True)
    assert "reader@example.org" in page and "Monitor 1" in page
    reader = session.exec(select(User).where(User.email == "reader@example.org")).one()
    response = client.post(
        f"/admin/users/{reader.id}/name",
        data={"display_name": "Reader", "csrf_token": csrf_token(page)},
    )
    assert response.status_code == 302
    session.refresh(reader)
    assert reader.display_name == "Reader"
    token = {"display_name": "X", "csrf_token": csrf_token(page)}
    assert client.post("/admin/users/99999999999/name", data=token).status_code == 404


@pytest.mark.postgres
def test_migration_names_users_and_rewrites_addresses_in_history(engine):
    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0011")
    now = datetime(2026, 1, 2, tzinfo=UTC)
    with engine.begin() as connection:
        connection.execute(
            text(
                'INSERT INTO "user" (email, password_hash, role, is_active, created_at, '
                "alerts_enabled) VALUES ('ana@example.org', 'x', 'monitor', true, :now, true)"
            ),
            {"now": now},
        )
        user_id = connection.execute(text('SELECT id FROM "user"')).scalar_one()
        item_id = connection.execute(text("SELECT min(id) FROM item")).scalar_one()
        for actor in ("Ana@Example.org", "gone@example.org", "treaty-office poll"):
            event_id = connection.execute(
                text(
                    "INSERT INTO event (kind, occurred_at, item_id, actor, summary, payload) "
                    "VALUES ('item_status_changed', :now, :item, :actor, 's', '{}') RETURNING id"
                ),
                {"now": now, "item": item_id, "actor": actor},
            ).scalar_one()
            connection.execute(
                text(
                    "INSERT INTO statuschange (item_id, event_id, from_status, to_status, "
                    "changed_at, user_id, actor, note) VALUES (:item, :event, 'a', 'b', :now, "
                    ":user, :actor, 'n')"
                ),
                {
                    "item": item_id,
                    "event": event_id,
                    "now": now,
                    "actor": actor,
                    "user": user_id if actor.startswith("Ana") else None,
                },
            )
    upgrade_database(engine)
    with engine.connect() as connection:
        assert connection.execute(text('SELECT display_name FROM "user"')).scalar_one() == (
            f"Monitor {user_id}"
        )
        for table in ("event", "statuschange"):
            rows = connection.execute(
                text(f"SELECT actor, user_id FROM {table} WHERE actor != 'seed' ORDER BY id")
            ).all()
            assert [tuple(row) for row in rows][-3:] == [
                (f"Monitor {user_id}", user_id),
                ("Former monitor", None),
                ("treaty-office poll", None),
            ], table
    # The history stays append-only after the one rewrite.
    with pytest.raises(Exception, match="append-only"), engine.begin() as connection:
        connection.execute(text("UPDATE event SET actor = 'x'"))


def test_an_address_can_never_become_an_actor(session):
    from tracker.events import append_event

    with pytest.raises(ValueError, match="not an address"):
        append_event(session, kind="x", summary="s", actor="a@b.org", now=datetime.now(UTC))
    assert session.exec(select(Event).where(Event.actor == "a@b.org")).first() is None
    assert session.exec(select(StatusChange)).first() is None

"""Web flows through Flask's test client: pages, auth, CSRF, validation, escaping, conflict."""

import re

import pytest

from tests.conftest import csrf_token
from tracker import clock


def status_form(client, number="9.2.1"):
    page = client.get(f"/items/{number}/status")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', html) or re.search(
        r'type="hidden" name="version" value="(\d+)"', html
    )
    return {"csrf_token": csrf_token(html), "version": version.group(1)}


def submit_change(client, number="9.2.1", **fields):
    today = clock.now().date().isoformat()
    data = status_form(client, number) | {"status": "in_progress", "note": "A note"}
    data |= {"happened_on": today} | fields
    return client.post(f"/items/{number}/status", data=data)


def test_dashboard_lists_every_paragraph_nested_with_status_and_counts(client):
    html = client.get("/").get_data(as_text=True)
    numbers = re.findall(r'id="item-([\d.]+)"', html)
    assert len(numbers) == 28
    assert numbers[8:12] == ["9", "9.1", "9.2", "9.2.1"]
    assert 'class="item depth-2 role-operative" id="item-9.2.1"' in html
    # Only the 17 operative paragraphs are counted; the 11 of context are not "not assessed".
    assert "Not assessed</span> <strong>17</strong>" in html


def test_dashboard_filters_by_status_addressee_and_text(client, login):
    login()
    assert submit_change(client, "11.4").status_code == 302
    html = client.get("/?status=in_progress").get_data(as_text=True)
    shown = re.findall(r'<li class="item depth-\d role-\w+( context)?" id="item-([\d.]+)"', html)
    assert shown == [(" context", "11"), ("", "11.4")]
    html = client.get("/?addressee=Parliament of Kazakhstan").get_data(as_text=True)
    assert re.findall(r'<li class="item depth-\d role-\w+" id="item-([\d.]+)"', html) == [
        "9",
        "9.1",
        "9.2",
        "9.2.1",
        "9.2.2",
        "9.3",
    ]
    html = client.get("/?q=Pompidou").get_data(as_text=True)
    assert re.findall(r'<li class="item depth-\d role-\w+" id="item-([\d.]+)"', html) == ["9.2.2"]
    html = client.get("/?q=100%25_none").get_data(as_text=True)
    assert "No paragraph matches these filters." in html
    html = client.get("/?status=bogus").get_data(as_text=True)
    assert "There is no status called “bogus”" in html and html.count('id="item-') == 28


def test_item_page_shows_text_status_and_draft_comparison(client):
    html = client.get("/texts/res-2616/5").get_data(as_text=True)
    assert "releasing 39 political prisoners" in html
    assert "fulfilling obligations to ensure freedom of political association" in html
    assert "Assembly debate" not in html
    assert "The plenary <strong>amended</strong> this paragraph." in html
    assert "<ins>At the same time,</ins>" in html
    assert client.get("/texts/res-2616/99").status_code == 404


def test_status_change_requires_login(client):
    response = client.get("/items/9.2.1/status")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/items/9.2.1/status"


def test_monitor_changes_status_and_sees_it_in_history_feed_and_api(client, login):
    login()
    response = submit_change(
        client,
        status="in_progress",
        note="Bill No. 12 tabled",
        evidence_url="https://parlam.kz/bill/12",
    )
    assert response.status_code == 302 and response.headers["Location"] == "/texts/res-2616/9.2.1"
    html = client.get("/texts/res-2616/9.2.1").get_data(as_text=True)
    assert "Bill No. 12 tabled" in html and "https://parlam.kz/bill/12" in html
    # Monitors are shown by their public name; the address is for admins only.
    assert "Monitor 1" in html and "monitor@example.org" not in html
    feed = client.get("/changes").get_data(as_text=True)
    assert '>§9.2.1</a>: Not assessed → In progress <span class="meta">by' in feed
    assert "by Monitor 1" in feed
    item = client.get("/api/v1/items/9.2.1").get_json()
    assert item["status"] == "in_progress" and item["parent"] == "9.2"
    today = clock.now().date().isoformat()
    change = item["history"][0]
    assert change | {"changed_at": None, "id": None, "event_id": None} == {
        "id": None,
        "event_id": None,
        "text_slug": "res-2616",
        "item": "9.2.1",
        "from": "not_assessed",
        "to": "in_progress",
        "changed_at": None,
        "by": "Monitor 1",
        "note": "Bill No. 12 tabled",
        "evidence_url": "https://parlam.kz/bill/12",
        "happened_on": today,
        "url": f"https://tracker.example.org/changes#event-{change['event_id']}",
    }
    assert "@" not in change["by"]
    atom = client.get("/changes.atom")
    assert atom.headers["Content-Type"].startswith("application/atom+xml")
    assert "Bill No. 12 tabled" in atom.get_data(as_text=True)
    assert "<name>Monitor 1</name>" in atom.get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_token(client.get("/").get_data(as_text=True))})
    events = client.get("/api/v1/events").get_json()["events"]
    assert [e["actor"] for e in events if e["kind"] == "item_status_changed"] == ["Monitor 1"]
    for page in ("/items/9.2.1", "/changes", "/changes.atom", "/api/v1/events", "/"):
        assert "monitor@example.org" not in client.get(page).get_data(as_text=True), page


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"note": ""}, "A note explaining the change is required."),
        ({"evidence_url": "not a url"}, "Enter a full http:// or https:// URL."),
        ({"status": "done"}, "Not a valid choice"),
        ({"status": "not_assessed"}, "already “Not assessed”"),
    ],
)
def test_invalid_form_is_refused_with_a_clear_error_and_keeps_input(client, login, fields, message):
    login()
    response = submit_change(client, **({"note": "My careful note"} | fields))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html
    if fields.get("note", "x"):
        assert "My careful note" in html
    assert client.get("/api/v1/items/9.2.1").get_json()["history"] == []


def test_post_without_csrf_token_is_refused(client, login):
    login()
    data = status_form(client) | {"status": "in_progress", "note": "x"}
    del data["csrf_token"]
    response = client.post("/items/9.2.1/status", data=data)
    assert response.status_code == 400
    assert "The form expired" in response.get_data(as_text=True)
    assert client.get("/api/v1/items/9.2.1").get_json()["status"] == "not_assessed"


def test_user_text_is_escaped_everywhere(client, login):
    login()
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    submit_change(client, note=evil)
    for url in ("/texts/res-2616/9.2.1", "/changes", "/", "/changes.atom"):
        html = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in html and "<img src=x" not in html, url
    assert "&lt;script&gt;alert" in client.get("/texts/res-2616/9.2.1").get_data(as_text=True)

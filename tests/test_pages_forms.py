"""The status form: meanings beside choices, nothing preselected, the date it happened, and no
input lost to an expired form, a logout or a mistake."""

import re
from datetime import timedelta

from tests.conftest import csrf_token
from tracker import clock

FORM = "/texts/res-2616/9.2.1/status"


def form_fields(client) -> dict:
    html = client.get(FORM).get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', html).group(1)
    return {"csrf_token": csrf_token(html), "version": version}


def test_the_form_explains_each_choice_preselects_nothing_and_proposes_today(client, login):
    login()
    html = client.get(FORM).get_data(as_text=True)
    radios = re.findall(r"<input[^>]*type=\"radio\"[^>]*>", html)
    assert len(radios) == 5  # every status but the current "Not assessed"
    assert not any("checked" in radio for radio in radios)
    assert 'id="status-0-meaning">Nothing has been done that answers this paragraph.' in html
    assert 'aria-describedby="status-0-meaning"' in html
    assert f'value="{clock.now().date().isoformat()}"' in html and 'name="happened_on"' in html
    assert 'aria-describedby=""' not in html and "There is a problem" not in html


def test_a_mistake_keeps_every_input_and_is_summarised_at_the_top(client, login):
    login()
    data = form_fields(client) | {
        "status": "in_progress",
        "happened_on": "2025-11-02",
        "note": "",
        "evidence_url": "not a link",
    }
    html = client.post(FORM, data=data).get_data(as_text=True)
    summary = html[
        html.index('class="error-summary"') : html.index(
            "</ul>", html.index('class="error-summary"')
        )
    ]
    assert '<a href="#note">' in summary and '<a href="#evidence_url">' in summary
    assert html.index('class="error-summary"') < html.index(f'action="{FORM}"')
    assert re.search(r'<input[^>]* checked[^>]*value="in_progress"', html)
    assert 'value="2025-11-02"' in html and 'value="not a link"' in html


def test_an_expired_form_keeps_every_input(client, login):
    login()
    data = form_fields(client) | {
        "csrf_token": "expired-or-forged",
        "status": "implemented",
        "happened_on": "2025-11-02",
        "note": "A long careful note",
        "evidence_url": "https://example.org/law",
    }
    response = client.post(FORM, data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "The form expired" in html
    assert "A long careful note" in html and 'value="https://example.org/law"' in html
    assert re.search(r'<input[^>]* checked[^>]*value="implemented"', html)
    # The form now carries a fresh token: submitting it again records the change.
    again = client.post(FORM, data=data | {"csrf_token": csrf_token(html)})
    assert again.status_code == 302


def test_a_logged_out_monitor_keeps_every_input(app, client, login):
    login()
    data = form_fields(client) | {"status": "implemented", "note": "Written before logout"}
    anonymous = app.test_client()
    response = anonymous.post(FORM, data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 401 and "You were logged out" in html
    assert "Written before logout" in html
    assert client.get("/api/v1/items/9.2.1").get_json()["status"] == "not_assessed"


def test_the_date_it_happened_is_stored_apart_from_the_time_recorded(client, login):
    login()
    tomorrow = (clock.now().date() + timedelta(days=1)).isoformat()
    data = form_fields(client) | {"status": "in_progress", "note": "n", "happened_on": tomorrow}
    refused = client.post(FORM, data=data)
    assert refused.status_code == 400 and "cannot be in the future" in refused.get_data(
        as_text=True
    )
    assert client.post(FORM, data=data | {"happened_on": "2025-11-02"}).status_code == 302
    history = client.get("/api/v1/items/9.2.1").get_json()["history"]
    assert history[0]["happened_on"] == "2025-11-02"
    assert history[0]["changed_at"].startswith(clock.now().date().isoformat())
    page = client.get("/texts/res-2616/9.2.1").get_data(as_text=True)
    assert '<time datetime="2025-11-02">2 November 2025</time>' in page and "recorded" in page
    assert not re.search(r'<time datetime="[^"]*\.\d+', page)  # no microseconds

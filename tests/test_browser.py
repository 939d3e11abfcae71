"""A monitor logs in, changes a status and sees it in the history, in Debian's chromium."""

import pytest

from tests.conftest import PASSWORD
from tracker import clock

pytestmark = pytest.mark.browser
pytest_plugins = ["tests.conftest_treaty_office", "tests.conftest_browser"]


def log_in_through(page, url: str) -> None:
    """Open a page that needs a login, log in as the monitor and land back on it."""
    page.goto(url)
    page.get_by_label("Email address").fill("monitor@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(url)


def test_monitor_logs_in_changes_a_status_and_sees_it_in_the_history(live_server, page, make_user):
    make_user("monitor@example.org")
    page.goto(f"{live_server}/items/9.2.1")
    assert "Not assessed" in page.locator(".status-box").inner_text()
    log_in_through(page, f"{live_server}/texts/res-2616/9.2.1/status")

    page.get_by_label("In progress", exact=True).check()
    page.get_by_label("Note (required): why the status changes").fill(
        "The Mazhilis tabled a <b>ratification</b> bill."
    )
    page.get_by_label("Evidence link (optional)").fill("https://example.org/bill")
    page.get_by_role("button", name="Record the change").click()
    page.wait_for_url(f"{live_server}/texts/res-2616/9.2.1")

    assert "In progress" in page.locator(".status-box").inner_text()
    history = page.get_by_role("table")
    row = history.locator("tbody tr").first
    assert "The Mazhilis tabled a <b>ratification</b> bill." in row.inner_text()
    assert "Monitor 1" in row.inner_text() and "monitor@example.org" not in row.inner_text()
    assert row.get_by_role("link", name="https://example.org/bill").count() == 1
    page.goto(f"{live_server}/changes")
    assert "§9.2.1: Not assessed → In progress" in page.locator("main").inner_text()


def test_sources_page_and_the_needs_review_flow(
    live_server, page, make_user, app, fake_treaty_office
):
    from datetime import timedelta

    from jobs import poll_treaties
    from jobs.runner import run_job
    from tests.fake_treaty_office import standard_chart
    from tests.treaty_helpers import kaz, make_ctx, no_sleep, serve_seeded_states

    make_user("monitor@example.org")
    serve_seeded_states(fake_treaty_office)
    now = clock.now()
    poll_treaties.run(make_ctx(app, fake_treaty_office, now=now), sleep=no_sleep)
    fake_treaty_office.set_chart(210, standard_chart(210, kaz(210, signed=now.date())))
    poll_treaties.run(
        make_ctx(app, fake_treaty_office, now=now + timedelta(minutes=1)), sleep=no_sleep
    )
    ctx = make_ctx(app, fake_treaty_office)
    run_job("heartbeat", engine=ctx.engine, settings=ctx.settings)

    page.goto(f"{live_server}/sources")
    sources = page.locator("main").inner_text()
    assert "Sources and checks" in sources and "heartbeat" in sources
    page.goto(f"{live_server}/treaties/cets-210")
    assert "Signed" in page.locator("main").inner_text()

    log_in_through(page, f"{live_server}/reviews")
    confirm = page.get_by_role("button", name="Confirm “In progress” for §9.2.1")
    confirm.click()
    page.wait_for_load_state()
    assert page.get_by_role("button", name="Confirm “In progress” for §9.2.1").count() == 0
    page.get_by_role("button", name="Dismiss the suggestion for §6").click()
    page.wait_for_load_state()
    page.goto(f"{live_server}/items/9.2.1")
    assert "In progress" in page.locator(".status-box").inner_text()
    row = page.get_by_role("table").locator("tbody tr").first
    assert "CETS 210" in row.inner_text() and "Monitor 1" in row.inner_text()


def test_no_public_page_shows_a_monitors_address(live_server, browser, app, client, login):
    """Crawl every public page an anonymous visitor reaches after a monitor's change."""
    from tests.test_web import submit_change

    login("private.monitor@example.org")
    assert submit_change(client, note="Bill tabled").status_code == 302
    anonymous = browser.new_context()
    page = anonymous.new_page()
    to_visit, seen = ["/", "/changes.atom", "/api/v1/events", "/api/v1/items/9.2.1"], set()
    while to_visit and len(seen) < 80:
        path = to_visit.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = page.goto(f"{live_server}{path}")
        assert response.status == 200, path
        assert "private.monitor" not in response.text(), path
        if "html" in response.headers.get("content-type", ""):
            assert "private.monitor" not in page.content(), path
            links = "els => els.map(e => e.getAttribute('href'))"
            for href in page.eval_on_selector_all("a[href^='/']", links):
                clean = href.split("#")[0]
                if clean and not clean.startswith(("/login", "/static")) and clean not in seen:
                    to_visit.append(clean)
    assert {"/texts/res-2616/9.2.1", "/changes", "/treaties"} <= seen
    anonymous.close()

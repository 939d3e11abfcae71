"""A monitor links one document and dismisses another in the inbox, in Debian's chromium."""

import pytest

from tests.source_server import SourceSite, rss
from tests.sources_helpers import add_source, run_check
from tests.test_browser import log_in_through

pytestmark = pytest.mark.browser
pytest_plugins = ["tests.conftest_browser"]

ISTANBUL = ("n-1", "Istanbul Convention: more time asked", "http://news.example/i",
            "Ratification of the convention on violence against women is delayed.")  # fmt: skip
TORTURE = ("n-2", "Torture in detention reported", "http://news.example/t",
           "Detainees describe ill-treatment in places of detention.")  # fmt: skip


def test_a_monitor_links_and_dismisses_documents_from_the_inbox(live_server, page, make_user, app):
    site = SourceSite()
    try:
        add_source(app.extensions["db_engine"], "news", site.set("/rss", rss(ISTANBUL, TORTURE)),
                   name="Local news")  # fmt: skip
        run_check(app)
    finally:
        site.close()
    make_user("monitor@example.org")
    log_in_through(page, f"{live_server}/inbox")

    torture = page.locator("article", has_text=TORTURE[1])
    assert "§11.5" in torture.locator(".suggestions li").first.inner_text()
    torture.get_by_label("§11.5").check()
    torture.get_by_label("Status change (optional)").select_option("no_progress")
    torture.get_by_label("Note (optional)").fill("New cases <b>reported</b>.")
    torture.get_by_role("button", name=f"Link “{TORTURE[1]}”").click()
    page.wait_for_url(f"{live_server}/inbox")
    assert f"“{TORTURE[1]}”: linked." in page.locator(".flash").inner_text()
    assert page.locator("article", has_text=TORTURE[1]).count() == 0

    page.get_by_role("button", name=f"Dismiss “{ISTANBUL[1]}”").click()
    page.wait_for_url(f"{live_server}/inbox")
    assert "No new documents." in page.locator("main").inner_text()

    page.goto(f"{live_server}/items/11.5")
    assert "No progress" in page.locator(".status-box").inner_text()
    documents = page.locator("section", has=page.get_by_role("heading", name="Documents"))
    assert TORTURE[1] in documents.inner_text()
    documents.get_by_role("link", name="archived copy").click()
    main = page.locator("main").inner_text()
    assert "Detainees describe ill-treatment" in main and "Monitor 1" in main
    assert "monitor@example.org" not in main
    assert "New cases <b>reported</b>." in main

    page.goto(f"{live_server}/inbox?state=dismissed")
    assert ISTANBUL[1] in page.locator("main").inner_text()
    page.goto(f"{live_server}/items/6")
    assert ISTANBUL[1] not in page.locator("main").inner_text()

"""Every page at phone, tablet and laptop widths: no sideways scroll, no console error."""

import os
from pathlib import Path

import pytest

from tests.conftest import PASSWORD
from tracker import clock
from tracker.db import unit_of_work

pytestmark = pytest.mark.browser
pytest_plugins = ["tests.conftest_treaty_office", "tests.conftest_browser"]

WIDTHS = (360, 768, 1280)
LONG_URL = "https://example.org/" + "a-very-long-path-segment-without-spaces" * 4
PUBLIC_PAGES = (
    "/",
    "/?status=not_assessed&q=authorities",
    "/texts/res-2616/9.2",
    "/texts/res-2616/9.2.1",
    "/texts/res-2616/1",
    "/changes",
    "/changes?kind=status&since=2025-01-01",
    "/statuses",
    "/report",
    "/treaties",
    "/treaties/cets-210",
    "/sources",
    "/subscribe",
    "/login",
    "/no-such-page",
)
MONITOR_PAGES = (
    "/texts/res-2616/9.2.1/status",
    "/texts/res-2616/13/classify",
    "/reviews",
    "/admin/users",
    "/admin/outbox",
)
# Controls a thumb must hit; links inside running text are exempt (WCAG 2.5.8 "inline").
TARGETS = (
    "button, select, summary, .button, "
    "input:not([type=hidden]):not([type=checkbox]):not([type=radio]), "
    "nav a, .counts a, .item-number, .pagination a, .actions a"
)


def screenshot_dir() -> Path:
    """Return the folder CI keeps as an artifact; screenshots of every page land there."""
    folder = Path(os.environ.get("TRACKER_SCREENSHOT_DIR", "test-artifacts/screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def record_history(engine) -> None:
    """Give the pages something to show: status changes with long notes and links."""
    from tracker.items.queries import get_item
    from tracker.items.status_changes import Actor, record_status_change

    for number, status in (
        ("9.2.1", "in_progress"),
        ("11.4", "no_progress"),
        ("9.2.2", "regressed"),
    ):
        with unit_of_work(engine) as session:
            item = get_item(session, number)
            record_status_change(
                session,
                item,
                new_status=status,
                note="A note that goes on " * 12 + LONG_URL,
                evidence_url=LONG_URL,
                actor=Actor(label="Monitor with a rather long public name"),
                expected_version=item.version,
                now=clock.now(),
            )


def problems_on(page, url: str, *, width: int, name: str) -> list[str]:
    """Open a page and return what is wrong with it at this width."""
    errors: list[str] = []

    def on_console(message) -> None:
        if message.type == "error":
            errors.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", on_console)
    response = page.goto(url)
    page.remove_listener("console", on_console)
    page.remove_listener("pageerror", on_console)
    if response.status == 404:
        # Chromium logs the page's own 404 as a console error; only the page asked for it.
        errors = [e for e in errors if "status of 404" not in e]
    found = [f"{url} @{width}: console: {error}" for error in errors]
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    if scroll > inner:
        found.append(f"{url} @{width}: page is {scroll}px wide in a {inner}px window")
    if width == WIDTHS[0]:
        small = page.evaluate(
            """selector => [...document.querySelectorAll(selector)]
                .filter(el => el.offsetParent !== null)
                .map(el => [el.outerHTML.slice(0, 80), el.getBoundingClientRect()])
                .filter(([_, box]) => box.height < 44 || box.width < 44)
                .map(([html, box]) =>
                    `${html} is ${Math.round(box.width)}x${Math.round(box.height)}`)""",
            TARGETS,
        )
        found += [f"{url} @{width}: small target {target}" for target in small]
    page.screenshot(path=screenshot_dir() / f"{name}-{width}.png", full_page=True)
    return found


def page_name(path: str, prefix: str) -> str:
    """Return a file-name-safe name for a page."""
    cleaned = "".join(c if c.isalnum() else "-" for c in path.strip("/")) or "dashboard"
    return f"{prefix}-{cleaned}"


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", ("en", "fr", "ru"))
def test_every_page_fits_the_screen_without_console_errors(
    live_server, browser, app, engine, make_user, fake_treaty_office, width, language
):
    # French and Russian strings are longer: each language is walked at each width.
    from jobs import poll_treaties
    from tests.fake_treaty_office import standard_chart
    from tests.treaty_helpers import kaz, make_ctx, no_sleep, serve_seeded_states

    make_user("admin@example.org", role="admin")
    record_history(engine)
    serve_seeded_states(fake_treaty_office)
    poll_treaties.run(make_ctx(app, fake_treaty_office, now=clock.now()), sleep=no_sleep)
    fake_treaty_office.set_chart(210, standard_chart(210, kaz(210, signed=clock.now().date())))
    poll_treaties.run(make_ctx(app, fake_treaty_office, now=clock.now()), sleep=no_sleep)

    context = browser.new_context(
        viewport={"width": width, "height": 800},
        locale=language,
        extra_http_headers={"Accept-Language": language},
    )
    page = context.new_page()
    found: list[str] = []
    for path in PUBLIC_PAGES + ("/evidence/1",):
        name = page_name(path, f"public-{language}")
        found += problems_on(page, live_server + path, width=width, name=name)
        assert page.locator("html").get_attribute("lang") == language, path
    page.goto(f"{live_server}/login")
    page.locator("#email").fill("admin@example.org")
    page.locator("#password").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()
    for path in PUBLIC_PAGES[:3] + MONITOR_PAGES:
        name = page_name(path, f"monitor-{language}")
        found += problems_on(page, live_server + path, width=width, name=name)
    context.close()
    assert found == [], "\n".join(found)

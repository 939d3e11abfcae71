"""Every page at phone, tablet and laptop widths: no sideways scroll, no console error, no
axe-core violation (tests/fixtures/axe, its default rules: WCAG 2 A and AA and best practice)."""

import os
from pathlib import Path

import pytest

from tests.conftest import PASSWORD
from tests.page_walk import LOGGED_IN_PAGES, PUBLIC_PAGES, fill_pages, log_in, page_name

pytestmark = pytest.mark.browser
pytest_plugins = ["tests.conftest_treaty_office", "tests.conftest_browser"]

WIDTHS = (360, 768, 1280)
AXE = Path(__file__).parent / "fixtures" / "axe" / "axe.min.js"
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


def axe_violations(page) -> list[str]:
    """Run axe-core in the page with its default rules; return each violation and its nodes."""
    # Evaluated from the test, not added as a <script>: the page's CSP forbids inline scripts.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => (await axe.run(document)).violations")
    return [
        f"{v['id']} ({v['impact']}): {v['help']}: "
        + "; ".join(" ".join(n["target"]) for n in v["nodes"][:5])
        for v in result
    ]


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
    found += [f"{url} @{width}: axe: {violation}" for violation in axe_violations(page)]
    page.screenshot(path=screenshot_dir() / f"{name}-{width}.png", full_page=True)
    return found


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", ("en", "fr", "ru"))
def test_every_page_fits_the_screen_without_console_errors(
    live_server, browser, app, engine, make_user, fake_treaty_office, width, language
):
    # French and Russian strings are longer: each language is walked at each width.
    fill_pages(app, engine, make_user, fake_treaty_office)
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
        if page.locator("html").get_attribute("lang") != language:
            found.append(f"{path}: <html lang> is not {language}")
    log_in(page, live_server, "admin@example.org", PASSWORD)
    for path in LOGGED_IN_PAGES:
        name = page_name(path, f"monitor-{language}")
        found += problems_on(page, live_server + path, width=width, name=name)
    context.close()
    assert found == [], "\n".join(found)

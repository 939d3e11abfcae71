"""Keyboard focus is always visible: an outline of at least 2 px whose colour contrasts 3:1 or
more with what is around it (WCAG 2.4.7, and 1.4.11 for the indicator), read from the styles
chromium computes while the keyboard moves through a page. Forms shown again with their errors
(the page walk only sees them empty) pass axe-core too."""

import re

import pytest

from tests.conftest import PASSWORD
from tests.page_walk import fill_pages, log_in

pytestmark = pytest.mark.browser
pytest_plugins = ["tests.conftest_treaty_office", "tests.conftest_browser"]

TABS_PER_PAGE = 45
# The focused element, its outline, and the first opaque background found just outside the
# outline (what the outline is drawn on: the header, a panel, the page).
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  const reach = parseFloat(style.outlineOffset) + parseFloat(style.outlineWidth) + 1;
  const x = Math.max(0, box.left - reach), y = Math.max(0, box.top + box.height / 2);
  let behind = 'rgb(255, 255, 255)';
  for (const node of document.elementsFromPoint(x, y)) {
    if (node === el || el.contains(node)) continue;
    const color = getComputedStyle(node).backgroundColor;
    if (color !== 'transparent' && !/rgba\\(.*,\\s*0\\)$/.test(color)) { behind = color; break; }
  }
  return {html: el.outerHTML.slice(0, 70), style: style.outlineStyle,
          width: parseFloat(style.outlineWidth), outline: style.outlineColor, behind};
}"""


def luminance(css: str) -> float:
    """Return the relative luminance (WCAG 2) of an rgb()/rgba() colour."""
    red, green, blue = (int(v) for v in re.findall(r"[\d.]+", css)[:3])

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)


def contrast(first: str, second: str) -> float:
    """Return the WCAG contrast ratio of two colours."""
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_contrast_ratio_matches_wcag_examples():
    assert round(contrast("rgb(0, 0, 0)", "rgb(255, 255, 255)"), 1) == 21.0
    assert round(contrast("rgb(118, 118, 118)", "rgb(255, 255, 255)"), 2) == 4.54
    assert contrast("rgb(1, 2, 3)", "rgb(1, 2, 3)") == 1.0


def weak_focus(page, url: str) -> list[str]:
    """Tab through a page; return every focused element whose outline is missing or faint."""
    page.goto(url)
    found, seen = [], set()
    for _ in range(TABS_PER_PAGE):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused is None or focused["html"] in seen:
            continue
        seen.add(focused["html"])
        ratio = contrast(focused["outline"], focused["behind"])
        if focused["style"] == "none" or focused["width"] < 2 or ratio < 3:
            found.append(f"{url}: {focused['html']} outline {focused['style']} "
                         f"{focused['width']}px {focused['outline']} on {focused['behind']}: "
                         f"{ratio:.2f}:1")  # fmt: skip
    assert len(seen) > 10, f"{url}: the keyboard reached only {len(seen)} elements"
    return found


def test_focus_is_visible_at_3_to_1_everywhere_the_keyboard_goes(
    live_server, browser, app, engine, make_user, fake_treaty_office
):
    fill_pages(app, engine, make_user, fake_treaty_office)
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    found = weak_focus(page, f"{live_server}/") + weak_focus(page, f"{live_server}/login")
    log_in(page, live_server, "admin@example.org", PASSWORD)
    found += weak_focus(page, f"{live_server}/texts/res-2616/9.2.1/status")
    found += weak_focus(page, f"{live_server}/reviews")
    context.close()
    assert found == [], "\n".join(found)


def test_refused_forms_pass_axe(live_server, browser, make_user):
    from tests.test_browser_pages import axe_violations

    make_user("admin@example.org", role="admin")
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(f"{live_server}/login")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    found = [f"login: {v}" for v in axe_violations(page)]
    assert page.locator("#error-summary a").count() == 2
    log_in(page, live_server, "admin@example.org", PASSWORD)
    page.goto(f"{live_server}/texts/res-2616/9.2.1/status")
    page.get_by_label("Evidence link (optional)").fill("not a link")
    page.get_by_role("button", name="Record the change").click()
    page.wait_for_load_state()
    assert page.locator("#error-summary a").count() == 3
    found += [f"status form: {v}" for v in axe_violations(page)]
    context.close()
    assert found == [], "\n".join(found)

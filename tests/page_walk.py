"""The pages every walk visits (browser, axe-core, vnu), and the data that fills them."""

from tracker import clock
from tracker.db import unit_of_work

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
    "/subscriptions/link",
    "/login",
    "/api/",
    "/no-such-page",
)
MONITOR_PAGES = (
    "/texts/res-2616/9.2.1/status",
    "/texts/res-2616/13/classify",
    "/reviews",
    "/admin/users",
    "/admin/outbox",
    "/admin/sources",
    "/admin/sources/pace-kazakhstan-news",
    "/inbox",
    "/account",
)
#: Walked logged in: a few public pages (the header changes) and every monitor page.
LOGGED_IN_PAGES = PUBLIC_PAGES[:3] + MONITOR_PAGES


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


def fill_pages(app, engine, make_user, fake_treaty_office) -> None:
    """Make an admin, history, two polls (one finds a signature: a review, evidence #1)."""
    from jobs import poll_treaties
    from tests.fake_treaty_office import standard_chart
    from tests.treaty_helpers import kaz, make_ctx, no_sleep, serve_seeded_states

    make_user("admin@example.org", role="admin")
    record_history(engine)
    serve_seeded_states(fake_treaty_office)
    poll_treaties.run(make_ctx(app, fake_treaty_office, now=clock.now()), sleep=no_sleep)
    fake_treaty_office.set_chart(210, standard_chart(210, kaz(210, signed=clock.now().date())))
    poll_treaties.run(make_ctx(app, fake_treaty_office, now=clock.now()), sleep=no_sleep)


def page_name(path: str, prefix: str) -> str:
    """Return a file-name-safe name for a page."""
    cleaned = "".join(c if c.isalnum() else "-" for c in path.strip("/")) or "dashboard"
    return f"{prefix}-{cleaned}"


def log_in(page, base_url: str, email: str, password: str) -> None:
    """Log a Playwright page in through the login form."""
    page.goto(f"{base_url}/login")
    # By id, not by label: the walk logs in with the interface in any language.
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    page.locator("main button[type=submit]").click()
    page.wait_for_load_state()

"""A suppressed address: why, shown to admins; lifted by an admin or by a confirmed opt-in."""

import re
from datetime import timedelta

from jobs import send_mail
from tests.conftest import csrf_token
from tests.mail_helpers import (
    confirm,
    mail_ctx,
    queue_messages,
    send_now,
    subscribe,
    subscriber_row,
)

pytest_plugins = ["tests.smtp_server", "tests.mail_fixtures"]

REFUSED = "550 5.1.1 No such user"


def suppress(app, engine, smtp_server, email):
    smtp_server.handler.refuse[email] = REFUSED
    queue_messages(engine, [email], per_address=2)
    send_mail.run(mail_ctx(app, smtp_server))
    assert subscriber_row(engine, email).suppressed_at is not None
    del smtp_server.handler.refuse[email]


def test_re_subscribing_through_a_confirmed_opt_in_lifts_the_suppression(
    app, engine, smtp_server, mail_clock
):
    suppress(app, engine, smtp_server, "back@example.org")
    reader = app.test_client()
    assert subscribe(reader, "back@example.org").status_code == 200
    send_mail.run(mail_ctx(app, smtp_server, now=mail_clock.advance(minutes=1)))
    [confirmation] = smtp_server.to("back@example.org")  # sent although suppressed
    assert subscriber_row(engine, "back@example.org").suppressed_at is not None
    confirm(reader, confirmation)
    row = subscriber_row(engine, "back@example.org")
    assert row.suppressed_at is None and row.hard_failures == 0 and row.suppressed_reason is None
    queue_messages(engine, ["back@example.org"])
    assert send_now(app, smtp_server).sent == 1


def test_the_outbox_page_says_why_and_an_admin_lifts_it(app, engine, smtp_server, login):
    suppress(app, engine, smtp_server, "gone@example.org")
    admin = app.test_client()
    login("admin@example.org", "admin", on=admin)
    html = admin.get("/admin/outbox").get_data(as_text=True)
    assert "Suppressed addresses (1)" in html and "gone@example.org" in html
    assert "2 permanent refusals in a row" in html and REFUSED in html
    action = re.search(r'action="(/admin/outbox/suppressed/\d+/lift)"', html).group(1)
    assert admin.post(action).status_code == 400  # no CSRF token
    assert subscriber_row(engine, "gone@example.org").suppressed_at is not None
    monitor = app.test_client()
    login("monitor@example.org", on=monitor)
    assert monitor.post(action, data={"csrf_token": csrf_token(html)}).status_code in (400, 403)
    done = admin.post(action, data={"csrf_token": csrf_token(html)})
    assert done.status_code == 302
    assert subscriber_row(engine, "gone@example.org").suppressed_at is None
    assert "Suppressed addresses (0)" in admin.get("/admin/outbox").get_data(as_text=True)
    queue_messages(engine, ["gone@example.org"])
    assert send_now(app, smtp_server, ahead=timedelta(minutes=1)).sent == 1


def test_every_change_with_ticks_is_refused_with_a_message(app, engine):
    browser = app.test_client()
    refused = subscribe(browser, "both@example.org", items=["11"], scope="everything")
    assert refused.status_code == 400
    assert "You chose “every change” and also ticked" in refused.get_data(as_text=True)
    assert subscriber_row(engine, "both@example.org") is None
    page = browser.get("/subscribe").get_data(as_text=True)
    # Neither scope is preselected: the choice is the person's.
    assert not re.search(r'<input[^>]*checked[^>]*name="scope"', page)
    assert not re.search(r'<input[^>]*name="scope"[^>]*checked', page)
    missing = browser.post(
        "/subscribe",
        data={"csrf_token": csrf_token(page), "email": "x@example.org", "frequency": "daily"},
    )
    assert missing.status_code == 400 and "Choose every change" in missing.get_data(as_text=True)

"""Forms help people fill them: autocomplete on their own details, and a summary at the top of
a refused form that links to each field in trouble."""

import pytest
from selectolax.lexbor import LexborHTMLParser

from tests.conftest import PASSWORD, csrf_token

# What a browser may fill in: the user's own address and passwords; never someone else's.
AUTOCOMPLETE = {
    "/login": {"email": "email", "password": "current-password"},
    "/subscribe": {"email": "email"},
    "/subscriptions/link": {"email": "email"},
    "/account": {"display_name": "nickname", "current": "current-password",
                 "new": "new-password"},
    "/admin/users": {"email": "off", "display_name": "off", "password": "new-password"},
    "/texts/res-2616/9.2.1/status": {"note": "off", "happened_on": "off",
                                     "evidence_url": "url"},
}  # fmt: skip


def autocomplete_of(html: str) -> dict[str, str | None]:
    """Return each named text, email, password, URL or date input's autocomplete, by id."""
    tree = LexborHTMLParser(html)
    fields = tree.css("main input[id], main textarea[id]")
    skip = {"hidden", "checkbox", "radio", "submit"}
    return {
        node.attributes["id"]: node.attributes.get("autocomplete")
        for node in fields
        if node.attributes.get("type") not in skip
    }


def test_inputs_say_what_a_browser_may_fill(client, login):
    login("admin@example.org", "admin")
    for path, wanted in AUTOCOMPLETE.items():
        found = autocomplete_of(client.get(path).get_data(as_text=True))
        assert {name: found.get(name) for name in wanted} == wanted, path
    # The inline rename of another user is that user's name, not the admin's.
    users = autocomplete_of(client.get("/admin/users").get_data(as_text=True))
    assert [v for k, v in users.items() if k.startswith("name-")] == ["off"]


def summary_links(html: str, form_action: str) -> list[str]:
    """Return the targets of the error summary; check it comes before the form and each target
    exists in the page."""
    tree = LexborHTMLParser(html)
    summary = tree.css_first("#error-summary")
    assert summary is not None, "no error summary"
    assert summary.attributes.get("role") == "alert"
    assert html.index('id="error-summary"') < html.index(f'action="{form_action}"')
    targets = [a.attributes["href"] for a in summary.css("a")]
    for target in targets:
        assert tree.css_first(target) is not None, f"{target} is not in the page"
    return targets


@pytest.mark.parametrize(
    ("path", "data", "targets"),
    [
        ("/login", {"email": "", "password": ""}, ["#email", "#password"]),
        ("/subscribe", {"email": ""}, ["#frequency-0", "#scope-0", "#email"]),
        ("/subscriptions/link", {"email": ""}, ["#email"]),
    ],
)
def test_a_refused_public_form_lists_each_problem_at_the_top(client, path, data, targets):
    token = csrf_token(client.get(path).get_data(as_text=True))
    response = client.post(path, data=data | {"csrf_token": token})
    assert response.status_code == 400
    assert summary_links(response.get_data(as_text=True), path) == targets


def test_a_refused_login_says_why_at_the_top(client, make_user):
    make_user("monitor@example.org")
    token = csrf_token(client.get("/login").get_data(as_text=True))
    data = {"email": "monitor@example.org", "password": "wrong", "csrf_token": token}
    html = client.post("/login", data=data).get_data(as_text=True)
    assert summary_links(html, "/login") == []
    summary = LexborHTMLParser(html).css_first("#error-summary").text()
    assert "There is a problem" in summary and len(summary.split()) > 4


def test_refused_monitor_and_admin_forms_list_each_problem_at_the_top(client, login):
    login("admin@example.org", "admin")
    token = csrf_token(client.get("/account").get_data(as_text=True))
    short = {"current": PASSWORD, "new": "short", "csrf_token": token}
    html = client.post("/account/password", data=short).get_data(as_text=True)
    assert summary_links(html, "/account/password") == ["#new"]
    added = {"email": "", "password": "short", "role": "monitor", "csrf_token": token}
    html = client.post("/admin/users", data=added).get_data(as_text=True)
    assert summary_links(html, "/admin/users") == ["#email", "#password"]

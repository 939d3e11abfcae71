"""Treaty Office page shell: reading the API settings and spotting challenge pages."""

import pytest

from tests.fake_treaty_office import (
    CHALLENGE_HTML,
    PAGE_PATH,
    SIGNATURES_PATH,
    page_shell_html,
    standard_chart,
)
from tests.treaty_office_client_helpers import D1, TODAY, client_factory, kaz
from tracker.sources.treaty_office import (
    ChallengePageError,
    PageShellError,
    is_challenge_page,
    read_api_settings,
)

pytest_plugins = ["tests.conftest_treaty_office"]


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def make_client(fake_treaty_office, sleeps):
    yield from client_factory(fake_treaty_office, sleeps)


@pytest.mark.parametrize("status", [200, 403])
def test_challenge_page_on_the_page_shell(fake_treaty_office, make_client, status):
    fake_treaty_office.set_challenge_page(status=status)
    client = make_client()
    with pytest.raises(ChallengePageError, match="Cloudflare challenge"):
        client.read_settings_from_page()
    assert fake_treaty_office.count(PAGE_PATH) == 1


def test_challenge_page_at_start_falls_back_to_configured_settings(fake_treaty_office, make_client):
    fake_treaty_office.set_challenge_page()
    fake_treaty_office.set_chart(210, standard_chart(210, kaz=kaz(signed=D1)))
    client = make_client()
    assert client.observe(210, today=TODAY).state == "signed"
    assert client.settings_source == "configured"
    assert fake_treaty_office.count(PAGE_PATH) == 1


def test_challenge_page_from_the_api(fake_treaty_office, make_client):
    fake_treaty_office.respond_next(SIGNATURES_PATH, CHALLENGE_HTML, status=403)
    with pytest.raises(ChallengePageError):
        make_client(read_page_on_start=False).observe(210)


def test_page_shell_without_globals(fake_treaty_office, make_client):
    fake_treaty_office.page_html = "<html><noscript>enable JavaScript</noscript></html>"
    with pytest.raises(PageShellError, match="conventions_api_url or window.conventions_api_key"):
        make_client().read_settings_from_page()


@pytest.mark.parametrize("quote", ['"', "'"])
def test_page_shell_in_both_quote_styles(fake_treaty_office, make_client, quote):
    html = page_shell_html(
        "https://conventions-ws.coe.int/WS_LFRConventions/", "abc123", quote=quote
    )
    settings = read_api_settings(html)
    assert settings.api_url == "https://conventions-ws.coe.int/WS_LFRConventions/"
    assert settings.token == "abc123"

    fake_treaty_office.set_page_shell(token="served", quote=quote)
    served = make_client().read_settings_from_page()
    assert (served.api_url, served.token) == (fake_treaty_office.api_url, "served")


def test_page_shell_adds_the_trailing_slash():
    html = (
        "<script>window.conventions_api_url='https://x.example/WS';"
        "window.conventions_api_key='k'</script>"
    )
    assert read_api_settings(html).api_url == "https://x.example/WS/"


@pytest.mark.parametrize(
    ("html", "challenge"),
    [
        (CHALLENGE_HTML, True),
        ("<title>Just a moment...</title>", True),
        ('<script src="https://challenges.cloudflare.com/turnstile"></script>', True),
        ('<form id="challenge-form" action="/?__cf_chl_f_tk=abc">', True),
        ('<div class="cf-chl-widget"></div>', True),
        (page_shell_html("https://a.example/", "t"), False),
    ],
)
def test_is_challenge_page(html, challenge):
    assert is_challenge_page(html) is challenge
    assert is_challenge_page(html.encode()) is challenge

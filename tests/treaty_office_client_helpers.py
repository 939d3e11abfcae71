"""Shared by the Treaty Office client tests: fixed dates, chart rows and a client factory."""

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime

from tests.fake_treaty_office import chart_row
from tracker.sources.treaty_office import HttpPolicy, TreatyOfficeClient, make_user_agent

TODAY = date(2026, 1, 15)
NOW = datetime(2026, 1, 15, 9, 30, tzinfo=UTC)
USER_AGENT = make_user_agent("kz-resolution-tracker/0.1", "mailto:tracker@example.org")

D1, D2, D3, D4 = date(2020, 4, 22), date(2021, 5, 3), date(2022, 6, 1), date(2024, 9, 1)


def kaz(treaty_number: int = 210, **dates) -> dict:
    return chart_row("KAZ", "Kazakhstan", treaty_number, **dates)


def client_factory(fake_treaty_office, sleeps: list[float]) -> Iterator[Callable]:
    """Yield a maker of clients aimed at the fake (the body of a ``make_client`` fixture)."""
    clients = []

    def make(**options) -> TreatyOfficeClient:
        options.setdefault("user_agent", USER_AGENT)
        options.setdefault("timeout_seconds", 2.0)
        options.setdefault("policy", HttpPolicy(backoff_seconds=1.0, jitter_seconds=0.0))
        options.setdefault("sleep", sleeps.append)
        options.setdefault("clock", lambda: NOW)
        client = TreatyOfficeClient(
            options.pop("page_url", fake_treaty_office.page_url),
            options.pop("api_url", fake_treaty_office.api_url),
            options.pop("token", fake_treaty_office.token),
            **options,
        )
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()

"""Fixtures of the mail tests (a pytest plugin: name it in ``pytest_plugins``, never import it)."""

from datetime import datetime, timedelta

import pytest

from tests.mail_helpers import NOW
from tracker import clock


class TestClock:
    """The tracker's one clock, set by the test: web requests and jobs see the same time."""

    def __init__(self, monkeypatch, start: datetime) -> None:
        self._monkeypatch = monkeypatch
        self.set(start)

    def set(self, moment: datetime) -> datetime:
        self._monkeypatch.setattr(clock, "_fixed", moment)
        self.moment = moment
        return moment

    def advance(self, **delta) -> datetime:
        return self.set(self.moment + timedelta(**delta))


@pytest.fixture
def mail_clock(monkeypatch) -> TestClock:
    """Freeze the tracker's clock at NOW; the test moves it with ``advance`` or ``set``."""
    return TestClock(monkeypatch, NOW)

"""Pytest plugin: a fake Treaty Office per test (``pytest_plugins = [...]`` in the module)."""

from collections.abc import Iterator

import pytest

from tests.fake_treaty_office import FakeTreatyOffice, serve_fake_treaty_office


@pytest.fixture
def fake_treaty_office() -> Iterator[FakeTreatyOffice]:
    """Serve a fresh fake Treaty Office on 127.0.0.1 for one test."""
    with serve_fake_treaty_office() as fake:
        yield fake

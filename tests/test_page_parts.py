"""Parts of pages kept by an exact key: the status chart is rendered again only when it changes."""

import re

import pytest
from sqlmodel import Session

from tests.open_data_helpers import change_status
from tests.test_response_cache import rendered_templates
from tracker import clock
from tracker.sources.health import TREATY_OFFICE, record_check_success

CHART = "public/_status_chart.html"


def chart_table(html: str) -> str:
    """Return the chart's table of counts, as the page shows it."""
    return re.search(r"<table>.*?</table>", html, re.S).group(0)


def a_source_check(engine) -> None:
    """Record a successful Treaty Office check now: the pages' ETag moves, no status does."""
    with Session(engine) as session:
        record_check_success(session, TREATY_OFFICE, now=clock.now(), actor="test")
        session.commit()


@pytest.mark.postgres
def test_the_chart_is_kept_across_a_source_check_and_drawn_again_after_a_status_change(
    app, engine, client
):
    first, names = rendered_templates(app, lambda: client.get("/"))
    assert CHART in names
    a_source_check(engine)
    checked, names = rendered_templates(app, lambda: client.get("/"))
    assert checked.headers["ETag"] != first.headers["ETag"]  # the page was rendered again
    assert "public/dashboard.html" in names and CHART not in names  # but not its chart
    assert chart_table(checked.text) == chart_table(first.text)
    change_status(engine, "9.2.1", status="implemented", note="Adopted and in force")
    changed, names = rendered_templates(app, lambda: client.get("/"))
    assert CHART in names
    assert chart_table(changed.text) != chart_table(first.text)


def test_each_language_has_its_own_chart(app, client):
    english = client.get("/").text
    french = client.get("/", headers={"Accept-Language": "fr"}).text
    russian = client.get("/", headers={"Accept-Language": "ru"}).text
    assert "Month end" in chart_table(english)
    assert "Month end" not in chart_table(french) and "Month end" not in chart_table(russian)
    assert chart_table(french) != chart_table(russian)
    assert chart_table(client.get("/").text) == chart_table(english)

"""Open data downloads: the CSV exports of paragraphs, status history and treaties."""

from flask import Blueprint, current_app

from tracker import clock
from tracker.db import get_session
from tracker.exports.records import Links
from tracker.exports.tables import CSV_MEDIA_TYPE, TABLES, csv_text
from tracker.web.caching import public

bp = Blueprint("exports", __name__, url_prefix="/export")


def _csv(name: str):
    links = Links(current_app.extensions["tracker_settings"].base_url)
    table = TABLES[name](get_session(), links, today=clock.now().date())
    headers = {
        "Content-Type": CSV_MEDIA_TYPE,
        "Content-Disposition": f'attachment; filename="{name}.csv"',
    }
    return csv_text(table).encode("utf-8"), 200, headers


@bp.get("/items.csv")
@public(cors=True)
def items_csv():
    return _csv("items")


@bp.get("/history.csv")
@public(cors=True)
def history_csv():
    return _csv("history")


@bp.get("/treaties.csv")
@public(cors=True)
def treaties_csv():
    return _csv("treaties")

"""Atom feeds of the whole log, of one paragraph and of one treaty; the deadlines calendar.

Feed and entry ids are absolute URLs built from ``TRACKER_BASE_URL``: an entry keeps its id
(the event's address) in every feed it appears in and across restarts and hosts.
"""

from flask import Blueprint, abort, current_app, render_template

from tracker import clock
from tracker.db import get_session
from tracker.exports.calendar import deadlines_calendar
from tracker.exports.queries import item_feed_events, item_keys, treaty_feed_events
from tracker.exports.records import Links, who
from tracker.items.queries import get_text_item
from tracker.models import Event
from tracker.safe_text import xml_safe
from tracker.treaties.queries import get_treaty, treaty_label
from tracker.web.api import public_names
from tracker.web.caching import public

bp = Blueprint("feeds", __name__)

FEED_LENGTH = 50
ATOM = "application/atom+xml; charset=utf-8"


def links() -> Links:
    """Return the absolute links of the configured base URL."""
    return Links(current_app.extensions["tracker_settings"].base_url)


def atom_response(events: list[Event], *, title: str, path: str, page_url: str):
    """Render an Atom feed of ``events`` (newest first) served at ``path``."""
    base = links()
    keys = item_keys(get_session())
    body = render_template(
        "public/feed.atom.xml",
        title=title,
        self_url=base.base_url + path,
        page_url=page_url,
        events=events,
        links=base,
        item_keys=keys,
        who=lambda row: who(row, public_names()),
        xml_safe=xml_safe,
    )
    return body, 200, {"Content-Type": ATOM}


@bp.get("/texts/<slug>/<number>/feed.atom")
@public(cors=True)
def item_feed(slug: str, number: str):
    session = get_session()
    found = get_text_item(session, slug, number)
    if found is None:
        abort(404)
    text, item = found
    return atom_response(
        item_feed_events(session, item.id, limit=FEED_LENGTH),
        title=f"{text.reference} §{item.number}: changes",
        path=f"/texts/{text.slug}/{item.number}/feed.atom",
        page_url=links().item(text.slug, item.number),
    )


@bp.get("/treaties/<slug>/feed.atom")
@public(cors=True)
def treaty_feed(slug: str):
    session = get_session()
    treaty = get_treaty(session, slug)
    if treaty is None:
        abort(404)
    return atom_response(
        treaty_feed_events(session, treaty.id, limit=FEED_LENGTH),
        title=f"{treaty_label(treaty)} and Kazakhstan: changes",
        path=f"/treaties/{treaty.slug}/feed.atom",
        page_url=links().treaty(treaty.slug),
    )


@bp.get("/deadlines.ics")
@public(cors=True)
def deadlines_ics():
    body = deadlines_calendar(get_session(), links(), today=clock.now().date())
    headers = {
        "Content-Type": "text/calendar; charset=utf-8",
        "Content-Disposition": 'inline; filename="deadlines.ics"',
    }
    return body, 200, headers

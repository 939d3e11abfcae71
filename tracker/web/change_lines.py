"""One change as a feed line reads: where it happened and what changed, in the reader's language."""

from flask import current_app, g
from flask_babel import get_locale
from flask_babel import gettext as _

from tracker.db import get_session
from tracker.feed import place_and_change
from tracker.items.statuses import Status, status_label
from tracker.models import Event
from tracker.texts.queries import list_texts
from tracker.treaties.states import STATE_LABELS, state_label

STATUS_VALUES = {status.value for status in Status}


def _text_references() -> dict[str, str]:
    if "text_references" not in g:
        g.text_references = {text.slug: text.reference for text in list_texts(get_session())}
    return g.text_references


def _translated_change(event: Event, change: str) -> str:
    """Return what a status or treaty change did in the reader's language.

    The stored summary is English text; a status change and a treaty state change are told
    again from their payload's values, which the catalogues translate.
    """
    locale = get_locale()
    if locale is None or locale.language == "en":
        return change  # the summary as written
    before, after = event.payload.get("from"), event.payload.get("to")
    if event.kind == "item_status_changed" and before in STATUS_VALUES and after in STATUS_VALUES:
        return f"{_(status_label(before))} → {_(status_label(after))}"
    if event.kind == "treaty_state_changed" and before in STATE_LABELS and after in STATE_LABELS:
        dates = change.partition(" (")[2]
        moved = _(
            "Kazakhstan: %(before)s → %(after)s",
            before=_(state_label(before)),
            after=_(state_label(after)),
        )
        return f"{moved} ({dates}" if dates else moved
    return change


def change_parts(event: Event) -> tuple[str, str]:
    """Return where an event happened and what changed, for one-line feed entries.

    A paragraph of a text other than the default one is named with its text ("Resolution 1526
    (2006) §2"): the number alone would read as the default text's paragraph.
    """
    place, change = place_and_change(event)
    change = _translated_change(event, change)
    slug = event.payload.get("text")
    if place and slug and slug != current_app.extensions["tracker_settings"].default_text:
        place = f"{_text_references().get(slug, slug)} {place}"
    return place, change

"""Parse RSS and Atom feeds into entries, after refusing any XML with entity declarations."""

import xml.etree.ElementTree as ElementTree
from calendar import timegm
from datetime import UTC, datetime

import defusedxml.ElementTree as SafeElementTree
import feedparser
from defusedxml import DefusedXmlException

from tracker.sources.entries import Entry
from tracker.sources.pages import html_to_text
from tracker.sources.treaty_office.errors import SourceFormatError

TITLE_MAX = 1000


class FeedFormatError(SourceFormatError):
    """The feed is not well-formed XML, declares entities, or has no feed structure."""


def check_xml(body: bytes, url: str | None = None) -> None:
    """Raise ``FeedFormatError`` for malformed XML or XML that declares entities (bombs)."""
    try:
        # defusedxml refuses entity declarations and external references before expanding
        # anything; the tree itself is thrown away, feedparser reads the same bytes below.
        SafeElementTree.fromstring(body, forbid_dtd=False, forbid_entities=True)
    except DefusedXmlException as exc:
        raise FeedFormatError(f"the feed declares XML entities, refused: {exc}", url=url) from None
    except ElementTree.ParseError as exc:
        raise FeedFormatError(f"the feed is not well-formed XML: {exc}", url=url) from None


def parse_feed(body: bytes, *, url: str) -> list[Entry]:
    """Return the entries of an RSS 2.0 or Atom feed, in the feed's order."""
    check_xml(body, url)
    parsed = feedparser.parse(body, response_headers={"content-location": url}, sanitize_html=False)
    if parsed.bozo and not parsed.entries:
        raise FeedFormatError(f"not a feed: {parsed.get('bozo_exception')}", url=url)
    if not parsed.get("version") and not parsed.entries:
        raise FeedFormatError("the document is XML but not an RSS or Atom feed", url=url)
    return [_entry(raw) for raw in parsed.entries]


def _entry(raw) -> Entry:
    title = html_to_text(raw.get("title") or "")[:TITLE_MAX]
    link = raw.get("link") or None
    contents = [part.get("value", "") for part in raw.get("content") or []]
    text = html_to_text(" ".join(contents) or raw.get("summary") or "")
    key = raw.get("id") or link or title
    return Entry(
        key=key, title=title or "(untitled)", link=link, published_at=_date(raw), text=text
    )


def _date(raw) -> datetime | None:
    parsed = raw.get("published_parsed") or raw.get("updated_parsed")
    if not parsed:
        return None
    return datetime.fromtimestamp(timegm(parsed), tz=UTC)

"""Text out of HTML: listing pages' entries and a page's main text; HTML is never kept to show."""

from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser as HTMLParser

from tracker.sources.entries import Entry

# Parts of a page that are not its content: their changes are not changes of the page.
NOT_CONTENT = "script, style, noscript, template, nav, header, footer, aside, form, iframe, svg"
MAIN_CANDIDATES = ("main", "article", "[role=main]", "#content", "body")


class SelectorError(ValueError):
    """The CSS selector cannot be used."""


def _text(node) -> str:
    # PostgreSQL text cannot hold NUL, and a page's NUL bytes are never words.
    text = node.text(separator=" ") if node is not None else ""
    return " ".join(text.replace("\x00", " ").split())


def html_to_text(html: str) -> str:
    """Return the visible text of an HTML fragment, whitespace collapsed."""
    if "<" not in html:
        return " ".join(html.replace("\x00", " ").split())
    tree = HTMLParser(html)
    for node in tree.css("script, style, noscript, template"):
        node.decompose()
    return _text(tree.body or tree.root)


def decode(body: bytes) -> str:
    """Return a page's bytes as text (UTF-8, bad bytes replaced)."""
    return body.decode("utf-8", errors="replace")


def main_text(body: bytes) -> tuple[str, str]:
    """Return a page's title and the text of its main part, without navigation or scripts."""
    tree = HTMLParser(decode(body))
    title = _text(tree.css_first("title"))
    for node in tree.css(NOT_CONTENT):
        node.decompose()
    for candidate in MAIN_CANDIDATES:
        node = tree.css_first(candidate)
        if node is not None:
            return title, _text(node)
    return title, _text(tree.root)


def check_selector(selector: str) -> None:
    """Raise ``SelectorError`` if the selector cannot be applied."""
    try:
        HTMLParser("<p></p>").css(selector)
    except Exception as exc:  # noqa: BLE001 - the parser raises several kinds for bad selectors
        raise SelectorError(f"the CSS selector {selector!r} is not valid: {exc}") from None


def listing_entries(body: bytes, *, url: str, selector: str) -> list[Entry]:
    """Return one entry per element matching the selector; its first link is the entry's."""
    tree = HTMLParser(decode(body))
    for node in tree.css("script, style, noscript, template"):
        node.decompose()
    entries = []
    for node in tree.css(selector):
        anchor = node if node.tag == "a" else node.css_first("a[href]")
        link = None
        if anchor is not None and anchor.attributes.get("href"):
            candidate = urljoin(url, anchor.attributes["href"].strip())
            link = candidate if urlsplit(candidate).scheme in {"http", "https"} else None
        title = _text(anchor) or _text(node)
        if not title and not link:
            continue
        entries.append(
            Entry(
                key=link or title,
                title=title[:1000] or "(untitled)",
                link=link,
                published_at=_time(node),
                text=_text(node),
            )
        )
    return entries


def _time(node) -> datetime | None:
    found = node.css_first("time[datetime]")
    if found is None:
        return None
    try:
        value = datetime.fromisoformat(found.attributes["datetime"].strip())
    except (TypeError, ValueError):
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)

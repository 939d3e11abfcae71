"""Links between texts on a paragraph's page: cross-references and lineage."""

from flask import g, url_for
from markupsafe import Markup, escape
from sqlmodel import Session

from tracker.models import Item
from tracker.texts.comparison import word_diff
from tracker.texts.lineage import predecessors, successors
from tracker.texts.queries import list_texts
from tracker.texts.references import split_mentions


def cross_referenced(text: str, known_texts: set[str]) -> Markup:
    """Return a paragraph as HTML with its mentions of other texts as links."""
    parts = []
    for part, mention in split_mentions(text):
        if mention is None:
            parts.append(escape(part))
            continue
        if mention.slug in known_texts:
            href = url_for("public.dashboard", slug=mention.slug)
        else:
            href = mention.assembly_url
        parts.append(Markup('<a class="xref" href="{}">{}</a>').format(href, part))
    return Markup("").join(parts)


def lineage_context(session: Session, item: Item) -> dict:
    """Return what the paragraph page shows of other texts: known slugs, lineage, the form."""
    from tracker.web.monitor import lineage_form

    return {
        "known_texts": {text.slug for text in list_texts(session)},
        "predecessors": [
            (relative, word_diff(relative.item.text, item.text))
            for relative in predecessors(session, item)
        ],
        "successors": successors(session, item),
        "lineage_form": lineage_form(session, item) if g.get("user") else None,
    }

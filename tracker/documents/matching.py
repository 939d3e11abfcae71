"""Rank the paragraphs a new document most likely concerns (BM25, plus the source's hints).

Each paragraph is a BM25 "document" (k1 = 1.5, b = 0.75) over its own words; the query is the
set of words of the new document's title and text. A keyword of the source that appears in
the document counts twice in the query, and paragraphs the source is declared to concern get
their score multiplied by ``SOURCE_ITEM_BOOST``. Words are lower-cased, stop words dropped and
plurals folded ("conventions" = "convention"), so scores are comparable within one document
only; the inbox shows the score and the words that matched, the monitor decides.
"""

import math
import re
from collections import Counter
from dataclasses import dataclass

from sqlmodel import Session, col, select

from tracker.models import Document, Item
from tracker.texts.queries import LEGACY_TEXT

K1 = 1.5
B = 0.75
KEYWORD_WEIGHT = 2
SOURCE_ITEM_BOOST = 1.5
TOP = 5

_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*|\d+")
STOP_WORDS = frozenset(
    """a an and are as at be been by for from has have in into is it its of on or that the
    their them these this those to was were which with will would should shall not no all any
    also other such than then there they we our your you he she his her i assembly kazakhstan
    council europe european country authorities calls urges encourages against""".split()
)


def stem(word: str) -> str:
    """Return a word lower-cased with its plural or possessive folded."""
    word = word.casefold().replace("’", "'").removesuffix("'s")
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


# Compared with stems: "urges" and "authorities" are stop words like "urge" and "authority".
_STOP_STEMS = STOP_WORDS | {stem(word) for word in STOP_WORDS}


def words(text: str) -> list[tuple[str, str]]:
    """Return (stem, word as written) for every word of a text that is not a stop word."""
    found = []
    for match in _WORD.finditer(text):
        written = match.group()
        stemmed = stem(written)
        if stemmed not in _STOP_STEMS and len(stemmed) > 1:
            found.append((stemmed, written))
    return found


@dataclass(frozen=True)
class ParagraphIndex:
    """The paragraphs' word counts and the corpus statistics BM25 needs."""

    numbers: tuple[str, ...]
    counts: tuple[Counter, ...]
    lengths: tuple[int, ...]
    document_frequency: Counter
    average_length: float

    @classmethod
    def build(cls, paragraphs: list[tuple[str, str]]) -> "ParagraphIndex":
        """Index (number, text) pairs."""
        counts = tuple(Counter(s for s, _ in words(text)) for _, text in paragraphs)
        lengths = tuple(sum(c.values()) for c in counts)
        frequency: Counter = Counter()
        for c in counts:
            frequency.update(c.keys())
        average = sum(lengths) / len(lengths) if lengths else 1.0
        numbers = tuple(number for number, _ in paragraphs)
        return cls(numbers, counts, lengths, frequency, average or 1.0)

    def idf(self, term: str) -> float:
        """Return BM25's inverse document frequency of a term (never negative)."""
        n, df = len(self.numbers), self.document_frequency.get(term, 0)
        return math.log(1 + (n - df + 0.5) / (df + 0.5))


def watched_text_items():
    """Return a query of the paragraphs watched sources concern: Resolution 2616's."""
    # Sources, suggestions and links name paragraphs by number, which other texts reuse.
    watched = select(Document.id).where(Document.slug == LEGACY_TEXT).scalar_subquery()
    return select(Item).where(col(Item.document_id) == watched)


def load_index(session: Session) -> ParagraphIndex:
    """Index the paragraphs of the watched resolution."""
    query = (
        select(Item.number, Item.text)
        .join(Document, col(Document.id) == col(Item.document_id))
        .where(Document.slug == LEGACY_TEXT)
        .order_by(col(Item.position))
    )
    return ParagraphIndex.build([(number, text) for number, text in session.exec(query)])


def rank_paragraphs(
    index: ParagraphIndex,
    text: str,
    *,
    keywords: list[str] = (),
    source_items: list[str] = (),
    top: int = TOP,
) -> list[dict]:
    """Return the best paragraphs for a text: [{"item", "score", "words"}], best first."""
    document_words = words(text)
    written = {}
    for stemmed, original in document_words:
        written.setdefault(stemmed, original)
    query = Counter({stemmed: 1 for stemmed in written})
    folded = " ".join(text.casefold().split())
    for keyword in keywords:
        if keyword.strip() and " ".join(keyword.casefold().split()) in folded:
            for stemmed, original in words(keyword):
                query[stemmed] = KEYWORD_WEIGHT
                written.setdefault(stemmed, original)
    ranked = []
    for number, counts, length in zip(index.numbers, index.counts, index.lengths, strict=True):
        score, matched = 0.0, []
        for term, weight in query.items():
            frequency = counts.get(term, 0)
            if not frequency:
                continue
            norm = frequency + K1 * (1 - B + B * length / index.average_length)
            score += weight * index.idf(term) * frequency * (K1 + 1) / norm
            matched.append(written[term])
        if score <= 0:
            continue
        if number in source_items:
            score *= SOURCE_ITEM_BOOST
        ranked.append(
            {"item": number, "score": round(score, 2), "words": sorted(matched, key=str.casefold)}
        )
    ranked.sort(key=lambda row: (-row["score"], row["item"]))
    return ranked[:top]

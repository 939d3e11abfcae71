"""Compare an adopted paragraph with the committee's draft of it.

The classification rule, applied after normalising quotes, apostrophes and whitespace:

- "new": there is no draft paragraph;
- "unchanged": the two texts are identical;
- "amended": some single insertion or deletion spans at least ``AMENDMENT_MIN_WORDS`` words,
  counted case-insensitively and ignoring punctuation, because a plenary amendment adds or
  strikes out a clause while editors swap a word or two;
- "editorial": any smaller change (wording, commas, capitals).

On Resolution 2616 (2025) the largest editorial run is 3 words (§3 "the Republic of") and the
smallest amendment run is 16 words (§13), so the threshold sits well inside the gap.
"""

import difflib
import re

AMENDMENT_MIN_WORDS = 6

_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"'})
_WORD = re.compile(r"\w+(?:[-'’]\w+)*")


def normalise(text: str) -> str:
    """Return the text with straight quotes and single spaces, for equality checks."""
    return " ".join(text.translate(_QUOTES).split())


def classify_difference(adopted: str, draft: str | None) -> str:
    """Classify how an adopted paragraph differs from its draft."""
    if draft is None:
        return "new"
    if normalise(adopted) == normalise(draft):
        return "unchanged"
    if longest_change(draft, adopted) >= AMENDMENT_MIN_WORDS:
        return "amended"
    return "editorial"


def longest_change(draft: str, adopted: str) -> int:
    """Return the number of words in the largest single insertion or deletion."""
    old = _WORD.findall(normalise(draft).casefold())
    new = _WORD.findall(normalise(adopted).casefold())
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    return max(
        (max(i2 - i1, j2 - j1) for tag, i1, i2, j1, j2 in matcher.get_opcodes() if tag != "equal"),
        default=0,
    )


def word_diff(draft: str, adopted: str) -> list[tuple[str, str]]:
    """Return ("equal" | "insert" | "delete", text) segments turning the draft into the adoption.

    Segments hold whole words separated by single spaces; joining the non-deleted segments
    with spaces gives the adopted text. Quote variants count as equal and show as adopted.
    """
    old, new = draft.split(), adopted.split()
    matcher = difflib.SequenceMatcher(
        None, [w.translate(_QUOTES) for w in old], [w.translate(_QUOTES) for w in new],
        autojunk=False,
    )  # fmt: skip
    segments: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            _append(segments, "equal", new[j1:j2])
        if tag in ("delete", "replace"):
            _append(segments, "delete", old[i1:i2])
        if tag in ("insert", "replace"):
            _append(segments, "insert", new[j1:j2])
    return segments


def _append(segments: list[tuple[str, str]], kind: str, words: list[str]) -> None:
    """Add words to the segment list, merging with the last segment of the same kind."""
    if not words:
        return
    if segments and segments[-1][0] == kind:
        segments[-1] = (kind, f"{segments[-1][1]} {' '.join(words)}")
    else:
        segments.append((kind, " ".join(words)))

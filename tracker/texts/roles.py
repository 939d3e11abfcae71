"""Tell operative paragraphs (the Assembly asks someone to act) from context ones."""

import re

from tracker.i18n import N_
from tracker.texts.chapeaux import is_chapeau

OPERATIVE = "operative"
CONTEXT = "context"
ROLES = (OPERATIVE, CONTEXT)
ROLE_LABELS = {
    OPERATIVE: N_("Operative: asks someone to act; tracked with a status"),
    CONTEXT: N_("Context: notes, recalls, welcomes or introduces; not tracked"),
}

# Verbs by which the Assembly asks for something to be done; "notes", "welcomes", "recalls",
# "reiterates", "deplores", "condemns"... state a view and ask nothing.
OPERATIVE_VERBS = (
    "calls on", "calls upon", "calls for", "appeals to", "urges", "encourages", "recommends",
    "invites", "asks", "requests", "expects", "demands", "instructs", "resolves", "decides",
)  # fmt: skip
_VERBS_RE = "|".join(v.replace(" ", r"\s+") for v in sorted(OPERATIVE_VERBS, key=len, reverse=True))
_ADVERBS = r"(?:(?:therefore|also|further|furthermore|thus|accordingly|strongly|firmly|again)\s+)*"
# The Assembly (not a third party, not a participle) must be the one asking.
_ASKS = re.compile(
    rf"\bthe\s+(?:parliamentary\s+)?assembly\s+{_ADVERBS}(?:{_VERBS_RE})\b", re.IGNORECASE
)


def classify_role(text: str, *, verb: str | None, is_sub_paragraph: bool) -> str:
    """Return "operative" or "context" for a paragraph, from its own words and its chapeau."""
    if is_chapeau(text):
        # "The Assembly urges the authorities to:" only introduces; its sub-paragraphs act.
        return CONTEXT
    if is_sub_paragraph and verb is not None and " ".join(verb.split()) in OPERATIVE_VERBS:
        return OPERATIVE
    return OPERATIVE if _ASKS.search(text) else CONTEXT

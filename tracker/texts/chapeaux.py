"""Find who a unit is addressed to: the nearest chapeau that names an addressee.

A unit names an addressee when it starts with the Assembly's call ("The Assembly urges the
authorities to ..."); a chapeau is such a unit that ends with a colon and introduces its
sub-units: "The Assembly
calls on the authorities of Kazakhstan to:", "The Assembly recommends that the Committee of
Ministers:". Its addressee is written as in the text ("the authorities of Kazakhstan") and
holds for every unit below it. "The Assembly therefore:" names nobody, so each sub-unit
may name its own ("invites the Secretary General to:"). Under a chapeau that named an
addressee, a verb-led sub-unit ("encourage the authorities ... in particular:") says what
that addressee should do and does not change the addressee.
"""

import re
from dataclasses import dataclass

_VERBS = (
    "calls on", "calls upon", "appeals to", "encourages", "urges", "recommends", "invites",
    "asks", "requests", "instructs", "resolves", "decides", "agrees", "exhorts", "insists",
)  # fmt: skip
_VERB_RE = "|".join(v.replace(" ", r"\s+") for v in sorted(_VERBS, key=len, reverse=True))
# "The Assembly reiterates its call on member States to:" calls on them.
_RENEWED = r"(?:reiterates|renews)\s+its\s+(?:call|appeal)s?\s+(?:on|upon|to)"
_VERB_RE = f"{_RENEWED}|{_VERB_RE}"
# "Given X and Y, in the light of Z, the Assembly ..." (clauses of one sentence: "Doc. 15880")
_CLAUSE = r"(?:[^,:;.]|\.(?!\s+(?-i:[A-Z])))"
_SUBJECT = rf"(?:{_CLAUSE}{{1,250}},\s*){{0,4}}(?:the\s+(?:parliamentary\s+)?assembly|it)\b\s*,?\s*"
_ADVERBS = (
    r"(?:(?:therefore|also|further|furthermore|thus|accordingly|consequently|strongly"
    r"|firmly|again|once\s+again|hereby|in\s+particular|moreover|finally)\b\s*,?\s*)*"
)
# The "to" of the call, not a preposition: "calls on States Parties to the Convention to:".
_TO = (
    r"\bto\b(?!\s+(?:(?:the|a|an|its|their|this|these|those|all|any|each|every|such|both)\b"
    r"|(?-i:[A-Z])))"
)
_CHAPEAU = re.compile(
    rf"^(?P<subject>{_SUBJECT}(?:[^,:;]{{1,120}},\s*)?)?{_ADVERBS}(?P<verb>{_VERB_RE})\b\s*"
    r"(?:that\s+)?"
    rf"(?P<addressee>[^:;]*?)\s*(?P<end>{_TO}[^:;]*:|:|{_TO}.*)$",
    re.IGNORECASE,
)
# "The Assembly welcomes the reforms and calls on the authorities to:" (the call after "and")
_CHAPEAU_AND = re.compile(
    rf"^(?P<subject>{_SUBJECT}(?:[^,:;]{{1,120}},\s*)?[^.:;]*?\band\s+(?:,\s*)?){_ADVERBS}"
    rf"(?P<verb>{_VERB_RE})\b\s*(?:that\s+)?(?P<addressee>[^:;]*?)\s*"
    rf"(?P<end>{_TO}[^:;]*:|:|{_TO}.*)$",
    re.IGNORECASE,
)
# "urges States which have been found to practise X, in particular Y, to address ..."
_RELATIVE = re.compile(r"(?P<addressee>[^:;]*?\b(?:which|who|whose)\b[^:;]*?),\s*to\b")
# "recommends that the Committee of Ministers invite the European Union" names it without "to".
_RECOMMENDATION = re.compile(
    rf"^(?P<subject>{_SUBJECT})?{_ADVERBS}(?P<verb>recommends)\s+that\s+"
    r"(?P<addressee>(?:the\s+)?committee\s+of\s+ministers)\b(?P<end>.*)$",
    re.IGNORECASE,
)
_BARE_CHAPEAU = re.compile(rf"^{_SUBJECT}{_ADVERBS}:$", re.IGNORECASE)
_COMMITTEE_OF_MINISTERS = re.compile(r"^(?:the\s+)?committee\s+of\s+ministers\b", re.IGNORECASE)
_TRAILING = re.compile(
    r"\s*,?\s*(?:in\s+particular|inter\s+alia|as\s+a\s+matter\s+of\s+\w+)\W*$"
    # "the authorities, in co-operation with the Venice Commission," names the authorities
    r"|\s*,\s*(?:and\s+)?(?:in|as|with|within|including|together|where|which|who|when|while|through"
    r"|notably|particularly|especially|without|once|if|pending|following)\b.*$",
    re.IGNORECASE,
)
# Under "The Assembly calls on:", each sub-unit names its addressee: "the authorities to:".
_CALLING = {
    "calls on", "calls upon", "appeals to", "encourages", "urges", "recommends", "invites", "asks",
    "requests", "exhorts",
}  # fmt: skip
_NAMED = re.compile(rf"^(?P<addressee>(?:the\s+)?[^:;]*?)\s*(?P<end>{_TO}[^:;]*:|:|{_TO}.*)$")


@dataclass(frozen=True)
class Scope:
    """What a unit passes to its sub-units: the addressee, the verb, and whether they may name
    their own addressee."""

    addressee: str | None = None
    verb: str | None = None
    open_to_verbs: bool = True


def scope_of(text: str, inherited: Scope | None) -> Scope:
    """Return the scope a unit holds, from its text and its parent's scope."""
    # At top level nothing has been addressed yet, so a verb-led chapeau may name an addressee.
    scope = inherited or Scope()
    if _BARE_CHAPEAU.match(text):
        return Scope()
    calling = scope.verb in _CALLING and scope.addressee is None
    if calling and (named := _NAMED.match(text)):
        return Scope(_addressee(named["addressee"]), scope.verb, False)
    chapeau = _call(text)
    if chapeau is None and text.endswith(":"):
        # "The Assembly is concerned about X. It therefore calls on the authorities to:"
        last_sentence = _last_sentence(text)
        chapeau = _CHAPEAU.match(last_sentence) if last_sentence != text else None
    if chapeau and (chapeau["subject"] or (scope.open_to_verbs and scope.addressee is None)):
        written = chapeau["addressee"]
        if re.search(r"\b(?:which|who|whose)\b", written, re.IGNORECASE):
            relative = _RELATIVE.match(chapeau.string, chapeau.start("addressee"))
            written = relative["addressee"] if relative else written
        addressee = _addressee(written)
        if addressee is None and not chapeau["end"].endswith(":"):
            return scope  # "The Assembly decides to remain seized of the matter."
        return Scope(addressee, _verb(chapeau["verb"]), False)
    return scope


def _call(text: str) -> re.Match | None:
    """Return the Assembly's call in a unit: the first one, or in a chapeau the one that
    introduces the sub-units ("decides to X and instructs its committee to:")."""
    patterns = [_CHAPEAU, _RECOMMENDATION, _CHAPEAU_AND]
    if text.endswith(":"):
        patterns.insert(0, patterns.pop())
    return next((m for pattern in patterns if (m := pattern.match(text))), None)


def _verb(written: str) -> str:
    verb = " ".join(written.lower().split())
    renewed = re.fullmatch(r"(?:reiterates|renews) its (call|appeal)s? (on|upon|to)", verb)
    return f"{renewed[1]}s {renewed[2]}" if renewed else verb


def _addressee(written: str) -> str | None:
    """Return the addressee as written, without a trailing "in particular"."""
    if match := _COMMITTEE_OF_MINISTERS.match(written):
        # "recommends that the Committee of Ministers invite member States to:"
        return match.group()
    return _TRAILING.sub("", written).strip(" ,") or None


def without_article(addressee: str | None) -> str | None:
    """Return the addressee without its leading "the", as the item pages print it."""
    if addressee is None:
        return None
    return re.sub(r"^the\s+", "", addressee, flags=re.IGNORECASE) or None


def is_chapeau(text: str) -> bool:
    """Return whether a unit only introduces its sub-units ("The Assembly urges X to:")."""
    if not text.rstrip().endswith(":"):
        return False
    # "The Assembly is concerned about X. It therefore calls on the authorities to:"
    last_sentence = _last_sentence(text)
    return bool(_BARE_CHAPEAU.match(last_sentence) or _call(last_sentence))


def scopes_of(text: str, inherited: Scope | None) -> tuple[Scope, Scope]:
    """Return the scope a unit holds and the one it passes to its sub-units.

    "The Assembly urges X to act. In particular, it urges:" names X, but its sub-units
    ("Y to ensure ...") answer the last sentence, which names nobody.
    """
    own = scope_of(text, inherited)
    last_sentence = _last_sentence(text)
    if last_sentence != text and is_chapeau(last_sentence):
        return own, scope_of(last_sentence, inherited)
    return own, own


def _last_sentence(text: str) -> str:
    return re.split(r"(?<=[.!?])\s+(?=[A-Z])", text)[-1]

"""The interface's languages: which there are, how a code is checked, and the N_ marker.

Front doors: ``tracker.i18n.web.init_app`` (the locale of a request, the switcher, the
date and number filters) and ``tracker.i18n.mail.mail_locale`` (gettext and formats for one
email in one subscriber's language). The catalogues are tracker/translations/<code>/.

Texts made in Python and stored (event summaries, status labels written into history) stay in
English: strings that are shown but never stored are marked with ``N_`` and translated where
they are rendered. A resolution's paragraphs are never translated.
"""

DEFAULT_LANGUAGE = "en"
#: Each language with its own name for itself, as the switcher shows it.
LANGUAGES = {"en": "English", "fr": "Français", "ru": "Русский"}
#: The locale whose date and number formats each language uses: the Council of Europe writes
#: British English ("5 December 2026"), not American.
FORMAT_LOCALES = {"en": "en_GB", "fr": "fr_FR", "ru": "ru_RU"}
#: The cookie that remembers a visitor's choice over Accept-Language.
COOKIE = "tracker_lang"


def N_(message: str) -> str:
    """Mark a string for extraction without translating it: it is translated when shown."""
    return message


def known_language(code: str | None) -> str | None:
    """Return the code if it is one of the interface's languages (any case), else None."""
    code = (code or "").strip().lower().replace("_", "-").split("-")[0]
    return code if code in LANGUAGES else None


#: How often a subscriber is mailed, as the manage page names it.
FREQUENCY_LABELS = {"immediate": N_("Immediately"), "daily": N_("Daily"), "weekly": N_("Weekly")}
#: Stored words shown as they are (a document's state, a decision, a role): translated when shown.
DATA_WORDS = (
    N_("new"),
    N_("linked"),
    N_("dismissed"),
    N_("link"),
    N_("dismiss"),
    N_("confirmed"),
    N_("Admin"),
    N_("Monitor"),
)

"""The web forms, validated by WTForms, each with a CSRF token."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, DataRequired, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from tracker.i18n import DEFAULT_LANGUAGE, LANGUAGES
from tracker.items.status_changes import NOTE_MAX_LENGTH, URL_MAX_LENGTH
from tracker.items.statuses import STATUS_INFO
from tracker.texts.roles import ROLE_LABELS
from tracker.users import DISPLAY_NAME_MAX_LENGTH, PASSWORD_MIN_LENGTH, ROLES


class TrackerForm(FlaskForm):
    """A form whose CSRF token has no id: a page with several forms keeps its ids unique."""

    class Meta:
        def render_field(self, field, render_kw):
            if field.type == "CSRFTokenField":
                render_kw = {"id": False, **render_kw}
            return super().render_field(field, render_kw)


# autocomplete: a browser or password manager fills the user's own address and passwords
# (WCAG 1.3.5); what a monitor types about someone else or about a paragraph is never offered.
OWN_EMAIL = {"autocomplete": "email"}
NOT_OWN = {"autocomplete": "off"}


class LoginForm(TrackerForm):
    email = EmailField(
        _l("Email address"),
        validators=[DataRequired(), Length(max=254)],
        render_kw=OWN_EMAIL,
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(), Length(max=1000)],
        render_kw={"autocomplete": "current-password"},
    )


class StatusChangeForm(TrackerForm):
    # Radio buttons, none preselected: each status shows its meaning beside it.
    status = RadioField(
        _l("New status"),
        choices=[SelectChoice(s.value, _l(info.label)) for s, info in STATUS_INFO.items()],
        validators=[InputRequired(message=_l("Choose the new status."))],
    )
    # Left empty (an old form, a script), it means today, as the form proposes.
    happened_on = DateField(
        _l("When it happened"),
        validators=[Optional()],
    )
    note = TextAreaField(
        _l("Note (required): why the status changes"),
        validators=[
            DataRequired(message=_l("A note explaining the change is required.")),
            Length(max=NOTE_MAX_LENGTH),
        ],
    )
    evidence_url = URLField(
        _l("Evidence link (optional)"),
        validators=[
            Optional(),
            URL(message=_l("Enter a full http:// or https:// URL.")),
            Length(max=URL_MAX_LENGTH),
        ],
        # type=text: a mistyped link is shown again as typed, which type=url may not hold.
        render_kw={
            "type": "text",
            "inputmode": "url",
            "autocomplete": "url",
            "spellcheck": "false",
        },
    )
    version = HiddenField(validators=[InputRequired()])


class LineageForm(TrackerForm):
    predecessor = SelectField(
        _l("Paragraph of an earlier text that this one continues"), validators=[InputRequired()]
    )


class AddUserForm(TrackerForm):
    email = EmailField(
        _l("Email address"), validators=[DataRequired(), Length(max=254)], render_kw=NOT_OWN
    )
    display_name = StringField(
        _l("Public name (shown instead of the address; empty: “Monitor” and a number)"),
        validators=[Optional(), Length(max=DISPLAY_NAME_MAX_LENGTH)],
        render_kw=NOT_OWN,
    )
    password = PasswordField(
        _l("Initial password (at least %(num)d characters)", num=PASSWORD_MIN_LENGTH),
        validators=[DataRequired(), Length(min=PASSWORD_MIN_LENGTH, max=1000)],
        render_kw={"autocomplete": "new-password"},
    )
    role = SelectField(_l("Role"), choices=[SelectChoice(r, _l(r.title())) for r in ROLES])


class DisplayNameForm(TrackerForm):
    display_name = StringField(
        _l("Public name"),
        validators=[DataRequired(), Length(max=DISPLAY_NAME_MAX_LENGTH)],
        render_kw={"autocomplete": "nickname"},
    )


class PasswordForm(TrackerForm):
    current = PasswordField(
        _l("Current password"),
        validators=[DataRequired(), Length(max=1000)],
        render_kw={"autocomplete": "current-password"},
    )
    new = PasswordField(
        _l("New password (at least %(num)d characters)", num=PASSWORD_MIN_LENGTH),
        validators=[DataRequired(), Length(min=PASSWORD_MIN_LENGTH, max=1000)],
        render_kw={"autocomplete": "new-password"},
    )


class ConfirmForm(TrackerForm):
    """A form with only its CSRF token, for buttons that change something."""


class ReviewForm(TrackerForm):
    """Confirm or dismiss a suggested status; the note is optional."""

    note = TextAreaField(
        _l("Note (optional)"), validators=[Optional(), Length(max=NOTE_MAX_LENGTH - 1000)]
    )


class CheckboxesField(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes, usable without JavaScript."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class PreferencesForm(TrackerForm):
    frequency = RadioField(
        _l("How often"),
        choices=[
            SelectChoice("immediate", _l("Immediately, one email per change")),
            SelectChoice("daily", _l("A daily digest")),
            SelectChoice("weekly", _l("A weekly digest")),
        ],
        default="daily",
        validators=[InputRequired(message=_l("Choose how often."))],
    )
    scope = RadioField(
        _l("About what"),
        choices=[
            SelectChoice("everything", _l("Every change")),
            SelectChoice(
                "chosen", _l("Only the texts, paragraphs, themes and treaties I choose below")
            ),
        ],
        # No default: "every change" or "chosen ones" is an explicit choice (issue 10).
        validators=[
            InputRequired(message=_l("Choose every change, or the paragraphs and treaties below."))
        ],
    )
    texts = CheckboxesField(_l("Whole texts"), validate_choice=True)
    items = CheckboxesField(_l("Paragraphs"), validate_choice=True)
    tags = CheckboxesField(_l("Themes"), validate_choice=True)
    treaties = CheckboxesField(_l("Treaties and bodies"), validate_choice=True)
    documents = BooleanField(
        _l(
            "Also tell me when monitors link a new document (a report, an opinion, news) to "
            "what I follow"
        ),
        default=True,
    )
    # Which language the mail is written in; the view proposes the page's language.
    language = SelectField(
        _l("Language of the emails"),
        choices=[SelectChoice(code, name) for code, name in LANGUAGES.items()],
        default=DEFAULT_LANGUAGE,
        # A form sent without it (an old page, a script) keeps the default.
        validators=[Optional()],
    )


class LinkRequestForm(TrackerForm):
    email = EmailField(
        _l("Your email address"), validators=[DataRequired(), Length(max=254)], render_kw=OWN_EMAIL
    )


class SubscribeForm(PreferencesForm):
    email = EmailField(
        _l("Your email address"), validators=[DataRequired(), Length(max=254)], render_kw=OWN_EMAIL
    )


class ClassifyForm(TrackerForm):
    """A monitor corrects a paragraph's role and sets its themes."""

    role = RadioField(
        _l("What this paragraph does"),
        choices=[SelectChoice(role, _l(label)) for role, label in ROLE_LABELS.items()],
        validators=[InputRequired(message=_l("Choose what the paragraph does."))],
    )
    tags = CheckboxesField(_l("Themes"), validate_choice=True)

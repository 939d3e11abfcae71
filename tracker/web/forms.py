"""The web forms, validated by WTForms, each with a CSRF token."""

from flask_wtf import FlaskForm
from wtforms import (
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
        "Email address",
        validators=[DataRequired(), Length(max=254)],
        render_kw=OWN_EMAIL,
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired(), Length(max=1000)],
        render_kw={"autocomplete": "current-password"},
    )


class StatusChangeForm(TrackerForm):
    # Radio buttons, none preselected: each status shows its meaning beside it.
    status = RadioField(
        "New status",
        choices=[SelectChoice(s.value, info.label) for s, info in STATUS_INFO.items()],
        validators=[InputRequired(message="Choose the new status.")],
    )
    # Left empty (an old form, a script), it means today, as the form proposes.
    happened_on = DateField(
        "When it happened",
        validators=[Optional()],
    )
    note = TextAreaField(
        "Note (required): why the status changes",
        validators=[
            DataRequired(message="A note explaining the change is required."),
            Length(max=NOTE_MAX_LENGTH),
        ],
    )
    evidence_url = URLField(
        "Evidence link (optional)",
        validators=[
            Optional(),
            URL(message="Enter a full http:// or https:// URL."),
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
        "Paragraph of an earlier text that this one continues", validators=[InputRequired()]
    )


class AddUserForm(TrackerForm):
    email = EmailField(
        "Email address", validators=[DataRequired(), Length(max=254)], render_kw=NOT_OWN
    )
    display_name = StringField(
        "Public name (shown instead of the address; empty: “Monitor” and a number)",
        validators=[Optional(), Length(max=DISPLAY_NAME_MAX_LENGTH)],
        render_kw=NOT_OWN,
    )
    password = PasswordField(
        f"Initial password (at least {PASSWORD_MIN_LENGTH} characters)",
        validators=[DataRequired(), Length(min=PASSWORD_MIN_LENGTH, max=1000)],
        render_kw={"autocomplete": "new-password"},
    )
    role = SelectField("Role", choices=[SelectChoice(r, r.title()) for r in ROLES])


class DisplayNameForm(TrackerForm):
    display_name = StringField(
        "Public name",
        validators=[DataRequired(), Length(max=DISPLAY_NAME_MAX_LENGTH)],
        render_kw={"autocomplete": "nickname"},
    )


class PasswordForm(TrackerForm):
    current = PasswordField(
        "Current password",
        validators=[DataRequired(), Length(max=1000)],
        render_kw={"autocomplete": "current-password"},
    )
    new = PasswordField(
        f"New password (at least {PASSWORD_MIN_LENGTH} characters)",
        validators=[DataRequired(), Length(min=PASSWORD_MIN_LENGTH, max=1000)],
        render_kw={"autocomplete": "new-password"},
    )


class ConfirmForm(TrackerForm):
    """A form with only its CSRF token, for buttons that change something."""


class ReviewForm(TrackerForm):
    """Confirm or dismiss a suggested status; the note is optional."""

    note = TextAreaField(
        "Note (optional)", validators=[Optional(), Length(max=NOTE_MAX_LENGTH - 1000)]
    )


class CheckboxesField(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes, usable without JavaScript."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class PreferencesForm(TrackerForm):
    frequency = RadioField(
        "How often",
        choices=[
            SelectChoice("immediate", "Immediately, one email per change"),
            SelectChoice("daily", "A daily digest"),
            SelectChoice("weekly", "A weekly digest"),
        ],
        default="daily",
        validators=[InputRequired(message="Choose how often.")],
    )
    scope = RadioField(
        "About what",
        choices=[
            SelectChoice("everything", "Every change"),
            SelectChoice("chosen", "Only the paragraphs and treaties I choose below"),
        ],
        # No default: "every change" or "chosen ones" is an explicit choice (issue 10).
        validators=[
            InputRequired(message="Choose every change, or the paragraphs and treaties below.")
        ],
    )
    items = CheckboxesField("Paragraphs", validate_choice=True)
    treaties = CheckboxesField("Treaties and bodies", validate_choice=True)


class LinkRequestForm(TrackerForm):
    email = EmailField(
        "Your email address", validators=[DataRequired(), Length(max=254)], render_kw=OWN_EMAIL
    )


class SubscribeForm(PreferencesForm):
    email = EmailField(
        "Your email address", validators=[DataRequired(), Length(max=254)], render_kw=OWN_EMAIL
    )


class ClassifyForm(TrackerForm):
    """A monitor corrects a paragraph's role and sets its themes."""

    role = RadioField(
        "What this paragraph does",
        choices=[SelectChoice(role, label) for role, label in ROLE_LABELS.items()],
        validators=[InputRequired(message="Choose what the paragraph does.")],
    )
    tags = CheckboxesField("Themes", validate_choice=True)

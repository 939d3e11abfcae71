"""The web forms, validated by WTForms, each with a CSRF token."""

from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, SelectField, TextAreaField, URLField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, DataRequired, InputRequired, Length, Optional

from tracker.status_changes import NOTE_MAX_LENGTH, URL_MAX_LENGTH
from tracker.statuses import STATUS_INFO
from tracker.users import PASSWORD_MIN_LENGTH, ROLES


class LoginForm(FlaskForm):
    email = EmailField("Email address", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1000)])


class StatusChangeForm(FlaskForm):
    status = SelectField(
        "New status",
        choices=[SelectChoice(s.value, info.label) for s, info in STATUS_INFO.items()],
        validators=[InputRequired()],
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
    )
    version = HiddenField(validators=[InputRequired()])


class AddUserForm(FlaskForm):
    email = EmailField("Email address", validators=[DataRequired(), Length(max=254)])
    password = PasswordField(
        f"Initial password (at least {PASSWORD_MIN_LENGTH} characters)",
        validators=[DataRequired(), Length(min=PASSWORD_MIN_LENGTH, max=1000)],
    )
    role = SelectField("Role", choices=[SelectChoice(r, r.title()) for r in ROLES])


class ConfirmForm(FlaskForm):
    """A form with only its CSRF token, for buttons that change something."""

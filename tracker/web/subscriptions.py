"""Public subscription pages: subscribe, confirm, manage, unsubscribe (RFC 8058 one-click)."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlmodel import col, select

from tracker import clock
from tracker.db import begin_write, get_session
from tracker.i18n.web import current_language
from tracker.items.tags import all_tags
from tracker.mail.alerts import queue_confirmation
from tracker.mail.content import subscriber_links
from tracker.mail.language import set_mail_language
from tracker.mail.preferences import (
    Preferences,
    SubscriptionError,
    preferences_of,
    set_preferences,
)
from tracker.mail.subscriptions import (
    SubscriptionGone,
    TooManyRequests,
    confirm_subscriber,
    count_subscribe_attempt,
    delete_subscriber,
    find_subscriber,
    start_subscription,
    stored_data,
    subscriber_from_token,
)
from tracker.mail.tokens import (
    TokenError,
    compact_token_id,
    compact_token_matches,
    read_token,
    token_matches,
)
from tracker.models import Document, Item, Treaty, User
from tracker.texts.queries import list_texts
from tracker.users import UserError, normalise_email
from tracker.web.forms import ConfirmForm, LinkRequestForm, PreferencesForm, SubscribeForm
from tracker.web.request_guards import client_address
from tracker.web.security import csrf

bp = Blueprint("subscriptions", __name__)


def _settings():
    return current_app.extensions["tracker_settings"]


def _fill_choices(form: PreferencesForm) -> None:
    db = get_session()
    texts = list_texts(db)
    form.texts.choices = [(text.slug, text.reference) for text in texts]
    # Grouped by text in the template: the value names the text, the label only the number.
    numbers = db.exec(
        select(Document.slug, Item.number)
        .join(Item, col(Item.document_id) == Document.id)
        .where(Document.kind != "draft")
        .order_by(col(Document.dated).desc(), col(Document.id), col(Item.position))
    )
    form.items.choices = [(f"{slug}:{number}", f"§{number}") for slug, number in numbers]
    form.item_groups = {text.slug: text.reference for text in texts}
    form.tags.choices = [(tag.slug, tag.label) for tag in all_tags(db)]
    form.treaties.choices = [
        (slug, name)
        for slug, name in db.exec(
            select(Treaty.slug, Treaty.short_name).order_by(col(Treaty.position))
        )
    ]


def _wanted(form: PreferencesForm) -> Preferences:
    return Preferences(
        frequency=form.frequency.data,
        everything=form.scope.data == "everything",
        items=tuple(form.items.data or ()),
        treaties=tuple(form.treaties.data or ()),
        texts=tuple(form.texts.data or ()),
        tags=tuple(form.tags.data or ()),
        documents=bool(form.documents.data),
    )


def _subscriber(token: str, purpose: str):
    max_age = _settings().unconfirmed_expiry_hours * 3600 if purpose == "confirm" else None
    try:
        return subscriber_from_token(
            get_session(), _settings().secret_key, token, purpose=purpose, max_age_seconds=max_age
        )
    except TokenError as invalid:
        return invalid


def _token_error(error: TokenError):
    return render_template("subscriptions/link_error.html", message=_(str(error))), 400


def _count_attempt(db) -> None:
    """Count this network address's request; raise TooManyRequests past the hourly limit."""
    count_subscribe_attempt(
        db,
        remote_addr=client_address(),
        now=clock.now(),
        limit_per_hour=_settings().subscribe_limit_per_hour,
    )


@bp.route("/subscribe", methods=["GET", "POST"])
def subscribe():
    form = SubscribeForm()
    _fill_choices(form)
    if not form.is_submitted():
        form.language.data = current_language()  # mail in the language the page is read in
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return render_template("subscriptions/subscribe.html", form=form), status
    db = get_session()
    begin_write(db)
    try:
        _count_attempt(db)
    except TooManyRequests as refused:
        db.rollback()
        page = render_template("subscriptions/subscribe.html", form=form, error=str(refused))
        return page, 429, {"Retry-After": "3600"}
    try:
        subscriber, already = start_subscription(
            db,
            email=form.email.data,
            wanted=_wanted(form),
            now=clock.now(),
            default_text=_settings().default_text,
            language=form.language.data,
        )
        # A suppressed address is sent a confirmation too: confirming it lifts the suppression.
        queue_confirmation(db, _settings(), subscriber, already=already, now=clock.now())
    except (SubscriptionError, UserError) as invalid:
        db.rollback()
        return render_template("subscriptions/subscribe.html", form=form, error=str(invalid)), 400
    db.commit()
    # The same answer whether or not the address was known: the form reveals nothing.
    return render_template("subscriptions/check_inbox.html")


@bp.route("/subscriptions/link", methods=["GET", "POST"])
def fresh_link():
    form = LinkRequestForm()
    if not form.validate_on_submit():
        status = 400 if form.is_submitted() else 200
        return render_template("subscriptions/link.html", form=form), status
    db = get_session()
    begin_write(db)
    try:
        _count_attempt(db)
        email = normalise_email(form.email.data)
    except TooManyRequests as refused:
        db.rollback()
        page = render_template("subscriptions/link.html", form=form, error=str(refused))
        return page, 429, {"Retry-After": "3600"}
    except UserError as invalid:
        db.rollback()
        return render_template("subscriptions/link.html", form=form, error=str(invalid)), 400
    subscriber = find_subscriber(db, email)
    if subscriber is not None and subscriber.suppressed_at is None:
        already = subscriber.confirmed_at is not None
        queue_confirmation(db, _settings(), subscriber, already=already, now=clock.now())
    db.commit()
    # The same answer whether or not the address was known.
    return render_template("subscriptions/check_inbox.html")


@bp.route("/subscriptions/confirm/<token>", methods=["GET", "POST"])
def confirm(token: str):
    subscriber = _subscriber(token, "confirm")
    if isinstance(subscriber, TokenError):
        return _token_error(subscriber)
    form = ConfirmForm()
    if not form.validate_on_submit():
        return render_template("subscriptions/confirm.html", form=form, email=subscriber.email)
    db = get_session()
    confirm_subscriber(db, subscriber, now=clock.now())
    db.commit()
    flash(_("Your subscription is confirmed."))
    manage = subscriber_links(_settings(), subscriber)["manage_url"]
    return redirect(manage.removeprefix(_settings().base_url))


@bp.route("/subscriptions/manage/<token>", methods=["GET", "POST"])
def manage(token: str):
    subscriber = _subscriber(token, "manage")
    if isinstance(subscriber, TokenError):
        return _token_error(subscriber)
    db = get_session()
    form = PreferencesForm()
    _fill_choices(form)
    if not form.is_submitted():
        current = preferences_of(db, subscriber)
        form.frequency.data = current.frequency
        form.scope.data = "everything" if current.everything else "chosen"
        form.items.data = list(current.items)
        form.treaties.data = list(current.treaties)
        form.texts.data = list(current.texts)
        form.tags.data = list(current.tags)
        form.documents.data = current.documents
        form.language.data = subscriber.language
    elif form.validate():
        try:
            set_preferences(db, subscriber, _wanted(form), default_text=_settings().default_text)
            set_mail_language(db, subscriber, form.language.data)
        except SubscriptionError as invalid:
            db.rollback()
            return _render_manage(form, subscriber, token, error=str(invalid)), 400
        db.commit()
        flash(_("Your preferences are saved."))
        return redirect(url_for("subscriptions.manage", token=token))
    else:
        return _render_manage(form, subscriber, token), 400
    return _render_manage(form, subscriber, token)


def _render_manage(form, subscriber, token, error=None):
    return render_template(
        "subscriptions/manage.html",
        form=form,
        token=token,
        data=stored_data(get_session(), subscriber),
        delete_form=ConfirmForm(),
        error=error,
        unsubscribe_url=subscriber_links(_settings(), subscriber)["unsubscribe_url"],
    )


@bp.post("/subscriptions/manage/<token>/delete")
def delete_data(token: str):
    subscriber = _subscriber(token, "manage")
    if isinstance(subscriber, TokenError):
        return _token_error(subscriber)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    db = get_session()
    delete_subscriber(db, subscriber)
    db.commit()
    return render_template("subscriptions/unsubscribed.html", deleted=True)


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # RFC 8058: the mail provider POSTs with no cookie and no form token
def unsubscribe(token: str):
    subscriber = _subscriber(token, "unsubscribe")
    if isinstance(subscriber, TokenError):
        if request.method == "POST" and isinstance(subscriber, SubscriptionGone):
            # A second one-click POST: the address is gone already, which is what was asked.
            return render_template("subscriptions/unsubscribed.html", deleted=False)
        return _token_error(subscriber)
    if request.method != "POST":
        # A scanner that follows links only ever sees this page; nothing changes on GET or HEAD.
        return render_template("subscriptions/unsubscribe.html", email=subscriber.email)
    db = get_session()
    delete_subscriber(db, subscriber)
    db.commit()
    return render_template("subscriptions/unsubscribed.html", deleted=False)


def _monitor(token: str):
    """Return the user an alert's turn-off link names, or the TokenError saying why not."""
    secret = _settings().secret_key
    compact_id = compact_token_id(token)
    try:
        if compact_id is None:
            user_id, fingerprint = read_token(secret, token, purpose="monitor-alerts")
        else:
            user_id, fingerprint = compact_id, None
    except TokenError as invalid:
        return invalid
    user = get_session().get(User, user_id)
    if user is None:
        return TokenError("This link no longer matches an account.")
    if fingerprint is None:
        matches = compact_token_matches(
            secret, token, purpose="monitor-alerts", subscriber_id=user.id, email=user.email
        )
    else:
        matches = token_matches(secret, fingerprint, user.email)
    return user if matches else TokenError("This link no longer matches an account.")


@bp.route("/account/alerts/<token>", methods=["GET", "POST"])
@csrf.exempt  # the one-click POST of a monitor's alert email
def monitor_alerts_off(token: str):
    user = _monitor(token)
    if isinstance(user, TokenError):
        return _token_error(user)
    db = get_session()
    if request.method != "POST":  # HEAD is answered by this view too: it must change nothing
        return render_template("subscriptions/monitor_alerts.html", email=user.email)
    user.alerts_enabled = False
    db.add(user)
    db.commit()
    return render_template("subscriptions/unsubscribed.html", deleted=False, monitor=True)

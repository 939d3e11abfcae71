"""The monitors' inbox of found documents, and each document's archived copy."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _

from tracker import clock
from tracker.db import begin_write, get_session
from tracker.documents.decisions import (
    DecisionError,
    decisions_of,
    dismiss_document,
    link_document,
)
from tracker.documents.inbox import inbox_documents
from tracker.items.status_changes import Actor
from tracker.items.statuses import STATUS_INFO
from tracker.models import FoundDocument, SourceSnapshot, WatchedSource
from tracker.web.caching import public
from tracker.web.forms import ConfirmForm
from tracker.web.security import login_required

bp = Blueprint("inbox", __name__)


def archive_url(document_id: int) -> str:
    """Return the public address of a document's archived copy, from the configured base URL."""
    base = current_app.extensions["tracker_settings"].base_url
    return f"{base}{url_for('inbox.document', document_id=document_id)}"


@bp.get("/inbox")
@login_required()
def inbox():
    state = request.args.get("state", "new")
    if state not in {"new", "linked", "dismissed"}:
        abort(400)
    return render_template(
        "documents/inbox.html",
        rows=inbox_documents(get_session(), state=state),
        state=state,
        statuses=STATUS_INFO,
        form=ConfirmForm(),
    )


@bp.post("/inbox/<int:document_id>/<any(link, dismiss):decision>")
@login_required()
def decide(document_id: int, decision: str):
    if not ConfirmForm().validate_on_submit():
        flash(_("The form expired or is invalid; try again."))
        return redirect(url_for("inbox.inbox"))
    session = get_session()
    begin_write(session)
    document = session.get(FoundDocument, document_id, with_for_update=True)
    if document is None:
        abort(404)
    actor, now = Actor.for_user(g.user), clock.now()
    note = request.form.get("note", "")
    try:
        if decision == "link":
            numbers = request.form.getlist("items") + request.form.get("other_items", "").split(",")
            linked = link_document(
                session, document, item_numbers=numbers, actor=actor, now=now,
                archive_url=archive_url(document.id),
                proposed_status=request.form.get("status") or None, note=note,
            )  # fmt: skip
        else:
            dismiss_document(session, document, actor=actor, now=now, note=note)
    except DecisionError as refused:
        session.rollback()
        flash(str(refused))
        return redirect(url_for("inbox.inbox") + f"#document-{document_id}")
    session.commit()
    flash(_("“%(title)s”: %(state)s.", title=document.title, state=_(document.state)))
    if decision == "link" and linked.no_status:
        numbers = ", ".join(f"§{number}" for number in linked.no_status)
        flash(
            _(
                "%(numbers)s: linked without a status (context paragraphs have none).",
                numbers=numbers,
            )
        )
    return redirect(url_for("inbox.inbox"))


def _visible_document(document_id: int) -> tuple[FoundDocument, WatchedSource, SourceSnapshot]:
    session = get_session()
    document = session.get(FoundDocument, document_id)
    if document is None:
        abort(404)
    # Until a monitor links it, a document is a candidate only monitors see.
    if document.state != "linked" and g.user is None:
        abort(404)
    return (
        document,
        session.get(WatchedSource, document.source_id),
        session.get(SourceSnapshot, document.snapshot_id),
    )


@bp.get("/documents/<int:document_id>")
@public()
def document(document_id: int):
    found, source, snapshot = _visible_document(document_id)
    return render_template(
        "documents/document.html",
        document=found,
        source=source,
        snapshot=snapshot,
        decisions=decisions_of(get_session(), found.id),
    )


@bp.get("/documents/<int:document_id>/raw")
@public()
def raw(document_id: int):
    _found, _source, snapshot = _visible_document(document_id)
    # The source's bytes exactly as received, never rendered: plain text, no sniffing, sandboxed.
    headers = {
        "Content-Type": "text/plain; charset=utf-8",
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "sandbox; default-src 'none'",
        "Content-Disposition": f'inline; filename="snapshot-{snapshot.id}.txt"',
    }
    return snapshot.body, 200, headers

"""Administration of the mailbox: its status, held mail and the quarantine."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Response as FlaskResponse
from flask import abort, flash, redirect, render_template, stream_with_context, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from ..auth.roles import admin_required
from ..extensions import db
from ..forms import EmptyForm
from ..ingest.figures import mailbox_figures
from ..ingest.held import HeldError, discard_held, held_tickets, release_held
from ..ingest.quarantine import raw_chunks, raw_size, raw_sizes
from ..models import MailboxState, QuarantinedMail, Ticket, record_event
from .blueprint import bp

if TYPE_CHECKING:
    from ..ingest.batch import IngestOutcome

FIGURE_LABELS = {
    "tickets": "Tickets (vragen)",
    "messages": "Berichten",
    "autoreplies": "Automatische antwoorden, onbestelbare mail en massamail",
    "held": "Vastgehouden (te veel mail van één afzender)",
    "quarantined": "In quarantaine",
    "outbox_waiting": "Uitgaande mail die wacht",
    "outbox_failed": "Uitgaande mail mislukt",
    "outbox_bounced": "Uitgaande mail niet afgeleverd (onbestelbaar gemeld)",
    "outbox_cancelled": "Uitgaande mail geannuleerd",
}

OUTCOME_TEXT = {
    "created": "verwerkt: nieuw ticket",
    "threaded": "verwerkt: toegevoegd aan een bestaand ticket",
    "duplicate": "was al opgeslagen",
    "ignored": "genegeerd (eigen bericht)",
    "quarantined": "nog steeds niet te verwerken",
}


@bp.route("/mail")
@admin_required
def mail() -> str:
    counts = mailbox_figures()
    figures = {label: getattr(counts, key) for key, label in FIGURE_LABELS.items()}
    mailboxes = db.session.scalars(select(MailboxState).order_by(MailboxState.mailbox)).all()
    return render_template("admin/mail.html", figures=figures, mailboxes=mailboxes, held=held_tickets(),
                           form=EmptyForm())


HELD_ACTIONS = {"vrijgeven": (release_held, "staat nu in de wachtrij van de medewerkers"),
                "weggooien": (discard_held, "is weggegooid (de mail blijft bewaard, buiten elke wachtrij)")}


@bp.route("/mail/vastgehouden/<int:ticket_id>/<action>", methods=["POST"])
@admin_required
def held_action(ticket_id: int, action: str) -> Response:
    if action not in HELD_ACTIONS:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    ticket = db.session.get(Ticket, ticket_id) or abort(404)
    operation, done = HELD_ACTIONS[action]
    try:
        operation(ticket, current_user)
    except HeldError as exc:
        db.session.rollback()
        flash(str(exc), "warning")
        return redirect(url_for("admin.mail"))
    db.session.commit()
    flash(f"{ticket.number} {done}.", "success")
    return redirect(url_for("admin.mail"))


@bp.route("/quarantine")
@admin_required
def quarantine() -> str:
    items = db.session.scalars(select(QuarantinedMail).where(QuarantinedMail.status == "held")
                               .order_by(QuarantinedMail.received_at.desc()).limit(200)).all()
    return render_template("admin/quarantine.html", items=items, form=EmptyForm(),
                           sizes=raw_sizes(item.id for item in items))


@bp.route("/quarantine/<int:item_id>/raw")
@admin_required
def quarantine_raw(item_id: int) -> FlaskResponse:
    size = raw_size(item_id)
    if size is None:
        abort(404)
    return FlaskResponse(stream_with_context(raw_chunks(item_id, size)), mimetype="application/octet-stream",
                         headers={"Content-Disposition": f'attachment; filename="quarantaine-{item_id}.eml"',
                                  "Content-Length": str(size)})


def _reprocess(item: QuarantinedMail) -> IngestOutcome:
    """The ingest pipeline (parser, filters, triage: ~0.1 s to import) loads with the first mail reprocessed."""
    from ..ingest.operations import reprocess_quarantined

    return reprocess_quarantined(item)


@bp.route("/quarantine/<int:item_id>/reprocess", methods=["POST"])
@admin_required
def quarantine_reprocess(item_id: int) -> Response:
    if not EmptyForm().validate_on_submit():
        abort(400)
    item = db.session.get(QuarantinedMail, item_id) or abort(404)
    outcome = _reprocess(item)
    record_event("quarantine_reprocessed", user=current_user, item=item_id, outcome=outcome.status)
    db.session.commit()
    category = "warning" if outcome.status == "quarantined" else "success"
    flash(f"Mail {item_id}: {OUTCOME_TEXT.get(outcome.status, outcome.status)}.", category)
    return redirect(url_for("admin.quarantine"))


@bp.route("/quarantine/reprocess", methods=["POST"])
@admin_required
def quarantine_reprocess_all() -> Response:
    if not EmptyForm().validate_on_submit():
        abort(400)
    items = db.session.scalars(select(QuarantinedMail).where(QuarantinedMail.status == "held")).all()
    still = sum(_reprocess(item).status == "quarantined" for item in items)
    record_event("quarantine_reprocessed_all", user=current_user, count=len(items), still_held=still)
    db.session.commit()
    flash(f"{len(items)} mails opnieuw verwerkt; {still} blijven in quarantaine.", "warning" if still else "success")
    return redirect(url_for("admin.quarantine"))

"""Ticket actions: note, category, status, assignment, delivery retry or cancel, attachment download."""

from __future__ import annotations

from flask import abort, flash, redirect, send_file, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ...auth.roles import agent_required
from ...blobs import attachment_key, blob_store
from ...extensions import db
from ...forms import EmptyForm
from ...models import Attachment, OutboxMail
from ...outbox.operations import cancel_outbox_mail, delivery_label, retry_outbox_mail
from ..blueprint import bp
from ..forms import AssignForm, CategoryForm, NoteForm, SnoozeForm, StatusForm, TicketForm
from ..operations import TicketError, add_note, assign_ticket, change_category, change_status, find_assignee
from ..page import get_ticket
from ..pending import snooze_ticket
from ..workflow import update_ticket


def _back(number: int, anchor: str = "") -> Response:
    return redirect(url_for("tickets.show", number=number) + (f"#{anchor}" if anchor else ""))


def _fail(number: int, message: str) -> Response:
    db.session.rollback()
    flash(message, "error")
    return _back(number)


@bp.route("/<int:number>/notitie", methods=["POST"])
@agent_required
def note(number: int) -> Response:
    ticket = get_ticket(number)
    form = NoteForm()
    if not form.validate_on_submit():
        return _fail(number, "De notitie is leeg of te lang; er is niets opgeslagen.")
    try:
        add_note(ticket, form.note.data or "", current_user)
    except TicketError as exc:
        return _fail(number, str(exc))
    db.session.commit()
    flash("Notitie toegevoegd.", "success")
    return _back(number, "inhoud")


@bp.route("/<int:number>/bijwerken", methods=["POST"])
@agent_required
def update(number: int) -> Response:
    """Status, assignee and category from the one form at the top of the ticket page."""
    ticket = get_ticket(number)
    form = TicketForm()
    if not form.validate_on_submit():
        return _fail(number, "Kies een geldige status en categorie; er is niets gewijzigd.")
    try:
        changed = update_ticket(ticket, current_user, status=form.status.data, assignee=form.assignee.data or "",
                                category=form.category.data or None)
    except TicketError as exc:
        return _fail(number, str(exc))
    db.session.commit()
    flash(f"{ticket.number}: {ticket.status_label}, {ticket.category_label}, behandelaar "
          f"{ticket.assignee.display_name if ticket.assignee else 'niemand'}." if changed
          else "Er was niets gewijzigd.", "success")
    return _back(number)


@bp.route("/<int:number>/categorie", methods=["POST"])
@agent_required
def category(number: int) -> Response:
    ticket = get_ticket(number)
    form = CategoryForm()
    if not form.validate_on_submit():
        return _fail(number, "Kies een bestaande categorie.")
    try:
        changed = change_category(ticket, form.category.data, current_user)
    except TicketError as exc:
        return _fail(number, str(exc))
    db.session.commit()
    flash(f"Categorie is nu {ticket.category_label}." if changed else "De categorie was al zo ingesteld.",
          "success")
    return _back(number)


@bp.route("/<int:number>/status", methods=["POST"])
@agent_required
def status(number: int) -> Response:
    ticket = get_ticket(number)
    form = StatusForm()
    if not form.validate_on_submit():
        return _fail(number, "Kies een geldige status.")
    try:
        changed = change_status(ticket, form.status.data, current_user)
    except TicketError as exc:
        return _fail(number, str(exc))
    db.session.commit()
    flash(f"Status is nu {ticket.status_label}." if changed else "De status was al zo ingesteld.", "success")
    return _back(number)


@bp.route("/<int:number>/later", methods=["POST"])
@agent_required
def snooze(number: int) -> Response:
    ticket = get_ticket(number)
    form = SnoozeForm()
    if not form.validate_on_submit():
        return _fail(number, "Kies een geldige datum (dag-maand-jaar) om het ticket later op te pakken.")
    try:
        snooze_ticket(ticket, form.until.data, current_user)
    except TicketError as exc:
        return _fail(number, str(exc))
    db.session.commit()
    flash(f"{ticket.number} staat tot {form.until.data:%d-%m-%Y} buiten de open wachtrij en komt dan terug "
          "(of eerder, als de aanvrager antwoordt).", "success")
    return redirect(url_for("tickets.queue"))


@bp.route("/<int:number>/behandelaar", methods=["POST"])
@agent_required
def assign(number: int) -> Response:
    ticket = get_ticket(number)
    form = AssignForm()
    if not form.validate_on_submit():
        return _fail(number, "Kies een behandelaar.")
    try:
        assignee = find_assignee(form.assignee.data or "", current_user._get_current_object())
        assign_ticket(ticket, assignee, current_user)
    except TicketError as exc:
        return _fail(number, str(exc))
    db.session.commit()
    flash(f"Behandelaar: {assignee.display_name if assignee else 'niemand'}.", "success")
    return _back(number)


@bp.route("/uitgaand/<int:outbox_id>/opnieuw", methods=["POST"])
@agent_required
def retry(outbox_id: int) -> Response:
    mail = db.session.get(OutboxMail, outbox_id) or abort(404)
    if mail.ticket_message is None:  # not a reply (a password-reset mail): not an agent's to resend
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    retry_outbox_mail(mail, current_user)
    db.session.commit()
    flash("Het antwoord wordt opnieuw verstuurd.", "success")
    return _back(mail.ticket_message.ticket_id, "inhoud")


@bp.route("/uitgaand/<int:outbox_id>/annuleren", methods=["POST"])
@agent_required
def cancel(outbox_id: int) -> Response:
    mail = db.session.get(OutboxMail, outbox_id) or abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if not cancel_outbox_mail(mail, current_user):
        return _fail(mail.ticket_message.ticket_id, "Dit antwoord is al aan de mailserver overgedragen (of was niet "
                     f"meer in de wachtrij: {delivery_label(mail)}) en kan niet meer worden geannuleerd.")
    db.session.commit()
    flash("Het antwoord is geannuleerd en wordt niet verstuurd.", "success")
    return _back(mail.ticket_message.ticket_id, "inhoud")


@bp.route("/bijlagen/<int:attachment_id>")
@agent_required
def attachment(attachment_id: int) -> Response:
    item = db.session.get(Attachment, attachment_id) or abort(404)
    # the store refuses keys outside its folders; streamed piece by piece; always a download, never rendered
    stored = blob_store().open(attachment_key(item.storage_path)) or abort(404)
    response = send_file(stored, as_attachment=True, download_name=item.filename,
                         mimetype=item.content_type or "application/octet-stream")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response

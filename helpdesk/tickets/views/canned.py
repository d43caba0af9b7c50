"""Canned replies and macros: saved snippets per agent or shared, managed here, inserted or applied from the
reply form."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from ...auth.roles import agent_required
from ...extensions import db
from ...forms import EmptyForm
from ...ids import parse_id
from ...models import CannedReply
from ..blueprint import bp
from ..drafts import can_edit_canned, can_use_canned, visible_canned_replies
from ..forms import CannedReplyForm, ReplyForm
from ..macros import (
    SELF,
    MacroFields,
    apply_macro,
    delete_canned_reply,
    describe_macro,
    macro_fields,
    save_canned_reply,
)
from ..operations import TicketError
from ..page import agent_choices, get_ticket, prepare_reply_form
from .ticket import render_ticket

DAMAGED_MACRO = "Deze macro kan niet worden toegepast: het formulier is beschadigd. Er is niets gewijzigd."
UNKNOWN_MACRO = "Deze macro bestaat niet (meer) of is niet van u. Er is niets gewijzigd."


def _visible(reply_id: int) -> CannedReply:
    reply = db.session.get(CannedReply, reply_id)
    if reply is None or not can_use_canned(reply, current_user):
        abort(404)
    return reply


def _editable(reply_id: int) -> CannedReply:
    """A reply the agent may change: 404 when it is not theirs to see, 403 when it is shared but not theirs."""
    reply = _visible(reply_id)
    if not can_edit_canned(reply, current_user):
        abort(403)
    return reply


def _form(reply: CannedReply | None = None) -> CannedReplyForm:
    form = CannedReplyForm()
    form.assignee.choices = [SelectChoice("", "Niet wijzigen"), SelectChoice(SELF, "Wie de macro toepast"),
                             *agent_choices()]
    gone = reply.assignee if reply is not None and reply.assignee is not None else None
    if gone is not None and str(gone.id) not in {c.value for c in form.assignee.choices}:
        form.assignee.choices.append(SelectChoice(str(gone.id), f"{gone.display_name} (niet meer actief)"))
    return form


def _saved(form: CannedReplyForm, reply: CannedReply | None = None) -> bool:
    """Save the submitted form; on a refusal the reason goes to the title's errors and nothing is kept."""
    if not form.validate_on_submit():
        return False
    fields = MacroFields(status=form.status.data or "", snooze_days=form.snooze_days.data,
                         category=form.category.data or "", assignee=form.assignee.data or "")
    try:
        save_canned_reply(current_user, form.title.data or "", form.body.data or "", form.shared.data, reply,
                          fields)
    except TicketError as exc:
        db.session.rollback()
        form.title.errors = [*form.title.errors, str(exc)]
        return False
    db.session.commit()
    return True


@bp.route("/standaardantwoorden", methods=["GET", "POST"])
@agent_required
def canned() -> Response | tuple[str, int]:
    form = _form()
    if _saved(form):
        flash("Standaardantwoord opgeslagen.", "success")
        return redirect(url_for("tickets.canned"))
    return render_template("tickets/canned.html", form=form, replies=visible_canned_replies(current_user),
                           can_edit=can_edit_canned, describe_macro=describe_macro,
                           action_form=EmptyForm(formdata=None)), \
        400 if form.errors else 200


@bp.route("/standaardantwoorden/<int:reply_id>", methods=["GET", "POST"])
@agent_required
def canned_edit(reply_id: int) -> Response | tuple[str, int]:
    reply = _visible(reply_id)
    if request.method == "GET" and not can_edit_canned(reply, current_user):  # a colleague's shared one
        flash(f"‘{reply.title}’ is gedeeld door {reply.owner.display_name if reply.owner else 'het team'}; "
              "alleen die medewerker of een beheerder kan het wijzigen.", "warning")
        return redirect(url_for("tickets.canned"))
    reply = _editable(reply_id)
    form = _form(reply)
    if not form.is_submitted():
        fields = macro_fields(reply)
        form.title.data, form.body.data, form.shared.data = reply.title, reply.body, reply.shared
        form.status.data, form.snooze_days.data = fields.status, fields.snooze_days
        form.category.data, form.assignee.data = fields.category, fields.assignee
    elif _saved(form, reply):
        flash("Standaardantwoord bijgewerkt.", "success")
        return redirect(url_for("tickets.canned"))
    return render_template("tickets/canned_edit.html", form=form, reply=reply), 400 if form.errors else 200


@bp.route("/standaardantwoorden/<int:reply_id>/verwijderen", methods=["POST"])
@agent_required
def canned_delete(reply_id: int) -> Response:
    reply = _editable(reply_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    delete_canned_reply(reply, current_user)
    db.session.commit()
    flash("Standaardantwoord verwijderd.", "success")
    return redirect(url_for("tickets.canned"))


@bp.route("/<int:number>/macro", methods=["POST"])
@agent_required
def macro(number: int) -> tuple[str, int]:
    """A macro's button on the reply form: the ticket changes now, its text joins the typed reply (not sent)."""
    ticket = get_ticket(number)
    form = prepare_reply_form(ReplyForm(), ticket, current_user, fresh=False)
    macro_id = parse_id(form.apply_macro.data)
    reply = db.session.get(CannedReply, macro_id) if macro_id is not None else None
    if reply is None or not can_use_canned(reply, current_user):
        flash(DAMAGED_MACRO if macro_id is None else UNKNOWN_MACRO, "error")
        return render_ticket(ticket, form, 400 if macro_id is None else 404)
    try:
        form.body.data = apply_macro(ticket, reply, current_user._get_current_object(), form.body.data or "")
    except TicketError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return render_ticket(get_ticket(number), form, 409)
    db.session.commit()
    flash(f"Macro ‘{reply.title}’ toegepast: {ticket.status_label}, {ticket.category_label}, behandelaar "
          f"{ticket.assignee.display_name if ticket.assignee else 'niemand'}. Het antwoord is nog niet verstuurd: "
          "lees het na en verstuur het zelf.", "success")
    return render_ticket(ticket, form)

"""Canned replies: saved snippets per agent or shared, managed here and inserted from the reply form."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ...auth.roles import agent_required
from ...extensions import db
from ...forms import EmptyForm
from ...models import CannedReply
from ..blueprint import bp
from ..drafts import can_edit_canned, delete_canned_reply, save_canned_reply, visible_canned_replies
from ..forms import CannedReplyForm
from ..operations import TicketError


def _visible(reply_id: int) -> CannedReply:
    reply = db.session.get(CannedReply, reply_id)
    if reply is None or not can_edit_canned(reply, current_user):
        abort(404)
    return reply


@bp.route("/standaardantwoorden", methods=["GET", "POST"])
@agent_required
def canned() -> Response | tuple[str, int]:
    form = CannedReplyForm()
    if form.validate_on_submit():
        try:
            save_canned_reply(current_user, form.title.data or "", form.body.data or "", form.shared.data)
        except TicketError as exc:
            db.session.rollback()
            form.title.errors = [*form.title.errors, str(exc)]
        else:
            db.session.commit()
            flash("Standaardantwoord opgeslagen.", "success")
            return redirect(url_for("tickets.canned"))
    return render_template("tickets/canned.html", form=form, replies=visible_canned_replies(current_user),
                           action_form=EmptyForm(formdata=None)), 400 if form.errors else 200


@bp.route("/standaardantwoorden/<int:reply_id>", methods=["GET", "POST"])
@agent_required
def canned_edit(reply_id: int) -> Response | tuple[str, int]:
    reply = _visible(reply_id)
    form = CannedReplyForm()
    if not form.is_submitted():
        form.title.data, form.body.data, form.shared.data = reply.title, reply.body, reply.owner_id is None
    elif form.validate_on_submit():
        try:
            save_canned_reply(current_user, form.title.data or "", form.body.data or "", form.shared.data, reply)
        except TicketError as exc:
            db.session.rollback()
            form.title.errors = [*form.title.errors, str(exc)]
        else:
            db.session.commit()
            flash("Standaardantwoord bijgewerkt.", "success")
            return redirect(url_for("tickets.canned"))
    return render_template("tickets/canned_edit.html", form=form, reply=reply), 400 if form.errors else 200


@bp.route("/standaardantwoorden/<int:reply_id>/verwijderen", methods=["POST"])
@agent_required
def canned_delete(reply_id: int) -> Response:
    reply = _visible(reply_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    delete_canned_reply(reply, current_user)
    db.session.commit()
    flash("Standaardantwoord verwijderd.", "success")
    return redirect(url_for("tickets.canned"))

"""Merging two tickets of the same question, after a confirmation step (no JavaScript needed)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ...auth.roles import agent_required
from ...extensions import db
from ...models import Ticket
from ..blueprint import bp
from ..forms import MergeForm
from ..merge import merge_tickets
from ..operations import TicketError
from ..page import get_ticket
from ..queries import parse_ticket_number


def _target(value: str) -> Ticket | None:
    number = parse_ticket_number(value)
    return db.session.get(Ticket, number) if number is not None else None


@bp.route("/<int:number>/samenvoegen", methods=["POST"])
@agent_required
def merge(number: int) -> Response | str:
    ticket = get_ticket(number)
    form = MergeForm()
    kept = _target(form.target.data) if form.validate_on_submit() else None
    if kept is None:
        flash("Dit ticketnummer bestaat niet. Vul het nummer in van het ticket dat blijft, bijvoorbeeld IPO-12.",
              "error")
        return redirect(url_for("tickets.show", number=number))
    if form.confirm.data != "ja":
        form.confirm.data = "ja"  # the confirmation page's form sends it back
        return render_template("tickets/merge_confirm.html", ticket=ticket, kept=kept, form=form)
    try:
        moved = merge_tickets(ticket, kept, current_user)
    except TicketError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("tickets.show", number=number))
    db.session.commit()
    flash(f"{ticket.number} is samengevoegd met {kept.number} ({moved} berichten verplaatst).", "success")
    return redirect(url_for("tickets.show", number=kept.id))

"""Agent workspace: the ticket queue."""

from __future__ import annotations

from flask import Blueprint, render_template
from sqlalchemy import select

from ..auth.roles import agent_required
from ..extensions import db
from ..models import Ticket

bp = Blueprint("tickets", __name__, url_prefix="/tickets")


@bp.route("/")
@agent_required
def queue() -> str:
    tickets = db.session.scalars(
        select(Ticket)
        .where(Ticket.kind == "question", Ticket.status.in_(("new", "open", "pending")))
        .order_by(Ticket.waiting_since.asc().nulls_last(), Ticket.id)
        .limit(50)
    ).all()
    return render_template("tickets/queue.html", tickets=tickets)

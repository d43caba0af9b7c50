"""The institution behind a ticket: an organisation's requesters and tickets, one requester's history."""

from __future__ import annotations

from flask import abort, render_template

from ...auth.roles import agent_required
from ...extensions import db
from ...models import Organisation, Requester
from ...organisations.operations import organisation_requesters, organisation_tickets, requester_tickets
from ..blueprint import bp

OTHER_TICKETS = 10  # on the ticket page


@bp.app_template_global()
def organisation_named(organisation_id: str | int | None) -> Organisation | None:
    """The organisation a queue filter or a requester names (for its name on the page)."""
    return db.session.get(Organisation, int(organisation_id)) if organisation_id else None


@bp.app_template_global()
def other_organisation_tickets(ticket_id: int, organisation_id: int | None) -> list:
    """The newest other tickets of the ticket's institution, for the ticket page."""
    if organisation_id is None:
        return []
    return organisation_tickets(organisation_id, leave_out=ticket_id, limit=OTHER_TICKETS)


@bp.route("/organisaties/<int:organisation_id>")
@agent_required
def organisation(organisation_id: int) -> str:
    found = db.session.get(Organisation, organisation_id) or abort(404)
    return render_template("tickets/organisation.html", organisation=found,
                           requesters=organisation_requesters(found), tickets=organisation_tickets(found.id))


@bp.route("/aanvragers/<int:requester_id>")
@agent_required
def requester(requester_id: int) -> str:
    found = db.session.get(Requester, requester_id) or abort(404)
    return render_template("tickets/requester.html", requester=found, tickets=requester_tickets(found))

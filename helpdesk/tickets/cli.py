"""Commands of the tickets package: `flask --app app tickets export`."""

from __future__ import annotations

import json

import click
from flask.cli import AppGroup
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from ..extensions import db
from ..models import Requester, Ticket
from ..schema_check import needs_schema

tickets_cli = AppGroup("tickets", help="Tickets.")


@tickets_cli.command("export")
@needs_schema
def export_command() -> None:
    """Print one JSON object a line per ticket: number, subject, status, category, requester, organisation,
    merged_into, messages (direction, message_id, in_reply_to, from)."""
    query = (select(Ticket).options(selectinload(Ticket.messages),
                                    joinedload(Ticket.requester).joinedload(Requester.institution))
             .order_by(Ticket.id).execution_options(yield_per=500))
    for ticket in db.session.scalars(query):
        click.echo(json.dumps({
            "number": ticket.number,
            "subject": ticket.subject,
            "status": ticket.status,
            "kind": ticket.kind,
            "category": ticket.category,
            "requester": ticket.requester.email,
            "organisation": ticket.requester.organisation_name or None,
            "merged_into": f"IPO-{ticket.merged_into_id}" if ticket.merged_into_id else None,
            "messages": [{"direction": m.direction, "message_id": m.message_id, "in_reply_to": m.in_reply_to,
                          "from": m.from_email} for m in ticket.messages],
        }, ensure_ascii=False))

"""`flask mail status|reprocess`: the mailbox's figures and the quarantine, without loading the IMAP client."""

from __future__ import annotations

import json

import click
from flask.cli import AppGroup
from sqlalchemy import select

from ..extensions import db
from ..ids import MAX_ID
from ..models import MailboxState, QuarantinedMail
from ..schema_check import needs_schema
from .figures import mailbox_figures
from .leader import leader_info

mail_cli = AppGroup("mail", help="Mailbox status and quarantine.")


@mail_cli.command("status")
@needs_schema
def mail_status() -> None:
    """Print JSON: mailbox, uidvalidity, last uid and counts."""
    states = db.session.scalars(select(MailboxState).order_by(MailboxState.id)).all()
    state = states[0] if states else None
    figures = mailbox_figures()
    click.echo(json.dumps({
        "mailbox": state.mailbox if state else None,
        "uidvalidity": state.uidvalidity if state else None,
        "last_uid": state.last_uid if state else None,
        "last_error": state.last_error if state else None,
        "leader": leader_info(state),
        "tickets": figures.tickets,
        "messages": figures.messages,
        "autoreplies": figures.autoreplies,
        "held": figures.held,
        "quarantined": figures.quarantined,
    }))


@mail_cli.command("reprocess")
@click.argument("item_id", required=False, type=int)
@click.option("--all", "all_items", is_flag=True, help="Reprocess every quarantined mail.")
@needs_schema
def mail_reprocess(item_id: int | None, all_items: bool) -> None:
    """Run quarantined mails (ID or --all) through the pipeline again."""
    if (item_id is None) == (not all_items):
        raise click.UsageError("Geef een ID of --all.")
    if item_id is not None and not 1 <= item_id <= MAX_ID:
        raise click.ClickException(f"Geen mail in quarantaine met ID {item_id}.")
    query = select(QuarantinedMail).where(QuarantinedMail.status == "held")
    if item_id is not None:
        query = query.where(QuarantinedMail.id == item_id)
    items = db.session.scalars(query.order_by(QuarantinedMail.id)).all()
    if item_id is not None and not items:
        raise click.ClickException(f"Geen mail in quarantaine met ID {item_id}.")
    from .operations import reprocess_quarantined  # the pipeline (parser, filters, triage) only when it runs

    for item in items:
        outcome = reprocess_quarantined(item)
        click.echo(json.dumps({"id": item.id, "status": outcome.status, "ticket": outcome.ticket_id,
                               "detail": outcome.detail}))

"""Triage inside the app: categorise a new ticket and attach suggested articles."""

from __future__ import annotations

from ..models import Ticket, TicketMessage


def triage_ticket(ticket: Ticket, message: TicketMessage) -> None:
    """Set category, confidence, reason and suggestions on a ticket from its newest question."""

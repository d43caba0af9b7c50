"""What the ticket page shows: the reply form's choices, the thread's extras and the notices after a reply."""

from __future__ import annotations

import secrets
from typing import Any

from flask import abort, current_app
from markupsafe import Markup
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from knowledge.categories import label

from ..extensions import db
from ..forms import EmptyForm
from ..models import AuditEvent, OutboxMail, Ticket, TicketMessage, User
from ..outbox.operations import delivery_label, smtp_configured
from .display import describe_event, plain_reason
from .drafts import published_article, visible_canned_replies
from .forms import MergeForm, NoteForm, ReplyForm, SnoozeForm, TicketForm
from .macros import describe_macro
from .operations import last_message_id, other_viewers, reply_cc
from .queries import KIND_FILTERS

NO_SMTP = ("er is geen mailserver (SMTP) ingesteld. Antwoorden wachten in de wachtrij voor uitgaande mail "
           "tot de beheerder de mailserver instelt; daarna worden ze alsnog verstuurd.")


def get_ticket(number: int) -> Ticket:
    """The ticket with this number, or a 404."""
    return db.session.get(Ticket, number) or abort(404)


def queued_notice(what: str, one: bool = True) -> tuple[str, str]:
    """The flash (message, category) after queueing replies; it says so when no mail server is set up."""
    if smtp_configured():
        return f"{what} klaar voor verzending.", "success"
    return f"{what} klaar voor verzending, maar {'is' if one else 'zijn'} nog niet gemaild: {NO_SMTP}", "warning"


def prepare_reply_form(form: ReplyForm, ticket: Ticket, user: User, *, fresh: bool) -> ReplyForm:
    """Fill the choices and (for a new form, or after a collision) the version the agent has now seen."""
    form.canned.choices = [SelectChoice("", "Kies een standaardantwoord")] + [
        SelectChoice(str(c.id), c.title + (" (gedeeld)" if c.shared else ""))
        for c in visible_canned_replies(user) if not c.is_macro]
    if fresh:
        form.version.data, form.version.raw_data = ticket.version, []  # raw_data would win when rendering
        form.seen_message_id.data, form.seen_message_id.raw_data = last_message_id(ticket), []
    if form.to.data is None:  # a newly drawn form: the requester and the ticket's CC, which the agent may edit
        form.to.data = ticket.requester.email
    if form.cc.data is None:
        form.cc.data = ", ".join(reply_cc(ticket))
    if not form.idempotency_key.data:  # a newly drawn form; a form sent back with an error keeps its key
        form.idempotency_key.data = secrets.token_urlsafe(24)
    return form


def _suggestions(ticket: Ticket) -> list[dict[str, Any]]:
    raw = ticket.suggestions if isinstance(ticket.suggestions, list) else []
    return [s for s in raw if isinstance(s, dict) and s.get("slug")][:5]


def agent_choices() -> list[SelectChoice]:
    """Everyone who can be given a ticket, by name."""
    agents = db.session.scalars(select(User).where(User.active.is_(True), User.role.in_(("agent", "admin")))
                                .order_by(User.name, User.email))
    return [SelectChoice(str(u.id), u.display_name) for u in agents]


def _ticket_form(ticket: Ticket) -> TicketForm:
    form = TicketForm(formdata=None, status=ticket.status, category=ticket.category or "",
                      assignee=str(ticket.assignee_id or ""))
    form.assignee.choices = [SelectChoice("", "Niemand"), *agent_choices()]
    return form


def ticket_context(ticket: Ticket, user: User, form: ReplyForm | None = None) -> dict[str, Any]:
    """Everything the ticket page renders: thread, side panel, forms and audit trail."""
    form = form or prepare_reply_form(ReplyForm(formdata=None), ticket, user, fresh=True)
    outbox = {o.ticket_message_id: o for o in db.session.scalars(
        select(OutboxMail).join(TicketMessage).where(TicketMessage.ticket_id == ticket.id))}
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.ticket_id == ticket.id)
                                .order_by(AuditEvent.created_at, AuditEvent.id)).all()
    source = published_article(form.article_slug.data) if form.article_slug.data else None
    return {
        "ticket": ticket, "form": form, "outbox": outbox, "delivery_label": delivery_label, "events": events,
        "html": {m.id: Markup(m.html) for m in ticket.messages if m.html},  # nh3 ran once, at ingest
        "suggestions": _suggestions(ticket), "viewers": other_viewers(ticket, user),
        "note_form": NoteForm(formdata=None), "snooze_form": SnoozeForm(formdata=None),
        "merge_form": MergeForm(formdata=None), "ticket_form": _ticket_form(ticket),
        "action_form": EmptyForm(formdata=None),
        "macros": [(m, describe_macro(m)) for m in visible_canned_replies(user) if m.is_macro],
        "describe_event": describe_event, "smtp_configured": smtp_configured(), "KIND_FILTERS": KIND_FILTERS,
        "draft_title": source.title if source else None,
        "draft_category": label(source.category) if source and source.category != ticket.category else None,
        "reason": plain_reason(ticket.category_reason),
        "uncertain": ticket.is_uncertain(current_app.config["TRIAGE_THRESHOLD"]),
    }

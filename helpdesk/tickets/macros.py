"""Macros: a canned reply that also sets status, category and assignee, applied to a ticket in one action.

Applying one fills the reply box (below what the agent typed) and changes the ticket through the same
operations as the manual forms, so every change is in the ticket's history; the reply itself is sent by the
agent, after reading it, as in Zendesk and FreeScout. Saving and removing canned replies lives here too."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from knowledge.categories import CATEGORY_LABELS, label

from ..extensions import db
from ..models import STATUS_LABELS, STATUSES, CannedReply, Ticket, User, record_event
from .drafts import add_canned_text, can_edit_canned
from .operations import TicketError, find_assignee
from .pending import LATER, MAX_SNOOZE_DAYS, office_today, snooze_ticket
from .workflow import update_ticket

SELF = "mij"  # the assignee choice for "whoever applies the macro" (as the ticket forms spell it)


@dataclass(frozen=True)
class MacroFields:
    """What a macro changes, as the form sends it: '' leaves a field alone."""

    status: str = ""
    snooze_days: int | None = None
    category: str = ""
    assignee: str = ""  # '', SELF or an agent's id


def _check_status(fields: MacroFields) -> None:
    if fields.status and fields.status not in (*STATUSES, LATER):
        raise TicketError("Kies een geldige status voor de macro.")
    days = fields.snooze_days
    if fields.status == LATER and (days is None or not 1 <= days <= MAX_SNOOZE_DAYS):
        raise TicketError(f"Geef bij 'Later oppakken' een aantal dagen van 1 tot en met {MAX_SNOOZE_DAYS}.")
    if fields.category and fields.category not in CATEGORY_LABELS:
        raise TicketError("Kies een bestaande categorie voor de macro.")


def _fixed_assignee(value: str, user: User) -> User | None:
    if value in ("", SELF):
        return None
    assignee = find_assignee(value, user)
    if assignee is None or not can_be_assigned(assignee):
        raise TicketError("Deze persoon kan geen tickets behandelen; kies een actieve medewerker.")
    return assignee


def can_be_assigned(user: User) -> bool:
    """Whether tickets may go to this account (as assign_ticket checks)."""
    return user.active and user.has_role("agent")


def save_canned_reply(user: User, title: str, body: str, shared: bool, reply: CannedReply | None = None,
                      fields: MacroFields | None = None) -> CannedReply:
    """Create or update a canned reply, with what it changes when applied (a macro)."""
    fields = fields or MacroFields()
    title, body = (title or "").strip(), (body or "").replace("\r\n", "\n").strip()
    if not title or not (body or fields.status or fields.category or fields.assignee):
        raise TicketError("Een standaardantwoord heeft een titel nodig, en een tekst of iets dat het wijzigt.")
    if reply is not None and not can_edit_canned(reply, user):
        raise TicketError("Alleen wie dit standaardantwoord maakte (of een beheerder) kan het wijzigen.")
    _check_status(fields)
    assignee = _fixed_assignee(fields.assignee, user)
    created = reply is None
    reply = reply or CannedReply(owner_id=user.id)
    reply.title, reply.body, reply.shared = title[:200], body, shared
    reply.owner_id = reply.owner_id or user.id  # an ownerless shared text from before 0013: now its editor's
    reply.status, reply.category = fields.status or None, fields.category or None
    reply.snooze_days = fields.snooze_days if fields.status == LATER else None
    reply.assign_self, reply.assignee = fields.assignee == SELF, assignee
    db.session.add(reply)
    db.session.flush()
    record_event("canned_created" if created else "canned_updated", user=user, canned_id=reply.id,
                 title=reply.title, macro=describe_macro(reply) if reply.is_macro else None)
    return reply


def delete_canned_reply(reply: CannedReply, user: User) -> None:
    """Remove a canned reply the user may edit."""
    if not can_edit_canned(reply, user):
        raise TicketError("Alleen wie dit standaardantwoord maakte (of een beheerder) kan het verwijderen.")
    record_event("canned_deleted", user=user, canned_id=reply.id, title=reply.title)
    db.session.delete(reply)
    db.session.flush()


def macro_fields(reply: CannedReply) -> MacroFields:
    """A stored macro as the form shows it."""
    assignee = SELF if reply.assign_self else str(reply.assignee_id or "")
    return MacroFields(status=reply.status or "", snooze_days=reply.snooze_days, category=reply.category or "",
                       assignee=assignee)


def describe_macro(reply: CannedReply) -> str:
    """What applying it does, in one Dutch line (beside its button and in the list)."""
    parts = ["tekst invoegen"] if reply.body.strip() else []
    if reply.status == LATER:
        parts.append(f"later oppakken over {reply.snooze_days} {'dag' if reply.snooze_days == 1 else 'dagen'}")
    elif reply.status:
        parts.append(f"status {STATUS_LABELS.get(reply.status, reply.status)}")
    if reply.category:
        parts.append(f"categorie {label(reply.category)}")
    if reply.assign_self:
        parts.append("behandelaar: wie de macro toepast")
    elif reply.assignee is not None:
        parts.append(f"behandelaar {reply.assignee.display_name}")
    return ", ".join(parts)


def macro_problem(reply: CannedReply) -> str | None:
    """Why the macro cannot be applied as it stands (its agent left, its category is gone), or None."""
    start = f"De macro ‘{reply.title}’ is niet toegepast: "
    end = " Er is niets gewijzigd. Pas de macro aan bij Standaardantwoorden."
    if reply.assignee is not None and not can_be_assigned(reply.assignee):
        return f"{start}de vaste behandelaar {reply.assignee.display_name} is niet meer actief als medewerker.{end}"
    if reply.category and reply.category not in CATEGORY_LABELS:
        return f"{start}de categorie ‘{reply.category}’ bestaat niet meer.{end}"
    if reply.status and reply.status not in (*STATUSES, LATER):
        return f"{start}de status ‘{reply.status}’ bestaat niet meer.{end}"
    return None


def apply_macro(ticket: Ticket, reply: CannedReply, user: User, typed: str) -> str:
    """Change the ticket as the macro says (audited like the manual changes); returns the reply text to show.

    Nothing is sent: the agent reads the text and sends it. Raises TicketError, before changing anything, when
    the macro cannot be applied."""
    problem = macro_problem(reply)
    if problem:
        raise TicketError(problem)
    record_event("macro_applied", user=user, ticket_id=ticket.id, canned_id=reply.id, title=reply.title)
    if reply.status == LATER:
        snooze_ticket(ticket, office_today() + timedelta(days=reply.snooze_days or 1), user)
    assignee = SELF if reply.assign_self else (str(reply.assignee_id) if reply.assignee_id else None)
    update_ticket(ticket, user, status=None if reply.status == LATER else reply.status, category=reply.category,
                  assignee=assignee)
    return add_canned_text(typed, reply.body, ticket.requester)

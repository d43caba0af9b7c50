"""Notification mails: who wants which, what they say, queued through the outbox.

A notification names the ticket by its number and links to it; it carries nothing else from the ticket (no
subject, no requester, no text): an agent's mailbox lies outside the helpdesk's retention periods and privacy
erasure, and the link shows the rest to whoever may see it. It goes only to active accounts that can work
tickets and turned that kind on, never to whoever caused it, and never to the requester.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from flask import current_app

from ..extensions import db
from ..models import NOTIFICATION_KINDS, NotificationSettings, Ticket, User, record_event
from ..outbox.compose import ComposeError
from ..outbox.operations import queue_staff_mail
from .mentions import mentioned_staff

log = logging.getLogger(__name__)

# kind -> (subject, first sentence); {number}: ticket number(s), {actor}: the colleague who caused it
_TEXTS = {
    "assigned": ("Ticket {number} is aan u toegewezen", "{actor} heeft ticket {number} aan u toegewezen."),
    "assigned_many": ("{count} tickets zijn aan u toegewezen", "{actor} heeft {count} tickets aan u toegewezen."),
    "reply": ("Nieuwe reactie op ticket {number}",
              "De aanvrager heeft gereageerd op ticket {number}, dat aan u is toegewezen."),
    "mention": ("U bent genoemd bij ticket {number}",
                "{actor} heeft u genoemd in een interne notitie bij ticket {number}."),
}


def notify_settings(user: User) -> NotificationSettings:
    """The user's choices; a new, unsaved row with everything off when they never chose."""
    return db.session.get(NotificationSettings, user.id) or NotificationSettings(
        user_id=user.id, **{kind: False for kind in NOTIFICATION_KINDS})


def save_notify_settings(user: User, choices: dict[str, bool]) -> bool:
    """Store the user's own choices (audited); returns whether anything changed. The caller commits."""
    settings = notify_settings(user)
    new = {kind: bool(choices.get(kind)) for kind in NOTIFICATION_KINDS}
    if all(bool(getattr(settings, kind)) is value for kind, value in new.items()):
        return False  # nothing new (and no row for someone who keeps everything off)
    for kind, value in new.items():
        setattr(settings, kind, value)
    db.session.add(settings)
    record_event("notifications_changed", user=user, **new)
    db.session.flush()
    return True


def wants(user: User | None, kind: str) -> bool:
    """Whether `user` gets this kind of mail: an active account that can work tickets and turned it on."""
    if user is None or not user.active or not user.has_role("agent"):
        return False
    settings = db.session.get(NotificationSettings, user.id)
    return settings is not None and settings.wants(kind)


def ticket_link(ticket: Ticket) -> str:
    """The ticket page under HELPDESK_PUBLIC_URL, as the other mails link (no request needed: ingest has none)."""
    path = current_app.url_map.bind("").build("tickets.show", {"number": ticket.id})
    return current_app.config["PUBLIC_URL"].rstrip("/") + path


def _body(recipient: User, sentence: str, tickets: Sequence[Ticket]) -> str:
    base = current_app.config["PUBLIC_URL"].rstrip("/")
    links = [ticket_link(tickets[0])] if len(tickets) == 1 else [f"- {t.number}: {ticket_link(t)}" for t in tickets]
    return "\n".join([f"Beste {recipient.display_name},", "", sentence, "", "Bekijk het in de helpdesk:", *links, "",
                      "Dit is een automatisch bericht van de Helpdesk IPO; beantwoorden heeft geen zin.",
                      f"Welke meldingen u krijgt, kiest u bij Mijn account: {base}/account"])


def _queue(kind: str, recipient: User, tickets: Sequence[Ticket], actor: User | None, text: str) -> bool:
    """Queue one mail in a savepoint; a failure is logged and costs the triggering action nothing."""
    subject, sentence = _TEXTS[text]
    values = {"number": tickets[0].number, "count": len(tickets), "actor": actor.display_name if actor else ""}
    db.session.flush()  # the action's own rows first: their errors are the action's, not ours
    try:
        with db.session.begin_nested():
            queue_staff_mail(recipient.email, subject.format(**values),
                             _body(recipient, sentence.format(**values), tickets),
                             ticket_number=tickets[0].number if len(tickets) == 1 else "")
    except ComposeError as exc:
        log.warning("melding %s aan %s niet opgesteld: %s", kind, recipient.email, exc)
        return False
    except Exception:  # noqa: BLE001 - a notification must never cost the assignment, the note or the mail
        log.exception("melding %s aan %s mislukt", kind, recipient.email)
        return False
    return True


def _for(recipient: User | None, kind: str, tickets: Sequence[Ticket], actor: User | None) -> User | None:
    """The recipient when this mail may go to them: not to whoever caused it, nor to a ticket's requester."""
    if recipient is None or not tickets or (actor is not None and recipient.id == actor.id):
        return None
    if any(recipient.email.lower() == t.requester.email.lower() for t in tickets):
        return None
    return recipient if wants(recipient, kind) else None


def notify_assigned(tickets: Sequence[Ticket], assignee: User | None, actor: User) -> bool:
    """A colleague gave `assignee` these tickets (one mail for a bulk change); taking one yourself sends nothing."""
    recipient = _for(assignee, "assigned", tickets, actor)
    if recipient is None:
        return False
    return _queue("assigned", recipient, tickets, actor, "assigned" if len(tickets) == 1 else "assigned_many")


def notify_reply(ticket: Ticket, sender_email: str) -> bool:
    """The requester's side answered a ticket assigned to someone (ingest calls this for threaded questions)."""
    assignee = ticket.assignee
    if assignee is None or assignee.email.lower() == (sender_email or "").lower():
        return False
    recipient = _for(assignee, "reply", [ticket], None)
    return recipient is not None and _queue("reply", recipient, [ticket], None, "reply")


def notify_mentions(ticket: Ticket, text: str, author: User) -> int:
    """Mail each colleague the note mentions and who asked for it; returns how many mails were queued."""
    sent = 0
    for user in mentioned_staff(text, author):
        recipient = _for(user, "mention", [ticket], author)
        sent += recipient is not None and _queue("mention", recipient, [ticket], author, "mention")
    return sent

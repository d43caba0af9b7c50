"""Ticket operations: reply, note, category, status, assignment, presence. They add and flush; callers commit."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from email.utils import getaddresses, parseaddr

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value

from knowledge.categories import CATEGORY_LABELS

from ..blobs import attachment_key, attachment_path, blob_store
from ..extensions import db
from ..ids import parse_id
from ..models import (
    STATUSES,
    Article,
    Attachment,
    Ticket,
    TicketMessage,
    TicketView,
    TriageFeedback,
    User,
    record_event,
    utcnow,
)
from ..notifications import notify_assigned, notify_mentions
from ..outbox.compose import (
    ComposeError,
    OutgoingFile,
    compose_reply,
    envelope_recipients,
    new_message_id,
    references_chain,
    reply_subject,
)
from ..outbox.operations import delivery_label, queue_mail

REPLY_STATUSES = ("pending", "solved", "open")
PRESENCE_WINDOW = timedelta(minutes=5)


class TicketError(ValueError):
    """An operation cannot be done; the message is Dutch and meant for the agent."""


class CollisionError(TicketError):
    """The ticket changed since the agent opened it: `changes` lists the new messages."""

    def __init__(self, changes: list[TicketMessage]) -> None:
        self.changes = changes
        super().__init__("Dit ticket is intussen gewijzigd: er is een nieuw bericht of antwoord bijgekomen. "
                         "Uw antwoord is niet verstuurd; lees wat er veranderde en verstuur opnieuw.")


class AlreadySent(TicketError):
    """This reply form was sent before (a replayed or back-button POST): nothing is queued again."""

    def __init__(self, message: TicketMessage) -> None:
        self.message = message
        outbox = message.outbox
        state = delivery_label(outbox) if outbox is not None else "verwerkt"
        super().__init__(f"Dit antwoord is al verstuurd/in de wachtrij ({state}); er is niets opnieuw verstuurd.")


def find_reply(idempotency_key: str | None) -> TicketMessage | None:
    """The reply an earlier POST of the same reply form queued, if any."""
    if not idempotency_key:
        return None
    return db.session.scalar(select(TicketMessage).where(TicketMessage.idempotency_key == idempotency_key))


def new_messages_since(ticket: Ticket, seen_message_id: int, user: User | None = None) -> list[TicketMessage]:
    """Messages added after `seen_message_id`, leaving out the agent's own replies and notes."""
    query = select(TicketMessage).where(TicketMessage.ticket_id == ticket.id, TicketMessage.id > seen_message_id)
    rows = db.session.scalars(query.order_by(TicketMessage.id)).all()
    return [m for m in rows if m.direction == "in" or user is None or m.author_id != user.id]


def last_message_id(ticket: Ticket) -> int:
    """The newest message id of a ticket (0 when there is none): the reply form remembers it."""
    return max((m.id for m in ticket.messages), default=0)


def _claim(ticket: Ticket) -> None:
    """Bump the version atomically from the one we read; a concurrent change makes this fail loudly."""
    expected = ticket.version
    result = db.session.execute(update(Ticket).where(Ticket.id == ticket.id, Ticket.version == expected)
                                .values(version=expected + 1).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise CollisionError([])
    set_committed_value(ticket, "version", expected + 1)


def _touch(ticket: Ticket) -> None:
    ticket.version = (ticket.version or 0) + 1


def _opening_text(ticket: Ticket) -> str:
    first = next((m for m in ticket.messages if m.direction == "in"), None)
    return (first.clean_text or first.text) if first else ""


def _article_exists(slug: str | None) -> bool:
    return bool(slug) and db.session.scalar(select(Article.id).where(Article.slug == slug)) is not None


def send_reply(ticket: Ticket, body: str, user: User, *, expected_version: int | None = None,
               seen_message_id: int | None = None, article_slug: str | None = None,
               status_after: str = "pending", idempotency_key: str | None = None, to: str | None = None,
               cc: list[str] | None = None, attachments: Sequence[OutgoingFile] = ()) -> TicketMessage:
    """Write the outgoing message and its outbox row in one transaction; refuse when the ticket changed, and
    when this form (`idempotency_key`) was sent before. `to`/`cc` as the agent edited them (None: the requester
    and the ticket's CC); `attachments` are stored like incoming ones and composed into the message once."""
    earlier = find_reply(idempotency_key)
    if earlier is not None:
        raise AlreadySent(earlier)
    body = (body or "").replace("\r\n", "\n").strip()
    if not body:
        raise TicketError("Het antwoord is leeg. Schrijf een antwoord voordat u het verstuurt.")
    if status_after not in REPLY_STATUSES:
        raise TicketError("Kies een geldige status na verzenden.")
    if expected_version is not None and expected_version != ticket.version:
        changes = new_messages_since(ticket, seen_message_id or 0, user) if seen_message_id is not None else []
        if changes or seen_message_id is None:
            raise CollisionError(changes)
    _claim(ticket)
    config = current_app.config
    thread = [m for m in ticket.messages if m.direction in ("in", "out")]
    parent = next((m for m in reversed(thread) if m.direction == "in"), None)
    requester = ticket.requester
    to_email = (to if to is not None else requester.email).strip()
    if not to_email:
        raise TicketError("Vul bij 'Aan' een e-mailadres in.")
    to_name = requester.name if to_email.lower() == requester.email.lower() else ""
    cc = _cc_list(reply_cc(ticket) if cc is None else cc, to_email)
    message_id = new_message_id(config["MESSAGE_ID_DOMAIN"])
    # RFC 5322 §3.6.4: the parent's References, then the parent itself last (our own replies in between).
    refs = references_chain(parent.references_header if parent else None,
                            [*(m.message_id for m in thread if m.message_id and m is not parent),
                             *([parent.message_id] if parent and parent.message_id else [])])
    subject = reply_subject(ticket.subject, ticket.id)
    try:
        raw = compose_reply(from_addr=config["SMTP_FROM"], to_name=to_name, to_email=to_email,
                            subject=subject, body=body, message_id=message_id,
                            in_reply_to=parent.message_id if parent else None, references=refs, cc=cc,
                            ticket_number=ticket.number, attachments=attachments)
    except ComposeError as exc:
        raise TicketError(f"Het antwoord kan niet worden opgesteld: {exc}") from exc
    from_name, from_email = parseaddr(config["SMTP_FROM"])
    slug = article_slug if _article_exists(article_slug) else None
    message = TicketMessage(ticket=ticket, direction="out", kind="reply", author=user, from_email=from_email,
                            from_name=from_name, to_addrs=to_email, cc_addrs=", ".join(cc),
                            subject=subject, message_id=message_id,
                            in_reply_to=parent.message_id if parent else None, references_header=" ".join(refs),
                            text=body, clean_text=body, article_slug=slug, idempotency_key=idempotency_key)
    db.session.add(message)
    store = blob_store()
    for item in attachments:
        path = attachment_path(item.data, item.filename)
        store.put(attachment_key(path), item.data)
        message.attachments.append(Attachment(filename=item.filename[:255], content_type=item.content_type[:200],
                                              size=len(item.data), storage_path=path))
    db.session.flush()
    queue_mail(message, raw, envelope_recipients(to_email, cc))
    now = utcnow()
    ticket.first_response_at = ticket.first_response_at or now
    ticket.waiting_since = None
    ticket.last_message_at = now
    old_status = ticket.status
    ticket.status = status_after
    if status_after == "solved":
        ticket.solved_at = now
    if ticket.assignee_id is None:
        ticket.assignee = user
    if slug:
        ticket.used_article_slug = slug
        db.session.add(TriageFeedback(ticket_id=ticket.id, kind="article", subject=ticket.subject,
                                      text=_opening_text(ticket), category=ticket.category, article_slug=slug,
                                      user_id=user.id))
    record_event("reply_queued", user=user, ticket_id=ticket.id, message_id=message_id, article=slug,
                 status_from=old_status, status_to=status_after)
    db.session.flush()
    return message


def reply_cc(ticket: Ticket) -> list[str]:
    """Who a reply copies by default: the ticket's CC, without us and without the requester."""
    return _cc_list([addr for _n, addr in getaddresses([ticket.cc or ""])], ticket.requester.email)


def _cc_list(addresses: Sequence[str], to_email: str) -> list[str]:
    own = {a.lower() for a in current_app.config["OWN_ADDRESSES"]} | {to_email.lower()}
    out: list[str] = []
    for addr in (a.strip() for a in addresses):
        if addr and "@" not in addr:
            raise TicketError(f"Geen bruikbaar e-mailadres bij Cc: {addr!r}. Er is niets verstuurd.")
        if addr and addr.lower() not in own and addr.lower() not in (o.lower() for o in out):
            out.append(addr)
    return out


def add_note(ticket: Ticket, body: str, user: User) -> TicketMessage:
    """An internal note: visible to staff only, never mailed."""
    body = (body or "").replace("\r\n", "\n").strip()
    if not body:
        raise TicketError("De notitie is leeg.")
    note = TicketMessage(ticket=ticket, direction="note", kind="note", author=user, from_name=user.display_name,
                         from_email=user.email, subject="Notitie", text=body, clean_text=body)
    db.session.add(note)
    _touch(ticket)
    db.session.flush()
    record_event("note_added", user=user, ticket_id=ticket.id, note_id=note.id)
    notify_mentions(ticket, body, user)
    return note


def change_category(ticket: Ticket, category: str, user: User) -> bool:
    """Set the category by hand; the correction teaches triage. Returns whether anything changed."""
    if category not in CATEGORY_LABELS:
        raise TicketError("Kies een bestaande categorie.")
    if category == ticket.category and ticket.category_source == "agent":
        return False
    old = ticket.category
    ticket.category, ticket.category_source, ticket.category_set_by = category, "agent", user
    _touch(ticket)
    db.session.add(TriageFeedback(ticket_id=ticket.id, kind="category", subject=ticket.subject,
                                  text=_opening_text(ticket), category=category, previous_category=old,
                                  user_id=user.id))
    record_event("category_changed", user=user, ticket_id=ticket.id, old=old, new=category)
    db.session.flush()
    return True


def change_status(ticket: Ticket, status: str, user: User) -> bool:
    """Set the status; solving records the solve time, reopening clears it."""
    if status not in STATUSES:
        raise TicketError("Kies een geldige status.")
    if status == ticket.status:
        return False
    old, ticket.status = ticket.status, status
    if status == "solved":
        ticket.solved_at = utcnow()
    elif status in ("new", "open", "pending"):
        ticket.solved_at = None
    _touch(ticket)
    record_event("status_changed", user=user, ticket_id=ticket.id, old=old, new=status)
    db.session.flush()
    return True


def find_assignee(value: str, user: User) -> User | None:
    """The agent an assignment form names: 'mij' is `user`, an id is that account, empty is nobody."""
    if value == "mij":
        return user
    if not value:
        return None
    user_id = parse_id(value)
    assignee = db.session.get(User, user_id) if user_id is not None else None
    if assignee is None:
        raise TicketError("Deze medewerker bestaat niet.")
    return assignee


def assign_ticket(ticket: Ticket, assignee: User | None, user: User, *, notify: bool = True) -> bool:
    """Give the ticket to an agent, or to nobody; the agent gets a mail if they asked for one and `user` is someone
    else (`notify=False`: the caller sends one mail for many tickets)."""
    if assignee is not None and not (assignee.active and assignee.has_role("agent")):
        raise TicketError("Deze persoon kan geen tickets behandelen.")
    if (assignee.id if assignee else None) == ticket.assignee_id:
        return False
    old = ticket.assignee.display_name if ticket.assignee else None
    ticket.assignee = assignee
    _touch(ticket)
    record_event("assigned", user=user, ticket_id=ticket.id, old=old,
                 new=assignee.display_name if assignee else None)
    db.session.flush()
    if notify:
        notify_assigned([ticket], assignee, user)
    return True


def record_view(ticket: Ticket, user: User) -> None:
    """Remember that `user` has this ticket open now (for the 'also looking at this' notice)."""
    view = db.session.get(TicketView, (ticket.id, user.id))
    if view is None:
        db.session.add(TicketView(ticket_id=ticket.id, user_id=user.id, seen_at=utcnow()))
    else:
        view.seen_at = utcnow()
    db.session.flush()


def other_viewers(ticket: Ticket, user: User) -> list[User]:
    """Other staff who opened this ticket in the last few minutes."""
    since = utcnow() - PRESENCE_WINDOW
    query = (select(User).join(TicketView, TicketView.user_id == User.id)
             .where(TicketView.ticket_id == ticket.id, TicketView.user_id != user.id, TicketView.seen_at >= since))
    return list(db.session.scalars(query.order_by(User.name)))

"""One transaction's worth of mail: what a batch needs from the database, read up front, and its new rows."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from flask import current_app
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import joinedload

from mail_ingest import candidate_parent_ids, ticket_number_from_subject

from ..blobs import attachment_key, blob_store
from ..extensions import db
from ..models import Attachment, AuditEvent, Requester, Ticket, TicketMessage, utcnow
from ..notifications import notify_reply
from ..organisations.operations import OrganisationFinder
from ..outbox.acknowledge import acknowledge
from .bounces import bounce_reason, find_bounced, mark_bounced
from .joining import JoinRules, join_refusal, split_addresses, thread_people
from .prepare import NO_SUBJECT, Prepared

if TYPE_CHECKING:  # the parser's type only: no mail parsing code for the web app's start
    from mail_ingest import ParsedMail

REOPEN_STATUSES = ("pending", "solved", "closed")
log = logging.getLogger(__name__)


@dataclass
class IngestOutcome:
    """What happened to one mail: stored (new ticket or threaded), duplicate, ignored or quarantined."""

    status: str  # "created", "threaded", "duplicate", "ignored", "quarantined"
    ticket_id: int | None = None
    message_id: str | None = None
    kind: str = "question"
    detail: str = ""


@dataclass(frozen=True)
class IncomingMessage:
    """What the steps after storing read of a new incoming message (triage, the acknowledgement); the row itself
    is inserted with its chunk (`Batch.flush`), not through the ORM's unit of work."""

    subject: str
    text: str
    clean_text: str | None
    message_id: str
    references_header: str | None


# A chunk's incoming messages, attachments and audit events go in as one executemany per table (the ORM's unit of
# work cost ~1 ms of CPU a mail); an attachment finds its message by the (unique) Message-ID.
_MESSAGES = TicketMessage.__table__.insert()
_ATTACHMENTS = Attachment.__table__.insert().values(message_id=select(TicketMessage.id).where(
    TicketMessage.message_id == bindparam("mail_message_id")).scalar_subquery())
_EVENTS = AuditEvent.__table__.insert()


@dataclass(frozen=True)
class RawMail:
    """One mail as it came in: its bytes, where from (for the quarantine) and its IMAP (UIDVALIDITY, UID)."""

    raw: bytes
    source: str = ""
    uid: tuple[int, int] | None = None


class Batch:
    """Storing a batch of parsed mails: what they need from the database, read up front in a few queries, plus
    what the batch itself adds (the second mail of a new sender finds the requester the first one created;
    a reply-all to a question in the same batch joins its ticket). The caller flushes each chunk as it is
    stored (`flush`, while the workers prepare the next) and commits after `finish`."""

    def __init__(self) -> None:
        self.flood_limit = current_app.config["FLOOD_MAX_PER_HOUR"]
        self.own_domain = current_app.config["MESSAGE_ID_DOMAIN"]
        self.stored_ids: dict[str, int] = {}  # Message-ID -> ticket id, of mail stored before this batch
        self.requesters: dict[str, Requester] = {}  # email -> requester (stored before, or new in this batch)
        self.tickets: dict[int, Ticket] = {}  # tickets stored before this batch that its mail may join
        self.recent: dict[int, int] = {}  # requester id -> tickets created in the last hour (flood check)
        self.created: dict[str, int] = {}  # requester email -> tickets this batch created
        self.new_ids: dict[str, Ticket] = {}  # Message-ID -> ticket, of mail stored by this batch
        self.new_tickets: set[Ticket] = set()  # tickets this batch created (flushed or not)
        self.pending: list[tuple[IngestOutcome, Ticket | None, dict | None]] = []
        self.messages: list[tuple[dict, Ticket]] = []  # rows for ticket_messages, inserted by `flush`
        self.attachments: list[dict] = []  # rows for attachments, after their messages
        self.rules = JoinRules.from_config(current_app.config)
        self.people: dict[Ticket, set[str]] = {}  # who is on each ticket's thread (may join it)
        self.acknowledge = bool(current_app.config.get("ACKNOWLEDGE"))
        self.to_acknowledge: list[tuple[Ticket, IncomingMessage, ParsedMail]] = []
        self.answered: list[tuple[Ticket, str]] = []  # (ticket, sender) of answers threaded onto a ticket
        self.since = utcnow() - timedelta(hours=1)
        self.organisations = OrganisationFinder()
        self.blobs = blob_store()

    def extend(self, mails: Sequence[ParsedMail]) -> None:
        """Read what these mails need from the database (a few queries for all of them). What this batch stored
        and flushed already is known here and never read back, so the answers are about what was stored before
        it, as if nothing of the batch had been flushed."""
        with db.session.no_autoflush:
            ids = {m.message_id for m in mails} | {pid for m in mails for pid in candidate_parent_ids(m)}
            ids -= self.stored_ids.keys() | self.new_ids.keys()
            for chunk in _chunks(ids):
                self.stored_ids.update(db.session.execute(
                    select(TicketMessage.message_id, TicketMessage.ticket_id)
                    .where(TicketMessage.message_id.in_(chunk))).all())
            known = set(self.requesters)
            for chunk in _chunks({_sender(m) for m in mails} - known):
                self.requesters.update((r.email, r) for r in db.session.scalars(
                    select(Requester).where(Requester.email.in_(chunk))))
            self.organisations.preload({_sender(m) for m in mails} - self.requesters.keys())  # for new requesters
            ticket_ids = set(self.stored_ids.values()) | {ticket_number_from_subject(m.subject) for m in mails}
            ticket_ids -= self.tickets.keys() | {t.id for t in self.new_tickets} | {None}
            for chunk in _chunks(ticket_ids):
                loaded_tickets = {t.id: t for t in db.session.scalars(
                    select(Ticket).options(joinedload(Ticket.requester)).where(Ticket.id.in_(chunk)))}
                self.tickets.update(loaded_tickets)
                rows: dict[int, list] = {}
                for row in db.session.execute(select(TicketMessage.ticket_id, TicketMessage.from_email,
                                                     TicketMessage.to_addrs, TicketMessage.cc_addrs)
                                              .where(TicketMessage.ticket_id.in_(list(loaded_tickets)))):
                    rows.setdefault(row[0], []).append(row[1:])
                for ticket_id, ticket in loaded_tickets.items():
                    self.people[ticket] = thread_people(ticket, rows.get(ticket_id, []), self.rules)
            loaded = {r.id for email, r in self.requesters.items() if email not in known and r.id is not None}
            for chunk in _chunks(loaded):
                self.recent.update(db.session.execute(  # uses ix_tickets_requester_id
                    select(Ticket.requester_id, func.count(Ticket.id))
                    .where(Ticket.requester_id.in_(chunk), Ticket.created_at >= self.since)
                    .group_by(Ticket.requester_id)).all())

    def store(self, prepared: Prepared, mail: RawMail) -> IngestOutcome:
        """Add one mail to its ticket (new or existing) in the session; ids are filled in by `finish`."""
        parsed, verdict = prepared.parsed, prepared.verdict
        if parsed.message_id in self.stored_ids:
            return IngestOutcome("duplicate", self.stored_ids[parsed.message_id], parsed.message_id)
        if parsed.message_id in self.new_ids:  # the same mail twice in one batch
            return self._later(IngestOutcome("duplicate", None, parsed.message_id), self.new_ids[parsed.message_id])
        if verdict.kind == "own":
            return IngestOutcome("ignored", None, parsed.message_id, "own", verdict.reason)
        kind = verdict.kind
        requester = self._requester(parsed)
        bounced = find_bounced(mail.raw, self.own_domain) if kind == "bounce" else None
        if bounced is not None:  # a notice about one of our replies belongs on that reply's ticket
            ticket, related, refusal = bounced.ticket_message.ticket, None, None
        else:
            ticket, related, refusal = self._thread(parsed)
        if kind == "question" and ticket is None and self._flooding(requester):
            kind = "held"
        now = utcnow()
        created = ticket is None
        if ticket is None:
            ticket = Ticket(subject=(parsed.subject or NO_SUBJECT)[:500], requester=requester, kind=kind,
                            status="new", cc=", ".join(parsed.cc)[:2000] or None, created_at=now,
                            related_ticket=related, related_reason=refusal[:500] if refusal else None)
            db.session.add(ticket)
            self.new_tickets.add(ticket)
            self.people[ticket] = thread_people(ticket, [], self.rules)
            self.created[requester.email] = self.created.get(requester.email, 0) + 1
        to_addrs, cc_addrs = ", ".join(parsed.to), ", ".join(parsed.cc)
        message = IncomingMessage(parsed.subject[:500], parsed.text, prepared.clean_text, parsed.message_id,
                                  " ".join(parsed.references) or None)
        self.messages.append(({
            "direction": "in", "kind": kind, "author_id": None, "from_email": parsed.from_email,
            "from_name": parsed.from_name[:200], "to_addrs": to_addrs, "cc_addrs": cc_addrs,
            "subject": message.subject, "message_id": parsed.message_id, "in_reply_to": parsed.in_reply_to,
            "references_header": message.references_header, "raw_path": prepared.raw_path, "text": parsed.text,
            "clean_text": prepared.clean_text, "html": parsed.html, "parse_notes": "\n".join(parsed.notes) or None,
            "article_slug": None, "imap_uidvalidity": mail.uid[0] if mail.uid else None,
            "imap_uid": mail.uid[1] if mail.uid else None, "created_at": now, "sent_at": None,
            "suspect": "; ".join(parsed.suspect)[:2000] or None, "idempotency_key": None,
        }, ticket))
        if not parsed.suspect:
            seen = split_addresses(parsed.from_email, to_addrs, cc_addrs)
            self.people.setdefault(ticket, set()).update(seen - self.rules.own_addresses)
        self.blobs.put(prepared.raw_path, mail.raw)  # with the mail: in its transaction when the store is `db`
        for part, path in zip(parsed.attachments, prepared.attachment_paths, strict=True):
            self.blobs.put(attachment_key(path), part.data)
            self.attachments.append({
                "mail_message_id": parsed.message_id, "filename": part.filename[:255],
                "content_type": part.content_type[:200], "size": part.size, "storage_path": path,
                "content_id": part.content_id, "inline": part.inline})
        self.new_ids[parsed.message_id] = ticket
        _update_ticket_for_incoming(ticket, kind, now, stored_before=ticket not in self.new_tickets)
        if bounced is not None:
            mark_bounced(bounced, bounce_reason(mail.raw), now)
        if kind == "question" and (created or ticket.category_source != "agent"):
            from ..triage.service import triage_ticket

            done = (prepared.triage_subject, prepared.triage) if prepared.triage is not None else None
            triage_ticket(ticket, message, done)
        if created and kind == "question" and self.acknowledge:
            self.to_acknowledge.append((ticket, message, parsed))
        elif not created and kind == "question":  # not auto-replies or bounces: those tell the agent nothing
            self.answered.append((ticket, parsed.from_email))
        outcome = IngestOutcome("created" if created else "threaded", None, parsed.message_id, kind, verdict.reason)
        return self._later(outcome, ticket, {"message_id": parsed.message_id, "kind": kind, "rule": verdict.rule,
                                             "threaded": not created})

    def flush(self) -> None:
        """Flush what was stored since the last flush: the tickets and requesters through the session, then the
        new messages, their attachments and the audit events, one executemany per table (they need the tickets'
        ids); and fill in the outcomes' ticket ids."""
        db.session.flush()
        now = utcnow()
        events = []
        for outcome, ticket, detail in self.pending:
            if ticket is not None:
                outcome.ticket_id = ticket.id
            if detail is not None:
                events.append({"action": "mail_received", "ticket_id": outcome.ticket_id, "article_id": None,
                               "user_id": None, "detail": detail, "created_at": now})
        self.pending = []
        if self.messages:
            rows = [{**row, "ticket_id": ticket.id} for row, ticket in self.messages]
            self.messages = []
            db.session.execute(_MESSAGES, rows)
        if self.attachments:
            rows, self.attachments = self.attachments, []
            db.session.execute(_ATTACHMENTS, rows)
        if events:
            db.session.execute(_EVENTS, events)

    def finish(self) -> None:
        """Flush the rest and add what needs the ticket numbers of the whole batch: acknowledgements, and the
        assignees' mail about answers."""
        self.flush()
        done: set[str] = set()
        for ticket, message, parsed in self.to_acknowledge:  # needs the ticket number: after the flush
            try:
                with db.session.begin_nested():  # a failed acknowledgement must never cost the mail itself
                    acknowledge(ticket, message, parsed, done)
            except Exception:  # noqa: BLE001 - logged; the question is stored and an agent answers it
                log.exception("ontvangstbevestiging voor %s mislukt", ticket.number)
        self.to_acknowledge = []
        for ticket, sender in self.answered:  # the assignee's mail, if they asked for one (never fails the mail)
            notify_reply(ticket, sender)
        self.answered = []

    def _later(self, outcome: IngestOutcome, ticket: Ticket | None, event: dict | None = None) -> IngestOutcome:
        self.pending.append((outcome, ticket, event))
        return outcome

    def _requester(self, parsed: ParsedMail) -> Requester:
        email = _sender(parsed)
        requester = self.requesters.get(email)
        if requester is None:
            requester = self.requesters[email] = Requester(email=email, name=parsed.from_name[:200],
                                                           institution=self.organisations.for_address(email))
            db.session.add(requester)
        elif not requester.name and parsed.from_name:
            requester.name = parsed.from_name[:200]
        return requester

    def _thread(self, parsed: ParsedMail) -> tuple[Ticket | None, Ticket | None, str | None]:
        """(ticket to join, ticket it is related to, why it may not join): the ticket a mail names by a stored
        Message-ID in In-Reply-To/References (ours first of all) or by [IPO-n] in the subject; it joins only when
        its sender is on that thread (see joining.py), otherwise it is only related."""
        named = self._named(parsed)
        if named is None:
            return None, None, None
        named = self._kept(named)
        refusal = join_refusal(named, parsed, self.people.get(named, set()), self.rules)
        return (named, None, None) if refusal is None else (None, named, refusal)

    def _kept(self, ticket: Ticket) -> Ticket:
        """Mail to a merged ticket goes to the ticket it was merged into (with that thread's people)."""
        kept = ticket.kept
        if kept is not ticket and kept not in self.people:
            rows = db.session.execute(select(TicketMessage.from_email, TicketMessage.to_addrs, TicketMessage.cc_addrs)
                                      .where(TicketMessage.ticket_id == kept.id)).all()
            self.people[kept] = thread_people(kept, [tuple(r) for r in rows], self.rules)
        return kept

    def _named(self, parsed: ParsedMail) -> Ticket | None:
        for parent in candidate_parent_ids(parsed):
            if parent in self.new_ids:
                return self.new_ids[parent]
            if parent in self.stored_ids and self.stored_ids[parent] in self.tickets:
                return self.tickets[self.stored_ids[parent]]
        number = ticket_number_from_subject(parsed.subject)
        return self.tickets.get(number) if number is not None else None

    def _flooding(self, requester: Requester) -> bool:
        """More new tickets from one sender in the last hour than a person writes: hold them for review."""
        recent = self.recent.get(requester.id, 0) if requester.id is not None else 0
        return recent + self.created.get(requester.email, 0) >= self.flood_limit


def _sender(parsed: ParsedMail) -> str:
    return (parsed.from_email or parsed.reply_to or "onbekend@afzender.invalid").lower()[:254]


def _chunks(values: Iterable, size: int = 500) -> Iterator[list]:
    """Values in lists of at most `size`, for IN (...) lists every database accepts."""
    items = list(values)
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _update_ticket_for_incoming(ticket: Ticket, kind: str, now, stored_before: bool) -> None:  # noqa: ANN001
    if kind != "question":
        return  # auto-replies and bounces are kept on the ticket but never reopen it or make it wait
    ticket.last_message_at = now
    if ticket.waiting_since is None:
        ticket.waiting_since = now
    if ticket.status in REOPEN_STATUSES:
        ticket.status = "open"
        ticket.solved_at = None
    if stored_before:  # a form showing the ticket now sees it changed; a ticket of this batch nobody saw yet
        ticket.version = (ticket.version or 1) + 1



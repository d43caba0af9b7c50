"""The acknowledgement of a new question (HELPDESK_ACKNOWLEDGE): its ticket number, when to expect an answer, and
up to three FAQ links that triage is confident about, sent once through the outbox and threaded like a reply.

RFC 3834: marked `Auto-Submitted: auto-replied`; never sent to auto-replies, bounces, bulk or list mail, our own
mail or a flood (only question tickets get here), nor to `noreply` senders or suspect senders, and at most one per
sender per ACKNOWLEDGE_PERIOD_HOURS.
"""

from __future__ import annotations

import re
from datetime import timedelta
from email.utils import parseaddr
from typing import TYPE_CHECKING

from flask import current_app
from sqlalchemy import select

from ..extensions import db
from ..models import Ticket, TicketMessage, record_event, utcnow
from .compose import ComposeError, compose_reply, envelope_recipients, new_message_id, references_chain, reply_subject
from .operations import queue_mail

if TYPE_CHECKING:  # the parser's type only: no mail parsing code for the web app's start
    from mail_ingest import ParsedMail

_NO_REPLY = re.compile(r"^(no[-_.]?reply|do[-_.]?not[-_.]?reply|mailer-daemon|postmaster|bounces?|notifications?|"
                       r"nieuwsbrief|newsletter|geen[-_.]?antwoord)([+.-]|$)", re.I)


def acknowledgement_links(ticket: Ticket) -> list[dict]:
    """The suggestions triage is confident enough about (score >= ACKNOWLEDGE_MIN_SCORE), best first, at most 3."""
    config = current_app.config
    suggestions = ticket.suggestions if isinstance(ticket.suggestions, list) else []
    chosen = [s for s in suggestions if isinstance(s, dict) and s.get("slug")
              and float(s.get("score") or 0) >= config["ACKNOWLEDGE_MIN_SCORE"]]
    return chosen[: config["ACKNOWLEDGE_MAX_LINKS"]]


def _body(ticket: Ticket, links: list[dict]) -> str:
    config = current_app.config
    lines = ["Goedendag,", "", f"Wij hebben uw vraag ontvangen. Uw vraag heeft nummer {ticket.number}; vermeld dat "
             "nummer als u ons hierover nog eens mailt.", "",
             f"U krijgt {config['ACKNOWLEDGE_ANSWER_TIME']} antwoord van een medewerker."]
    if links:
        lines += ["", "Misschien staat het antwoord al in onze veelgestelde vragen:"]
        lines += [f"- {link.get('title') or link['slug']}: {config['PUBLIC_URL'].rstrip('/')}/faq/{link['slug']}"
                  for link in links]
    lines += ["", "Dit is een automatisch bericht; u hoeft er niet op te antwoorden.", "", "Met vriendelijke groet,",
              "Helpdesk IPO"]
    return "\n".join(lines)


def _recently_acknowledged(sender: str) -> bool:
    since = utcnow() - timedelta(hours=current_app.config["ACKNOWLEDGE_PERIOD_HOURS"])
    return db.session.scalar(select(TicketMessage.id).where(
        TicketMessage.kind == "ack", TicketMessage.to_addrs == sender, TicketMessage.created_at >= since).limit(1)
    ) is not None


def acknowledge(ticket: Ticket, question: TicketMessage, parsed: ParsedMail, done: set[str]) -> TicketMessage | None:
    """Queue the acknowledgement of a new question ticket when the rules allow one; `done`: senders already
    acknowledged in this batch. The caller commits."""
    config = current_app.config
    sender = (parsed.from_email or "").lower()
    own = {a.lower() for a in config["OWN_ADDRESSES"]}
    if (not sender or parsed.suspect or sender in own or sender in done or _NO_REPLY.match(sender.partition("@")[0])
            or ticket.kind != "question" or _recently_acknowledged(sender)):
        return None
    links = acknowledgement_links(ticket)
    message_id = new_message_id(config["MESSAGE_ID_DOMAIN"])
    subject = reply_subject(ticket.subject, ticket.id)
    refs = references_chain(question.references_header, [question.message_id] if question.message_id else [])
    body = _body(ticket, links)
    try:
        raw = compose_reply(from_addr=config["SMTP_FROM"], to_name=ticket.requester.name, to_email=sender,
                            subject=subject, body=body, message_id=message_id, in_reply_to=question.message_id,
                            references=refs, ticket_number=ticket.number, auto_submitted=True)
    except ComposeError:
        return None  # an address we cannot write to: an agent answers by hand
    from_name, from_email = parseaddr(config["SMTP_FROM"])
    message = TicketMessage(ticket=ticket, direction="out", kind="ack", from_email=from_email, from_name=from_name,
                            to_addrs=sender, subject=subject, message_id=message_id,
                            in_reply_to=question.message_id, references_header=" ".join(refs), text=body,
                            clean_text=body)
    db.session.add(message)
    db.session.flush()
    queue_mail(message, raw, envelope_recipients(sender))
    done.add(sender)
    record_event("acknowledged", ticket_id=ticket.id, message_id=message_id, links=[link["slug"] for link in links])
    return message

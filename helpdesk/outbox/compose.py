"""Composing outgoing replies as RFC 5322 messages: headers that thread, a text and a simple HTML part."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP, SMTPUTF8
from email.utils import format_datetime, getaddresses, parseaddr

from mail_ingest import strip_subject_prefixes
from mail_ingest.ids import header_form, normalize_message_id, parse_id_list
from mail_ingest.ids import new_message_id as _new_id
from mail_ingest.ids import references_chain as _chain

_TAG = re.compile(r"\s*\[IPO-\d+\]\s*", re.IGNORECASE)
_URL = re.compile(r"(https?://[^\s<>()\"']+[^\s<>()\"'.,;:!?])")


class ComposeError(ValueError):
    """A reply cannot be composed (e.g. the requester's address is unusable)."""


def new_message_id(domain: str) -> str:
    """A globally unique Message-ID in our own domain, in the stored normal form (no angle brackets)."""
    return _new_id(domain)


def reply_subject(subject: str, ticket_id: int) -> str:
    """`Re: <subject> [IPO-n]` without piling up Re:/Antw: prefixes or ticket tags."""
    base = strip_subject_prefixes(_TAG.sub(" ", subject or ""))  # the same prefixes ingest recognises
    base = " ".join(_TAG.sub(" ", base).split()) or "Uw vraag aan Helpdesk IPO"
    return f"Re: {base} [IPO-{ticket_id}]"


def references_chain(parent_references: str | None, thread_ids: Iterable[str]) -> list[str]:
    """The References list (normal form, oldest first): the parent's stored chain, then the thread's own ids,
    each once, trimmed to the first and the newest ids as RFC 5322 §3.6.4 suggests."""
    return _chain(parse_id_list(parent_references), thread_ids)


def text_to_html(text: str) -> str:
    """A simple, safe HTML rendering of a plain-text reply: paragraphs, line breaks and clickable links."""
    paragraphs = [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    parts = []
    for paragraph in paragraphs:
        escaped = html.escape(paragraph)
        linked = _URL.sub(lambda m: f'<a href="{m.group(1)}">{m.group(1)}</a>', escaped)
        parts.append("<p>" + linked.replace("\n", "<br>\n") + "</p>")
    body = "\n".join(parts)
    return ('<!doctype html>\n<html lang="nl"><head><meta charset="utf-8"></head>\n'
            '<body style="font-family: Verdana, Arial, sans-serif; font-size: 15px; line-height: 1.5;">\n'
            f"{body}\n</body></html>\n")


def ascii_domain(domain: str) -> str:
    """An internationalised domain (schüle.example) as its IDNA A-label form (xn--schle-kva.example)."""
    if domain.isascii():
        return domain
    try:
        return domain.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise ComposeError(f"Het domein {domain!r} is geen geldige internationale domeinnaam") from exc


def needs_smtputf8(addresses: Iterable[str]) -> bool:
    """Whether an address has a non-ASCII local part: only SMTPUTF8 (RFC 6531) can carry it."""
    return any(not addr.rpartition("@")[0].isascii() for addr in addresses)


def _address(value: str) -> Address:
    name, addr = parseaddr(value)
    if not addr or "@" not in addr or any(c in addr for c in " \r\n<>"):
        raise ComposeError(f"Geen bruikbaar e-mailadres: {value!r}")
    local, _, domain = addr.rpartition("@")
    try:
        return Address(display_name=name, username=local, domain=ascii_domain(domain))
    except (ValueError, IndexError) as exc:
        raise ComposeError(f"Geen bruikbaar e-mailadres: {value!r}") from exc


def bare_address(value: str) -> str:
    """One addr-spec and nothing else (a staff account's address): a line break or a second address in it must
    never add a recipient to the header or the envelope. Raises ComposeError otherwise."""
    value = (value or "").strip()
    if not value or any(ch.isspace() or ch in ',;<>"()' for ch in value) or parseaddr(value)[1] != value:
        raise ComposeError(f"Geen bruikbaar e-mailadres: {value!r}")
    return value


@dataclass(frozen=True)
class OutgoingFile:
    """A file the agent attaches to a reply."""

    filename: str
    content_type: str
    data: bytes


def _dated_headers(msg: EmailMessage, subject: str, message_id: str, date: datetime | None) -> None:
    """Subject (one line), Date and Message-ID, as every mail the helpdesk writes carries them."""
    msg["Subject"] = subject.replace("\r", " ").replace("\n", " ")
    msg["Date"] = format_datetime((date or datetime.now(UTC)).replace(tzinfo=UTC))
    try:
        msg["Message-ID"] = header_form(message_id)
    except ValueError as exc:
        raise ComposeError(str(exc)) from exc


def compose_reply(*, from_addr: str, to_name: str, to_email: str, subject: str, body: str, message_id: str,
                  in_reply_to: str | None, references: list[str], cc: Iterable[str] = (),
                  ticket_number: str = "", date: datetime | None = None,
                  attachments: Iterable[OutgoingFile] = (), auto_submitted: bool = False) -> bytes:
    """The whole message as bytes (CRLF line ends), built once and stored so a retry sends the same bytes.
    A non-ASCII local part (jörg@…) is written as UTF-8 (RFC 6532); the sender then needs SMTPUTF8."""
    msg = EmailMessage(policy=SMTPUTF8 if needs_smtputf8([from_addr, to_email, *cc]) else SMTP)
    msg["From"] = _address(from_addr)
    to = _address(to_email)
    msg["To"] = Address(display_name=to_name.replace("\n", " ").strip(), username=to.username, domain=to.domain)
    cc_list = [_address(a) for a in cc if a.strip()]
    if cc_list:
        msg["Cc"] = cc_list
    _dated_headers(msg, subject, message_id, date)
    parent = normalize_message_id(in_reply_to)
    chain = _chain(references, [parent] if parent else [])
    if parent and parent in chain:  # an id we could not send as a msg-id is left out rather than mangled
        msg["In-Reply-To"] = header_form(parent)
    if chain:
        msg["References"] = " ".join(header_form(i) for i in chain)
    msg["Content-Language"] = "nl"
    # Our own mail is recognised by ingest by this header; a human reply carries no Auto-Submitted.
    msg["X-IPO-Helpdesk"] = "1"
    if auto_submitted:  # RFC 3834 §5: an automatic answer says so, and asks Exchange not to answer it in turn
        msg["Auto-Submitted"] = "auto-replied"
        msg["X-Auto-Response-Suppress"] = "All"
    if ticket_number:
        msg["X-IPO-Ticket"] = ticket_number
    text = body.replace("\r\n", "\n").rstrip() + "\n"
    msg.set_content(text, subtype="plain", charset="utf-8", cte="quoted-printable")
    msg.add_alternative(text_to_html(text), subtype="html", charset="utf-8", cte="quoted-printable")
    for item in attachments:  # multipart/mixed: the text and HTML first, then each file as an attachment
        maintype, _, subtype = item.content_type.partition("/")
        msg.add_attachment(item.data, maintype=maintype, subtype=subtype or "octet-stream", filename=item.filename)
    return msg.as_bytes()


def compose_staff_mail(*, from_addr: str, to_email: str, subject: str, body: str, message_id: str,
                       ticket_number: str = "", date: datetime | None = None) -> bytes:
    """A plain-text mail the helpdesk writes to its own staff (a reset link, a notification): RFC 3834
    `Auto-Submitted: auto-generated` and our own header, so no mail program answers it and ingest, should it come
    back into the mailbox, files it as our own mail."""
    to_email = bare_address(to_email)
    msg = EmailMessage(policy=SMTPUTF8 if needs_smtputf8([from_addr, to_email]) else SMTP)
    msg["From"] = _address(from_addr)
    msg["To"] = _address(to_email)
    _dated_headers(msg, subject, message_id, date)
    msg["Content-Language"] = "nl"
    msg["X-IPO-Helpdesk"] = "1"
    msg["Auto-Submitted"] = "auto-generated"
    msg["X-Auto-Response-Suppress"] = "All"
    if ticket_number:
        msg["X-IPO-Ticket"] = ticket_number
    msg.set_content(body.replace("\r\n", "\n").rstrip() + "\n", subtype="plain", charset="utf-8",
                    cte="quoted-printable")
    return msg.as_bytes()


def envelope_recipients(to_email: str, cc: Iterable[str] = ()) -> list[str]:
    """Bare addresses for the SMTP envelope, each once; internationalised domains in their ASCII form."""
    out: list[str] = []
    for _name, addr in getaddresses([to_email, *cc]):
        if not addr or "@" not in addr:
            continue
        local, _, domain = addr.rpartition("@")
        addr = f"{local}@{ascii_domain(domain)}"
        if addr.lower() not in (a.lower() for a in out):
            out.append(addr)
    return out

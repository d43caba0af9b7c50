"""Collect what the helpdesk keeps about one address: its requester record, its tickets (with the replies to it
and notes on them, but not other people's mails), the messages it sent or received elsewhere, their original
.eml files and attachments; write it all as one ZIP (JSON plus the original files)."""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, or_, select

from ..blobs import BlobStore, attachment_key, blob_store
from ..extensions import db
from ..models import Requester, Ticket, TicketMessage, User, record_event


@dataclass
class PersonData:
    address: str
    requester: Requester | None = None
    tickets: dict[int, Ticket] = field(default_factory=dict)
    messages: dict[int, list[TicketMessage]] = field(default_factory=dict)  # per ticket id


def _mentions(addresses: str, address: str) -> bool:
    return address in {a.strip().lower() for a in re.split(r"[,;\s<>]+", addresses or "") if "@" in a}


def _about(message: TicketMessage, address: str, own_ticket: bool) -> bool:
    """A message is about the person when they sent or received it; in their own ticket also our replies and
    notes, but never a mail someone else sent in it."""
    if message.from_email.lower() == address or _mentions(message.to_addrs, address) or \
            _mentions(message.cc_addrs, address):
        return True
    return own_ticket and message.direction in ("out", "note")


def collect_person(address: str) -> PersonData:
    address = address.strip().lower()
    data = PersonData(address, db.session.scalar(select(Requester).where(func.lower(Requester.email) == address)))
    like = f"%{address}%"
    candidates = select(TicketMessage.ticket_id).where(or_(
        func.lower(TicketMessage.from_email) == address, func.lower(TicketMessage.to_addrs).like(like),
        func.lower(TicketMessage.cc_addrs).like(like)))
    where = [Ticket.id.in_(candidates)]
    if data.requester is not None:
        where.append(Ticket.requester_id == data.requester.id)
    for ticket in db.session.scalars(select(Ticket).where(or_(*where)).order_by(Ticket.id)):
        own = data.requester is not None and ticket.requester_id == data.requester.id
        messages = [m for m in ticket.messages if _about(m, address, own)]
        if own or messages:
            data.tickets[ticket.id] = ticket
            data.messages[ticket.id] = messages
    return data


def _staff_name(user: User | None) -> str | None:
    return user.display_name if user is not None else None


def _message_json(message: TicketMessage, files: list[dict[str, Any]]) -> dict[str, Any]:
    return {"direction": message.direction, "from": message.from_email, "from_name": message.from_name,
            "to": message.to_addrs, "cc": message.cc_addrs, "subject": message.subject,
            "message_id": message.message_id, "created_at": message.created_at.isoformat(), "text": message.text,
            "author": _staff_name(message.author), "files": files}


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name).strip("._")[:80] or "bestand"


def write_export(address: str, out: Path, *, actor: User | None = None) -> dict[str, int]:
    """Write the ZIP for `address` to `out`; returns counts. Files are copied from disk, never read whole."""
    data = collect_person(address)
    store = blob_store()
    counts = {"tickets": len(data.tickets), "messages": 0, "files": 0}
    tickets_json = []
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for ticket_id, ticket in data.tickets.items():
            messages_json = []
            for message in data.messages[ticket_id]:
                files = list(_copy_files(archive, message, store))
                counts["messages"] += 1
                counts["files"] += len(files)
                messages_json.append(_message_json(message, files))
            tickets_json.append({"number": ticket.id, "subject": ticket.subject, "status": ticket.status,
                                 "category": ticket.category, "created_at": ticket.created_at.isoformat(),
                                 "requester_is_this_address": ticket.requester.email.lower() == data.address,
                                 "messages": messages_json})
        person = None
        if data.requester is not None:
            person = {"email": data.requester.email, "name": data.requester.name,
                      "organisation": data.requester.organisation,
                      "institution": data.requester.institution.name if data.requester.institution else None,
                      "created_at": data.requester.created_at.isoformat()}
        archive.writestr("gegevens.json", json.dumps({"address": data.address, "requester": person,
                                                      "tickets": tickets_json}, ensure_ascii=False, indent=2))
    record_event("privacy_export", user=actor, target=data.address, **counts)
    return counts


def _copy(archive: zipfile.ZipFile, store: BlobStore, key: str, name: str) -> bool:
    """Copy one stored file into the archive piece by piece; False when it is gone."""
    source = store.open(key)
    if source is None:
        return False
    with source, archive.open(name, "w") as target:
        shutil.copyfileobj(source, target)
    return True


def _copy_files(archive: zipfile.ZipFile, message: TicketMessage, store: BlobStore) -> Iterable[dict[str, Any]]:
    name = f"mails/bericht-{message.id}.eml"
    if message.raw_path and _copy(archive, store, message.raw_path, name):
        yield {"kind": "originele mail", "file": name}
    for n, attachment in enumerate(message.attachments, 1):
        name = f"bijlagen/bericht-{message.id}-{n}-{_safe(attachment.filename)}"
        if _copy(archive, store, attachment_key(attachment.storage_path), name):
            yield {"kind": "bijlage", "file": name, "filename": attachment.filename,
                   "content_type": attachment.content_type}

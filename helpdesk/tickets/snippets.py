"""The question's first words: the opening mail's clean text, without the greeting, for lists of tickets."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from ..extensions import db
from ..models import TicketMessage

OPENING_CHARS = 2000  # enough for the first lines and for telling the language
_GREETING = re.compile(r"^(beste|geachte|goede(?:morgen|middag|navond|avond|dag)|hallo|hoi|dag|dear|hello|hi|"
                       r"good (?:morning|afternoon|evening))\b", re.IGNORECASE)


def opening_texts(ticket_ids: list[int], chars: int = OPENING_CHARS) -> dict[int, str]:
    """Per ticket the start of its first incoming mail (clean text, else the full text); two small queries."""
    if not ticket_ids:
        return {}
    firsts = db.session.execute(
        select(func.min(TicketMessage.id))
        .where(TicketMessage.ticket_id.in_(ticket_ids), TicketMessage.direction == "in")
        .group_by(TicketMessage.ticket_id)).scalars().all()
    if not firsts:
        return {}
    text = func.substr(func.coalesce(TicketMessage.clean_text, TicketMessage.text, ""), 1, chars)
    rows = db.session.execute(select(TicketMessage.ticket_id, text).where(TicketMessage.id.in_(firsts)))
    return {ticket_id: body or "" for ticket_id, body in rows}


def first_words(text: str, limit: int = 160) -> str:
    """The question itself on one line: greeting dropped, whitespace folded, cut at a word with '…'."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if lines and len(lines[0]) <= 60 and _GREETING.match(lines[0]):
        lines = lines[1:]
    flat = " ".join(" ".join(lines).split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit].rsplit(" ", 1)[0] if " " in flat[:limit] else flat[:limit]
    return cut.rstrip(",;:") + "…"

"""Content gaps from mail: groups of recent question tickets that no published article answered well."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from sqlalchemy import select

from knowledge.question import main_question

from ..extensions import db
from ..models import Ticket, TicketMessage

EXAMPLE_CHARS = 300


@dataclass
class GapQuestion:
    """One ticket's main question and how much of it the best suggested article covered."""

    number: str
    question: str
    created_at: datetime
    match: float  # of the first suggestion, 0..1; 0 when no article was suggested at all
    best_title: str = ""


@dataclass
class QuestionGap:
    """A group of similar questions without a good article: its size, a few examples, what was suggested."""

    size: int
    examples: list[GapQuestion]
    suggested: list[tuple[str, int]] = field(default_factory=list)  # (article title, how often it came first)


@dataclass
class QuestionGaps:
    """The report: tickets looked at, tickets without a good article, and their groups (biggest first)."""

    tickets: int
    unanswered: int
    groups: list[QuestionGap]


def _best_match(suggestions: object) -> tuple[float, str] | None:
    """(match, title) of the first suggestion stored; (0, "") without one; None when triage stored no match yet."""
    items = [s for s in suggestions if isinstance(s, dict)] if isinstance(suggestions, list) else []
    if not items:
        return 0.0, ""
    matched = items[0].get("match")
    return (float(matched), str(items[0].get("title") or "")) if isinstance(matched, int | float) else None


def _questions(ticket_ids: list[int]) -> dict[int, tuple[str, str]]:
    """(subject, text) of the first incoming message of each ticket."""
    found: dict[int, tuple[str, str]] = {}
    rows = db.session.execute(
        select(TicketMessage.ticket_id, TicketMessage.subject, TicketMessage.clean_text, TicketMessage.text)
        .where(TicketMessage.ticket_id.in_(ticket_ids), TicketMessage.direction == "in")
        .order_by(TicketMessage.created_at, TicketMessage.id)
    ).all()
    for ticket_id, subject, clean, text in rows:
        found.setdefault(ticket_id, (subject or "", clean if clean is not None else text or ""))
    return found


def question_gaps(since: datetime, until: datetime) -> QuestionGaps:
    """Question tickets created in [since, until) whose first suggested article covered at most CONTENT_GAP_MATCH
    of the main question, grouped by similarity; the newest CONTENT_GAP_MAX_TICKETS tickets are looked at."""
    config = current_app.config
    tickets = db.session.execute(
        select(Ticket.id, Ticket.subject, Ticket.suggestions, Ticket.created_at)
        .where(Ticket.kind == "question", Ticket.merged_into_id.is_(None),
               Ticket.created_at >= since, Ticket.created_at < until)
        .order_by(Ticket.created_at.desc(), Ticket.id.desc())
        .limit(config["CONTENT_GAP_MAX_TICKETS"])
    ).all()
    weak = []
    for ticket_id, subject, suggestions, created_at in tickets:
        best = _best_match(suggestions)
        if best is not None and best[0] <= config["CONTENT_GAP_MATCH"]:
            weak.append((ticket_id, subject, created_at, *best))
    texts = _questions([row[0] for row in weak]) if weak else {}
    items = []
    for ticket_id, subject, created_at, matched, title in weak:
        first_subject, text = texts.get(ticket_id, (subject, ""))
        asked = main_question(text, first_subject or subject) or " ".join(f"{subject} {text}".split())
        items.append(GapQuestion(f"IPO-{ticket_id}", " ".join(asked.split())[:EXAMPLE_CHARS], created_at,
                                 round(matched, 2), title))
    from knowledge.clusters import cluster_texts  # Whoosh's analysis: loaded by the editors' gap page, not start-up

    groups = []
    for cluster in cluster_texts([item.question for item in items], config["CONTENT_GAP_SIMILARITY"]):
        members = [items[pos] for pos in cluster.members]
        suggested = Counter(m.best_title for m in members if m.best_title).most_common(3)
        groups.append(QuestionGap(len(members), members[:config["CONTENT_GAP_EXAMPLES"]], suggested))
    return QuestionGaps(len(tickets), len(items), groups[:config["CONTENT_GAP_GROUPS"]])

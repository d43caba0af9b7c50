"""What agents taught triage, for admins to review and undo: one misclick must not steer every similar mail.

Lessons are the TriageFeedback rows (a category correction, the article used for a reply). Undoing deletes
them through the ORM, so the same hooks as a new correction fire: this process forgets its Triager at once and
the commit bumps the `triage` change counter, which makes every other node rebuild (helpdesk/index_sync.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from knowledge.categories import CATEGORY_LABELS, label

from ..extensions import db
from ..ids import parse_id
from ..models import Article, TriageFeedback, User, record_event, utcnow
from .service import FEEDBACK_HALF_LIFE_DAYS, feedback_decay

PAGE_SIZE = 50  # lessons on one page of /admin/triage
MAX_UNDO = 200  # lessons one undo may remove (a page holds fewer)
KIND_LABELS = {"category": "Categorie gecorrigeerd", "article": "Artikel gekozen"}


@dataclass(frozen=True)
class FeedbackFilter:
    """Which lessons the review page shows: of one kind, taught by one agent, about one category."""

    kind: str = ""
    agent_id: int | None = None
    category: str = ""

    @classmethod
    def from_args(cls, args: Any) -> FeedbackFilter:
        """From the page's query string (or the undo form's hidden copy of it); unknown values mean 'all'."""
        kind = args.get("soort") or ""
        category = args.get("categorie") or ""
        return cls(kind=kind if kind in KIND_LABELS else "", agent_id=parse_id(args.get("medewerker")),
                   category=category if category in CATEGORY_LABELS else "")

    def query_args(self) -> dict[str, str]:
        values = {"soort": self.kind, "medewerker": self.agent_id, "categorie": self.category}
        return {key: str(value) for key, value in values.items() if value}

    def statement(self) -> Select:
        stmt = select(TriageFeedback)
        if self.kind:
            stmt = stmt.where(TriageFeedback.kind == self.kind)
        if self.agent_id:
            stmt = stmt.where(TriageFeedback.user_id == self.agent_id)
        if self.category:
            stmt = stmt.where(TriageFeedback.category == self.category)
        return stmt


@dataclass(frozen=True)
class Lesson:
    """One lesson as the review page shows it: the row, what it teaches and how much it still counts."""

    feedback: TriageFeedback
    text: str
    weight: str


@dataclass(frozen=True)
class FeedbackPage:
    lessons: list[Lesson]
    total: int
    page: int

    @property
    def has_more(self) -> bool:
        return self.total > self.page * PAGE_SIZE


def feedback_page(f: FeedbackFilter, page: int = 1) -> FeedbackPage:
    """One page of matching lessons, newest first, and how many match."""
    page = max(page, 1)
    total = db.session.scalar(select(func.count()).select_from(f.statement().subquery())) or 0
    rows = db.session.scalars(f.statement().options(selectinload(TriageFeedback.user),
                                                    selectinload(TriageFeedback.ticket))
                              .order_by(TriageFeedback.created_at.desc(), TriageFeedback.id.desc())
                              .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    titles = _article_titles(r.article_slug for r in rows if r.article_slug)
    now = utcnow()
    return FeedbackPage([Lesson(r, describe_lesson(r, titles), weight_text(r, now)) for r in rows], total, page)


def _article_titles(slugs: Iterable[str]) -> dict[str, str]:
    wanted = set(slugs)
    if not wanted:
        return {}
    return {slug: title for slug, title in db.session.execute(select(Article.slug, Article.title)
                                                                .where(Article.slug.in_(wanted)))}


def describe_lesson(feedback: TriageFeedback, titles: dict[str, str] | None = None) -> str:
    """What the lesson teaches, in the interface's words: "categorie: Overig → Kosten", "artikel gekozen: …"."""
    if feedback.kind == "article":
        slug = feedback.article_slug or ""
        return f"artikel gekozen: {(titles or {}).get(slug, slug) or 'onbekend'}"
    if feedback.previous_category:
        return f"categorie: {_category(feedback.previous_category)} → {_category(feedback.category)}"
    return f"categorie: {_category(feedback.category)}"


def _category(key: str | None) -> str:
    """A category's label; a key no longer in the list is shown as stored."""
    return label(key, key or "geen")


def weight_text(feedback: TriageFeedback, now: datetime) -> str:
    """How much the lesson counts now, in plain Dutch (triage/service.py's decay, no raw numbers of the model)."""
    if feedback.kind == "article":
        return "telt volledig mee (een gekozen artikel verzwakt niet met de tijd)"
    if feedback.category not in CATEGORY_LABELS:
        return "telt niet mee: deze categorie bestaat niet meer"
    share = round(feedback_decay(feedback.created_at, now) * 100)
    if share >= 95:
        return "telt volledig mee"
    days = round(FEEDBACK_HALF_LIFE_DAYS)
    return f"telt nog voor {max(share, 1)}% mee (een les telt na {days} dagen nog maar half)"


def teaching_agents() -> list[User]:
    """The staff who taught at least one lesson still stored, by name: the review page's agent filter."""
    taught = select(TriageFeedback.user_id).where(TriageFeedback.user_id.is_not(None)).distinct()
    users = db.session.scalars(select(User).where(User.id.in_(taught))).all()
    return sorted(users, key=lambda u: u.display_name.lower())


def lesson_ids(values: Iterable[str]) -> tuple[list[int], int]:
    """The ids in submitted form values (each at most once), and how many values were no id at all."""
    ids: list[int] = []
    bad = 0
    for value in values:
        number = parse_id(value)
        if number is None:
            bad += 1
        elif number not in ids:
            ids.append(number)
    return ids, bad


class FeedbackError(ValueError):
    """A request to undo lessons that cannot be done as asked; the message is for the admin."""


@dataclass(frozen=True)
class UndoResult:
    removed: int
    missing: int  # chosen ids that were no stored lesson (already undone, or never one)


def undo_feedback(ids: Iterable[int], actor: User) -> UndoResult:
    """Delete the chosen lessons and audit it; every node's triage forgets them after the caller's commit.

    Ids that are no lesson are skipped and counted; more than MAX_UNDO at once is refused (a page holds fewer)."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        raise FeedbackError("Vink eerst een of meer lessen aan.")
    if len(wanted) > MAX_UNDO:
        raise FeedbackError(f"Kies hoogstens {MAX_UNDO} lessen tegelijk.")
    rows = db.session.scalars(select(TriageFeedback).where(TriageFeedback.id.in_(wanted))
                              .order_by(TriageFeedback.id)).all()
    if rows:
        titles = _article_titles(r.article_slug for r in rows if r.article_slug)
        record_event("triage_feedback_undone", user=actor, count=len(rows),
                     lessons=[_audit_line(r, titles) for r in rows])
        for row in rows:
            db.session.delete(row)
        db.session.flush()
    return UndoResult(removed=len(rows), missing=len(wanted) - len(rows))


def _audit_line(feedback: TriageFeedback, titles: dict[str, str]) -> str:
    """The lesson for the audit log: no subject or mail text (they may name a person; the log outlives them)."""
    who = feedback.user.email if feedback.user else "onbekend"
    ticket = f", ticket {feedback.ticket_id}" if feedback.ticket_id else ""
    return f"les {feedback.id}: {describe_lesson(feedback, titles)} (door {who}{ticket})"

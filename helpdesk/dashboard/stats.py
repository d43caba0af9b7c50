"""Figures for the dashboard: one GROUP BY per chart over a covering index, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Date, DateTime, Integer, and_, case, cast, func, literal, select

from knowledge.categories import CATEGORY_LABELS, NO_CATEGORY

from ..extensions import db
from ..models import Article, Ticket, utcnow

WEEKS = 8
AGE_BUCKETS = (("< 1 dag", 0, 1), ("1–3 dagen", 1, 3), ("3–7 dagen", 3, 7), ("1–2 weken", 7, 14),
               ("> 2 weken", 14, None))
OPEN = ("new", "open", "pending")


@dataclass
class Week:
    start: datetime
    end: datetime

    @property
    def label(self) -> str:
        return f"wk {self.start.isocalendar().week}"

    @property
    def long_label(self) -> str:
        return f"week {self.start.isocalendar().week} ({self.start:%d-%m})"


def recent_weeks(now: datetime | None = None, count: int = WEEKS) -> list[Week]:
    """The last `count` ISO weeks (Monday 00:00 UTC), oldest first, the current one included."""
    now = now or utcnow()
    monday = datetime.combine(date.fromordinal(now.date().toordinal() - now.weekday()), datetime.min.time())
    return [Week(monday - timedelta(weeks=i), monday - timedelta(weeks=i - 1)) for i in reversed(range(count))]


def _day(column: Any) -> Any:
    """SQL: the calendar day (UTC) of a timestamp; on SQLite the date part of the stored ISO text, far cheaper
    than date arithmetic on every row."""
    if db.engine.dialect.name == "sqlite":
        return func.substr(column, 1, 10)
    return cast(column, Date)


def _week_of(day: Any, weeks: list[Week]) -> int | None:
    """The index in `weeks` of a day `_day` returned (a date, or ISO text on SQLite), None outside them."""
    if day is None:
        return None
    index = (date.fromisoformat(str(day)[:10]) - weeks[0].start.date()).days // 7
    return index if 0 <= index < len(weeks) else None


def _hours_between(later: Any, earlier: Any) -> Any:
    if db.engine.dialect.name == "sqlite":
        return (func.julianday(later) - func.julianday(earlier)) * 24
    return func.extract("epoch", later - earlier) / 3600


def tickets_per_category_per_week(weeks: list[Week]) -> dict[str, list[int]]:
    """Questions received per category (and 'none') per week, in one GROUP BY over (category, day)."""
    day = _day(Ticket.created_at)
    rows = db.session.execute(select(Ticket.category, day, func.count(Ticket.id)).where(
        Ticket.kind == "question", Ticket.created_at >= weeks[0].start).group_by(Ticket.category, day)).all()
    out = {key: [0] * len(weeks) for key in CATEGORY_LABELS}
    for category, when, count in rows:
        key = category if category in CATEGORY_LABELS else NO_CATEGORY.key
        index = _week_of(when, weeks)
        if index is not None:
            out.setdefault(key, [0] * len(weeks))[index] += int(count)
    return out


def open_by_age(now: datetime | None = None) -> list[tuple[str, int]]:
    """Open questions by how long the requester has waited."""
    now = now or utcnow()
    columns = []
    for _label, low, high in AGE_BUCKETS:
        cond = Ticket.waiting_since <= now - timedelta(days=low)
        if high is not None:
            cond = and_(cond, Ticket.waiting_since > now - timedelta(days=high))
        columns.append(func.sum(case((cond, 1), else_=0)))
    row = db.session.execute(select(*columns).where(Ticket.kind == "question", Ticket.status.in_(OPEN),
                                                    Ticket.waiting_since.is_not(None))).one()
    return [(label, int(value or 0)) for (label, _l, _h), value in zip(AGE_BUCKETS, row, strict=True)]


def median_first_response_hours(weeks: list[Week]) -> list[float | None]:
    """Median hours from arrival to first reply, per week of arrival (None when nothing was answered).

    The database ranks the replies within each week and returns only the one or two middle ones per week."""
    start = weeks[0].start
    week = cast(func.floor(_hours_between(Ticket.created_at, literal(start, DateTime)) / (7 * 24)), Integer)
    hours = _hours_between(Ticket.first_response_at, Ticket.created_at)
    ranked = select(week.label("week"), hours.label("hours"),
                    func.row_number().over(partition_by=week, order_by=hours).label("rank"),
                    func.count().over(partition_by=week).label("n")).where(
        Ticket.kind == "question", Ticket.first_response_at.is_not(None), Ticket.created_at >= start).subquery()
    middle = select(ranked.c.week, ranked.c.hours).where(
        ranked.c.rank.in_([(ranked.c.n + 1) // 2, (ranked.c.n + 2) // 2]))  # the middle rank, or two
    per_week: list[list[float]] = [[] for _ in weeks]
    for index, value in db.session.execute(middle).all():
        if index is not None and value is not None and 0 <= int(index) < len(weeks):
            per_week[int(index)].append(max(float(value), 0.0))
    return [round(statistics.median(v), 1) if v else None for v in per_week]


def most_used_articles(limit: int = 8) -> list[tuple[str, str, int]]:
    """Articles most often used for replies: (slug, title, tickets)."""
    count = func.count(Ticket.id)
    rows = db.session.execute(select(Ticket.used_article_slug, count).where(Ticket.used_article_slug.is_not(None))
                              .group_by(Ticket.used_article_slug).order_by(count.desc()).limit(limit)).all()
    titles = dict(db.session.execute(select(Article.slug, Article.title).where(
        Article.slug.in_([slug for slug, _n in rows]))).all()) if rows else {}
    return [(slug, titles.get(slug, slug), int(n)) for slug, n in rows]


def suggested_article_share(weeks: list[Week]) -> tuple[list[tuple[int, int]], tuple[int, int]]:
    """Per week of the first reply and overall: (answered with a suggested article, answered)."""
    used = func.sum(case((Ticket.used_article_slug.is_not(None), 1), else_=0))
    answered = and_(Ticket.kind == "question", Ticket.first_response_at.is_not(None))
    total_row = db.session.execute(select(used, func.count(Ticket.id)).where(answered)).one()
    day = _day(Ticket.first_response_at)
    per_week = [[0, 0] for _ in weeks]
    rows = db.session.execute(select(day, used, func.count(Ticket.id)).where(
        answered, Ticket.first_response_at >= weeks[0].start).group_by(day)).all()
    for when, with_article, count in rows:
        index = _week_of(when, weeks)
        if index is not None:
            per_week[index][0] += int(with_article or 0)
            per_week[index][1] += int(count)
    return [(a, b) for a, b in per_week], (int(total_row[0] or 0), int(total_row[1] or 0))


def within_target_share(weeks: list[Week]) -> list[tuple[int, int]]:
    """Per week of arrival: (first answer within the working-day target, answered)."""
    day = _day(Ticket.created_at)
    on_time = func.sum(case((Ticket.first_response_at <= Ticket.first_due_at, 1), else_=0))
    rows = db.session.execute(select(day, on_time, func.count(Ticket.id)).where(
        Ticket.kind == "question", Ticket.first_response_at.is_not(None), Ticket.first_due_at.is_not(None),
        Ticket.created_at >= weeks[0].start).group_by(day)).all()
    per_week = [[0, 0] for _ in weeks]
    for when, within, count in rows:
        index = _week_of(when, weeks)
        if index is not None:
            per_week[index][0] += int(within or 0)
            per_week[index][1] += int(count)
    return [(a, b) for a, b in per_week]


def overdue_count(now: datetime | None = None) -> int:
    """Open questions whose answer is past its deadline."""
    return int(db.session.scalar(select(func.count(Ticket.id)).where(
        Ticket.kind == "question", Ticket.status.in_(("new", "open")), Ticket.due_at < (now or utcnow()))) or 0)

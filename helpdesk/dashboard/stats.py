"""What the dashboard's figures are made of: the weeks, the SQL helpers, the exact median query (run per week by
the rollup, rollup.py), and the two figures about the present, queried live over the queue indexes."""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Date, DateTime, Integer, cast, func, literal, select

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
    return [Week(start, start + timedelta(weeks=1)) for start in
            (week_start(now.date()) - timedelta(weeks=i) for i in reversed(range(count)))]


def week_start(day: date) -> datetime:
    """Monday 00:00 (UTC) of the ISO week of `day`."""
    return datetime.combine(day - timedelta(days=day.weekday()), datetime.min.time())


def day_of(column: Any) -> Any:
    """SQL: the calendar day (UTC) of a timestamp; on SQLite the date part of the stored ISO text, far cheaper
    than date arithmetic on every row."""
    if db.engine.dialect.name == "sqlite":
        return func.substr(column, 1, 10)
    return cast(column, Date)


def as_date(day: Any) -> date:
    """A day as `day_of` or a Date column returns it (a date, or ISO text on SQLite)."""
    return day if isinstance(day, date) and not isinstance(day, datetime) else date.fromisoformat(str(day)[:10])


def week_index(day: Any, weeks: list[Week]) -> int | None:
    """The index in `weeks` of a day (see `as_date`), None outside them."""
    if day is None:
        return None
    index = (as_date(day) - weeks[0].start.date()).days // 7
    return index if 0 <= index < len(weeks) else None


def sum_per_week(rows: Iterable[Sequence[Any]], weeks: list[Week], width: int) -> list[tuple[int, ...]]:
    """Rows of (day, value, …) summed per week, `width` values each; days outside the weeks are left out."""
    out = [[0] * width for _ in weeks]
    for when, *values in rows:
        index = week_index(when, weeks)
        if index is not None:
            for i, value in enumerate(values):
                out[index][i] += int(value or 0)
    return [tuple(v) for v in out]


def per_category_per_week(rows: Iterable[Sequence[Any]], weeks: list[Week]) -> dict[str, list[int]]:
    """Rows of (category, day, count) summed per category (unknown ones and none: 'no category') and week."""
    out = {key: [0] * len(weeks) for key in CATEGORY_LABELS}
    for category, when, count in rows:
        key = category if category in CATEGORY_LABELS else NO_CATEGORY.key
        index = week_index(when, weeks)
        if index is not None:
            out.setdefault(key, [0] * len(weeks))[index] += int(count)
    return out


def with_titles(rows: Iterable[Sequence[Any]]) -> list[tuple[str, str, int]]:
    """(slug, tickets) rows with the articles' titles: (slug, title, tickets); a gone article by its slug."""
    rows = list(rows)
    titles = dict(db.session.execute(select(Article.slug, Article.title).where(
        Article.slug.in_([slug for slug, _n in rows]))).all()) if rows else {}
    return [(slug, titles.get(slug, slug), int(n)) for slug, n in rows]


def hours_between(later: Any, earlier: Any) -> Any:
    if db.engine.dialect.name == "sqlite":
        return (func.julianday(later) - func.julianday(earlier)) * 24
    return func.extract("epoch", later - earlier) / 3600


def week_medians(weeks: list[Week]) -> list[float | None]:
    """Median hours from arrival to first reply per week of arrival, unrounded (None: nothing answered), for
    consecutive weeks. The database ranks the replies within each week and returns only the one or two middle
    ones per week."""
    start = weeks[0].start
    week = cast(func.floor(hours_between(Ticket.created_at, literal(start, DateTime)) / (7 * 24)), Integer)
    hours = hours_between(Ticket.first_response_at, Ticket.created_at)
    ranked = select(week.label("week"), hours.label("hours"),
                    func.row_number().over(partition_by=week, order_by=hours).label("rank"),
                    func.count().over(partition_by=week).label("n")).where(
        Ticket.kind == "question", Ticket.first_response_at.is_not(None), Ticket.created_at >= start,
        Ticket.created_at < weeks[-1].end).subquery()
    middle = select(ranked.c.week, ranked.c.hours).where(
        ranked.c.rank.in_([(ranked.c.n + 1) // 2, (ranked.c.n + 2) // 2]))  # the middle rank, or two
    per_week: list[list[float]] = [[] for _ in weeks]
    for index, value in db.session.execute(middle).all():
        if index is not None and value is not None and 0 <= int(index) < len(weeks):
            per_week[int(index)].append(max(float(value), 0.0))
    return [statistics.median(v) if v else None for v in per_week]


def shown_hours(median: float | None) -> float | None:
    """A median as the dashboard shows it: hours to one decimal."""
    return None if median is None else round(median, 1)


def median_first_response_hours(weeks: list[Week]) -> list[float | None]:
    """Median hours from arrival to first reply, per week of arrival, straight from the tickets."""
    return [shown_hours(m) for m in week_medians(weeks)]


def open_by_age(now: datetime | None = None) -> list[tuple[str, int]]:
    """Open questions by how long the requester has waited: one counted range of the queue index
    (kind, status, waiting_since) per bucket, no expression evaluated per row."""
    now = now or utcnow()
    out = []
    for label, low, high in AGE_BUCKETS:
        query = select(func.count()).select_from(Ticket).where(
            Ticket.kind == "question", Ticket.status.in_(OPEN), Ticket.waiting_since <= now - timedelta(days=low))
        if high is not None:
            query = query.where(Ticket.waiting_since > now - timedelta(days=high))
        out.append((label, int(db.session.scalar(query) or 0)))
    return out


def overdue_count(now: datetime | None = None) -> int:
    """Open questions whose answer is past its deadline."""
    return int(db.session.scalar(select(func.count(Ticket.id)).where(
        Ticket.kind == "question", Ticket.status.in_(("new", "open")), Ticket.due_at < (now or utcnow()))) or 0)

"""The dashboard's rollups: per day and category the counts, per arrival week the median, so a page sums a few
hundred rows instead of reading every ticket of the period.

They stay right without anyone's help: triggers on `tickets` (migration 0014) log, in the changing transaction,
the old and new arrival and first-reply day of every inserted, changed or deleted ticket, whatever wrote it
(the ORM, a bulk UPDATE, retention, a merge, a migration). `refresh_rollups` claims the logged days and rebuilds
exactly those from the tickets; the page refreshes before it reads, and so does `flask jobs run`. The readers
return what the queries over the tickets return (tests/support/dashboard.py), figure for figure."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, delete, func, insert, select

from ..extensions import db
from ..locks import lock_transaction
from ..models import DashboardArticleDay, DashboardDay, DashboardDirtyDay, DashboardWeekMedian, Ticket
from .stats import (
    Week,
    as_date,
    day_of,
    per_category_per_week,
    shown_hours,
    sum_per_week,
    week_medians,
    week_start,
    with_titles,
)

LOCK = "dashboard_rollup"
COUNTS = ("received", "answered", "on_time", "replies", "with_article")


def refresh_rollups() -> dict[str, int]:
    """Rebuild the rows of every day (and the median of every week) logged since the last refresh; returns how
    many. The caller commits; a rollback leaves the log as it was.

    Safe on several nodes at once: refreshes run one after another (lock_transaction), each claims the logged
    rows with one DELETE … RETURNING, and a change committed meanwhile leaves its own row for the next refresh."""
    if db.session.scalar(select(DashboardDirtyDay.id).limit(1)) is None:
        return {"days": 0, "weeks": 0}
    lock_transaction(LOCK)
    claimed = db.session.execute(delete(DashboardDirtyDay).returning(DashboardDirtyDay.day, DashboardDirtyDay.answers)
                                 .execution_options(synchronize_session=False)).all()
    days = {as_date(day) for day, _answers in claimed}
    weeks = {week_start(as_date(day)).date() for day, answers in claimed if answers}
    for first, end in _ranges(days, step=1):
        _rebuild_days(first, end)
    for first, end in _ranges(weeks, step=7):
        _rebuild_weeks(first, end)
    return {"days": len(days), "weeks": len(weeks)}


def _ranges(values: Iterable[date], step: int) -> list[tuple[date, date]]:
    """Values `step` days apart as [first, end) ranges: one query per range of days, not one per day."""
    ranges: list[tuple[date, date]] = []
    for value in sorted(values):
        if ranges and ranges[-1][1] == value:
            ranges[-1] = (ranges[-1][0], value + timedelta(days=step))
        else:
            ranges.append((value, value + timedelta(days=step)))
    return ranges


def _midnight(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time())


def _count_if(condition: Any) -> Any:
    return func.sum(case((condition, 1), else_=0))


def _rebuild_days(first: date, end: date) -> None:
    """Replace the day rows of [first, end) by what the tickets say now."""
    start, stop = _midnight(first), _midnight(end)
    for model in (DashboardDay, DashboardArticleDay):
        db.session.execute(delete(model).where(model.day >= first, model.day < end))
    rows = _day_counts(start, stop)
    if rows:
        db.session.execute(insert(DashboardDay), rows)
    day = day_of(Ticket.created_at)
    articles = db.session.execute(select(day, Ticket.used_article_slug, func.count()).where(
        Ticket.used_article_slug.is_not(None), Ticket.created_at >= start, Ticket.created_at < stop)
        .group_by(day, Ticket.used_article_slug)).all()
    if articles:
        db.session.execute(insert(DashboardArticleDay), [
            {"day": as_date(when), "slug": slug, "tickets": int(n)} for when, slug, n in articles])


def _day_counts(start: datetime, stop: datetime) -> list[dict[str, Any]]:
    """The day rows of [start, stop): arrivals by arrival day, first replies by the day of the first reply."""
    rows: dict[tuple[date, str], dict[str, Any]] = {}

    def add(when: Any, category: str | None, **values: Any) -> None:
        key = (as_date(when), category or "")
        row = rows.setdefault(key, {"day": key[0], "category": key[1], **dict.fromkeys(COUNTS, 0)})
        for name, value in values.items():
            row[name] += int(value or 0)

    answered = and_(Ticket.first_response_at.is_not(None), Ticket.first_due_at.is_not(None))
    day = day_of(Ticket.created_at)
    for when, category, received, n_answered, on_time in db.session.execute(select(
            day, Ticket.category, func.count(), _count_if(answered),
            _count_if(and_(answered, Ticket.first_response_at <= Ticket.first_due_at))).where(
            Ticket.kind == "question", Ticket.created_at >= start, Ticket.created_at < stop)
            .group_by(day, Ticket.category)):
        add(when, category, received=received, answered=n_answered, on_time=on_time)
    day = day_of(Ticket.first_response_at)
    for when, category, replies, with_article in db.session.execute(select(
            day, Ticket.category, func.count(), _count_if(Ticket.used_article_slug.is_not(None))).where(
            Ticket.kind == "question", Ticket.first_response_at >= start, Ticket.first_response_at < stop)
            .group_by(day, Ticket.category)):
        add(when, category, replies=replies, with_article=with_article)
    return list(rows.values())


def _rebuild_weeks(first: date, end: date) -> None:
    """Replace the medians of the weeks in [first, end) by the exact query's (the same as over a whole period)."""
    weeks = [Week(_midnight(first) + timedelta(weeks=i), _midnight(first) + timedelta(weeks=i + 1))
             for i in range((end - first).days // 7)]
    db.session.execute(delete(DashboardWeekMedian).where(DashboardWeekMedian.week >= first,
                                                         DashboardWeekMedian.week < end))
    medians = [{"week": w.start.date(), "hours": m} for w, m in zip(weeks, week_medians(weeks), strict=True)
               if m is not None]
    if medians:
        db.session.execute(insert(DashboardWeekMedian), medians)


def _in_period(column: Any, weeks: list[Week]) -> Any:
    return and_(column >= weeks[0].start.date(), column < weeks[-1].end.date())


def tickets_per_category_per_week(weeks: list[Week]) -> dict[str, list[int]]:
    """Questions received per category (and 'none') per week."""
    return per_category_per_week(db.session.execute(select(
        DashboardDay.category, DashboardDay.day, DashboardDay.received).where(_in_period(DashboardDay.day, weeks))),
        weeks)


def median_first_response_hours(weeks: list[Week]) -> list[float | None]:
    """Median hours from arrival to first reply, per week of arrival (None when nothing was answered)."""
    stored = dict(db.session.execute(select(DashboardWeekMedian.week, DashboardWeekMedian.hours).where(
        _in_period(DashboardWeekMedian.week, weeks))).all())
    return [shown_hours(stored.get(w.start.date())) for w in weeks]


def most_used_articles(limit: int = 8) -> list[tuple[str, str, int]]:
    """Articles most often used for replies: (slug, title, tickets), ties by slug."""
    total = func.sum(DashboardArticleDay.tickets)
    return with_titles(db.session.execute(select(DashboardArticleDay.slug, total).group_by(DashboardArticleDay.slug)
                                          .order_by(total.desc(), DashboardArticleDay.slug).limit(limit)).all())


def suggested_article_share(weeks: list[Week]) -> tuple[list[tuple[int, ...]], tuple[int, int]]:
    """Per week of the first reply and overall: (answered with a suggested article, answered)."""
    rows = db.session.execute(select(DashboardDay.day, DashboardDay.with_article, DashboardDay.replies).where(
        _in_period(DashboardDay.day, weeks)))
    used, answered = db.session.execute(select(func.sum(DashboardDay.with_article),
                                               func.sum(DashboardDay.replies))).one()
    return sum_per_week(rows, weeks, 2), (int(used or 0), int(answered or 0))


def within_target_share(weeks: list[Week]) -> list[tuple[int, ...]]:
    """Per week of arrival: (first answer within the working-day target, answered)."""
    return sum_per_week(db.session.execute(select(DashboardDay.day, DashboardDay.on_time, DashboardDay.answered)
                                           .where(_in_period(DashboardDay.day, weeks))), weeks, 2)

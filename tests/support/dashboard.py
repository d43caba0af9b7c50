"""The dashboard's figures straight from the tickets: the queries the page ran before the rollups (issue 18),
kept as the reference the rollups must equal, figure for figure."""

from __future__ import annotations

import sys
from types import ModuleType
from typing import Any

from sqlalchemy import and_, case, func, select

from helpdesk.dashboard import figures as dashboard_figures
from helpdesk.dashboard.stats import (
    Week,
    day_of,
    median_first_response_hours,
    per_category_per_week,
    sum_per_week,
    with_titles,
)
from helpdesk.extensions import db
from helpdesk.models import Ticket

__all__ = ["median_first_response_hours", "most_used_articles", "period_figures", "reference_figures",
           "suggested_article_share", "tickets_per_category_per_week", "within_target_share"]
PERIOD_FIGURES = ("tickets_per_category_per_week", "median_first_response_hours", "suggested_article_share",
                  "within_target_share")


def tickets_per_category_per_week(weeks: list[Week]) -> dict[str, list[int]]:
    """Questions received per category (and 'none') per week."""
    day = day_of(Ticket.created_at)
    rows = db.session.execute(select(Ticket.category, day, func.count(Ticket.id)).where(
        Ticket.kind == "question", Ticket.created_at >= weeks[0].start).group_by(Ticket.category, day)).all()
    return per_category_per_week(rows, weeks)


def most_used_articles(limit: int = 8) -> list[tuple[str, str, int]]:
    """Articles most often used for replies: (slug, title, tickets), ties by slug."""
    count = func.count(Ticket.id)
    return with_titles(db.session.execute(select(Ticket.used_article_slug, count).where(
        Ticket.used_article_slug.is_not(None)).group_by(Ticket.used_article_slug).order_by(
        count.desc(), Ticket.used_article_slug).limit(limit)).all())


def suggested_article_share(weeks: list[Week]) -> tuple[list[tuple[int, ...]], tuple[int, int]]:
    """Per week of the first reply and overall: (answered with a suggested article, answered)."""
    used = func.sum(case((Ticket.used_article_slug.is_not(None), 1), else_=0))
    answered = and_(Ticket.kind == "question", Ticket.first_response_at.is_not(None))
    total_row = db.session.execute(select(used, func.count(Ticket.id)).where(answered)).one()
    day = day_of(Ticket.first_response_at)
    rows = db.session.execute(select(day, used, func.count(Ticket.id)).where(
        answered, Ticket.first_response_at >= weeks[0].start).group_by(day)).all()
    return sum_per_week(rows, weeks, 2), (int(total_row[0] or 0), int(total_row[1] or 0))


def within_target_share(weeks: list[Week]) -> list[tuple[int, ...]]:
    """Per week of arrival: (first answer within the working-day target, answered)."""
    day = day_of(Ticket.created_at)
    on_time = func.sum(case((Ticket.first_response_at <= Ticket.first_due_at, 1), else_=0))
    rows = db.session.execute(select(day, on_time, func.count(Ticket.id)).where(
        Ticket.kind == "question", Ticket.first_response_at.is_not(None), Ticket.first_due_at.is_not(None),
        Ticket.created_at >= weeks[0].start).group_by(day)).all()
    return sum_per_week(rows, weeks, 2)


def period_figures(weeks: list[Week], source: ModuleType | None = None) -> tuple:
    """The figures about a period, and the articles used, from `source` (this reference by default;
    helpdesk.dashboard.rollup for the rollups)."""
    source = source or sys.modules[__name__]
    return (*(getattr(source, name)(weeks) for name in PERIOD_FIGURES), source.most_used_articles())


def reference_figures(count: int) -> dict[str, Any]:
    """Everything the dashboard shows for a period of `count` weeks, computed from the tickets alone."""
    return dashboard_figures.figures(count, source=sys.modules[__name__])

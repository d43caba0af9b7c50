"""Rollups of the dashboard: per-day counts and per-week medians, rebuilt from the tickets for the days that the
database triggers of migration 0014 noted as changed (helpdesk/dashboard/rollup.py)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, Float, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class DashboardDay(db.Model):
    """Question tickets of one UTC day and category ('' for none): arrivals by their arrival day, first
    replies by the day of the first reply."""

    __tablename__ = "dashboard_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    category: Mapped[str] = mapped_column(String(20), primary_key=True)
    received: Mapped[int] = mapped_column(Integer, default=0)
    answered: Mapped[int] = mapped_column(Integer, default=0)  # arrived this day, answered, with a first target
    on_time: Mapped[int] = mapped_column(Integer, default=0)  # of those, first reply at or before the target
    replies: Mapped[int] = mapped_column(Integer, default=0)  # first replied this day
    with_article: Mapped[int] = mapped_column(Integer, default=0)  # of those, with a suggested article used


class DashboardArticleDay(db.Model):
    """Tickets (any kind) arrived on one day whose reply used an article, per article."""

    __tablename__ = "dashboard_article_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    slug: Mapped[str] = mapped_column(String(200), primary_key=True)
    tickets: Mapped[int] = mapped_column(Integer, default=0)


class DashboardWeekMedian(db.Model):
    """The median hours to the first reply of the questions arrived in one ISO week (Monday, UTC); a median is
    no sum of days, so it is kept per week, computed by the same query as over the whole period."""

    __tablename__ = "dashboard_week_medians"

    week: Mapped[date] = mapped_column(Date, primary_key=True)
    hours: Mapped[float] = mapped_column(Float)


class DashboardDirtyDay(db.Model):
    """A day whose rollup rows no longer match the tickets, written by the tickets' triggers in the changing
    transaction; `answers`: an answered ticket of this arrival day changed, so its week's median too."""

    __tablename__ = "dashboard_dirty_days"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    answers: Mapped[bool] = mapped_column(Boolean, default=False)

"""Response targets in working days: office hours on weekdays that are not Dutch public holidays.

A target of N working days means: the answer is due when N full office days of office time have passed since
the mail arrived (a mail outside office hours starts the clock at the next opening). The holidays come from the
maintained `holidays` library, never from a hand-kept list. Every ticket keeps its deadlines in two columns,
filled in before each flush, so the queue can sort on an index: `due_at` (the waiting mail's answer) and
`first_due_at` (the first answer, for the dashboard's share answered within target).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session, attributes

from ..config import defaults
from ..models import Ticket, utcnow

MAX_TARGET_DAYS = 60  # bounds the walk over the calendar


class OfficeCalendar:
    """Office hours in one time zone; weekends and the country's public holidays are closed."""

    def __init__(self, hours: str = "09:00-17:00", zone: str = "Europe/Amsterdam", country: str = "NL") -> None:
        start, _, end = hours.partition("-")
        self.opens, self.closes = time.fromisoformat(start.strip()), time.fromisoformat(end.strip())
        if self.closes <= self.opens:
            raise ValueError(f"kantoortijden {hours!r}: het einde ligt niet na het begin")
        self.zone, self.country = ZoneInfo(zone), country

    @lru_cache(maxsize=64)  # noqa: B019 - a handful of calendars live as long as the process
    def _holidays(self, year: int) -> Any:
        import holidays  # ~60 ms to import: only for what computes a due date, not for every command's start

        return holidays.country_holidays(self.country, years=year)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self._holidays(day.year)

    def add_working_days(self, start_utc: datetime, days: int) -> datetime:
        """The moment `days` office days of office time after `start_utc` (naive UTC in, naive UTC out)."""
        local = start_utc.replace(tzinfo=ZoneInfo("UTC")).astimezone(self.zone)
        day, clock = local.date(), local.time().replace(tzinfo=None)
        if not self.is_working_day(day) or clock >= self.closes:
            day, clock = self._next_working_day(day), self.opens
        elif clock < self.opens:
            clock = self.opens
        for _ in range(min(max(days, 0), MAX_TARGET_DAYS)):
            day = self._next_working_day(day)
        due = datetime.combine(day, clock, tzinfo=self.zone)
        return due.astimezone(ZoneInfo("UTC")).replace(tzinfo=None)

    def _next_working_day(self, day: date) -> date:
        day += timedelta(days=1)
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day


@lru_cache(maxsize=8)
def _calendar(hours: str, zone: str, country: str) -> OfficeCalendar:
    return OfficeCalendar(hours, zone, country)


def _config() -> dict[str, Any]:
    return current_app.config if has_app_context() else defaults()


def calendar() -> OfficeCalendar:
    """The configured office calendar (OFFICE_HOURS, OFFICE_TIMEZONE, HOLIDAY_COUNTRY)."""
    config = _config()
    return _calendar(config["OFFICE_HOURS"], config["OFFICE_TIMEZONE"], config["HOLIDAY_COUNTRY"])


def target_days(category: str | None) -> int:
    """Working days for an answer in this category (RESPONSE_TARGETS, else RESPONSE_TARGET_DAYS)."""
    config = _config()
    return int(config["RESPONSE_TARGETS"].get(category or "", config["RESPONSE_TARGET_DAYS"]))


def due_after(start: datetime, category: str | None) -> datetime:
    return calendar().add_working_days(start, target_days(category))


def _changed(ticket: Ticket, *names: str) -> bool:
    return any(attributes.get_history(ticket, name).has_changes() for name in names)


def fill_deadlines(ticket: Ticket) -> None:
    """Set `due_at` from the waiting mail and `first_due_at` from the arrival, for questions only."""
    if (ticket.kind or "question") != "question":  # column defaults are filled in only on INSERT
        ticket.due_at = ticket.first_due_at = None
        return
    new = ticket.id is None
    if ticket.waiting_since is None:
        ticket.due_at = None
    elif new or ticket.due_at is None or _changed(ticket, "waiting_since", "category"):
        ticket.due_at = due_after(ticket.waiting_since, ticket.category)
    if new or ticket.first_due_at is None or (ticket.first_response_at is None
                                               and _changed(ticket, "category", "created_at")):
        ticket.first_due_at = due_after(ticket.created_at or utcnow(), ticket.category)


@event.listens_for(Session, "before_flush")
def _deadlines_before_flush(session: Session, _context: Any, _instances: Any) -> None:
    for obj in (*session.new, *session.dirty):
        if isinstance(obj, Ticket):
            fill_deadlines(obj)


def is_overdue(ticket: Ticket, now: datetime) -> bool:
    return ticket.due_at is not None and ticket.status in ("new", "open") and ticket.due_at < now

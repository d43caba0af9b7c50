"""The retention periods in force: what an admin set on /admin/retention (stored in `app_settings`), else the
environment's HELPDESK_RETENTION_* (config defaults). Every change is an audit event with the old and new value."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from ..extensions import db
from ..models import AppSetting, User, record_event, utcnow


@dataclass(frozen=True)
class Period:
    key: str  # the config key (and the app_settings key)
    label: str
    lowest: int  # months
    highest: int


PERIODS = (
    Period("RETENTION_TICKET_MONTHS", "Gesloten tickets anonimiseren na", 1, 120),
    Period("RETENTION_FILES_MONTHS", "Originele mails en bijlagen van gesloten tickets verwijderen na", 1, 120),
    Period("RETENTION_SEARCH_LOG_MONTHS", "Zoekopdrachten in de FAQ verwijderen na", 1, 120),
    Period("RETENTION_AUDIT_MONTHS", "Gebeurtenissen in het auditlog verwijderen na", 6, 120),
)
KEYS = tuple(p.key for p in PERIODS)


class PeriodError(ValueError):
    """A period out of range; `key` names it."""

    def __init__(self, message: str, key: str) -> None:
        super().__init__(message)
        self.key = key


def retention_months() -> dict[str, int]:
    """The period per kind in months: the stored value where an admin set one, else the configured default."""
    stored = {row.key: row.value for row in db.session.scalars(select(AppSetting).where(AppSetting.key.in_(KEYS)))}
    months = {}
    for period in PERIODS:
        try:
            months[period.key] = int(stored[period.key])
        except (KeyError, ValueError):
            months[period.key] = int(current_app.config[period.key])
    return months


def check_periods(values: dict[str, int]) -> None:
    """Raise PeriodError for a period out of its range, or files kept longer than the ticket itself."""
    for period in PERIODS:
        value = values[period.key]
        if not period.lowest <= value <= period.highest:
            raise PeriodError(f"Kies {period.lowest} tot en met {period.highest} maanden.", period.key)
    if values["RETENTION_FILES_MONTHS"] > values["RETENTION_TICKET_MONTHS"]:
        raise PeriodError("Bestanden kunnen niet langer blijven dan het ticket zelf.", "RETENTION_FILES_MONTHS")


def set_retention_months(values: dict[str, int], *, actor: User | None = None) -> dict[str, tuple[int, int]]:
    """Store the periods that differ from those in force; one audit event per change. Returns the changes."""
    check_periods(values)
    current = retention_months()
    changes = {key: (current[key], values[key]) for key in KEYS if values[key] != current[key]}
    for key, (old, new) in changes.items():
        row = db.session.get(AppSetting, key) or AppSetting(key=key)
        row.value, row.updated_at, row.updated_by_id = str(new), utcnow(), actor.id if actor else None
        db.session.add(row)
        record_event("setting_changed", user=actor, setting=key, old=old, new=new)
    db.session.flush()
    return changes

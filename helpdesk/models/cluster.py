"""What several nodes share: change counters that tell each node's caches to catch up, and periodic job runs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class ChangeCounter(db.Model):
    """One row per cache kind (e.g. `kb`); bumped in the transaction that changes what the cache is built from."""

    __tablename__ = "change_counters"

    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class JobRun(db.Model):
    """When a periodic job last ran (on any node), so a job runs once per interval across the cluster."""

    __tablename__ = "job_runs"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    last_run_at: Mapped[datetime | None] = mapped_column(DateTime)
    last_host: Mapped[str | None] = mapped_column(String(300))
    last_result: Mapped[str | None] = mapped_column(String(2000))

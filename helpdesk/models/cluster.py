"""What several nodes share: change counters that tell each node's caches to catch up, periodic job runs and
the database blob store."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, ForeignKey, Integer, LargeBinary, String
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


class IndexChange(db.Model):
    """An article whose index entry must follow the database, at the `kb` counter value of its commit."""

    __tablename__ = "index_changes"

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    slug: Mapped[str] = mapped_column(String(200), primary_key=True)


class Blob(db.Model):
    """A stored file in the database blob store, by content address (`HELPDESK_BLOB_STORE=db`)."""

    __tablename__ = "blobs"

    key: Mapped[str] = mapped_column(String(500), primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime)


class BlobChunk(db.Model):
    """One piece (at most 1 MiB) of a stored file, so large files are written and read in pieces."""

    __tablename__ = "blob_chunks"

    key: Mapped[str] = mapped_column(ForeignKey("blobs.key", ondelete="CASCADE"), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    data: Mapped[bytes] = mapped_column(LargeBinary)

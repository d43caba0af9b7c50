"""The database blob store: a `blobs` row per file and its content in 1 MiB `blob_chunks`, read chunk by chunk.

Writes join the caller's transaction (a mail and its files commit together); reads use a connection of their
own, so a download can stream after the request's session has ended.
"""

from __future__ import annotations

import io
from typing import BinaryIO

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from ..extensions import db
from ..models import Blob, BlobChunk, utcnow

CHUNK_BYTES = 1024 * 1024
_blobs, _chunks = Blob.__table__, BlobChunk.__table__


def _insert(table):  # noqa: ANN001, ANN202 - a dialect's INSERT … ON CONFLICT DO NOTHING
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    return dialect.insert(table).on_conflict_do_nothing()


class _ChunkReader(io.RawIOBase):
    """A file object over one blob's chunks, fetched one at a time on its own connection."""

    def __init__(self, conn: Connection, key: str, count: int) -> None:
        self.conn, self.key, self.count, self.next = conn, key, count, 0
        self.buffer = b""

    def readable(self) -> bool:
        return True

    def readinto(self, target) -> int:  # noqa: ANN001 - a writable buffer
        while not self.buffer and self.next < self.count:
            self.buffer = self.conn.execute(select(_chunks.c.data).where(
                _chunks.c.key == self.key, _chunks.c.number == self.next)).scalar() or b""
            self.next += 1
        size = min(len(target), len(self.buffer))
        target[:size], self.buffer = self.buffer[:size], self.buffer[size:]
        return size

    def close(self) -> None:
        if not self.closed:
            self.conn.close()
        super().close()


class DbBlobStore:
    """Files in the `blobs` and `blob_chunks` tables."""

    def put(self, key: str, data: bytes) -> None:
        if self.exists(key):
            return
        db.session.execute(_insert(_blobs).values(key=key, size=len(data), created_at=utcnow()))
        rows = [{"key": key, "number": n, "data": data[start:start + CHUNK_BYTES]}
                for n, start in enumerate(range(0, max(len(data), 1), CHUNK_BYTES))]
        db.session.execute(_insert(_chunks), rows)

    def get(self, key: str) -> bytes | None:
        handle = self.open(key)
        if handle is None:
            return None
        with handle:
            return handle.read()

    def open(self, key: str) -> BinaryIO | None:
        conn = db.engine.connect()
        count = conn.execute(select(db.func.count()).select_from(_chunks).where(_chunks.c.key == key)).scalar()
        if not count:
            conn.close()
            return None
        return io.BufferedReader(_ChunkReader(conn, key, count), buffer_size=CHUNK_BYTES)  # type: ignore[return-value]

    def exists(self, key: str) -> bool:
        return db.session.scalar(select(_blobs.c.key).where(_blobs.c.key == key)) is not None

    def delete(self, key: str) -> None:
        db.session.execute(delete(_chunks).where(_chunks.c.key == key))
        db.session.execute(delete(_blobs).where(_blobs.c.key == key))

    def keys(self) -> list[str]:
        return list(db.session.scalars(select(_blobs.c.key).order_by(_blobs.c.key)))

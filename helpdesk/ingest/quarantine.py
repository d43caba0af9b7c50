"""Quarantined raw mail read in pieces: its size from the database, its bytes in chunks, never whole in memory
(an oversize mail is held exactly because it is too big to handle in one go)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from sqlalchemy import func, select

from ..extensions import db
from ..models import QuarantinedMail

CHUNK_BYTES = 1024 * 1024


def raw_sizes(ids: Iterable[int]) -> dict[int, int]:
    """Bytes of raw mail per quarantined item, computed by the database."""
    ids = list(ids)
    if not ids:
        return {}
    rows = db.session.execute(select(QuarantinedMail.id, func.length(QuarantinedMail.raw))
                              .where(QuarantinedMail.id.in_(ids)))
    return {item_id: int(size or 0) for item_id, size in rows}


def raw_size(item_id: int) -> int | None:
    return raw_sizes([item_id]).get(item_id)


def raw_chunks(item_id: int, size: int, chunk: int = CHUNK_BYTES) -> Iterator[bytes]:
    """The raw bytes of one quarantined mail, `chunk` bytes per query (substr works on BLOB and bytea)."""
    for offset in range(0, size, chunk):
        piece = db.session.scalar(select(func.substr(QuarantinedMail.raw, offset + 1, chunk))
                                  .where(QuarantinedMail.id == item_id))
        if not piece:
            return
        yield bytes(piece)

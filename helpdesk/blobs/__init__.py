"""Stored files — raw mail, attachments, reply attachments — behind one small interface, by content address.

Two stores: `fs`, the folders under the data dir (the default; one machine), and `db`, the database itself in
1 MiB chunks (several nodes read the same files). `HELPDESK_BLOB_STORE` picks one; `flask blobs migrate` moves
files between them. Keys are `raw/<aa>/<sha256>.eml` and `attachments/<aa>/<sha256><.ext>`: the rows keep the
same relative paths as before (`TicketMessage.raw_path`, `Attachment.storage_path` without the prefix).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import BinaryIO, Protocol

from flask import current_app

RAW = "raw/"
ATTACHMENTS = "attachments/"
STORES = ("fs", "db")


class BlobStore(Protocol):
    """Files by key; `put` of a key that exists is a no-op (same key, same content)."""

    def put(self, key: str, data: bytes) -> None: ...

    def get(self, key: str) -> bytes | None: ...

    def open(self, key: str) -> BinaryIO | None:
        """A file object read piece by piece (never the whole file at once); None when absent."""
        ...

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None:
        """Remove a file; no error when it is not there."""
        ...

    def keys(self) -> list[str]: ...


def raw_key(raw: bytes) -> str:
    """The key (and `raw_path`) of a mail's raw source."""
    digest = hashlib.sha256(raw).hexdigest()
    return f"{RAW}{digest[:2]}/{digest}.eml"


def attachment_path(data: bytes, filename: str) -> str:
    """An attachment's `storage_path`: its content hash and (a plain) extension."""
    digest = hashlib.sha256(data).hexdigest()
    suffix = Path(filename).suffix.lower()[:12] if filename else ""
    if not suffix.replace(".", "").isalnum():
        suffix = ""
    return f"{digest[:2]}/{digest}{suffix}"


def attachment_key(storage_path: str) -> str:
    return ATTACHMENTS + storage_path


def store_named(name: str) -> BlobStore:
    """The `fs` or `db` store of the current app."""
    from .db import DbBlobStore
    from .fs import FsBlobStore

    if name == "db":
        return DbBlobStore()
    config = current_app.config
    return FsBlobStore({RAW: config["RAW_MAIL_DIR"], ATTACHMENTS: config["ATTACHMENT_DIR"]})


def blob_store() -> BlobStore:
    """The store this app writes to and reads from (`HELPDESK_BLOB_STORE`)."""
    return store_named(current_app.config["BLOB_STORE"])

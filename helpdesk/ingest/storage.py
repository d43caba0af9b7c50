"""Files that belong to stored mail: the raw source and attachments, content-addressed in the data dir."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from flask import current_app


def _write_once(path: Path, data: bytes) -> None:
    """Write atomically; an existing file with this content-address is already right."""
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def store_raw(raw: bytes) -> str:
    """Keep the raw source of a mail; returns its path relative to the data dir."""
    digest = hashlib.sha256(raw).hexdigest()
    base = Path(current_app.config["RAW_MAIL_DIR"])
    path = base / digest[:2] / f"{digest}.eml"
    _write_once(path, raw)
    return str(path.relative_to(current_app.config["DATA_DIR"]))


def store_attachment(data: bytes, filename: str) -> str:
    """Keep an attachment under its content hash; returns its path relative to the attachment dir."""
    digest = hashlib.sha256(data).hexdigest()
    suffix = Path(filename).suffix.lower()[:12] if filename else ""
    if not suffix.replace(".", "").isalnum():
        suffix = ""
    path = Path(current_app.config["ATTACHMENT_DIR"]) / digest[:2] / f"{digest}{suffix}"
    _write_once(path, data)
    return str(path.relative_to(current_app.config["ATTACHMENT_DIR"]))


def read_raw(raw_path: str) -> bytes:
    """The raw source of a stored mail."""
    return (Path(current_app.config["DATA_DIR"]) / raw_path).read_bytes()

"""Files that belong to stored mail: the raw source and attachments, content-addressed in the data dir."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

_made_dirs: set[str] = set()  # folders this process already made: a mail costs no mkdir call


def _write_once(path: Path, data: bytes) -> None:
    """Write atomically; an existing file with this content-address is already right."""
    name = str(path)
    if os.path.exists(name):
        return
    folder = os.path.dirname(name)
    tmp = os.path.join(folder, f".{path.name}.{os.getpid()}.tmp")
    if folder not in _made_dirs:
        os.makedirs(folder, exist_ok=True)
        _made_dirs.add(folder)
    try:
        Path(tmp).write_bytes(data)
    except FileNotFoundError:  # the folder was removed under us (a test, an admin): make it again
        os.makedirs(folder, exist_ok=True)
        Path(tmp).write_bytes(data)
    os.replace(tmp, name)


@dataclass(frozen=True)
class MailFiles:
    """Where stored mail keeps its files (from the app config; plain paths, so worker processes can write)."""

    data_dir: str
    raw_dir: str
    attachment_dir: str

    @classmethod
    def from_app(cls) -> MailFiles:
        config = current_app.config
        return cls(str(config["DATA_DIR"]), str(config["RAW_MAIL_DIR"]), str(config["ATTACHMENT_DIR"]))

    def store_raw(self, raw: bytes) -> str:
        """Keep the raw source of a mail; returns its path relative to the data dir."""
        digest = hashlib.sha256(raw).hexdigest()
        path = Path(self.raw_dir, digest[:2], f"{digest}.eml")
        _write_once(path, raw)
        return os.path.relpath(path, self.data_dir)

    def store_attachment(self, data: bytes, filename: str) -> str:
        """Keep an attachment under its content hash; returns its path relative to the attachment dir."""
        digest = hashlib.sha256(data).hexdigest()
        suffix = Path(filename).suffix.lower()[:12] if filename else ""
        if not suffix.replace(".", "").isalnum():
            suffix = ""
        path = Path(self.attachment_dir, digest[:2], f"{digest}{suffix}")
        _write_once(path, data)
        return os.path.relpath(path, self.attachment_dir)

"""Read raw mails from disk: one .eml file, a folder of .eml files, an mbox file or a Maildir."""

from __future__ import annotations

import logging
import mailbox
from collections.abc import Iterator
from pathlib import Path

__all__ = ["detect_kind", "iter_messages"]

log = logging.getLogger(__name__)


def detect_kind(path: Path) -> str:
    """Return 'maildir', 'emldir', 'mbox' or 'eml' for a path; raises FileNotFoundError if it is missing."""
    if not path.exists():
        raise FileNotFoundError(f"bestand of map bestaat niet: {path}")
    if path.is_dir():
        if all((path / sub).is_dir() for sub in ("cur", "new", "tmp")):
            return "maildir"
        return "emldir"
    with path.open("rb") as handle:
        head = handle.read(5)
    return "mbox" if head == b"From " else "eml"


def iter_messages(path: str | Path) -> Iterator[tuple[str, bytes]]:
    """Yield (source name, raw bytes) for every message found at `path`, auto-detecting the format."""
    path = Path(path)
    kind = detect_kind(path)
    if kind == "eml":
        yield path.name, path.read_bytes()
    elif kind == "emldir":
        for file in sorted(p for p in path.rglob("*.eml") if p.is_file()):
            try:
                data = file.read_bytes()
            except OSError as exc:  # one unreadable file must not stop the import of the rest
                log.warning("kan %s niet lezen: %s", file, exc)
                continue
            yield str(file.relative_to(path)), data
    elif kind == "mbox":
        box = mailbox.mbox(path, create=False)
        try:
            for index, key in enumerate(box.iterkeys(), start=1):
                yield f"{path.name}#{index}", box.get_bytes(key)
        finally:
            box.close()
    else:
        maildir = mailbox.Maildir(path, factory=None, create=False)
        try:
            for key in sorted(maildir.iterkeys()):
                yield f"{path.name}/{key}", maildir.get_bytes(key)
        finally:
            maildir.close()

"""Files an agent attaches to a reply: allowed types, a size limit, read once from the upload."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from pathlib import PurePath
from typing import Any

from werkzeug.datastructures import FileStorage

from ..outbox.compose import OutgoingFile
from .operations import TicketError

# A file must start like its type says; types without a fixed signature (text, Office zip files) are checked by name.
_SIGNATURES = {"application/pdf": (b"%PDF-",), "image/png": (b"\x89PNG\r\n\x1a\n",), "image/jpeg": (b"\xff\xd8\xff",),
               "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (b"PK\x03\x04",),
               "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (b"PK\x03\x04",),
               "application/vnd.oasis.opendocument.text": (b"PK\x03\x04",)}


def _clean_name(filename: str) -> str:
    """The file's own name without folders or control characters."""
    name = PurePath(filename.replace("\\", "/")).name
    name = "".join(c for c in unicodedata.normalize("NFC", name) if unicodedata.category(c)[0] != "C").strip()
    return name[:200]


def outgoing_files(uploads: Iterable[FileStorage], config: Any) -> list[OutgoingFile]:
    """Read the uploaded files of a reply form, refusing (Dutch, per file) what is not allowed."""
    types: dict[str, str] = config["REPLY_ATTACHMENT_TYPES"]
    limit, most = int(config["REPLY_ATTACHMENT_MAX_BYTES"]), int(config["REPLY_ATTACHMENT_MAX_FILES"])
    files: list[OutgoingFile] = []
    total = 0
    for upload in uploads:
        if not isinstance(upload, FileStorage) or not upload.filename:
            continue  # the browser sends an empty part when no file was chosen
        name = _clean_name(upload.filename)
        content_type = types.get(PurePath(name).suffix.lower())
        if not name or content_type is None:
            raise TicketError(f"Het bestand {name or '(zonder naam)'} kan niet mee: alleen "
                              f"{', '.join(sorted(types))} zijn toegestaan. Er is niets verstuurd.")
        data = upload.stream.read(limit - total + 1)
        total += len(data)
        if total > limit:
            raise TicketError(f"De bijlagen zijn samen groter dan {limit // (1024 * 1024)} MB. Er is niets verstuurd.")
        if not data:
            raise TicketError(f"Het bestand {name} is leeg. Er is niets verstuurd.")
        signatures = _SIGNATURES.get(content_type)
        if signatures and not data.startswith(signatures):
            raise TicketError(f"Het bestand {name} is geen echt {PurePath(name).suffix.lstrip('.').upper()}-bestand. "
                              "Er is niets verstuurd.")
        files.append(OutgoingFile(name, content_type, data))
        if len(files) > most:
            raise TicketError(f"Voeg hoogstens {most} bijlagen toe. Er is niets verstuurd.")
    return files

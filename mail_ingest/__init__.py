"""Mailbox → normalised messages: fetch, parse, clean, filter, threading keys. No Flask imports.

The names below load with the module that defines them, on first use (PEP 562 module `__getattr__`): the data
model needs only `mail_ingest.html_text` and `mail_ingest.mime`, and should not compile the filters' patterns and
the parser (~0.1 s) for a command that reads no mail.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mail_ingest.clean import Cleaned, split_reply
    from mail_ingest.filters import MailKind, classify_mail
    from mail_ingest.parse import MailParseError, ParsedAttachment, ParsedMail, parse_message
    from mail_ingest.threading import (
        candidate_parent_ids,
        is_reply_subject,
        strip_subject_prefixes,
        ticket_number_from_subject,
    )

_HOME = {
    "Cleaned": "clean", "split_reply": "clean",
    "MailKind": "filters", "classify_mail": "filters",
    "MailParseError": "parse", "ParsedAttachment": "parse", "ParsedMail": "parse", "parse_message": "parse",
    "candidate_parent_ids": "threading", "is_reply_subject": "threading", "strip_subject_prefixes": "threading",
    "ticket_number_from_subject": "threading",
}


def __getattr__(name: str) -> Any:
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # later look-ups are plain module attributes
    return value


__all__ = [
    "Cleaned",
    "MailKind",
    "MailParseError",
    "ParsedAttachment",
    "ParsedMail",
    "candidate_parent_ids",
    "is_reply_subject",
    "classify_mail",
    "parse_message",
    "split_reply",
    "strip_subject_prefixes",
    "ticket_number_from_subject",
]

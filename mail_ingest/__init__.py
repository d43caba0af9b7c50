"""Mailbox → normalised messages: fetch, parse, clean, filter, threading keys. No Flask imports."""

from mail_ingest.clean import Cleaned, split_reply
from mail_ingest.filters import MailKind, classify_mail
from mail_ingest.parse import MailParseError, ParsedAttachment, ParsedMail, parse_message
from mail_ingest.threading import (
    candidate_parent_ids,
    is_reply_subject,
    strip_subject_prefixes,
    ticket_number_from_subject,
)

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

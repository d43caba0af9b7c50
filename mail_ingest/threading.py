"""Threading keys: ticket numbers in subjects, reply-prefix stripping and parent Message-IDs."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from mail_ingest.ids import normalize_message_id

if TYPE_CHECKING:  # the parser only for its type: threading keys are used without parsing mail
    from mail_ingest.parse import ParsedMail

__all__ = [
    "candidate_parent_ids", "is_reply_subject", "strip_subject_prefixes",
    "ticket_number_from_subject",
]

# Reply/forward prefixes of Dutch, English, German, French, Scandinavian and Italian clients, with
# Outlook's counters ("RE[2]:") and full-width colons; plus "[EXTERN]" tags that mail gateways add.
_PREFIX = re.compile(
    r"^\s*(?:(?:re|antw|aw|fw|fwd|doorst|wg|tr|sv|vs|rif|ant|réf)\s*(?:\[\d+\]|\(\d+\))?\s*[:：]"
    r"|\[(?:extern|external|ext|extern bericht)\])\s*",
    re.I,
)
_TAG = re.compile(r"\[\s*IPO\s*[-#: ]\s*(\d{1,9})\s*\]", re.I)
_BARE = re.compile(r"^IPO-(\d{1,9})\b", re.I)


def strip_subject_prefixes(subject: str) -> str:
    """Remove any number of leading reply/forward prefixes ("Re: Antw: FW:") and gateway tags."""
    previous = None
    subject = " ".join(subject.split())
    while previous != subject:
        previous = subject
        subject = _PREFIX.sub("", subject, count=1)
    return subject.strip()


_REPLY = re.compile(r"^\s*(?:re|antw|aw|sv|vs|rif|ant)\s*(?:\[\d+\]|\(\d+\))?\s*[:：]", re.I)


def is_reply_subject(subject: str) -> bool:
    """Whether a subject starts with a reply prefix ("Re:", "Antw:", "AW:"); forwards are not replies."""
    return bool(_REPLY.match(subject or ""))


def ticket_number_from_subject(subject: str) -> int | None:
    """Ticket number from "[IPO-123]" anywhere, or "IPO-123" right after the reply prefixes; else None."""
    if not subject:
        return None
    tagged = _TAG.search(subject)
    if tagged:
        return int(tagged.group(1))
    bare = _BARE.match(strip_subject_prefixes(subject))
    return int(bare.group(1)) if bare else None


def candidate_parent_ids(parsed: ParsedMail) -> list[str]:
    """Message-IDs this mail may answer, best first: In-Reply-To, then References newest first."""
    ids: list[str] = []
    for value in [parsed.in_reply_to, *reversed(parsed.references)]:
        normalised = normalize_message_id(value)
        if normalised and normalised != parsed.message_id and normalised not in ids:
            ids.append(normalised)
    return ids

"""Message-IDs in ONE normal form, shared by the parser, the threading keys, the store and the composer.

Normal form (stored and compared): the addr-spec between the angle brackets, without brackets and whitespace,
domain part lowercased ("abc.123@ipo-helpdesk.duo.nl"). Header form (sent): the same inside angle brackets.
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Iterable

_BRACKETED = re.compile(r"<([^<>]*)>")
# What we put in an outgoing header: printable ASCII without brackets or spaces, "left@right" (RFC 5322 msg-id).
_SENDABLE = re.compile(r"[\x21-\x3b\x3d\x3f-\x7e]{1,250}@[\x21-\x3b\x3d\x3f-\x7e]{1,250}")
MAX_ID_LENGTH = 998
REFERENCES_KEEP = 20  # RFC 5322 §3.6.4 allows trimming; we keep the first id and the newest ones


def normalize_message_id(value: str | None) -> str | None:
    """Return a Message-ID in normal form (no angle brackets or whitespace), or None when there is none."""
    if not value:
        return None
    match = _BRACKETED.search(value)
    token = match.group(1) if match else value.strip().split()[0] if value.strip() else ""
    token = re.sub(r"\s+", "", token).strip("<>")
    if not token or len(token) > MAX_ID_LENGTH:
        return None
    # The domain part is case-insensitive; lowercasing it makes lookups stable across clients.
    local, at, domain = token.rpartition("@")
    return f"{local}@{domain.lower()}" if at else token


def parse_id_list(value: str | None) -> list[str]:
    """Parse a References/In-Reply-To header into normalised ids, in header order, without duplicates."""
    if not value:
        return []
    tokens = _BRACKETED.findall(value) or value.split()
    ids: dict[str, None] = {}  # an ordered set: linear even for a header with many thousands of ids
    for token in tokens:
        normalised = normalize_message_id(f"<{token}>")
        if normalised and "@" in normalised:
            ids.setdefault(normalised)
    return list(ids)


def new_message_id(domain: str) -> str:
    """A new globally unique Message-ID in our own domain, in normal form: "time.random@domain"."""
    domain = domain.strip().strip("@<>").lower() or "ipo-helpdesk.invalid"
    return f"{int(time.time() * 1000)}.{secrets.token_hex(8)}@{domain}"


def header_form(message_id: str) -> str:
    """The id as it goes into a Message-ID, In-Reply-To or References header: "<left@right>"."""
    normalised = normalize_message_id(message_id)
    if not normalised or not sendable(normalised):
        raise ValueError(f"geen geldige Message-ID: {message_id[:80]!r}")
    return f"<{normalised}>"


def sendable(message_id: str | None) -> bool:
    """Whether an id (normal form) can go into an outgoing header as an RFC 5322 msg-id."""
    return bool(message_id) and _SENDABLE.fullmatch(message_id) is not None


def references_chain(parent_chain: Iterable[str], thread_ids: Iterable[str], keep: int = REFERENCES_KEEP) -> list[str]:
    """The References of a reply (normal form, oldest first): the parent's chain, then the thread's own ids and
    the parent, each once; trimmed to the first id plus the newest `keep - 1` (RFC 5322 §3.6.4)."""
    ids: dict[str, None] = {}
    for candidate in [*parent_chain, *thread_ids]:
        normalised = normalize_message_id(candidate)
        if normalised and sendable(normalised):
            ids.setdefault(normalised)
    chain = list(ids)
    if len(chain) > keep:
        chain = [chain[0], *chain[-(keep - 1):]]
    return chain

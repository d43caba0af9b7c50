"""Message-ID helpers shared by the parser and the threading keys."""

from __future__ import annotations

import re

_BRACKETED = re.compile(r"<([^<>]*)>")


def normalize_message_id(value: str | None) -> str | None:
    """Return a Message-ID without angle brackets and whitespace, or None when there is none."""
    if not value:
        return None
    match = _BRACKETED.search(value)
    token = match.group(1) if match else value.strip().split()[0] if value.strip() else ""
    token = re.sub(r"\s+", "", token).strip("<>")
    if not token or len(token) > 998:
        return None
    # The domain part is case-insensitive; lowercasing it makes lookups stable across clients.
    local, at, domain = token.rpartition("@")
    return f"{local}@{domain.lower()}" if at else token


def parse_id_list(value: str | None) -> list[str]:
    """Parse a References/In-Reply-To header into normalised ids, in header order, without duplicates."""
    if not value:
        return []
    tokens = _BRACKETED.findall(value) or value.split()
    ids: list[str] = []
    for token in tokens:
        normalised = normalize_message_id(f"<{token}>")
        if normalised and "@" in normalised and normalised not in ids:
            ids.append(normalised)
    return ids

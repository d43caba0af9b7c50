"""Who may add a mail to an existing ticket: the requester, someone on the thread, or the requester's own domain.

A Message-ID or an `[IPO-n]` tag only says which conversation a mail claims to belong to; anyone who saw (or
guessed) one can write it. So a mail joins only when its sender belongs to that conversation; otherwise it gets
a ticket of its own that is linked to the one it named ("mogelijk verwant aan IPO-12") and the agent decides.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mail_ingest.addresses import dmarc_result, domain_of, organisation_domain

from ..models import Ticket

if TYPE_CHECKING:  # the parser's type only: no mail parsing code for the web app's start
    from mail_ingest import ParsedMail


@dataclass(frozen=True)
class JoinRules:
    """The settings the decision depends on."""

    same_domain: bool = True  # HELPDESK_THREAD_SAME_DOMAIN
    authserv_id: str | None = None  # HELPDESK_TRUSTED_AUTHSERV_ID
    own_addresses: frozenset[str] = frozenset()

    @classmethod
    def from_config(cls, config: Any) -> JoinRules:
        return cls(bool(config["THREAD_SAME_DOMAIN"]), config["TRUSTED_AUTHSERV_ID"] or None,
                   frozenset(a.lower() for a in config["OWN_ADDRESSES"]))


def split_addresses(*values: str | None) -> set[str]:
    """Lowercased addresses from comma-separated stored lists (`to_addrs`, `cc_addrs`, `Ticket.cc`)."""
    return {a.strip().lower() for value in values if value for a in value.split(",") if "@" in a}


def thread_people(ticket: Ticket, rows: Iterable[tuple[str | None, str | None, str | None]],
                  rules: JoinRules) -> set[str]:
    """Everyone on a ticket's thread: its requester and CC, and the From/To/CC of its messages (not us)."""
    people = split_addresses(ticket.cc) | {ticket.requester.email.lower()}
    for from_email, to_addrs, cc_addrs in rows:
        people |= split_addresses(from_email, to_addrs, cc_addrs)
    return people - rules.own_addresses


def join_refusal(ticket: Ticket, parsed: ParsedMail, people: set[str], rules: JoinRules) -> str | None:
    """None when this mail may join `ticket`; otherwise why not, in Dutch (shown on the new ticket)."""
    if parsed.suspect:
        return f"verdachte afzender: {parsed.suspect[0]}"
    if rules.authserv_id:
        verdict = dmarc_result(parsed.headers.get("authentication-results"), rules.authserv_id)
        if verdict == "fail":
            return "de DMARC-controle van onze mailserver is mislukt"
    sender = parsed.from_email
    if not sender:
        return "de mail heeft geen bruikbare afzender"
    if sender in people:
        return None
    organisation = organisation_domain(ticket.requester.email)
    if rules.same_domain and organisation and domain_of(sender) == organisation:
        return None
    return f"{sender} hoort niet bij het gesprek van {ticket.number}"

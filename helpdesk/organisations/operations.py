"""Organisations from the requester's mail domain; an admin merges domains into one and names it. The caller
commits. Free-mail domains (gmail.com, hotmail.com, …) never form an organisation: anyone can get such an address."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload

from mail_ingest.addresses import organisation_domain

from ..extensions import db
from ..models import Organisation, OrganisationDomain, Requester, Ticket, User, record_event

NAME_MAX = 200
LIST_LIMIT = 200  # tickets or requesters on one page
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


class OrganisationError(ValueError):
    """A merge or rename cannot be done; the message is Dutch and meant for the admin."""


class OrganisationFinder:
    """Domain -> organisation, created on first sight; remembers what it created so one batch adds each once.
    `preload` looks up the domains of many addresses in one query (ingest: per chunk of mail, not per sender)."""

    def __init__(self) -> None:
        self.known: dict[str, Organisation | None] = {}  # None: looked up, not stored yet (created on first use)

    def preload(self, addresses: Iterable[str]) -> None:
        domains = {d for d in map(_mail_domain, addresses) if d is not None} - self.known.keys()
        for chunk in _chunks(sorted(domains)):
            with db.session.no_autoflush:
                rows = db.session.scalars(select(OrganisationDomain).where(OrganisationDomain.domain.in_(chunk))
                                          .options(joinedload(OrganisationDomain.organisation))).all()
            self.known.update(dict.fromkeys(chunk))
            self.known.update((row.domain, row.organisation) for row in rows)

    def for_address(self, address: str) -> Organisation | None:
        domain = _mail_domain(address)
        if domain is None:
            return None
        if domain not in self.known:
            self.preload([address])
        if self.known[domain] is None:
            organisation = self.known[domain] = Organisation(name=domain)
            db.session.add(OrganisationDomain(domain=domain, organisation=organisation))
        return self.known[domain]


def _mail_domain(address: str) -> str | None:
    """The organisation domain of an address, or None for none (no address, free mail, an erased one)."""
    domain = organisation_domain(address or "")
    if domain is None or domain.rpartition(".")[2] == "invalid":
        return None
    return domain[:253]


def _chunks(values: list[str], size: int = 500) -> Iterator[list[str]]:
    """Values in lists of at most `size`, for IN (...) lists every database accepts."""
    for start in range(0, len(values), size):
        yield values[start:start + size]


def rename_organisation(organisation: Organisation, name: str, actor: User) -> None:
    """Give the organisation the name people know it by (e.g. the school board's)."""
    name = " ".join((name or "").split())
    if not name or len(name) > NAME_MAX:
        raise OrganisationError(f"Geef een naam van 1 tot {NAME_MAX} tekens.")
    old, organisation.name, organisation.named = organisation.name, name, True
    record_event("organisation_renamed", user=actor, organisation_id=organisation.id, old=old, new=name)
    db.session.flush()


def merge_organisations(target: Organisation, sources: list[Organisation], actor: User) -> int:
    """Move the domains and requesters of `sources` into `target` (a school board with several schools) and
    delete the emptied organisations. Returns how many were merged."""
    sources = [s for s in sources if s.id != target.id]
    if not sources:
        raise OrganisationError("Kies minstens één andere organisatie om samen te voegen.")
    ids = [s.id for s in sources]
    domains = [d.domain for s in sources for d in s.domains]
    db.session.execute(update(OrganisationDomain).where(OrganisationDomain.organisation_id.in_(ids))
                       .values(organisation_id=target.id).execution_options(synchronize_session=False))
    db.session.execute(update(Requester).where(Requester.organisation_id.in_(ids))
                       .values(organisation_id=target.id).execution_options(synchronize_session=False))
    for source in sources:
        db.session.expire(source, ["domains"])
        db.session.delete(source)
    record_event("organisations_merged", user=actor, organisation_id=target.id, merged=ids, domains=domains)
    db.session.flush()
    db.session.expire(target, ["domains"])
    return len(ids)


def _domain(text: str) -> str:
    domain = text.strip().lower().lstrip("@").rpartition("@")[2]
    if not _DOMAIN.match(domain) or len(domain) > 253:
        raise OrganisationError(f"{text.strip()!r} is geen maildomein (zoals school.nl).")
    if organisation_domain(f"x@{domain}") is None:
        raise OrganisationError(f"{domain} is een gratis maildienst: iedereen kan daar een adres krijgen, dus het "
                                "hoort bij geen enkele organisatie.")
    return domain


def add_domains(target: Organisation, text: str, actor: User) -> list[str]:
    """Bring the named mail domains (comma or space separated) into `target`: a domain that has an organisation
    brings that whole organisation along (merge); an unknown domain is added for mail still to come."""
    domains = list(dict.fromkeys(_domain(part) for part in re.split(r"[,;\s]+", text or "") if part.strip()))
    if not domains:
        raise OrganisationError("Vul minstens één maildomein in, zoals school.nl.")
    rows = {r.domain: r for r in db.session.scalars(select(OrganisationDomain)
                                                    .where(OrganisationDomain.domain.in_(domains)))}
    sources = list({rows[d].organisation_id: rows[d].organisation for d in domains
                    if d in rows and rows[d].organisation_id != target.id}.values())
    added = [d for d in domains if d not in rows]
    for domain in added:
        db.session.add(OrganisationDomain(domain=domain, organisation=target))
    if added:
        record_event("organisation_domains_added", user=actor, organisation_id=target.id, domains=added)
    if sources:
        merge_organisations(target, sources, actor)
    db.session.flush()
    return domains


def drop_if_unused(organisation_id: int | None) -> None:
    """Delete an organisation nobody belongs to any more, unless an admin named it (retention, erasure)."""
    if organisation_id is None:
        return
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None or organisation.named or db.session.scalar(
            select(func.count(Requester.id)).where(Requester.organisation_id == organisation_id)):
        return
    for row in list(organisation.domains):
        db.session.delete(row)
    db.session.delete(organisation)
    db.session.flush()


def organisations_overview() -> list[tuple[Organisation, int, int]]:
    """Every organisation with its number of requesters and tickets, largest first."""
    requesters = (select(Requester.organisation_id, func.count(Requester.id).label("n"))
                  .group_by(Requester.organisation_id).subquery())
    tickets = (select(Requester.organisation_id, func.count(Ticket.id).label("n"))
               .join(Ticket, Ticket.requester_id == Requester.id).where(Ticket.kind == "question")
               .group_by(Requester.organisation_id).subquery())
    rows = db.session.execute(
        select(Organisation, func.coalesce(requesters.c.n, 0), func.coalesce(tickets.c.n, 0))
        .outerjoin(requesters, requesters.c.organisation_id == Organisation.id)
        .outerjoin(tickets, tickets.c.organisation_id == Organisation.id)
        .order_by(func.coalesce(tickets.c.n, 0).desc(), Organisation.name)).all()
    return [(o, r, t) for o, r, t in rows]


def organisation_requesters(organisation: Organisation) -> list[Requester]:
    return list(db.session.scalars(select(Requester).where(Requester.organisation_id == organisation.id)
                                   .order_by(Requester.email).limit(LIST_LIMIT)))


def organisation_tickets(organisation_id: int, *, leave_out: int | None = None,
                         limit: int = LIST_LIMIT) -> list[Ticket]:
    """The organisation's question tickets, newest first (without `leave_out`, the one being looked at)."""
    query = (select(Ticket).join(Requester, Ticket.requester_id == Requester.id)
             .where(Requester.organisation_id == organisation_id, Ticket.kind == "question")
             .order_by(Ticket.created_at.desc(), Ticket.id.desc()).limit(limit))
    if leave_out is not None:
        query = query.where(Ticket.id != leave_out)
    return list(db.session.scalars(query))


def requester_tickets(requester: Requester) -> list[Ticket]:
    """Everything this person asked, newest first."""
    return list(db.session.scalars(select(Ticket).where(Ticket.requester_id == requester.id)
                                   .order_by(Ticket.created_at.desc(), Ticket.id.desc()).limit(LIST_LIMIT)))

"""Waves: open tickets grouped by category and best-matching article, answered at once, each personally."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func, select

from knowledge.categories import CATEGORY_LABELS, NO_CATEGORY, label

from ..extensions import db
from ..models import Article, Ticket, TicketMessage, User, record_event
from .drafts import PLACEHOLDER, personalise
from .operations import AlreadySent, CollisionError, TicketError, new_messages_since, send_reply

log = logging.getLogger(__name__)

WAVE_STATUSES = ("new", "open")
MIN_WAVE = 2
MAX_WAVE = 200  # one submit sends at most this many replies; a bigger wave is answered in rounds


def category_label(key: str | None) -> str:
    """A wave's category in Dutch; waves of tickets without one say so."""
    return label(key, NO_CATEGORY.label_nl)


@dataclass
class Wave:
    category: str | None
    slug: str
    count: int
    title: str = ""

    @property
    def category_label(self) -> str:
        return category_label(self.category)

    @property
    def category_key(self) -> str:
        return self.category or "geen"


@dataclass
class WaveResult:
    sent: list[Ticket]
    skipped: list[tuple[Ticket, str]]


def _wave_where(category: str | None, slug: str) -> list:  # type: ignore[type-arg]
    cat = Ticket.category.is_(None) if category is None else Ticket.category == category
    return [Ticket.kind == "question", Ticket.status.in_(WAVE_STATUSES), Ticket.top_article_slug == slug, cat]


def list_waves(min_size: int = MIN_WAVE) -> list[Wave]:
    """Groups of unanswered questions that share a category and a top article, biggest first.

    Counted per status in the order of the index (kind, status, top_article_slug, category), which needs no
    sort of the open tickets; the few groups are added up here."""
    sizes: Counter[tuple[str | None, str]] = Counter()
    for status in WAVE_STATUSES:
        sizes.update({(cat, slug): n for cat, slug, n in db.session.execute(
            select(Ticket.category, Ticket.top_article_slug, func.count())
            .where(Ticket.kind == "question", Ticket.status == status, Ticket.top_article_slug.is_not(None))
            .group_by(Ticket.top_article_slug, Ticket.category))})
    groups = sorted(((n, slug, cat) for (cat, slug), n in sizes.items() if n >= min_size),
                    key=lambda g: (-g[0], g[1], g[2] or ""))
    slugs = {slug for _n, slug, _c in groups}
    titles = dict(db.session.execute(select(Article.slug, Article.title).where(Article.slug.in_(slugs))).all()) \
        if slugs else {}
    return [Wave(cat, slug, n, titles.get(slug, slug)) for n, slug, cat in groups]


def parse_category(key: str) -> str | None:
    """URL key → stored category ('geen' means none); unknown keys are an error."""
    if key == "geen":
        return None
    if key not in CATEGORY_LABELS:
        raise TicketError("Onbekende categorie.")
    return key


def wave_tickets(category: str | None, slug: str, limit: int = MAX_WAVE) -> list[Ticket]:
    """The tickets of one wave, longest waiting first."""
    query = select(Ticket).where(*_wave_where(category, slug))
    return list(db.session.scalars(query.order_by(Ticket.waiting_since.asc().nulls_last(), Ticket.id).limit(limit)))


def latest_message_id(tickets: list[Ticket]) -> int:
    """The newest message id across the wave, remembered by the form for the collision check."""
    ids = [t.id for t in tickets]
    if not ids:
        return 0
    return db.session.scalar(select(func.max(TicketMessage.id)).where(TicketMessage.ticket_id.in_(ids))) or 0


def answer_wave(category: str | None, slug: str, ticket_ids: list[int], template: str, user: User,
                seen_message_id: int, status_after: str = "pending", idempotency_key: str | None = None) -> WaveResult:
    """Send `template` to each chosen ticket of the wave as its own threaded, personalised reply. Each ticket is
    all or nothing (a savepoint): one that fails leaves no trace and the others are still answered; a form posted
    again (`idempotency_key`) answers no ticket twice."""
    if not template.strip():
        raise TicketError("Het antwoord is leeg.")
    if not ticket_ids:
        raise TicketError("Kies minstens één ticket.")
    chosen = set(ticket_ids[:MAX_WAVE])
    tickets = [t for t in wave_tickets(category, slug, limit=10 * MAX_WAVE) if t.id in chosen]
    result = WaveResult([], [])
    missing = chosen - {t.id for t in tickets}
    for ticket in tickets:
        changes = new_messages_since(ticket, seen_message_id, user)
        if changes:
            result.skipped.append((ticket, "er kwam intussen een nieuw bericht bij"))
            continue
        key = f"{idempotency_key}.{ticket.id}" if idempotency_key else None
        try:
            with db.session.begin_nested():
                send_reply(ticket, personalise(template, ticket.requester), user, article_slug=slug,
                           status_after=status_after, idempotency_key=key)
        except AlreadySent:
            result.skipped.append((ticket, "dit antwoord is al verstuurd/in de wachtrij"))
        except CollisionError:
            result.skipped.append((ticket, "het ticket werd intussen gewijzigd"))
        except TicketError as exc:
            result.skipped.append((ticket, str(exc)))
        except Exception:  # noqa: BLE001 - one ticket's bug must not cost the others their answer
            log.exception("antwoord in golf voor %s mislukt", ticket.number)
            result.skipped.append((ticket, "interne fout; er is voor dit ticket niets verstuurd"))
        else:
            result.sent.append(ticket)
    for ticket_id in sorted(missing):
        ticket = db.session.get(Ticket, ticket_id)
        if ticket is not None:
            result.skipped.append((ticket, "hoort niet (meer) bij deze golf"))
    record_event("wave_answered", user=user, article=slug, category=category, sent=[t.id for t in result.sent],
                 skipped=[t.id for t, _r in result.skipped], placeholder=PLACEHOLDER in template)
    db.session.flush()
    return result

"""Helpers for the user journeys: keyboard-only navigation, README screenshots, reading the live database."""

from __future__ import annotations

import email
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

from playwright.sync_api import Page
from sqlalchemy import func, select

from helpdesk.extensions import db
from helpdesk.models import Article, ArticleFeedback, SearchLog, Ticket, TicketMessage
from mail_ingest.demo import demo_mail_paths

from .helpers import SCREENSHOT_DIR, events_of, screenshot
from .live import LiveServer

README_SHOT_DIR = SCREENSHOT_DIR / "readme"
# README screenshots: one desktop screen (not the whole page) keeps the PNGs small
README_VIEWPORT = {"width": 1280, "height": 800}

# What the keyboard is on: read after every Tab so a failure says where focus went instead.
FOCUS_JS = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    return {tag: el.tagName.toLowerCase(), id: el.id, name: el.getAttribute('name') || '',
            type: el.getAttribute('type') || '', href: el.getAttribute('href') || '',
            cls: typeof el.className === 'string' ? el.className : '',
            text: (el.textContent || el.value || '').replace(/\\s+/g, ' ').trim().slice(0, 80)};
}"""


def demo_mail(name_part: str) -> bytes:
    """A bundled demo mail (mail_ingest/demo) whose file name contains `name_part`, as raw bytes."""
    return next(p for p in demo_mail_paths() if name_part in p.name).read_bytes()


def no_script_trouble(page: Page, where: str) -> None:
    """No JavaScript errors and no CSP violations on the page so far."""
    events = events_of(page)
    assert not events.page_errors, f"{where}: JavaScript-fouten {events.page_errors}"
    assert not events.csp_violations(), f"{where}: CSP-overtredingen {events.csp_violations()}"


def focus_info(page: Page) -> dict[str, str] | None:
    """The focused element (tag, id, name, type, href, class, text), or None when nothing has focus."""
    return page.evaluate(FOCUS_JS)


def tab_to(page: Page, match: Callable[[dict[str, str]], bool], what: str, limit: int = 150,
           backwards: bool = False) -> dict[str, str]:
    """Press Tab (or Shift+Tab) until the focused element matches; fails with the stops seen on the way."""
    key = "Shift+Tab" if backwards else "Tab"
    seen: list[str] = []
    for _ in range(limit):
        page.keyboard.press(key)
        info = focus_info(page)
        if info is not None and match(info):
            return info
        seen.append(f"{info['tag']}#{info['id']} {info['text'][:30]!r}" if info else "(niets)")
    raise AssertionError(f"{what} niet bereikt met {key} na {limit} stappen; laatste: {seen[-8:]}")


def enter_and_wait(page: Page) -> None:
    """Press Enter on the focused link or button and wait for the page it leads to."""
    with page.expect_navigation():
        page.keyboard.press("Enter")


def shoot(page: Page, name: str) -> Path:
    """Save the full page as a test artefact and one desktop screen for the README (test-artifacts/…/readme)."""
    screenshot(page, f"journey-{name}")
    README_SHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = README_SHOT_DIR / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path


def parse_mail(raw: bytes) -> EmailMessage:
    """A mail the SMTP test server received, parsed with the modern policy."""
    return email.message_from_bytes(raw, policy=default_policy)  # type: ignore[return-value]


def plain_text(message: EmailMessage) -> str:
    """The text/plain body of a sent reply."""
    part = message.get_body(preferencelist=("plain",))
    assert part is not None, "het antwoord heeft geen tekstdeel"
    return part.get_content()


@dataclass(frozen=True)
class ArticleFacts:
    """What the editor journey needs to know about an article before it starts."""

    id: int
    slug: str
    title: str
    live_number: int


def article_facts(server: LiveServer, slug: str) -> ArticleFacts:
    with server.app.app_context():
        article = db.session.scalar(select(Article).where(Article.slug == slug))
        assert article is not None and article.published_revision is not None, slug
        return ArticleFacts(article.id, article.slug, article.title, article.published_revision.number)


def helpful_votes(server: LiveServer, slug: str) -> int:
    """How many 'Ja, nuttig' votes the article has in the live database."""
    with server.app.app_context():
        return db.session.scalar(
            select(func.count(ArticleFeedback.id))
            .join(Article, Article.id == ArticleFeedback.article_id)
            .where(Article.slug == slug, ArticleFeedback.helpful.is_(True))
        ) or 0


def search_logs(server: LiveServer, query: str) -> list[dict[str, Any]]:
    """Logged public searches for exactly this query: source, result count and the clicked article."""
    with server.app.app_context():
        rows = db.session.scalars(select(SearchLog).where(SearchLog.query == query).order_by(SearchLog.id))
        return [{"source": r.source, "results": r.result_count, "clicked": r.clicked_slug} for r in rows]


@dataclass(frozen=True)
class TicketFacts:
    """The ingested ticket as the agent journey checks it: number, top suggestion, first Message-ID."""

    id: int
    top_slug: str
    requester_email: str
    incoming_message_id: str


def ticket_facts(server: LiveServer, ticket_id: int) -> TicketFacts:
    with server.app.app_context():
        ticket = db.session.get(Ticket, ticket_id)
        assert ticket is not None and ticket.suggestions, f"ticket {ticket_id} heeft geen suggesties"
        first_in = db.session.scalar(
            select(TicketMessage).where(TicketMessage.ticket_id == ticket_id, TicketMessage.direction == "in")
            .order_by(TicketMessage.id).limit(1)
        )
        assert first_in is not None
        return TicketFacts(ticket.id, ticket.suggestions[0]["slug"], ticket.requester.email, first_in.message_id)


def run_outbox_once(server: LiveServer) -> Any:
    """One round of the real outbox sender (what `flask outbox run --once` does), against the live database."""
    from helpdesk.outbox.sender import deliver_due

    with server.app.app_context():
        return deliver_due(server.app.config)


def incoming_message_ids(server: LiveServer, ticket_id: int) -> list[str]:
    """The stored Message-IDs of the requester's mails on a ticket, oldest first (to build a real reply)."""
    with server.app.app_context():
        return list(db.session.scalars(
            select(TicketMessage.message_id).where(TicketMessage.ticket_id == ticket_id,
                                                   TicketMessage.direction == "in").order_by(TicketMessage.id)))


def pending_until(server: LiveServer, ticket_id: int) -> Any:
    """When a parked ticket comes back (naive UTC), as the snooze form stored it."""
    with server.app.app_context():
        ticket = db.session.get(Ticket, ticket_id)
        assert ticket is not None
        return ticket.pending_until


def return_due(server: LiveServer, now: Any) -> list[int]:
    """The pending-tickets job at moment `now` (what `flask jobs run` does, which commits after each job)."""
    from helpdesk.tickets.pending import return_due_tickets

    with server.app.app_context():
        returned = return_due_tickets(now=now)
        db.session.commit()
        return returned

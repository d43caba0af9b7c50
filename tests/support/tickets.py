"""Fixtures for the agent workspace: published articles, an app wired to the real test SMTP server."""

from __future__ import annotations

import email
from collections.abc import Callable
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any

import pytest
from flask import Flask

from helpdesk.extensions import db
from helpdesk.models import Article, ArticleRevision, Ticket, TicketMessage
from helpdesk.outbox.sender import DeliveryReport, deliver_due


@pytest.fixture
def publish_article(app: Flask) -> Callable[..., Article]:
    """Store a published article with one revision, as the knowledge base does."""

    def factory(slug: str, title: str, body: str, category: str = "cost") -> Article:
        article = Article(slug=slug, status="published", title=title, category=category)
        db.session.add(article)
        db.session.flush()
        revision = ArticleRevision(article_id=article.id, number=1, title=title, body=body, category=category)
        db.session.add(revision)
        db.session.flush()
        article.published_revision_id = revision.id
        db.session.commit()
        return article

    return factory


@pytest.fixture
def smtp_app(app: Flask, smtp_server: Any) -> Flask:
    """The test app pointed at the real aiosmtpd server."""
    app.config.update(SMTP_HOST=smtp_server.host, SMTP_PORT=smtp_server.port, SMTP_STARTTLS=False, SMTP_SSL=False)
    return app


@pytest.fixture
def deliver(smtp_app: Flask) -> Callable[..., DeliveryReport]:
    """Run one round of the real sender."""

    def run(**kwargs: Any) -> DeliveryReport:
        return deliver_due(smtp_app.config, **kwargs)

    return run


def parse(raw: bytes) -> EmailMessage:
    """A received message, parsed with the modern policy."""
    return email.message_from_bytes(raw, policy=default_policy)  # type: ignore[return-value]


def incoming(ticket: Ticket) -> TicketMessage:
    """The ticket's (first) incoming message."""
    return next(m for m in ticket.messages if m.direction == "in")


def reply_form(ticket: Ticket, body: str, **extra: Any) -> dict[str, Any]:
    """The reply form as the page would post it, with the version the agent saw."""
    data = {"body": body, "version": ticket.version, "seen_message_id": max(m.id for m in ticket.messages),
            "status_after": "pending", "send": "Verstuur antwoord"}
    data.update(extra)
    return data

"""A real app on loopback for browser tests: fresh SQLite data dir, `flask setup` run first, CSRF on."""

from __future__ import annotations

import itertools
import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import select
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import RequestRedirect
from werkzeug.serving import BaseWSGIServer, make_server

from helpdesk import create_app
from helpdesk.extensions import db
from helpdesk.models import Article, CannedReply, Requester, Ticket, TicketMessage, User, utcnow

PASSWORD = "correct horse battery staple"
_counter = itertools.count(1)


def live_config(data_dir: Path, **overrides: Any) -> dict[str, Any]:
    """Production-like config: CSRF on; login limits raised only so one loopback address can run a suite."""
    config: dict[str, Any] = {
        "IGNORE_ENVIRONMENT": True,
        "SECRET_KEY": "browser-test-secret-key",
        "DATA_DIR": str(data_dir),
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{data_dir / 'helpdesk.sqlite3'}",
        "WTF_CSRF_ENABLED": True,
        # plain http on loopback: a Secure cookie would not be sent back
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
        "LOGIN_LIMIT_PER_ADDRESS": "1000 per minute",
        "LOGIN_LIMIT_PER_ACCOUNT": "1000 per minute",
        "LOGIN_ACCOUNT_CEILING": "1000 per minute",
        "FAQ_SEARCH_LIMIT": "1000 per minute",
        "API_SEARCH_LIMIT": "5000 per minute",
    }
    config.update(overrides)
    return config


@dataclass
class LiveServer:
    """The running app: its base `url`, the Flask `app` (for seeding its database) and the server thread."""

    app: Flask
    url: str
    server: BaseWSGIServer
    thread: threading.Thread
    setup_output: str = ""

    def has_route(self, path: str, method: str = "GET") -> bool:
        """Whether the app routes `path` to a view (pages appear while the product grows)."""
        adapter = self.app.url_map.bind("127.0.0.1")
        try:
            adapter.match(path.split("?", 1)[0], method=method)
        except RequestRedirect:
            return True
        except (NotFound, MethodNotAllowed):
            return False
        return True

    def make_user(self, role: str, can_login: bool = True, **fields: Any) -> str:
        """Create an active staff account with `PASSWORD` (or, cheaper, none); returns its e-mail address."""
        email = fields.pop("email", None) or f"{role}{next(_counter)}@browser.example"
        with self.app.app_context():
            user = User(email=email, role=role, name=fields.pop("name", f"Test {role}"), **fields)
            if can_login:
                user.set_password(PASSWORD)
            else:
                user.password_hash = "!"  # matches no password; skips the deliberately slow scrypt
            db.session.add(user)
            db.session.commit()
        return email

    def make_ticket(
        self,
        subject: str = "Vraag over eHerkenning",
        text: str = "Wat kost eHerkenning niveau 3?",
        html: str | None = None,
        **fields: Any,
    ) -> int:
        """A ticket with one incoming message (like tests/conftest.py's make_ticket); returns its id.

        `waiting_since` (naive UTC) dates the mail back; the app's flush hook derives the deadlines from it."""
        n = next(_counter)
        email = fields.pop("email", None) or f"bestuur{n}@school.example"
        with self.app.app_context():
            requester = Requester(
                email=email,
                name=fields.pop("requester_name", f"Bestuurder {n}"),
                organisation=f"Stichting {n}",
            )
            now = fields.pop("waiting_since", None) or utcnow()
            ticket = Ticket(
                subject=subject,
                requester=requester,
                status=fields.pop("status", "new"),
                waiting_since=now,
                last_message_at=now,
                **fields,
            )
            db.session.add_all([requester, ticket])
            db.session.flush()
            db.session.add(
                TicketMessage(
                    ticket=ticket,
                    direction="in",
                    from_email=email,
                    subject=subject,
                    text=text,
                    clean_text=text,
                    html=html,
                    message_id=f"live{n}-{ticket.id}@school.example",
                )
            )
            db.session.commit()
            return ticket.id

    def teach_category(self, ticket_id: int, category: str) -> None:
        """An agent corrects the ticket's category, with the app's own operation: a lesson for triage."""
        from helpdesk.tickets.operations import change_category

        email = self.make_user("agent", can_login=False, name="Lerende Medewerker")
        with self.app.app_context():
            agent = db.session.scalar(select(User).where(User.email == email))
            change_category(db.session.get(Ticket, ticket_id), category, agent)
            db.session.commit()

    def shared_macro(self, title: str = "Kosten, wacht op antwoord") -> int:
        """A shared macro (text, Wacht op aanvrager, Kosten, whoever applies it), made once; returns its id."""
        with self.app.app_context():
            macro = db.session.scalar(select(CannedReply).where(CannedReply.title == title))
            if macro is None:
                macro = CannedReply(title=title, body="Beste {naam},\n\nDe kosten staan op onze website.",
                                    shared=True, status="pending", category="cost", assign_self=True)
                db.session.add(macro)
                db.session.commit()
            return macro.id

    def ingest(self, raw: bytes, expect: str = "created") -> int | None:
        """Run a raw mail through the real ingest pipeline; returns the ticket id (None when quarantined)."""
        from helpdesk.ingest.operations import ingest_raw

        with self.app.app_context():
            outcome = ingest_raw(raw, source="browser-test")
        assert outcome.status == expect, f"mail: {outcome.status}, verwacht {expect}: {outcome.detail[:300]}"
        return outcome.ticket_id

    def ticket_state(self, ticket_id: int) -> dict[str, Any]:
        """What the agent's actions left on a ticket: status, category (and who set it), the article used."""
        with self.app.app_context():
            ticket = db.session.get(Ticket, ticket_id)
            assert ticket is not None
            return {"status": ticket.status, "category": ticket.category, "source": ticket.category_source,
                    "used_article_slug": ticket.used_article_slug, "assignee_id": ticket.assignee_id}

    def article_category(self, slug: str) -> str | None:
        with self.app.app_context():
            return db.session.scalar(select(Article.category).where(Article.slug == slug))

    def close_open_tickets(self) -> None:
        """Empty the queue (for the empty-queue page) without deleting anything."""
        with self.app.app_context():
            for ticket in db.session.scalars(
                select(Ticket).where(Ticket.status.in_(("new", "open", "pending")))
            ):
                ticket.status = "closed"
            db.session.commit()

    def article_slug(self, title: str) -> str | None:
        """The slug of the article with this live title."""
        with self.app.app_context():
            return db.session.scalar(select(Article.slug).where(Article.title == title))

    def first_article_id(self) -> int | None:
        """The id of a published article (the first by slug), for editor pages."""
        with self.app.app_context():
            return db.session.scalar(
                select(Article.id).where(Article.status == "published").order_by(Article.slug).limit(1)
            )

    def published_slugs(self) -> list[str]:
        """Slugs of the published articles, in a stable order."""
        with self.app.app_context():
            return list(
                db.session.scalars(
                    select(Article.slug).where(Article.status == "published").order_by(Article.slug)
                )
            )

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)
        with self.app.app_context():
            db.session.remove()
            db.engine.dispose()


def start_live_server(data_dir: Path, **overrides: Any) -> LiveServer:
    """Build the app, run `flask setup` through the CLI runner, serve it on 127.0.0.1 and a free port."""
    data_dir.mkdir(parents=True, exist_ok=True)
    app = create_app(live_config(data_dir, **overrides))
    with app.app_context():  # as `flask setup` has one
        result = app.test_cli_runner().invoke(args=["setup"])
    if result.exit_code != 0:
        raise RuntimeError(f"flask setup failed ({result.exit_code}): {result.output}") from result.exception
    # request lines from werkzeug would drown pytest's output
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    return LiveServer(
        app=app,
        url=f"http://127.0.0.1:{server.server_port}",
        server=server,
        thread=thread,
        setup_output=result.output,
    )

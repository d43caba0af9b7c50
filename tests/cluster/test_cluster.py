"""Several machines on one: two gunicorn web nodes (own data dirs), two ingesters and two senders on one
PostgreSQL, a real Dovecot and a real SMTP server. An article published through A is found through B; an
attachment the ingester stored is downloaded through B; the ingest leader is SIGKILLed mid-batch and the standby
takes over; a sender is SIGKILLed mid-delivery; at the end every mail is stored once and every reply went out
once. PostgreSQL only: SQLite is one machine."""

from __future__ import annotations

import asyncio
import json
import re
import threading
import time
import urllib.request
from collections.abc import Callable
from contextlib import ExitStack
from email import message_from_bytes
from email.message import EmailMessage

import pytest
from sqlalchemy import func, select

from helpdesk.extensions import db
from helpdesk.kb.operations import load_bundled_articles
from helpdesk.models import Attachment, AuditEvent, MailboxState, OutboxMail, Ticket, TicketMessage, User
from helpdesk.tickets.operations import send_reply
from tests.cluster.nodes import Node, owner_of_port
from tests.conftest import PASSWORD, PG_URL
from tests.servers import SMTPTestServer, free_port
from tests.support.wsgi_server import Browser, gunicorn

pytestmark = pytest.mark.skipif(not PG_URL, reason="het clustertest draait alleen op PostgreSQL "
                                "(zet HELPDESK_TEST_DATABASE_URL): SQLite is één machine")

FIRST, SECOND, REPLIES = 20, 40, 12
LEASE_SECONDS = 3
PDF = b"%PDF-1.4\n" + bytes(range(256)) * 64


class HoldingSMTP(SMTPTestServer):
    """Holds the answer to the first message until released; a client that went away meanwhile never got its
    250, so the message is not taken (the connection's handler ends with it) and must come again."""

    def __init__(self, port: int) -> None:
        super().__init__(port)
        self.held_peer: tuple[str, int] | None = None
        self.holding, self.release = threading.Event(), threading.Event()

    async def handle_DATA(self, server, session, envelope) -> str:  # type: ignore[no-untyped-def]  # noqa: N802
        if self.held_peer is None:
            self.held_peer = session.peer
            self.holding.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            if server.transport is None or server.transport.is_closing():
                return "421 verbinding verbroken"
        return await super().handle_DATA(server, session, envelope)


def mail(n: int, attachment: bool = False) -> bytes:
    msg = EmailMessage()
    msg["From"] = f"Bestuurder {n} <bestuur{n}@school{n}.example>"
    msg["To"], msg["Subject"] = "ipo@duo.nl", f"Vraag {n} over eHerkenning niveau 3"
    msg["Message-ID"] = f"<cluster-{n}@school{n}.example>"
    msg.set_content(f"Wat kost eHerkenning niveau 3 voor onze school {n}?")
    if attachment:
        msg.add_attachment(PDF, maintype="application", subtype="pdf", filename="offerte.pdf")
    return msg.as_bytes()


def wait_for(check: Callable[[], object], seconds: float, what: str) -> object:
    deadline = time.monotonic() + seconds
    while True:
        db.session.rollback()  # see other nodes' commits
        value = check()
        if value:
            return value
        assert time.monotonic() < deadline, f"niet binnen {seconds} s: {what}"
        time.sleep(0.05)


def count(query) -> int:  # noqa: ANN001
    return db.session.scalar(select(func.count()).select_from(query.subquery()))


def leader_pid() -> int | None:
    return db.session.scalar(select(MailboxState.leader_pid))


def sign_in(base: str, user: User) -> Browser:
    browser = Browser(base)
    reply = browser.post_form("/login", {"email": user.email, "password": PASSWORD})
    assert reply.status == 200 and "/login" not in reply.url, reply.text[:300]
    return browser


def found(browser: Browser, word: str) -> list[str]:
    return [hit["slug"] for hit in json.loads(browser.request(f"/api/faq/search?q={word}").text)["results"]]


def publish_through(browser: Browser, slug: str, word: str) -> None:
    page = browser.request("/kb/nieuw").text
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    base = re.search(r'name="base_version" type="hidden" value="(\d*)"', page).group(1)
    reply = browser.request("/kb/nieuw", {
        "csrf_token": csrf, "base_version": base, "slug": slug, "title": "Vogels bij de school", "category": "other",
        "keywords": "", "synonyms": "", "summary": "Kort.", "review_date": "2027-01-01", "note": "",
        "body": f"Over de {word} op het schoolplein.\n", "publish": "Publiceren"})
    assert reply.status == 200, reply.text[:300]


def test_two_nodes_two_ingesters_two_senders(make_app, make_user, dovecot, tmp_path):
    app = make_app()
    smtp = HoldingSMTP(free_port())
    smtp.start()
    with app.app_context(), ExitStack() as stack:
        stack.callback(smtp.stop)
        load_bundled_articles()
        db.session.commit()
        editor, agent = make_user("editor"), make_user("agent")
        url = db.engine.url.render_as_string(hide_password=False)
        shared = {"DATABASE_URL": url, "BLOB_STORE": "db"}
        mailbox = {"IMAP_HOST": dovecot.host, "IMAP_PORT": str(dovecot.port), "IMAP_USER": dovecot.user,
                   "IMAP_PASSWORD": dovecot.password, "IMAP_SSL": "0", "INGEST_WORKERS": "0"}
        sender = {"SMTP_HOST": smtp.host, "SMTP_PORT": str(smtp.port), "OUTBOX_LEASE_SECONDS": str(LEASE_SECONDS)}
        nodes: list[Node] = []
        for name, args, settings in (("ingest-1", ["ingest"], mailbox), ("ingest-2", ["ingest"], mailbox),
                                     ("outbox-1", ["outbox", "run", "--interval", "1"], sender),
                                     ("outbox-2", ["outbox", "run", "--interval", "1"], sender)):
            node = Node(name, args, tmp_path / name / "data", {**shared, **settings})
            stack.callback(node.stop)
            nodes.append(node)
        ingesters, senders = nodes[:2], nodes[2:]
        for folder in ("a", "b"):
            (tmp_path / folder).mkdir()
        node_a = stack.enter_context(gunicorn(url, tmp_path / "a" / "data", workers=1, BLOB_STORE="db"))
        node_b = stack.enter_context(gunicorn(url, tmp_path / "b" / "data", workers=1, BLOB_STORE="db"))

        # Search in step: published through A, found through B within 2 s.
        reader = Browser(node_b)
        assert found(reader, "tureluur") == []
        publish_through(sign_in(node_a, editor), "tureluur-vraag", "tureluur")
        published = time.monotonic()
        wait_for(lambda: found(reader, "tureluur") == ["tureluur-vraag"], 2,
                 "het artikel van node A vindbaar via node B")
        print(f"\nindex van A naar B: {time.monotonic() - published:.2f} s")

        # One leader, one hot standby; the first mails (one with an attachment) stored once.
        first = wait_for(leader_pid, 30, "een ingest-leider")
        dovecot.append_many([mail(n, attachment=n == 0) for n in range(FIRST)])
        wait_for(lambda: count(select(TicketMessage.id).where(TicketMessage.direction == "in")) == FIRST, 30,
                 "de eerste mails opgeslagen")

        # SIGKILL the leader while it takes in the next batch: the standby takes over and stores the rest.
        leader = next(node for node in ingesters if node.pid == first)
        dovecot.append_many([mail(n) for n in range(FIRST, FIRST + SECOND)])
        time.sleep(0.3)  # fetching and storing 40 mails takes it longer than this
        leader.kill()
        killed = time.monotonic()
        db.session.rollback()
        stored = count(select(TicketMessage.id).where(TicketMessage.direction == "in")) - FIRST
        wait_for(lambda: leader_pid() not in (None, first), 10, "de stand-by neemt het over")
        print(f"overname na SIGKILL: {time.monotonic() - killed:.2f} s ({stored} van {SECOND} opgeslagen vóór de kill)")
        wait_for(lambda: count(select(TicketMessage.id).where(TicketMessage.direction == "in")) == FIRST + SECOND,
                 30, "alle mails opgeslagen na de overname")

        # The attachment the ingester stored (blob store: the database) comes down through B.
        pdf = db.session.scalar(select(Attachment).where(Attachment.filename == "offerte.pdf"))
        staff = sign_in(node_b, agent)
        with staff.opener.open(urllib.request.Request(f"{node_b}/tickets/bijlagen/{pdf.id}"), timeout=30) as got:
            assert got.status == 200 and got.read() == PDF

        # Replies: a sender is SIGKILLed while the SMTP server holds its first message; the other sends all.
        tickets = db.session.scalars(select(Ticket).order_by(Ticket.id).limit(REPLIES)).all()
        for ticket in tickets:
            send_reply(ticket, f"Antwoord op {ticket.number}.", db.session.get(User, agent.id))
        db.session.commit()
        assert smtp.holding.wait(20), "geen sender begon te versturen"
        holder = owner_of_port(senders, smtp.held_peer[1])
        assert holder is not None
        holder.kill()
        smtp.release.set()
        wait_for(lambda: count(select(OutboxMail.id).where(OutboxMail.status == "sent")) == REPLIES,
                 LEASE_SECONDS + 20, "alle antwoorden verzonden door de overgebleven sender")

        # Exactly once, everywhere.
        ids = [message_from_bytes(m.raw)["Message-ID"] for m in smtp.messages]
        assert len(ids) == REPLIES == len(set(ids))
        incoming = db.session.scalars(select(TicketMessage.message_id).where(TicketMessage.direction == "in")).all()
        assert sorted(incoming) == sorted(f"cluster-{n}@school{n}.example" for n in range(FIRST + SECOND))
        assert count(select(AuditEvent.id).where(AuditEvent.action == "mail_received")) == FIRST + SECOND
        assert dovecot.count("INBOX") == 0
        for node in nodes:
            assert "dubbel" not in node.log().lower() and "duplicate" not in node.log().lower(), node.log()[-2000:]
            assert "Traceback" not in node.log(), node.log()[-3000:]

"""Mail in → triage → one-click answer → SMTP out → the requester's reply threads back onto the same ticket."""

import html
from email.message import EmailMessage

from sqlalchemy import func, select

from helpdesk.extensions import db
from helpdesk.ingest.operations import ingest_raw
from helpdesk.models import Ticket, TicketMessage
from mail_ingest.demo import demo_mail_paths
from tests.support.tickets import parse, reply_form


def test_real_mail_round_trip(client, login, runner, smtp_server, smtp_app):
    assert runner.invoke(args=["setup"]).exit_code == 0
    path = next(p for p in demo_mail_paths() if "kosten" in p.name)
    outcome = ingest_raw(path.read_bytes(), source=path.name)
    ticket = db.session.get(Ticket, outcome.ticket_id)
    assert ticket.category == "cost" and ticket.top_article_slug == "wat-kost-eherkenning"

    login("agent")
    page = client.get(f"/tickets/{ticket.id}?artikel={ticket.top_article_slug}").get_data(as_text=True)
    draft = html.unescape(page.split('name="body"')[1].split(">", 1)[1].split("</textarea>")[0]).strip()
    assert draft.startswith("Beste ") and "/faq/wat-kost-eherkenning" in draft
    response = client.post(f"/tickets/{ticket.id}/antwoord",
                           data=reply_form(ticket, draft, article_slug="wat-kost-eherkenning"))
    assert response.status_code == 302
    assert runner.invoke(args=["outbox", "run", "--once"]).exit_code == 0
    assert len(smtp_server.messages) == 1
    sent = parse(smtp_server.messages[0].raw)
    assert f"[IPO-{ticket.id}]" in sent["Subject"]

    # Our own reply, should it come back into the mailbox (Bcc, forwarding), is recognised and ignored.
    assert ingest_raw(smtp_server.messages[0].raw).status in {"ignored", "duplicate"}

    answer = EmailMessage()
    answer["From"] = ticket.requester.email
    answer["To"] = "ipo@duo.nl"
    answer["Subject"] = "Re: " + sent["Subject"]
    answer["Message-ID"] = "<antwoord-op-antwoord@school.example>"
    answer["In-Reply-To"] = sent["Message-ID"]
    answer["References"] = f"{sent['References']} {sent['Message-ID']}"
    answer.set_content("Dank u wel! Nog één vraag: voor welke datum moet het geregeld zijn?\n\n"
                       f"Op 20 nov. 2026 schreef Helpdesk IPO:\n> {draft.splitlines()[0]}\n")
    back = ingest_raw(answer.as_bytes())
    assert back.status == "threaded" and back.ticket_id == ticket.id
    db.session.expire_all()
    assert ticket.status == "open"
    directions = [m.direction for m in ticket.messages]
    assert directions[-2:] == ["out", "in"]
    assert db.session.scalar(select(func.count(Ticket.id))) == 1
    assert db.session.scalar(select(func.count(TicketMessage.id)).where(TicketMessage.direction == "out")) == 1

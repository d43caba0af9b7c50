"""Notification mails to agents, outside in: agents choose them on their account page (real CSRF tokens), a
colleague assigns through the ticket page or the queue, the requester answers with a real mail through ingest,
a note @mentions someone; the outbox sender delivers to the real aiosmtpd server and we read what arrived."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import format_datetime, make_msgid

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.ingest.operations import ingest_raw
from helpdesk.models import AuditEvent, Ticket, User
from helpdesk.notifications.mentions import mentioned_handles
from tests.conftest import PASSWORD
from tests.support.conversation import TOPIC, fill
from tests.support.mail import make_mail
from tests.support.tickets import parse

PUBLIC = "https://helpdesk.ipo.example"
REQUESTER = "a.devries@school.example"


@pytest.fixture
def desk(make_app, smtp_app: Flask, smtp_server) -> Flask:  # noqa: ANN001 - fixtures
    """The web app as production runs it (CSRF on, a public URL), on the test's database. Its requests get app
    contexts of their own, as in a real server; ingest and the outbox sender run in the test's (`smtp_app`)."""
    smtp_app.config.update(PUBLIC_URL=PUBLIC)
    return make_app(WTF_CSRF_ENABLED=True, PUBLIC_URL=PUBLIC, SMTP_HOST=smtp_server.host, SMTP_PORT=smtp_server.port,
                    SMTP_STARTTLS=False, SMTP_SSL=False)


def token(client: FlaskClient, path: str, name: str = "csrf_token") -> str:
    """The CSRF token a page's form carries, as a browser would send it back."""
    page = client.get(path).get_data(as_text=True)
    match = re.search(rf'name="{re.escape(name)}" type="hidden" value="([^"]+)"', page)
    assert match, f"geen {name} op {path}: {page[:300]}"
    return match.group(1)


def ticked(page: str, field_id: str) -> bool:
    """Whether the page shows the checkbox with this id ticked."""
    tag = re.search(rf'<input[^>]*id="{field_id}"[^>]*>', page)
    assert tag, f"geen vakje {field_id}"
    return " checked" in tag.group(0)


def signed_in(desk: Flask, user: User) -> FlaskClient:
    client = desk.test_client()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD,
                                           "csrf_token": token(client, "/login")})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return client


def choose(client: FlaskClient, *kinds: str) -> str:
    """Tick these kinds on Mijn account and save; returns the account page afterwards."""
    data = {f"meldingen-{kind}": "y" for kind in kinds}
    data["meldingen-csrf_token"] = token(client, "/account", "meldingen-csrf_token")
    response = client.post("/account/meldingen", data=data)
    assert response.status_code == 302 and response.headers["Location"].endswith("/account#meldingen")
    return client.get("/account").get_data(as_text=True)


def question() -> Ticket:
    """Anna's question, a real mail through the ingest pipeline."""
    outcome = ingest_raw(fill("threading/question.eml", date=format_datetime(datetime.now(UTC)),
                              message_id=make_msgid(domain="school.example")))
    assert outcome.status == "created"
    return db.session.get(Ticket, outcome.ticket_id)


def anna_answers(asked: str) -> bytes:
    """Anna's answer from Gmail (a real mail's shape, samples/threading/gmail.eml) to her question `asked`."""
    return fill("threading/gmail.eml", subject=TOPIC, in_reply_to=f"<{asked}>", references=f"<{asked}>",
                message_id=make_msgid(domain="school.example"), date=format_datetime(datetime.now(UTC)),
                quoted_date="donderdag 3 december 2026 10:15")


def assign(client: FlaskClient, ticket: Ticket, assignee: str) -> None:
    """The one form at the top of the ticket page: status, assignee, category."""
    response = client.post(f"/tickets/{ticket.id}/bijwerken", data={
        "status": "open", "assignee": assignee, "category": ticket.category or "",
        "csrf_token": token(client, f"/tickets/{ticket.id}")})
    assert response.status_code == 302


def delivered(deliver, smtp_server) -> list:  # noqa: ANN001 - fixtures
    """One round of the real outbox sender; what the SMTP server holds afterwards."""
    db.session.commit()  # a fresh snapshot: the web requests wrote in their own sessions
    report = deliver()
    assert not report.failed and not report.retrying, report.summary()
    return list(smtp_server.messages)


def body_of(raw: bytes) -> str:
    return parse(raw).get_body(preferencelist=("plain",)).get_content()


def test_an_assignment_by_a_colleague_reaches_the_agent_who_asked_for_it(desk, make_user, deliver, smtp_server):
    jan = make_user("agent", email="jan@duo.example", name="Jan de Vries")
    piet = make_user("agent", email="piet@duo.example", name="Piet Bakker")
    jans = signed_in(desk, jan)
    before = jans.get("/account").get_data(as_text=True)
    assert not any(ticked(before, f"meldingen-{kind}") for kind in ("assigned", "reply", "mention"))  # opt-in
    after = choose(jans, "assigned")
    assert ticked(after, "meldingen-assigned") and not ticked(after, "meldingen-reply") and "opgeslagen" in after
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.user_id == jan.id).order_by(
        AuditEvent.id.desc()).limit(1)) == "notifications_changed"

    ticket = question()
    assign(signed_in(desk, piet), ticket, str(jan.id))
    mails = delivered(deliver, smtp_server)
    assert len(mails) == 1 and mails[0].rcpt_tos == ["jan@duo.example"]
    mail = parse(mails[0].raw)
    assert mail["To"].addresses[0].addr_spec == "jan@duo.example"
    assert mail["Subject"] == f"Ticket IPO-{ticket.id} is aan u toegewezen"
    assert mail["Auto-Submitted"] == "auto-generated" and mail["X-Auto-Response-Suppress"] == "All"
    text = body_of(mails[0].raw)
    assert f"{PUBLIC}/tickets/{ticket.id}" in text and "Piet Bakker heeft ticket" in text
    for private in (REQUESTER, "Anna", TOPIC, "Wat kost"):  # nothing from the ticket beyond its number
        assert private not in mails[0].raw.decode("utf-8", "replace")
    # should it come back into the helpdesk mailbox (a forward rule), ingest knows it as our own mail
    back = ingest_raw(mails[0].raw, source="terug")
    assert back.status == "ignored" and back.kind == "own"


def test_no_mail_without_opting_in_for_taking_it_yourself_or_to_the_requester(desk, make_user, deliver,
                                                                             smtp_server):
    jan, kees, piet = (make_user("agent", email=f"{n}@duo.example") for n in ("jan", "kees", "piet"))
    choose(jans := signed_in(desk, jan), "assigned", "reply", "mention")
    first, second = question(), question()
    assign(signed_in(desk, piet), first, str(kees.id))  # kees never chose: nothing
    assign(jans, second, "mij")  # jan took it himself: nothing
    db.session.commit()
    report = deliver()
    assert report.sent == [] and smtp_server.messages == []
    assert (first.assignee_id, second.assignee_id) == (kees.id, jan.id)


def test_a_bulk_change_in_the_queue_sends_one_mail_listing_the_tickets(desk, make_user, deliver, smtp_server):
    jan, piet = make_user("agent", email="jan@duo.example"), make_user("agent", email="piet@duo.example")
    choose(signed_in(desk, jan), "assigned")
    tickets = [question(), question(), question()]
    pieten = signed_in(desk, piet)
    response = pieten.post("/tickets/selectie", data={
        "ticket": [str(t.id) for t in tickets], "status": "", "assignee": str(jan.id), "category": "",
        "back": "/tickets/", "csrf_token": token(pieten, "/tickets/")})
    assert response.status_code == 302
    mails = delivered(deliver, smtp_server)
    assert len(mails) == 1 and mails[0].rcpt_tos == ["jan@duo.example"]
    assert parse(mails[0].raw)["Subject"] == "3 tickets zijn aan u toegewezen"
    text = body_of(mails[0].raw)
    assert all(f"IPO-{t.id}: {PUBLIC}/tickets/{t.id}" in text for t in tickets), text


def test_merging_gives_the_kept_ticket_to_the_merged_tickets_agent_and_tells_them(desk, make_user, deliver,
                                                                                 smtp_server):
    jan, piet = make_user("agent", email="jan@duo.example"), make_user("agent", email="piet@duo.example")
    jans = signed_in(desk, jan)
    merged, kept = question(), question()
    assign(jans, merged, "mij")
    choose(jans, "assigned")
    pieten = signed_in(desk, piet)
    response = pieten.post(f"/tickets/{merged.id}/samenvoegen", data={
        "target": f"IPO-{kept.id}", "confirm": "ja", "csrf_token": token(pieten, f"/tickets/{merged.id}")})
    assert response.status_code == 302
    mails = delivered(deliver, smtp_server)
    assert len(mails) == 1 and mails[0].rcpt_tos == ["jan@duo.example"]
    assert parse(mails[0].raw)["Subject"] == f"Ticket IPO-{kept.id} is aan u toegewezen"
    assert db.session.get(Ticket, kept.id).assignee_id == jan.id


def test_the_requesters_answer_notifies_the_assignee_but_an_auto_reply_does_not(desk, make_user, deliver,
                                                                               smtp_server, runner):
    jan, piet = make_user("agent", email="jan@duo.example"), make_user("agent", email="piet@duo.example")
    choose(signed_in(desk, jan), "reply")  # not "assigned": the assignment itself sends nothing
    ticket = question()
    assign(signed_in(desk, piet), ticket, str(jan.id))
    asked = ticket.messages[0].message_id

    away = make_mail(subject=f"Automatisch antwoord: Re: {TOPIC}", sender=f"Anna de Vries <{REQUESTER}>",
                     in_reply_to=f"<{asked}>", headers={"Auto-Submitted": "auto-replied"})
    assert ingest_raw(away).status == "threaded"
    assert delivered(deliver, smtp_server) == []

    outcome = ingest_raw(anna_answers(asked), source="gmail.eml")
    assert outcome.status == "threaded" and outcome.ticket_id == ticket.id
    mails = delivered(deliver, smtp_server)
    assert len(mails) == 1 and mails[0].rcpt_tos == ["jan@duo.example"]
    assert parse(mails[0].raw)["Subject"] == f"Nieuwe reactie op ticket IPO-{ticket.id}"
    assert f"{PUBLIC}/tickets/{ticket.id}" in body_of(mails[0].raw)
    assert "tweede medewerker" not in mails[0].raw.decode()  # the answer itself stays in the helpdesk

    assert runner.invoke(args=["users", "deactivate", jan.email]).exit_code == 0
    smtp_server.clear()
    assert ingest_raw(anna_answers(asked)).status == "threaded"
    assert delivered(deliver, smtp_server) == []  # a deactivated account gets nothing


def test_an_at_mention_in_a_note_notifies_the_mentioned_agent_only(desk, make_user, deliver, smtp_server):
    jan = make_user("agent", email="jan@duo.example", name="Jan de Vries")
    kees = make_user("agent", email="k.boer@duo.example", name="Kees de Boer")
    piet = make_user("agent", email="piet@duo.example", name="Piet Bakker")
    gone = make_user("agent", email="gerrit@duo.example", name="Gerrit", active=True)
    for user in (jan, kees, piet, gone):
        choose(signed_in(desk, user), "mention")
    gone.active = False
    db.session.commit()
    ticket = question()
    pieten = signed_in(desk, piet)
    note = (f"@jan kun jij dit oppakken? Anna ({REQUESTER}) vraagt naar kosten. Ik (@piet) kijk mee; "
            "@gerrit is er niet meer en @a.devries is de aanvrager.")
    response = pieten.post(f"/tickets/{ticket.id}/notitie", data={
        "note": note, "csrf_token": token(pieten, f"/tickets/{ticket.id}")})
    assert response.status_code == 302
    mails = delivered(deliver, smtp_server)
    assert [m.rcpt_tos for m in mails] == [["jan@duo.example"]], [m.rcpt_tos for m in mails]
    assert parse(mails[0].raw)["Subject"] == f"U bent genoemd bij ticket IPO-{ticket.id}"
    text = body_of(mails[0].raw)
    assert "Piet Bakker heeft u genoemd" in text and f"{PUBLIC}/tickets/{ticket.id}" in text
    assert "oppakken" not in text  # the note stays in the helpdesk

    smtp_server.clear()
    response = pieten.post(f"/tickets/{ticket.id}/notitie", data={
        "note": "Graag jouw blik, @Kees.de.Boer.", "csrf_token": token(pieten, f"/tickets/{ticket.id}")})
    assert [m.rcpt_tos for m in delivered(deliver, smtp_server)] == [["k.boer@duo.example"]]


def test_the_mention_rule_skips_mail_addresses_and_folds_names():
    assert mentioned_handles("mail naar piet@school.example of info@duo.nl") == set()
    assert mentioned_handles("(@Jan), @José-María. en @k.boer!") == {"jan", "josemaria", "kboer"}


def test_a_mail_that_cannot_be_composed_costs_the_assignment_nothing(desk, make_user, deliver, smtp_server):
    broken = make_user("agent", email="jan@duo.example\nBcc: x@y.example")
    piet = make_user("agent", email="piet@duo.example")
    choose(signed_in(desk, broken), "assigned")
    ticket = question()
    assign(signed_in(desk, piet), ticket, str(broken.id))
    db.session.commit()
    assert db.session.get(Ticket, ticket.id).assignee_id == broken.id
    assert delivered(deliver, smtp_server) == []


def test_an_editor_has_no_notification_choices(desk, make_user):
    editor = signed_in(desk, make_user("editor"))
    assert "meldingen-csrf_token" not in editor.get("/account").get_data(as_text=True)
    assert editor.post("/account/meldingen", data={
        "csrf_token": token(editor, "/account", "all-csrf_token")}).status_code == 403

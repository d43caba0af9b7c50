"""Replying from a ticket: article draft, the outbox, and the mail that arrives at a real SMTP server."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.models import AuditEvent, OutboxMail, Requester, TicketMessage, TriageFeedback
from helpdesk.outbox.compose import reply_subject
from tests.support.tickets import incoming, parse, reply_form

ARTICLE_BODY = ("EHerkenning niveau 3 kost **ongeveer 30 euro** per jaar.\n\n"
                "- Kies een [leverancier](/faq/leverancier-kiezen)\n")


def _ticket_with_suggestion(make_ticket, publish_article):
    publish_article("wat-kost-eherkenning", "Wat kost eHerkenning?", ARTICLE_BODY)
    ticket = make_ticket(subject="Vraag over kosten", text="Wat kost EH3 voor ons bestuur?",
                         category="cost", category_confidence=0.91, category_source="triage",
                         suggestions=[{"slug": "wat-kost-eherkenning", "title": "Wat kost eHerkenning?",
                                       "score": 0.8, "snippet": "EHerkenning niveau 3 kost ongeveer"}],
                         top_article_slug="wat-kost-eherkenning")
    ticket.requester.name = "Anna de Vries"
    db.session.commit()
    return ticket


def test_insert_suggestion_send_and_receive_threaded_mail(client, login, make_ticket, publish_article,
                                                          smtp_server, deliver, runner):
    ticket = _ticket_with_suggestion(make_ticket, publish_article)
    agent = login("agent")
    page = client.get(f"/tickets/{ticket.id}?artikel=wat-kost-eherkenning").get_data(as_text=True)
    assert "Beste Anna de Vries," in page
    assert "ongeveer 30 euro per jaar" in page and "**" not in page.split("<textarea")[1].split("</textarea>")[0]
    assert "http://127.0.0.1:5000/faq/wat-kost-eherkenning" in page
    assert f"Met vriendelijke groet,\n{agent.display_name}\nHelpdesk IPO" in page
    draft = page.split('name="body"')[1].split(">", 1)[1].split("</textarea>")[0]
    import html as html_module

    body = html_module.unescape(draft).strip() + "\n\nPS: groeten"
    response = client.post(f"/tickets/{ticket.id}/antwoord",
                           data=reply_form(ticket, body, article_slug="wat-kost-eherkenning"))
    assert response.status_code == 302
    outbox = db.session.scalars(select(OutboxMail)).one()
    assert outbox.status == "pending"
    assert "wacht op verzending" in client.get(f"/tickets/{ticket.id}").get_data(as_text=True)

    result = runner.invoke(args=["outbox", "run", "--once"])
    assert result.exit_code == 0, result.output
    assert "verzonden: 1" in result.output
    assert len(smtp_server.messages) == 1
    received = smtp_server.messages[0]
    assert received.rcpt_tos == [ticket.requester.email]
    mail = parse(received.raw)
    sent = db.session.scalars(select(TicketMessage).where(TicketMessage.direction == "out")).one()
    question = incoming(ticket)
    # stored in the one normal form (no brackets), sent as an RFC 5322 msg-id
    assert mail["Message-ID"] == f"<{sent.message_id}>" and sent.message_id.endswith("@ipo-helpdesk.duo.nl")
    assert mail["In-Reply-To"] == f"<{question.message_id}>"
    assert mail["References"].split() == [f"<{question.message_id}>"]
    assert mail["Subject"] == f"Re: Vraag over kosten [IPO-{ticket.id}]"
    assert mail["Auto-Submitted"] is None
    assert mail["X-IPO-Helpdesk"] == "1"
    assert "Anna de Vries" in mail["To"] and ticket.requester.email in mail["To"]
    assert "ipo@duo.nl" in mail["From"]
    assert mail.get_content_type() == "multipart/alternative"
    plain = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert "Beste Anna de Vries," in plain and "PS: groeten" in plain
    assert "Beste Anna de Vries," in html and '<a href="http://127.0.0.1:5000/faq/wat-kost-eherkenning">' in html

    db.session.expire_all()
    assert ticket.used_article_slug == "wat-kost-eherkenning" and sent.article_slug == "wat-kost-eherkenning"
    assert ticket.first_response_at is not None and ticket.status == "pending" and ticket.waiting_since is None
    assert ticket.assignee_id == agent.id
    feedback = db.session.scalars(select(TriageFeedback)).one()
    assert (feedback.kind, feedback.article_slug, feedback.text) == ("article", "wat-kost-eherkenning",
                                                                     "Wat kost EH3 voor ons bestuur?")
    page = client.get(f"/tickets/{ticket.id}").get_data(as_text=True)
    assert "Verzending: verzonden" in page
    # the audit trail says what really happened: queued, then accepted by the SMTP server
    trail = page.split('id="audit-kop"')[1]
    assert "Antwoord in de wachtrij (artikel wat-kost-eherkenning)" in trail
    assert trail.index("Antwoord in de wachtrij") < trail.index("Antwoord verzonden (de mailserver nam het aan)")


def test_the_stored_bytes_are_what_is_sent(client, login, make_ticket, smtp_server, deliver):
    ticket = make_ticket()
    login("agent")
    client.post(f"/tickets/{ticket.id}/antwoord", data=reply_form(ticket, "Dag,\n\nZie de website."))
    outbox = db.session.scalars(select(OutboxMail)).one()
    deliver()
    assert smtp_server.messages[0].raw.replace(b"\r\n", b"\n") == outbox.raw.replace(b"\r\n", b"\n")


def test_smtp_down_then_up_delivers_once(client, login, make_ticket, smtp_server, deliver):
    ticket = make_ticket()
    login("agent")
    smtp_server.stop()
    client.post(f"/tickets/{ticket.id}/antwoord", data=reply_form(ticket, "Ons antwoord."))
    report = deliver()
    outbox = db.session.scalars(select(OutboxMail)).one()
    assert report.retrying == [outbox.id]
    assert (outbox.status, outbox.attempts) == ("pending", 1)
    assert "niet bereikbaar" in outbox.last_error
    assert "wacht op verzending (poging 1 mislukt" in client.get(f"/tickets/{ticket.id}").get_data(as_text=True)
    assert deliver().sent == []  # backoff: not due yet

    smtp_server.start()
    report = deliver(now=outbox.next_attempt_at)
    assert report.sent == [outbox.id]
    assert deliver(now=outbox.next_attempt_at).sent == []
    assert len(smtp_server.messages) == 1
    db.session.refresh(outbox)
    assert (outbox.status, outbox.attempts, outbox.last_error) == ("sent", 2, None)
    assert outbox.ticket_message.sent_at is not None


def test_failed_after_max_attempts_and_retry_button(client, login, make_ticket, smtp_app, smtp_server, deliver):
    smtp_app.config["OUTBOX_MAX_ATTEMPTS"] = 2
    ticket = make_ticket()
    login("agent")
    smtp_server.stop()
    client.post(f"/tickets/{ticket.id}/antwoord", data=reply_form(ticket, "Ons antwoord."))
    deliver()
    outbox = db.session.scalars(select(OutboxMail)).one()
    deliver(now=outbox.next_attempt_at)
    db.session.refresh(outbox)
    assert outbox.status == "failed"
    page = client.get(f"/tickets/{ticket.id}").get_data(as_text=True)
    assert "Verzending: mislukt: SMTP-server niet bereikbaar" in page and "Opnieuw proberen" in page

    assert client.post(f"/tickets/uitgaand/{outbox.id}/opnieuw").status_code == 302
    smtp_server.start()
    assert deliver().sent == [outbox.id]
    assert len(smtp_server.messages) == 1
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "outbox_retry")) is not None


def test_row_left_in_sending_after_a_crash_is_sent_after_the_lease(client, login, make_ticket, smtp_server,
                                                                   deliver):
    from helpdesk.outbox.sender import claim_due

    ticket = make_ticket()
    login("agent")
    client.post(f"/tickets/{ticket.id}/antwoord", data=reply_form(ticket, "Ons antwoord."))
    claimed = claim_due()  # a sender claimed it, then crashed before SMTP
    outbox = db.session.get(OutboxMail, claimed[0])
    assert outbox.status == "sending"
    assert deliver().sent == []  # another sender leaves it alone while the lease runs
    later = outbox.next_attempt_at + timedelta(seconds=client.application.config["OUTBOX_LEASE_SECONDS"])
    assert deliver(now=later).sent == [outbox.id]
    assert len(smtp_server.messages) == 1


class RefusingHandler:
    """An SMTP server that knows no recipients: every RCPT gets a permanent 550."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        return "550 5.1.1 Onbekende ontvanger"


def test_refused_recipient_fails_permanently(client, login, make_ticket, smtp_app):
    from aiosmtpd.controller import Controller

    from helpdesk.outbox.sender import deliver_due
    from tests.servers import free_port

    controller = Controller(RefusingHandler(), hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        smtp_app.config["SMTP_PORT"] = controller.port
        ticket = make_ticket()
        login("agent")
        client.post(f"/tickets/{ticket.id}/antwoord", data=reply_form(ticket, "Antwoord"))
        report = deliver_due(smtp_app.config)
    finally:
        controller.stop()
    outbox = db.session.scalars(select(OutboxMail)).one()
    assert report.failed == [outbox.id]
    assert outbox.status == "failed" and outbox.attempts == 1 and "550" in outbox.last_error
    assert "mislukt: " in client.get(f"/tickets/{ticket.id}").get_data(as_text=True)


def test_without_smtp_host_replies_wait(app, client, login, make_ticket):
    from helpdesk.outbox.sender import deliver_due

    ticket = make_ticket()
    login("agent")
    client.post(f"/tickets/{ticket.id}/antwoord", data=reply_form(ticket, "Antwoord"))
    report = deliver_due(app.config)
    assert "Geen SMTP-server" in report.skipped
    assert db.session.scalars(select(OutboxMail)).one().status == "pending"


def test_notes_are_never_mailed(client, login, make_ticket, smtp_server, deliver):
    ticket = make_ticket()
    login("agent")
    response = client.post(f"/tickets/{ticket.id}/notitie", data={"note": "Belde met de aanvrager: geheim."})
    assert response.status_code == 302
    deliver()
    assert smtp_server.messages == []
    assert db.session.scalars(select(OutboxMail)).all() == []
    page = client.get(f"/tickets/{ticket.id}").get_data(as_text=True)
    assert "Belde met de aanvrager: geheim." in page and "niet gemaild" in page and "msg-note" in page
    # a later reply carries only its own text
    client.post(f"/tickets/{ticket.id}/antwoord", data=reply_form(ticket, "Het antwoord."))
    deliver()
    assert b"geheim" not in smtp_server.messages[0].raw


def test_reply_copies_cc_and_threads_on_the_latest_incoming_mail(client, login, make_ticket, smtp_server,
                                                                 deliver):
    ticket = make_ticket(subject="RE: Antw: vraag [IPO-99]", cc="collega@school.example, ipo@duo.nl")
    first = incoming(ticket)
    first.references_header = "oud@school.example"
    later = TicketMessage(ticket=ticket, direction="in", from_email=ticket.requester.email, subject="nog een",
                          text="Aanvulling", message_id="later@school.example",
                          references_header=f"oud@school.example {first.message_id}")
    db.session.add(later)
    db.session.commit()
    login("agent")
    client.post(f"/tickets/{ticket.id}/antwoord", data=reply_form(ticket, "Antwoord"))
    deliver()
    received = smtp_server.messages[0]
    assert sorted(received.rcpt_tos) == sorted([ticket.requester.email, "collega@school.example"])
    mail = parse(received.raw)
    assert mail["In-Reply-To"] == "<later@school.example>"
    assert mail["References"].split() == ["<oud@school.example>", f"<{first.message_id}>", "<later@school.example>"]
    assert mail["Subject"] == f"Re: vraag [IPO-{ticket.id}]"


def test_reply_subject_does_not_pile_up_prefixes():
    assert reply_subject("Re: Re: Kosten [IPO-7]", 7) == "Re: Kosten [IPO-7]"
    assert reply_subject("Antw: Kosten", 7) == "Re: Kosten [IPO-7]"
    assert reply_subject("[EXTERN] RE[2]: AW:  Kosten [IPO-7]", 7) == "Re: Kosten [IPO-7]"  # ingest's prefixes
    assert reply_subject("", 7) == "Re: Uw vraag aan Helpdesk IPO [IPO-7]"


def test_requester_without_a_name_is_greeted_politely(client, login, make_ticket, publish_article):
    publish_article("wanneer-verplicht", "Wanneer verplicht?", "Vanaf 1 januari.")
    ticket = make_ticket()
    db.session.get(Requester, ticket.requester_id).name = ""
    db.session.commit()
    login("agent")
    page = client.get(f"/tickets/{ticket.id}?artikel=wanneer-verplicht").get_data(as_text=True)
    assert "Beste heer/mevrouw," in page
    missing = client.get(f"/tickets/{ticket.id}?artikel=bestaat-niet").get_data(as_text=True)
    assert "niet gepubliceerd" in missing


def test_name_placeholder_is_filled_in_a_single_reply(client, login, make_ticket, smtp_server, deliver):
    ticket = make_ticket()
    db.session.get(Requester, ticket.requester_id).name = "Eva Eelman"
    db.session.commit()
    login("agent")
    client.post(f"/tickets/{ticket.id}/antwoord", data=reply_form(ticket, "Beste {naam},\n\nDank."))
    deliver()
    assert "Beste Eva Eelman," in parse(smtp_server.messages[0].raw).get_body(("plain",)).get_content()


def test_without_a_mail_server_the_agent_is_told_the_reply_is_not_mailed(client, login, make_ticket, app):
    app.config["SMTP_HOST"] = None
    ticket = make_ticket(subject="Vraag over kosten")
    following = make_ticket(subject="Nog een vraag")
    login("agent")
    body = "Beste Anna,\n\nHet kost 30 euro."
    response = client.post(f"/tickets/{ticket.id}/antwoord", data=reply_form(ticket, body))
    assert response.status_code == 302
    # on to the next ticket, at the top of the page, where the message is
    assert response.headers["Location"].endswith(f"/tickets/{following.id}#inhoud")
    page = client.get(f"/tickets/{following.id}").get_data(as_text=True)
    flash = page.split('class="flash flash-warning"')[1].split("</p>")[0]
    assert "staat klaar voor verzending, maar is nog niet gemaild" in flash and "geen mailserver (SMTP)" in flash
    page = client.get(f"/tickets/{ticket.id}").get_data(as_text=True)
    assert "nog niet gemaild: er is geen mailserver ingesteld" in page.split('<p class="delivery ')[1].split("</p>")[0]


def test_draft_names_its_article_by_title_and_the_trail_speaks_dutch(client, login, make_ticket, publish_article):
    ticket = _ticket_with_suggestion(make_ticket, publish_article)
    db.session.add(AuditEvent(action="mail_received", ticket_id=ticket.id, detail={"threaded": False}))
    db.session.commit()
    login("agent")
    page = client.get(f"/tickets/{ticket.id}?artikel=wat-kost-eherkenning").get_data(as_text=True)
    assert "Concept gebaseerd op het artikel" in page
    assert ">Wat kost eHerkenning?</a>. Pas het aan" in page
    assert "Score" not in page and "0,80" not in page  # the ranking score is internal, not for agents
    trail = page.split('id="audit-caption"')[1]
    assert "Mail ontvangen; ticket aangemaakt" in trail and "Mail received" not in trail

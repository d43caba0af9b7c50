"""Waves: one reviewed reply to a group of identical questions, each sent as its own personal, threaded mail."""

from __future__ import annotations

import re

from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.models import OutboxMail, Requester, TicketMessage, TriageFeedback
from tests.support.tickets import incoming, parse

SLUG = "wat-kost-eherkenning"


def _wave(make_ticket, publish_article, names=("Anna Bakker", "Bert Smit", "Carla Jansen")):
    publish_article(SLUG, "Wat kost eHerkenning?", "Niveau 3 kost ongeveer **30 euro** per jaar.")
    tickets = []
    for name in names:
        ticket = make_ticket(subject=f"Kosten vraag van {name}", category="cost", category_confidence=0.9,
                             top_article_slug=SLUG)
        db.session.get(Requester, ticket.requester_id).name = name
        tickets.append(ticket)
    make_ticket(category="deadline", top_article_slug="wanneer-verplicht")  # a group of one is no wave
    make_ticket(category="cost", top_article_slug=SLUG, status="solved")  # answered already
    db.session.commit()
    return tickets


def test_wave_overview_groups_open_questions(client, login, make_ticket, publish_article):
    _wave(make_ticket, publish_article)
    login("agent")
    page = client.get("/tickets/golven").get_data(as_text=True)
    row = page.split(f"/tickets/golven/cost/{SLUG}")[0].rsplit("<tr>", 1)[1]  # one row a wave, no repeat below
    assert '<td data-label="Vragen">3</td><td data-label="Categorie">Kosten</td>' in row
    assert page.count(f"/tickets/golven/cost/{SLUG}") == 1
    assert "wanneer-verplicht" not in page


def test_answer_a_wave_sends_one_personal_threaded_mail_per_ticket(client, login, make_ticket, publish_article,
                                                                   smtp_server, deliver):
    tickets = _wave(make_ticket, publish_article)
    agent = login("agent")
    page = client.get(f"/tickets/golven/cost/{SLUG}").get_data(as_text=True)
    assert page.count('type="checkbox" name="ticket"') == 3 and page.count("checked") == 3
    assert "Beste {naam}," in page and "ongeveer 30 euro per jaar" in page
    seen = re.search(r'name="seen_message_id" type="hidden" value="(\d+)"', page).group(1)

    chosen = tickets[:2]
    body = f"Beste {{naam}},\n\nNiveau 3 kost ongeveer 30 euro per jaar.\n\nMet vriendelijke groet,\n{agent.name}"
    response = client.post(f"/tickets/golven/cost/{SLUG}", data={
        "body": body, "seen_message_id": seen, "status_after": "solved", "ticket": [str(t.id) for t in chosen]})
    assert response.status_code == 302
    deliver()
    assert len(smtp_server.messages) == 2
    by_recipient = {m.rcpt_tos[0]: parse(m.raw) for m in smtp_server.messages}
    for ticket in chosen:
        mail = by_recipient[ticket.requester.email]
        assert f"Beste {ticket.requester.name}," in mail.get_body(("plain",)).get_content()
        assert "{naam}" not in mail.get_body(("plain",)).get_content()
        assert mail["In-Reply-To"] == f"<{incoming(ticket).message_id}>"
        assert mail["Subject"] == f"Re: {ticket.subject} [IPO-{ticket.id}]"
        db.session.refresh(ticket)
        assert ticket.status == "solved" and ticket.used_article_slug == SLUG and ticket.solved_at is not None
    untouched = tickets[2]
    db.session.refresh(untouched)
    assert untouched.status == "new" and untouched.used_article_slug is None
    assert len(db.session.scalars(select(TriageFeedback).where(TriageFeedback.kind == "article")).all()) == 2
    ids = {m.message_id for m in db.session.scalars(select(OutboxMail))}
    assert len(ids) == 2  # every mail its own Message-ID


def test_wave_skips_a_ticket_that_got_new_mail_meanwhile(client, login, make_ticket, publish_article):
    tickets = _wave(make_ticket, publish_article)
    login("agent")
    page = client.get(f"/tickets/golven/cost/{SLUG}").get_data(as_text=True)
    seen = re.search(r'name="seen_message_id" type="hidden" value="(\d+)"', page).group(1)
    db.session.add(TicketMessage(ticket=tickets[0], direction="in", text="Nog een vraag erbij!",
                                 message_id="<extra@school.example>"))
    db.session.commit()
    response = client.post(f"/tickets/golven/cost/{SLUG}", data={
        "body": "Beste {naam}, zie de website.", "seen_message_id": seen, "status_after": "pending",
        "ticket": [str(t.id) for t in tickets]}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert f"IPO-{tickets[0].id} is overgeslagen: er kwam intussen een nieuw bericht bij" in page
    assert "2 antwoorden staan klaar" in page
    assert {o.ticket_message.ticket_id for o in db.session.scalars(select(OutboxMail))} == {t.id for t in tickets[1:]}


def test_wave_without_selection_or_text_sends_nothing(client, login, make_ticket, publish_article):
    tickets = _wave(make_ticket, publish_article)
    login("agent")
    none_chosen = client.post(f"/tickets/golven/cost/{SLUG}", data={"body": "Beste {naam}", "seen_message_id": 0,
                                                                    "status_after": "pending"})
    assert none_chosen.status_code == 400 and "Kies minstens één ticket" in none_chosen.get_data(as_text=True)
    empty = client.post(f"/tickets/golven/cost/{SLUG}", data={"body": "", "seen_message_id": 0,
                                                              "ticket": [str(tickets[0].id)]})
    assert empty.status_code == 400
    assert db.session.scalars(select(OutboxMail)).all() == []
    assert client.get("/tickets/golven/onzin/iets").status_code == 404

"""The agent's fast paths: one form for status/assignee/category, send-and-close, the next ticket, inserting an
article without losing typed text, and bulk changes from the queue."""

from __future__ import annotations

import html
import re

from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.ingest.operations import ingest_raw
from helpdesk.models import AuditEvent, Ticket
from mail_ingest.demo import demo_mail_paths
from tests.support.tickets import reply_form

COST = "wat-kost-eherkenning"


def _body(page: str) -> str:
    return html.unescape(page.split('name="body"')[1].split(">", 1)[1].split("</textarea>")[0]).lstrip("\r\n")


def _demo(name: str) -> Ticket:
    path = next(p for p in demo_mail_paths() if name in p.name)
    return db.session.get(Ticket, ingest_raw(path.read_bytes(), source=path.name).ticket_id)


def test_send_and_close_files_the_article_category_and_opens_the_next_ticket(client, login, runner):
    assert runner.invoke(args=["setup"]).exit_code == 0
    question = _demo("01-kosten")
    later = _demo("04-deadline")
    login("agent")
    db.session.execute(db.update(Ticket).where(Ticket.id == question.id).values(category="other"))
    db.session.commit()
    response = client.post(f"/tickets/{question.id}/antwoord", data={
        **reply_form(question, "Beste heer,\n\nZie het artikel.", article_slug=COST),
        "send_close": "Verstuur en sluit", "status_after": "open"})  # the button wins over the old field
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/tickets/{later.id}#inhoud")
    db.session.expire_all()
    question = db.session.get(Ticket, question.id)
    assert question.status == "solved" and question.used_article_slug == COST
    assert (question.category, question.category_source) == ("cost", "agent")  # the article's category

    page = client.get(f"/tickets/{later.id}").get_data(as_text=True)
    assert "Hieronder het volgende ticket uit uw wachtrij" in page
    response = client.post(f"/tickets/{later.id}/antwoord", data={
        **reply_form(later, "Beste,\n\nUiterlijk 1 januari."), "send_wait": "Verstuur, wacht op antwoord"})
    assert response.headers["Location"].endswith("/tickets/")  # nothing left
    db.session.expire_all()
    assert db.session.get(Ticket, later.id).status == "pending"
    assert "Uw wachtrij is leeg" in client.get("/tickets/").get_data(as_text=True)


def test_the_next_ticket_follows_the_filters_the_agent_used(client, login, make_ticket):
    first = make_ticket(subject="Eerste", category="cost", category_confidence=0.9)
    make_ticket(subject="Kosten, later", category="cost", category_confidence=0.9)
    deadline = make_ticket(subject="Termijn", category="deadline", category_confidence=0.9)
    login("agent")
    client.get("/tickets/?categorie=deadline&q=Termijn")
    response = client.post(f"/tickets/{first.id}/antwoord", data=reply_form(first, "Dag,\n\nZo zit het."))
    assert response.headers["Location"].endswith(f"/tickets/{deadline.id}#inhoud")


def test_using_an_article_keeps_what_the_agent_typed(client, login, make_ticket, publish_article):
    publish_article(COST, "Wat kost eHerkenning?", "Niveau 3 kost ongeveer **30 euro** per jaar.")
    ticket = make_ticket(subject="Kosten")
    login("agent")
    typed = "Beste Anna,\n\nGoed dat u het vraagt.\n\nMet vriendelijke groet,\nPiet"
    page = client.post(f"/tickets/{ticket.id}/antwoord", data={**reply_form(ticket, typed), "use_article": COST})
    assert page.status_code == 200
    text = _body(page.get_data(as_text=True)).replace("\r\n", "\n")
    assert text.startswith("Beste Anna,\n\nGoed dat u het vraagt.\n\nWat kost eHerkenning?")
    assert "ongeveer 30 euro per jaar" in text and text.rstrip().endswith("Met vriendelijke groet,\nPiet")
    assert text.count("Beste") == 1  # no second greeting
    assert f'name="article_slug" type="hidden" value="{COST}"' in page.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Ticket, ticket.id).messages[-1].direction == "in"  # nothing was sent

    empty = client.post(f"/tickets/{ticket.id}/antwoord", data={**reply_form(ticket, ""), "use_article": COST})
    assert _body(empty.get_data(as_text=True)).lstrip().startswith("Beste ")  # an empty box gets the whole draft


def test_article_text_for_inserting_at_the_cursor(client, login, make_ticket, publish_article):
    publish_article(COST, "Wat kost eHerkenning?", "Niveau 3 kost ongeveer 30 euro per jaar.", category="cost")
    ticket = make_ticket(subject="Kosten", category="deadline")
    login("agent")
    data = client.get(f"/tickets/{ticket.id}/artikeltekst?artikel={COST}").get_json()
    assert data["block"].startswith("Wat kost eHerkenning?") and "Beste" not in data["block"]
    assert data["draft"].startswith("Beste ") and f"/faq/{COST}" in data["draft"]
    assert (data["category"], data["category_label"]) == ("cost", "Kosten")
    assert client.get(f"/tickets/{ticket.id}/artikeltekst?artikel=bestaat-niet").status_code == 404


def test_one_form_sets_status_assignee_and_category(client, login, make_ticket):
    ticket = make_ticket(category="cost", category_confidence=0.4, category_source="triage")
    agent = login("agent")
    page = client.get(f"/tickets/{ticket.id}").get_data(as_text=True)
    top = page.split('action="/tickets/' + str(ticket.id) + '/bijwerken"')[1].split("</form>")[0]
    assert top.count("<select") == 3 and top.count('type="submit"') == 1
    assert page.index("/bijwerken") < page.index('id="reply-form"') < page.index('class="ticket-side"')
    # only the status changes: the category triage chose is not silently confirmed
    client.post(f"/tickets/{ticket.id}/bijwerken", data={"status": "open", "assignee": "", "category": "cost"})
    db.session.expire_all()
    assert (db.session.get(Ticket, ticket.id).status, db.session.get(Ticket, ticket.id).category_source) == (
        "open", "triage")
    client.post(f"/tickets/{ticket.id}/bijwerken", data={"status": "solved", "assignee": str(agent.id),
                                                         "category": "deadline"})
    db.session.expire_all()
    ticket = db.session.get(Ticket, ticket.id)
    assert (ticket.status, ticket.assignee_id, ticket.category) == ("solved", agent.id, "deadline")
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.ticket_id == ticket.id)).all()
    assert {"status_changed", "assigned", "category_changed"} <= set(actions)
    bad = client.post(f"/tickets/{ticket.id}/bijwerken", data={"status": "weg", "assignee": "", "category": "cost"},
                      follow_redirects=True)
    assert "er is niets gewijzigd" in bad.get_data(as_text=True)


def test_queue_rows_show_the_question_and_bulk_changes_the_ticked_ones(client, login, make_ticket):
    a = make_ticket(subject="Kosten A", text="Goedemorgen,\n\nWat kost niveau 3 voor twaalf scholen?\n\nGroet")
    b = make_ticket(subject="Kosten B")
    c = make_ticket(subject="Niet aanvinken")
    agent = login("agent")
    queue = client.get("/tickets/").get_data(as_text=True)
    row = queue.split(f'id="kies-{a.id}"')[1].split("</tr>")[0]
    assert '<span class="queue-snippet">Wat kost niveau 3 voor twaalf scholen? Groet</span>' in row
    assert re.search(r'<form method="post" action="/tickets/selectie"', queue)
    response = client.post("/tickets/selectie", data={"ticket": [str(a.id), str(b.id)], "status": "open",
                                                      "assignee": "mij", "category": "cost",
                                                      "back": "/tickets/?categorie=cost"})
    assert response.headers["Location"].endswith("/tickets/?categorie=cost")
    db.session.expire_all()
    for t in (a, b):
        t = db.session.get(Ticket, t.id)
        assert (t.status, t.assignee_id, t.category, t.category_source) == ("open", agent.id, "cost", "agent")
    untouched = db.session.get(Ticket, c.id)
    assert (untouched.status, untouched.assignee_id) == ("new", None)

    nothing = client.post("/tickets/selectie", data={"ticket": [str(c.id)], "status": "", "assignee": "",
                                                     "category": "", "back": "https://elders.example/"})
    assert nothing.headers["Location"].endswith("/tickets/")  # never back to another site
    assert "Kies wat u wilt wijzigen" in client.get("/tickets/").get_data(as_text=True)
    none_ticked = client.post("/tickets/selectie", data={"status": "closed", "assignee": "", "category": ""},
                              follow_redirects=True)
    assert "Vink eerst een of meer tickets aan" in none_ticked.get_data(as_text=True)

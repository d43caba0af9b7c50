"""Canned replies (own and shared) and the dashboard figures."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.models import CannedReply, Requester, utcnow
from tests.conftest import PASSWORD
from tests.tickets.conftest import reply_form


def test_canned_replies_own_and_shared(app, client, login, make_user):
    login("agent")
    assert client.post("/tickets/standaardantwoorden", data={"title": "Bedankt", "body": "Dank, {naam}!",
                                                             "shared": "y"}).status_code == 302
    client.post("/tickets/standaardantwoorden", data={"title": "Privé", "body": "Mijn eigen tekst"})
    assert client.post("/tickets/standaardantwoorden", data={"title": "", "body": "x"}).status_code == 400
    shared, private = (db.session.scalar(select(CannedReply).where(CannedReply.title == t))
                       for t in ("Bedankt", "Privé"))
    assert shared.owner_id is None and private.owner_id is not None

    other = make_user("agent")
    other_client = app.test_client()
    with app.app_context():
        other_client.post("/login", data={"email": other.email, "password": PASSWORD})
    with app.app_context():
        page = other_client.get("/tickets/standaardantwoorden").get_data(as_text=True)
    assert "Bedankt" in page and "Privé" not in page
    with app.app_context():
        assert other_client.get(f"/tickets/standaardantwoorden/{private.id}").status_code == 404
    with app.app_context():
        assert other_client.post(f"/tickets/standaardantwoorden/{private.id}/verwijderen").status_code == 404

    assert client.post(f"/tickets/standaardantwoorden/{private.id}",
                       data={"title": "Privé 2", "body": "Nieuwe tekst"}).status_code == 302
    db.session.refresh(private)
    assert (private.title, private.body) == ("Privé 2", "Nieuwe tekst")
    assert client.post(f"/tickets/standaardantwoorden/{private.id}/verwijderen").status_code == 302
    assert db.session.get(CannedReply, private.id) is None


def test_inserting_a_canned_reply_keeps_typed_text_and_personalises(client, login, make_ticket):
    login("agent")
    client.post("/tickets/standaardantwoorden", data={"title": "Bedankt", "body": "Dank, {naam}!", "shared": "y"})
    canned = db.session.scalar(select(CannedReply))
    ticket = make_ticket()
    db.session.get(Requester, ticket.requester_id).name = "Daan Dijk"
    db.session.commit()
    response = client.post(f"/tickets/{ticket.id}/antwoord",
                           data={**reply_form(ticket, "Al getypt."), "canned": str(canned.id),
                                 "insert_canned": "Invoegen", "send": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Al getypt.\n\nDank, Daan Dijk!</textarea>" in page
    from helpdesk.models import OutboxMail

    assert db.session.scalars(select(OutboxMail)).all() == []


def test_dashboard_charts_and_tables(client, login, make_ticket, publish_article):
    publish_article("wat-kost-eherkenning", "Wat kost eHerkenning?", "Dertig euro.")
    login("agent")
    now = utcnow()
    answered = make_ticket(category="cost", category_confidence=0.9)
    client.post(f"/tickets/{answered.id}/antwoord",
                data=reply_form(answered, "Antwoord", article_slug="wat-kost-eherkenning"))
    answered.created_at = now - timedelta(hours=4)
    plain = make_ticket(category="deadline")
    client.post(f"/tickets/{plain.id}/antwoord", data=reply_form(plain, "Antwoord zonder artikel"))
    waiting = make_ticket(category="cost")
    waiting.waiting_since = now - timedelta(days=4)
    make_ticket(kind="bounce")
    db.session.commit()

    page = client.get("/dashboard/").get_data(as_text=True)
    assert page.count('<svg class="chart chart-') == 5 and page.count('role="img"') == 5
    assert 'aria-labelledby="grafiek-categorie-title grafiek-categorie-desc"' in page
    assert "3 vragen in de laatste 8 weken" in page  # the bounce is no question
    assert "50% van de beantwoorde vragen (1 van 2)" in page
    assert "<th scope=\"row\">3–7 dagen</th><td>1</td>" in page
    assert "Wat kost eHerkenning?" in page.split("Meest gebruikte artikelen in antwoorden</caption>")[1]
    week_table = page.split("Vragen per categorie per week</caption>")[1]
    assert '<th scope="row">Kosten</th>' in week_table
    # every category in the legend, as wrapping HTML (the SVG legend ran out of the chart after three names)
    legend = page.split('<ul class="chart-legend"')[1].split("</ul>")[0]
    for label in ("Kosten", "Leverancierskeuze", "Upgrade naar niveau 3", "Termijnen en deadline", "Overig"):
        assert f"</span>{label}</li>" in legend


def test_empty_dashboard_renders(client, login):
    login("agent")
    response = client.get("/dashboard/")
    assert response.status_code == 200 and "Nog geen antwoorden op basis van een artikel" in response.get_data(
        as_text=True)

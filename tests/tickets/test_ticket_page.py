"""The ticket page: thread display, triage panel, category/status/assignee, audit trail, attachments, export."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.models import Attachment, TicketMessage, TriageFeedback
from tests.support.tickets import incoming


def test_thread_shows_clean_text_first_and_folds_the_rest(client, login, make_ticket):
    ticket = make_ticket(text="")
    message = incoming(ticket)
    message.text = "Wat kost het?\n\nMet groet,\nJan\n\n> Op 1 mei schreef DUO:\n> oude tekst"
    message.clean_text = "Wat kost het?"
    message.html = '<p>Wat <b>kost</b> het?</p><script>alert(1)</script><img src="x" onerror="alert(2)">'
    db.session.commit()
    login("agent")
    page = client.get(f"/tickets/{ticket.id}").get_data(as_text=True)
    assert page.index("Wat kost het?") < page.index("<details")
    assert "&gt; Op 1 mei schreef DUO:" in page.split("<details")[1]
    assert "Wat <b>kost</b> het?" in page
    assert "<script>alert" not in page and "onerror" not in page


def test_triage_panel_and_suggestions(client, login, make_ticket, app):
    ticket = make_ticket(category="upgrade", category_confidence=0.42,
                         category_reason="Upgrade naar niveau 3. Woorden: upgrade, niveau",
                         suggestions=[{"slug": "upgrade-naar-niveau-3", "title": "Upgrade naar niveau 3",
                                       "score": 0.7, "snippet": "U kunt uw <b>middel</b> upgraden"}, {"bad": 1}])
    login("agent")
    page = client.get(f"/tickets/{ticket.id}").get_data(as_text=True)
    meta = page.split('class="ticket-meta"')[1].split("</p>")[0]
    side = page.split('class="ticket-side"')[1]
    assert "zekerheid 42%" in meta and "genoemd: upgrade, niveau" in meta and "categorie onzeker" in meta
    assert "Woorden" not in page and "Score" not in page  # plain Dutch, no model wording or scores
    assert "Upgrade naar niveau 3" in side
    assert "U kunt uw middel upgraden" in side  # snippet markup stripped, text kept
    assert 'name="use_article" value="upgrade-naar-niveau-3"' in side and "Gebruik dit antwoord" in side
    app.config["TRIAGE_THRESHOLD"] = 0.4
    assert "categorie onzeker" not in client.get(f"/tickets/{ticket.id}").get_data(as_text=True).split(
        'class="ticket-meta"')[1].split("</p>")[0]


def test_category_change_feeds_triage_and_the_audit_trail(client, login, make_ticket):
    ticket = make_ticket(subject="Wanneer moet het?", text="Per wanneer is EH3 verplicht?", category="cost",
                         category_confidence=0.5, category_source="triage")
    agent = login("agent")
    assert client.post(f"/tickets/{ticket.id}/categorie", data={"category": "deadline"}).status_code == 302
    db.session.refresh(ticket)
    assert (ticket.category, ticket.category_source, ticket.category_set_by_id) == ("deadline", "agent", agent.id)
    feedback = db.session.scalars(select(TriageFeedback)).one()
    assert (feedback.kind, feedback.category, feedback.subject, feedback.text) == (
        "category", "deadline", "Wanneer moet het?", "Per wanneer is EH3 verplicht?")
    page = client.get(f"/tickets/{ticket.id}").get_data(as_text=True)
    assert "Categorie gewijzigd: Kosten → Termijnen en deadline" in page
    assert client.post(f"/tickets/{ticket.id}/categorie", data={"category": "verzonnen"}).status_code == 302
    assert len(db.session.scalars(select(TriageFeedback)).all()) == 1


def test_status_and_assignee_changes_are_recorded(client, login, make_ticket, make_user):
    ticket = make_ticket()
    agent = login("agent")
    colleague = make_user("agent", name="Carla Collega")
    editor = make_user("editor")
    client.post(f"/tickets/{ticket.id}/status", data={"status": "solved"})
    db.session.refresh(ticket)
    assert ticket.status == "solved" and ticket.solved_at is not None
    client.post(f"/tickets/{ticket.id}/status", data={"status": "open"})
    db.session.refresh(ticket)
    assert ticket.status == "open" and ticket.solved_at is None
    client.post(f"/tickets/{ticket.id}/behandelaar", data={"assignee": str(colleague.id)})
    client.post(f"/tickets/{ticket.id}/behandelaar", data={"assignee": "mij"})
    db.session.refresh(ticket)
    assert ticket.assignee_id == agent.id
    client.post(f"/tickets/{ticket.id}/behandelaar", data={"assignee": str(editor.id)})
    db.session.refresh(ticket)
    assert ticket.assignee_id == agent.id  # editors do not handle tickets
    page = client.get(f"/tickets/{ticket.id}").get_data(as_text=True)
    audit = page.split("Wie deed wat met dit ticket")[1]
    for line in ("Status gewijzigd: Nieuw → Opgelost", "Status gewijzigd: Opgelost → Open",
                 "Behandelaar gewijzigd: niemand → Carla Collega",
                 f"Behandelaar gewijzigd: Carla Collega → {agent.name}"):
        assert line in audit
    assert "kan geen tickets behandelen" in page


def test_empty_note_is_refused_without_losing_anything(client, login, make_ticket):
    ticket = make_ticket()
    login("agent")
    response = client.post(f"/tickets/{ticket.id}/notitie", data={"note": "   "}, follow_redirects=True)
    assert "niets opgeslagen" in response.get_data(as_text=True)
    assert db.session.scalars(select(TicketMessage).where(TicketMessage.direction == "note")).all() == []


def test_attachment_download_is_staff_only_and_safe(app, client, login, make_ticket, make_user):
    ticket = make_ticket()
    folder = Path(app.config["ATTACHMENT_DIR"])
    (folder / "ab").mkdir(parents=True, exist_ok=True)
    (folder / "ab" / "brief.html").write_text("<script>alert(1)</script>")
    (Path(app.config["DATA_DIR"]) / "geheim.txt").write_text("geheim")
    good = Attachment(message_id=incoming(ticket).id, filename="brief.html", content_type="text/html", size=25,
                      storage_path="ab/brief.html")
    evil = Attachment(message_id=incoming(ticket).id, filename="x.txt", size=6, storage_path="../geheim.txt")
    db.session.add_all([good, evil])
    db.session.commit()
    assert client.get(f"/tickets/bijlagen/{good.id}").status_code == 302  # not signed in: to the login page
    login("agent")
    page = client.get(f"/tickets/{ticket.id}").get_data(as_text=True)
    assert f"/tickets/bijlagen/{good.id}" in page and "brief.html" in page
    response = client.get(f"/tickets/bijlagen/{good.id}")
    assert response.status_code == 200 and response.data == b"<script>alert(1)</script>"
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    response.close()
    assert client.get(f"/tickets/bijlagen/{evil.id}").status_code == 404
    assert client.get("/tickets/bijlagen/999").status_code == 404


def test_editor_and_anonymous_cannot_use_the_workspace(client, login, make_ticket):
    ticket = make_ticket()
    assert client.get("/tickets/").status_code == 302
    login("editor")
    for url in ("/tickets/", f"/tickets/{ticket.id}", "/tickets/golven", "/dashboard/", "/tickets/standaardantwoorden"):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/tickets/{ticket.id}/antwoord", data={"body": "x"}).status_code == 403
    assert client.post(f"/tickets/{ticket.id}/notitie", data={"note": "x"}).status_code == 403


def test_admin_may_work_tickets(client, login, make_ticket):
    ticket = make_ticket()
    login("admin")
    assert client.get(f"/tickets/{ticket.id}").status_code == 200
    assert client.get("/tickets/12345").status_code == 404


def test_export_prints_one_json_line_per_ticket(runner, make_ticket):
    first = make_ticket(subject="Eén", category="cost")
    make_ticket(subject="Twee")
    result = runner.invoke(args=["tickets", "export"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [line["subject"] for line in lines] == ["Eén", "Twee"]
    assert lines[0]["number"] == f"IPO-{first.id}" and lines[0]["category"] == "cost"
    assert lines[0]["requester"] == first.requester.email
    assert lines[0]["messages"] == [{"direction": "in", "message_id": incoming(first).message_id,
                                     "in_reply_to": None, "from": first.requester.email}]


def test_an_automatic_message_is_labelled_in_dutch(client, login, make_ticket):
    ticket = make_ticket(subject="Automatisch antwoord: afwezig", kind="autoreply")
    login("agent")
    meta = client.get(f"/tickets/{ticket.id}").get_data(as_text=True).split('class="ticket-meta"')[1].split("</p>")[0]
    assert "Automatische antwoorden" in meta and ">autoreply<" not in meta


def test_the_reason_for_a_category_reads_as_plain_dutch():
    from helpdesk.tickets.display import plain_reason

    assert plain_reason("Kosten. Woorden: kosten, per medewerker") == "genoemd: kosten, per medewerker"
    vague = "Kosten: geen duidelijke aanwijzingen in de tekst"
    assert plain_reason(vague) == "geen duidelijke aanwijzingen in de tekst"
    assert plain_reason(None) == ""

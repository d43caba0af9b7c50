"""A wave shows each question's first lines, confidence and language; it ticks only what it can trust."""

from __future__ import annotations

from pathlib import Path

from helpdesk.extensions import db
from helpdesk.ingest.operations import ingest_raw
from helpdesk.models import Ticket
from helpdesk.tickets.snippets import first_words
from mail_ingest.demo import demo_mail_paths

SLUG = "wat-kost-eherkenning"
VAGUE = Path(__file__).parent.parent / "support" / "mails" / "vaag-betalen-iphone.eml"


def _ingest(raw: bytes) -> Ticket:
    outcome = ingest_raw(raw, source="test")
    assert outcome.status == "created", outcome.detail
    return db.session.get(Ticket, outcome.ticket_id)


def _li(page: str, ticket: Ticket) -> str:
    return page.split(f'id="ticket-{ticket.id}"')[0].rsplit("<li", 1)[1] + page.split(
        f'id="ticket-{ticket.id}"')[1].split("</li>", 1)[0]


def test_wave_ticks_sure_dutch_questions_only(client, login, runner, app):
    assert runner.invoke(args=["setup"]).exit_code == 0
    demo = {p.name: p.read_bytes() for p in demo_mail_paths()}
    sure = [_ingest(demo["01-kosten-per-persoon.eml"]), _ingest(demo["23-wie-betaalt.eml"])]
    english = _ingest(demo["10-english-costs.eml"])
    vague = _ingest(VAGUE.read_bytes())
    threshold = app.config["TRIAGE_THRESHOLD"]
    for ticket in [*sure, english, vague]:
        assert (ticket.category, ticket.top_article_slug) == ("cost", SLUG), (ticket.subject, ticket.category)
    assert all(t.category_confidence >= threshold for t in [*sure, english])
    assert vague.category_confidence < threshold, "de vage vraag moet onder de drempel blijven voor deze toets"

    login("agent")
    page = client.get(f"/tickets/golven/cost/{SLUG}").get_data(as_text=True)
    for ticket in sure:
        item = _li(page, ticket)
        assert "checked" in item and "Nederlands" in item and "Niet aangevinkt" not in item
        assert f"zekerheid {round(ticket.category_confidence * 100)}%" in item.lower()
    assert "Onze scholen vragen of het bestuur de kosten van eHerkenning betaalt" in _li(page, sure[1])
    assert "Goedemiddag" not in _li(page, sure[1])  # the question, not the greeting

    english_item = _li(page, english)
    assert "checked" not in english_item and "Engels" in english_item
    assert "de vraag is in het Engels, het artikel in het Nederlands" in english_item
    vague_item = _li(page, vague)
    assert "checked" not in vague_item and "Wat moeten wij hiervoor betalen en hoe gaat dat verder?" in vague_item
    assert "de categorie is onzeker" in vague_item


def test_first_words_drop_the_greeting_and_stop_at_a_word():
    assert first_words("Beste helpdesk,\n\nWat kost\n  eHerkenning?") == "Wat kost eHerkenning?"
    assert first_words("Goedemorgen,\nWij willen graag weten " + "hoeveel " * 40, limit=40) == (
        "Wij willen graag weten hoeveel hoeveel…")
    assert first_words("") == ""

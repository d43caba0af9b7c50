"""Macros: a canned reply that also sets status, category and assignee, applied from the ticket page in one
action, through the real forms with CSRF tokens, as a browser without JavaScript sends them."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from html import unescape
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.models import AuditEvent, CannedReply, OutboxMail, Requester, Ticket, User
from tests.conftest import PASSWORD
from tests.web.test_bad_input import FormParser, PageForm, page_forms

CANNED = "/tickets/standaardantwoorden"


@pytest.fixture
def csrf_app(make_app: Callable[..., Flask]) -> Iterator[Flask]:
    """The app with CSRF protection on, as in production."""
    application = make_app(WTF_CSRF_ENABLED=True)
    with application.app_context():
        yield application


FILLER = "Een gewone tekst"  # what the sweep's parser types into empty fields; a browser sends them empty


def form_to(forms: list[PageForm], action: str) -> PageForm:
    """The form posting to `action`, with its fields as the page left them."""
    form = next((f for f in forms if f.action == action), None)
    assert form is not None, f"geen formulier naar {action}"
    form.fields = {name: "" if value == FILLER else value for name, value in form.fields.items()}
    return form


class Agent:
    """One signed-in browser: it posts the forms the pages render, hidden fields and CSRF token included."""

    def __init__(self, app: Flask, user: User) -> None:
        self.user, self.client = user, app.test_client()
        response = self.submit("/login", "/login", email=user.email, password=PASSWORD)
        assert response.status_code == 302, response.get_data(as_text=True)[:300]

    def form(self, url: str, action: str) -> PageForm:
        return form_to(page_forms(self.client, url), action)

    def submit(self, url: str, action: str, *, to: str | None = None, **fields: Any):
        """Fill in the form on `url` that posts to `action` and send it (to `to`: a button's formaction)."""
        form = self.form(url, action)
        return self.client.post(to or action, data={**form.fields, **fields})

    def page(self, url: str) -> str:
        return self.client.get(url).get_data(as_text=True)


@pytest.fixture
def agent(csrf_app: Flask, make_user: Callable[..., User]) -> Callable[..., Agent]:
    def sign_in(role: str = "agent", **fields: Any) -> Agent:
        return Agent(csrf_app, make_user(role, **fields))

    return sign_in


def make_macro(who: Agent, title: str, **fields: str) -> CannedReply:
    """A canned reply made through the page's form ("shared" only when asked: an unticked box sends nothing)."""
    form = who.form(CANNED, CANNED)
    data = {**form.fields, "title": title, "body": "", "status": "", "snooze_days": "", "category": "",
            "assignee": "", **fields}
    if "shared" not in fields:
        data.pop("shared", None)
    response = who.client.post(CANNED, data=data)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return db.session.scalar(select(CannedReply).where(CannedReply.title == title))


def reply_box(page: str) -> str:
    return unescape(re.search(r'<textarea[^>]*name="body"[^>]*>(.*?)</textarea>', page, re.S).group(1)).strip()


def apply(who: Agent, ticket: Ticket, macro: CannedReply | str, typed: str = ""):
    """Press the macro's button on the ticket page (the reply form, sent to the button's formaction)."""
    url = f"/tickets/{ticket.id}"
    value = str(macro.id) if isinstance(macro, CannedReply) else macro
    return who.submit(url, f"/tickets/{ticket.id}/antwoord", to=f"/tickets/{ticket.id}/macro",
                      body=typed, apply_macro=value)


def history(who: Agent, ticket: Ticket) -> str:
    page = who.page(f"/tickets/{ticket.id}")
    return " ".join(re.sub(r"<[^>]+>", " ", page.split('id="audit-kop"', 1)[1]).split())


def state(ticket: Ticket) -> tuple[Any, ...]:
    db.session.expire_all()
    fresh = db.session.get(Ticket, ticket.id)
    return fresh.status, fresh.category, fresh.assignee_id, fresh.version, fresh.pending_until


def test_a_macro_fills_the_reply_and_changes_status_category_and_assignee(agent, make_ticket):
    anna = agent(name="Anna Agent")
    macro = make_macro(anna, "Kosten, wacht", body="Beste {naam},\n\nDe kosten staan op de website.",
                       status="pending", category="cost", assignee="mij")
    ticket = make_ticket(category="supplier", category_source="triage")
    db.session.get(Requester, ticket.requester_id).name = "Daan Dijk"
    db.session.commit()
    page = anna.page(f"/tickets/{ticket.id}")
    assert re.search(rf'name="apply_macro" value="{macro.id}" formaction="/tickets/{ticket.id}/macro#antwoord"', page)
    assert "tekst invoegen, status Wacht op aanvrager, categorie Kosten, behandelaar: wie de macro toepast" in page

    response = apply(anna, ticket, macro, typed="Al getypt.")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert reply_box(page) == "Al getypt.\n\nBeste Daan Dijk,\n\nDe kosten staan op de website."
    assert "Macro ‘Kosten, wacht’ toegepast" in page and "nog niet verstuurd" in page
    status, category, assignee_id, _version, _until = state(ticket)
    assert (status, category, assignee_id) == ("pending", "cost", anna.user.id)
    assert db.session.get(Ticket, ticket.id).category_source == "agent"
    assert db.session.scalars(select(OutboxMail)).all() == []  # the agent sends it, after reading it
    trail = history(anna, ticket)
    for line in ("Macro toegepast: Kosten, wacht", "Categorie gewijzigd: Leverancierskeuze → Kosten",
                 "Status gewijzigd: Nieuw → Wacht op aanvrager", "Behandelaar gewijzigd: niemand → Anna Agent"):
        assert line in trail, trail

    # the form as the page now shows it sends the reply
    parser = FormParser(f"/tickets/{ticket.id}")
    parser.feed(page)
    form = form_to(parser.forms, f"/tickets/{ticket.id}/antwoord")
    sent = anna.client.post(form.action, data={**form.fields, "body": reply_box(page), "send_wait": "1"})
    assert sent.status_code == 302, (form.fields, re.findall(r"Fout: .{0,200}", sent.get_data(as_text=True)))
    assert db.session.scalars(select(OutboxMail)).one()
    assert "Beste Daan Dijk" in db.session.scalars(select(Ticket)).one().messages[-1].text


def test_a_later_macro_parks_the_ticket(agent, make_ticket):
    anna = agent()
    macro = make_macro(anna, "Over een week", status="later", snooze_days="7")
    ticket = make_ticket()
    assert apply(anna, ticket, macro, typed="Tekst").status_code == 200
    status, _category, _assignee, _version, until = state(ticket)
    assert status == "pending" and until is not None
    assert "Later oppakken tot" in history(anna, ticket)


def test_a_personal_macro_is_only_its_owners(agent, make_ticket):
    anna, bram = agent(), agent()
    mine = make_macro(anna, "Alleen van Anna", body="Geheim", status="solved")
    ticket = make_ticket()
    before = state(ticket)
    assert "Alleen van Anna" not in bram.page(f"/tickets/{ticket.id}")
    assert "Alleen van Anna" not in bram.page(CANNED)
    response = apply(bram, ticket, mine, typed="Mijn tekst")
    assert response.status_code == 404
    assert "bestaat niet (meer) of is niet van u" in response.get_data(as_text=True)
    assert reply_box(response.get_data(as_text=True)) == "Mijn tekst"
    assert state(ticket) == before
    assert bram.client.get(f"{CANNED}/{mine.id}").status_code == 404
    token = bram.form(CANNED, CANNED).fields["csrf_token"]
    assert bram.client.post(f"{CANNED}/{mine.id}/verwijderen", data={"csrf_token": token}).status_code == 404
    assert db.session.get(CannedReply, mine.id) is not None


def test_a_shared_macro_is_used_by_all_and_changed_by_its_owner_or_an_admin(agent, make_ticket):
    anna, bram, admin = agent(), agent(), agent("admin")
    shared = make_macro(anna, "Team", body="Voor iedereen", category="deadline", shared="y")
    ticket = make_ticket()
    assert apply(bram, ticket, shared).status_code == 200
    assert state(ticket)[1] == "deadline"
    assert bram.client.get(f"{CANNED}/{shared.id}").status_code == 302  # to the list, saying whose it is
    assert "alleen die medewerker of een beheerder kan het wijzigen" in bram.page(CANNED)
    refused = bram.client.post(f"{CANNED}/{shared.id}", data={**bram.form(CANNED, CANNED).fields, "title": "Van B"})
    assert refused.status_code == 403
    assert f"{CANNED}/{shared.id}/verwijderen" not in bram.page(CANNED)
    for who in (anna, admin):
        response = who.submit(f"{CANNED}/{shared.id}", f"{CANNED}/{shared.id}", title="Team 2")
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db.session.refresh(shared)
    assert (shared.title, shared.shared, shared.category, shared.owner_id) == ("Team 2", True, "deadline",
                                                                              anna.user.id)


def test_a_macro_whose_agent_left_says_so_and_changes_nothing(agent, make_user, make_ticket, runner):
    anna = agent()
    carla = make_user("agent", name="Carla Collega")
    macro = make_macro(anna, "Naar Carla", body="Carla neemt het over.", status="open", assignee=str(carla.id))
    ticket = make_ticket()
    assert runner.invoke(args=["users", "deactivate", carla.email]).exit_code == 0
    before = state(ticket)
    response = apply(anna, ticket, macro, typed="Getypt")
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "niet toegepast: de vaste behandelaar Carla Collega is niet meer actief" in page
    assert "Er is niets gewijzigd" in page and reply_box(page) == "Getypt"
    assert state(ticket) == before
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.ticket_id == ticket.id)).all() == []
    edit = anna.page(f"{CANNED}/{macro.id}")
    assert "Carla Collega (niet meer actief)" in edit


def test_bad_macro_input_changes_nothing(agent, make_ticket):
    anna = agent()
    macro = make_macro(anna, "Sluiten", body="Tot ziens.", status="solved")
    first, second = make_ticket(), make_ticket()
    before = state(first), state(second)
    for value, code in (("abc", 400), ("²", 400), ("", 400), ("-1", 400), ("9" * 30, 400), ("999999", 404)):
        response = apply(anna, first, value, typed="Blijft staan")
        assert response.status_code == code, value
        assert reply_box(response.get_data(as_text=True)) == "Blijft staan"
    assert (state(first), state(second)) == before
    form = anna.form(f"/tickets/{first.id}", f"/tickets/{first.id}/antwoord")  # the first ticket's version, ids
    assert anna.client.post("/tickets/999999/macro", data={**form.fields, "apply_macro": macro.id}).status_code == 404
    response = anna.client.post(f"/tickets/{second.id}/macro", data={**form.fields, "apply_macro": macro.id})
    assert response.status_code == 200
    assert state(first) == before[0] and state(second)[0] == "solved"


@pytest.mark.parametrize(("fields", "message"), [
    ({"status": "later"}, "aantal dagen van 1 tot en met 366"),
    ({"status": "later", "snooze_days": "0"}, "Kies 1 tot en met 366 dagen"),
    ({"status": "bestaat-niet"}, "geldige"),
    ({"assignee": "999999"}, "Deze medewerker bestaat niet"),
    ({"assignee": "abc"}, "Deze medewerker bestaat niet"),
    ({}, "een tekst of iets dat het wijzigt"),
])
def test_a_macro_with_bad_fields_is_not_saved(agent, fields, message):
    anna = agent()
    form = anna.form(CANNED, CANNED)
    response = anna.client.post(CANNED, data={**form.fields, "title": "Fout", "body": "", "snooze_days": "",
                                              **fields})
    assert response.status_code == 400
    assert message in unescape(response.get_data(as_text=True))
    assert db.session.scalar(select(CannedReply)) is None


def test_only_active_agents_can_be_a_macros_assignee(agent, make_user):
    anna = agent()
    editor = make_user("editor", name="Eva Editor")
    form = anna.form(CANNED, CANNED)
    assert "Eva Editor" not in anna.page(CANNED)
    response = anna.client.post(CANNED, data={**form.fields, "title": "Naar Eva", "assignee": str(editor.id)})
    assert response.status_code == 400
    assert "kan geen tickets behandelen" in response.get_data(as_text=True)

"""Admins review what agents taught triage and undo a lesson: outside in, with real CSRF tokens.

Mail comes in through ingest, an agent corrects its category on the ticket page, the admin sees that lesson on
/admin/triage, filters, and undoes it; triage of a similar mail is then what it was before the correction, on
this node and on a second one sharing the database.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from flask import Flask, g
from flask.testing import FlaskClient
from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.index_sync import INDEX_SYNC_SECONDS
from helpdesk.ingest.operations import ingest_raw
from helpdesk.models import CATEGORY_LABELS, AuditEvent, Ticket, TriageFeedback, User, utcnow
from helpdesk.tickets.operations import change_category
from helpdesk.triage.feedback import PAGE_SIZE
from helpdesk.triage.service import FEEDBACK_HALF_LIFE_DAYS, triage_text
from tests.conftest import PASSWORD
from tests.support.mail import make_mail
from tests.support.tickets import reply_form

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
# Questions about a school photographer: triage does not call them "upgrade" until agents teach it to.
TAUGHT = ["Kan de schoolfotograaf de leerlinggegevens uit Mijn DUO krijgen?",
          "Mag een schoolfotograaf inloggen om leerlinggegevens in Mijn DUO te bekijken?"]
SIMILAR = ("Fotograaf en DUO", "Heeft onze schoolfotograaf toegang tot de leerlinggegevens in Mijn DUO nodig?")


@pytest.fixture
def app(make_app) -> Iterator[Flask]:
    """The test app with CSRF on, as in production: every form below is sent with the token its page gave."""
    application = make_app(WTF_CSRF_ENABLED=True)
    with application.app_context():
        yield application


def token(client: FlaskClient, url: str) -> str:
    """The CSRF token of the page at `url`, as a browser reads it from the form."""
    # The test's app context is shared by the client's requests, so flask.g is too, and Flask-WTF keeps the
    # token it made in g: forget it, as the browser's next request (a new context) would, so signing in (which
    # starts a new session) is followed by a token of the new session.
    g.pop("csrf_token", None)
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return TOKEN.search(response.get_data(as_text=True)).group(1)


def sign_in(client: FlaskClient, user: User) -> None:
    response = client.post("/login", data={"email": user.email, "password": PASSWORD,
                                           "csrf_token": token(client, "/login")})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]


def mail_in(subject: str, body: str, n: int) -> Ticket:
    """A question mailed in, through the real ingest pipeline (triage included)."""
    outcome = ingest_raw(make_mail(subject=subject, body=body, sender=f"Bestuurder {n} <b{n}@school{n}.example>"))
    assert outcome.status == "created", outcome.detail
    return db.session.get(Ticket, outcome.ticket_id)


def correct(client: FlaskClient, ticket: Ticket, category: str) -> None:
    """The agent chooses another category in the form at the top of the ticket page and saves."""
    url = f"/tickets/{ticket.id}"
    response = client.post(f"{url}/bijwerken", data={"csrf_token": token(client, url), "status": ticket.status,
                                                     "assignee": "", "category": category})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Ticket, ticket.id).category == category


def review(client: FlaskClient, **query: str) -> str:
    response = client.get("/admin/triage", query_string=query)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def rows(page: str) -> list[str]:
    return page.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:] if "<tbody>" in page else []


def undo(client: FlaskClient, data: dict[str, object], **query: str) -> str:
    """Submit the review page's undo form (from the page with these filters); returns the page it leads to."""
    form = {"csrf_token": token(client, "/admin/triage"), **query, **data}
    response = client.post("/admin/triage/ongedaan", data=form)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/triage")
    return client.get(response.headers["Location"]).get_data(as_text=True)



def on_b(node_b: Flask) -> str:
    """The category node B gives the similar mail now, after it has had a request to catch up."""
    time.sleep(INDEX_SYNC_SECONDS)
    node_b.test_client().get("/faq")
    with node_b.app_context():
        return triage_text(SIMILAR[1], SIMILAR[0]).category


def test_a_correction_is_reviewed_and_undone_and_triage_returns_to_before(kb, node_b, client, make_user):
    before = mail_in(*SIMILAR, 0).category
    assert before != "upgrade"
    assert on_b(node_b) == before
    agent = make_user("agent", name="Anna Agent")
    sign_in(client, agent)
    taught = [mail_in("Fotograaf", text, n) for n, text in enumerate(TAUGHT, start=1)]
    triaged = [ticket.category for ticket in taught]
    for ticket in taught:
        correct(client, ticket, "upgrade")
    assert mail_in(*SIMILAR, 9).category == "upgrade"  # the lessons move similar mail
    assert on_b(node_b) == "upgrade"

    admin_client = kb.test_client()
    admin = make_user("admin", name="Bea Beheer")
    sign_in(admin_client, admin)
    page = review(admin_client)
    lessons = rows(page)
    assert len(lessons) == 2
    first = lessons[0]  # newest first: the second correction
    assert "Anna Agent" in first and f'href="/tickets/{taught[1].id}"' in first and "Fotograaf" in first
    assert f"categorie: {CATEGORY_LABELS[triaged[1]]} → Upgrade naar niveau 3" in first
    assert "telt volledig mee" in first and "0." not in first.split('data-label="Telt nu">')[1]

    ids = [str(f.id) for f in db.session.scalars(select(TriageFeedback).order_by(TriageFeedback.id))]
    after = undo(admin_client, {"les": ids})
    assert "2 lessen ongedaan gemaakt" in after and rows(after) == []
    assert db.session.scalars(select(TriageFeedback)).all() == []
    assert mail_in(*SIMILAR, 10).category == before  # triage is what it was before the corrections
    assert on_b(node_b) == before  # on the other node too

    audit = admin_client.get("/admin/audit", query_string={"actie": "triage_feedback_undone"})
    [logged] = rows(audit.get_data(as_text=True))
    assert "Triagelessen ongedaan gemaakt" in logged and admin.email in logged
    assert f"les {ids[0]}: categorie: {CATEGORY_LABELS[triaged[0]]} → Upgrade naar niveau 3" in logged
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "triage_feedback_undone")).one()
    assert event.detail["count"] == 2 and all(agent.email in line for line in event.detail["lessons"])
    assert "leerlinggegevens" not in str(event.detail)  # no mail text in the log: it may outlive the mail


def reply_with_article(client: FlaskClient, ticket: Ticket, slug: str) -> None:
    """The agent answers from a suggested article and sends: the article chosen is a lesson too."""
    url = f"/tickets/{ticket.id}"
    data = reply_form(ticket, "Beste aanvrager,\n\nZie het artikel.", article_slug=slug)
    response = client.post(f"{url}/antwoord", data={"csrf_token": token(client, url), **data})
    assert response.status_code == 302


@pytest.fixture
def taught(kb, client, make_user) -> dict[str, object]:
    """Two agents taught three lessons through the ticket page: two corrections and one article chosen."""
    anna, bram = make_user("agent", name="Anna Agent"), make_user("agent", name="Bram Balie")
    make_user("agent", name="Cor Nooitgeleerd")
    tickets = [mail_in("Vraag", "Tot wanneer kunnen wij nog inloggen met de tokengenerator?", 1),
               mail_in("Vraag", "Wie bij ons moet eHerkenning niveau 3 hebben?", 2),
               mail_in("Kosten", "Wat kost eHerkenning niveau 3 per jaar?", 3)]
    sign_in(client, anna)
    correct(client, tickets[0], "deadline" if tickets[0].category != "deadline" else "other")
    correct(client, tickets[1], "supplier" if tickets[1].category != "supplier" else "other")
    client.post("/logout", data={"csrf_token": token(client, "/tickets/")})
    sign_in(client, bram)
    reply_with_article(client, tickets[2], "wat-kost-eherkenning")
    client.post("/logout", data={"csrf_token": token(client, "/tickets/")})
    lessons = db.session.scalars(select(TriageFeedback).order_by(TriageFeedback.id)).all()
    assert [(f.kind, f.user_id) for f in lessons] == [("category", anna.id), ("category", anna.id),
                                                       ("article", bram.id)]
    return {"anna": anna, "bram": bram, "tickets": tickets, "lessons": lessons}


def lesson_ids_on(page: str) -> list[int]:
    return [int(n) for n in re.findall(r'name="les" value="(\d+)"', page)]


def test_filters_by_kind_agent_and_category(taught, client, make_user):
    sign_in(client, make_user("admin"))
    anna, bram = taught["anna"], taught["bram"]
    first, second, article = (f.id for f in taught["lessons"])
    everything = review(client)
    assert lesson_ids_on(everything) == [article, second, first]  # newest first
    newest = rows(everything)[0]
    assert "artikel gekozen: Wat kost eHerkenning niveau 3?" in newest and "Bram Balie" in newest
    agents = everything.split('<select id="medewerker"')[1].split("</select>")[0]
    assert "Anna Agent" in agents and "Bram Balie" in agents and "Cor Nooitgeleerd" not in agents
    assert lesson_ids_on(review(client, soort="category")) == [second, first]
    assert lesson_ids_on(review(client, soort="article")) == [article]
    assert lesson_ids_on(review(client, medewerker=str(bram.id))) == [article]
    assert lesson_ids_on(review(client, medewerker=str(anna.id), soort="article")) == []
    corrected = taught["lessons"][0].category
    only = review(client, categorie=corrected)
    assert first in lesson_ids_on(only) and second not in lesson_ids_on(only)
    assert f'<option value="{corrected}" selected>' in only
    assert lesson_ids_on(review(client, soort="verzonnen", medewerker="abc", categorie="x")) == [
        article, second, first]  # a value that means nothing filters nothing
    assert "Geen lessen met deze filters." in review(client, medewerker=str(anna.id), soort="article")


def test_one_lesson_by_its_own_button_bad_ids_ignored_with_a_message(taught, client, make_user):
    sign_in(client, make_user("admin"))
    first, second, article = (f.id for f in taught["lessons"])
    # the row's own button undoes that lesson only, whatever else is ticked; the filters stay
    page = undo(client, {"ongedaan": str(second), "les": [str(first)]}, soort="category")
    assert "1 les ongedaan gemaakt" in page and lesson_ids_on(page) == [first]
    assert '<option value="category" selected>' in page
    page = undo(client, {"les": ["abc", "999999", "²", str(second), str(first)]})
    assert "1 les ongedaan gemaakt" in page and "4 gekozen waarde(n) waren geen bestaande les" in page
    assert lesson_ids_on(page) == [article]
    page = undo(client, {"les": ["999999", "-1"]})
    assert "Geen van de gekozen lessen bestaat (nog); er is niets ongedaan gemaakt." in page
    page = undo(client, {})
    assert "Vink eerst een of meer lessen aan. Er is niets ongedaan gemaakt." in page
    assert lesson_ids_on(page) == [article]
    assert [f.id for f in db.session.scalars(select(TriageFeedback))] == [article]
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "triage_feedback_undone")).all()
    assert [e.detail["count"] for e in events] == [1, 1]  # attempts that removed nothing leave no event


def test_the_bulk_button_comes_first_so_enter_does_not_undo_one_row(taught, client, make_user):
    sign_in(client, make_user("admin"))
    page = review(client)
    form = page.split('action="/admin/triage/ongedaan"')[1].split("</form>")[0]
    buttons = re.findall(r"<button[^>]*>", form)
    assert "Aangevinkte lessen ongedaan maken" in form.split("<table")[0]
    assert 'name="ongedaan"' not in buttons[0] and len(buttons) == 1 + len(taught["lessons"])
    # the filters are a GET form of their own, closed before the undo form begins: Enter there only filters
    search = page.index('role="search"')
    assert page.rfind("<form", 0, search) == page.rfind('<form method="get"', 0, search)
    assert search < page.index("</form>", search) < page.index('action="/admin/triage/ongedaan"')


@pytest.mark.parametrize("role", ["agent", "editor"])
def test_only_admins_review_or_undo(taught, client, make_user, role):
    sign_in(client, make_user(role))
    assert client.get("/admin/triage").status_code == 403
    lesson = taught["lessons"][0].id
    response = client.post("/admin/triage/ongedaan", data={"csrf_token": token(client, "/account/tweestaps"),
                                                           "les": [str(lesson)]})
    assert response.status_code == 403
    assert len(db.session.scalars(select(TriageFeedback)).all()) == 3


def test_undo_without_a_csrf_token_changes_nothing(taught, client, make_user):
    sign_in(client, make_user("admin"))
    response = client.post("/admin/triage/ongedaan", data={"les": [str(f.id) for f in taught["lessons"]]})
    assert response.status_code == 400 and "formulier is verlopen" in response.get_data(as_text=True)
    assert len(db.session.scalars(select(TriageFeedback)).all()) == 3


def test_weight_now_is_said_in_words_and_old_lessons_count_less(taught, client, make_user):
    sign_in(client, make_user("admin"))
    old = taught["lessons"][0]
    old.created_at = utcnow() - timedelta(days=FEEDBACK_HALF_LIFE_DAYS)  # as if taught half a year ago
    db.session.commit()
    weights = {int(i): w for i, w in re.findall(r'value="(\d+)"[^<]*</td>.*?data-label="Telt nu">([^<]*)<',
                                                 review(client), flags=re.S)}
    assert weights[old.id] == "telt nog voor 50% mee (een les telt na 180 dagen nog maar half)"
    assert weights[taught["lessons"][1].id] == "telt volledig mee"
    assert weights[taught["lessons"][2].id].startswith("telt volledig mee")


def test_pages_are_bounded_and_newest_first(kb, client, make_user, make_ticket):
    agent = make_user("agent")
    for n in range(PAGE_SIZE + 1):  # the app's own operation, as the ticket page calls it
        change_category(make_ticket(text=f"Vraag {n}", category="cost"), "other", agent)
    db.session.commit()
    sign_in(client, make_user("admin"))
    first = review(client)
    assert len(lesson_ids_on(first)) == PAGE_SIZE and f"{PAGE_SIZE + 1} lessen, nieuwste eerst" in first
    assert "Oudere lessen" in first and "Nieuwere lessen" not in first
    second = review(client, pagina="2")
    oldest = db.session.scalar(select(TriageFeedback.id).order_by(TriageFeedback.id))
    assert lesson_ids_on(second) == [oldest] and "Nieuwere lessen" in second
    assert "Geen lessen op deze pagina." in review(client, pagina="3")

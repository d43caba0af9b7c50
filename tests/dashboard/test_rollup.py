"""The dashboard reads rollups, and they show what the tickets themselves say (tests/support/dashboard.py, the
queries the page ran before): after mail comes in, replies, a re-categorised old ticket, a bulk change in the
queue, a merge, retention; for days already rolled up too, in every period, on the page and in every CSV."""

from __future__ import annotations

import csv
import io
import json
import threading
from datetime import timedelta

from sqlalchemy import func, select

from helpdesk.csv_export import safe_cell
from helpdesk.dashboard import rollup
from helpdesk.dashboard.figures import PERIODS, tables
from helpdesk.dashboard.stats import recent_weeks
from helpdesk.extensions import db
from helpdesk.ingest.operations import ingest_raw
from helpdesk.models import DashboardDay, DashboardDirtyDay, Ticket
from tests.privacy.test_daily import closed_13_months_ago
from tests.privacy.test_export import SAMPLE, mail
from tests.support import dashboard as reference
from tests.support.tickets import reply_form


def downloaded(client, name: str, weeks: int) -> list[list[str]]:
    response = client.get(f"/dashboard/{name}.csv?weken={weeks}")
    assert response.status_code == 200, (name, weeks)
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))


def assert_dashboard_shows_the_tickets(client) -> None:
    """Each period's page and every CSV table hold the figures computed from the tickets alone."""
    for weeks in PERIODS:
        page = client.get(f"/dashboard/?weken={weeks}").get_data(as_text=True)  # refreshes the rollups first
        expected = reference.reference_figures(weeks)
        assert f"{expected['total_questions']} vragen in de laatste {weeks} weken" in page
        for name, (_title, header, rows) in tables(expected).items():
            assert downloaded(client, name, weeks) == [[safe_cell(v) for v in row] for row in [header, *rows]], (
                name, weeks)


def ingested(subject: str, body: str, sender: str, message_id: str) -> Ticket:
    outcome = ingest_raw(mail(sender, subject, body, message_id), source="test")
    assert outcome.status == "created", outcome
    return db.session.get(Ticket, outcome.ticket_id)


def set_clock_back(ticket: Ticket, delta: timedelta) -> None:
    """As if the ticket had come in `delta` earlier (the test cannot wait weeks)."""
    ticket.created_at -= delta
    ticket.waiting_since = ticket.last_message_at = ticket.created_at
    for message in ticket.messages:
        message.created_at -= delta
    db.session.commit()


def test_figures_equal_the_tickets_after_every_kind_of_change(app, client, login, runner, publish_article):
    app.config["DASHBOARD_CACHE_SECONDS"] = 0
    publish_article("wat-kost-eherkenning", "Wat kost eHerkenning?", "Dertig euro.")
    login("agent")
    assert runner.invoke(args=["import-mail", str(SAMPLE)]).exit_code == 0  # a real .eml with an attachment
    first = ingested("Wat kost EH3?", "Wat kost eHerkenning niveau 3 voor ons bestuur?", "a@school-a.example", "a1@x")
    old = ingested("Welke leverancier?", "Welke leverancier moeten wij kiezen?", "b@school-b.example", "b1@x")
    third = ingested("Vanaf wanneer?", "Vanaf wanneer is niveau 3 verplicht?", "c@school-c.example", "c1@x")
    assert_dashboard_shows_the_tickets(client)

    set_clock_back(old, timedelta(days=20))  # a ticket of three weeks ago, whose days are rolled up next
    assert_dashboard_shows_the_tickets(client)
    response = client.post(f"/tickets/{old.id}/antwoord", data=reply_form(old, "Kies een leverancier van de lijst.",
                                                                        article_slug="wat-kost-eherkenning"))
    assert response.status_code == 302
    assert_dashboard_shows_the_tickets(client)  # answered today, arrived three weeks ago: both days follow

    db.session.expire_all()
    new_category = "deadline" if db.session.get(Ticket, old.id).category != "deadline" else "cost"
    assert client.post(f"/tickets/{old.id}/categorie", data={"category": new_category}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Ticket, old.id).category == new_category
    assert_dashboard_shows_the_tickets(client)  # a day rolled up before, changed

    client.post(f"/tickets/{first.id}/antwoord", data=reply_form(first, "Dertig euro per jaar."))
    response = client.post("/tickets/selectie", data={"ticket": [str(first.id), str(third.id)], "status": "",
                                                      "assignee": "", "category": "upgrade", "back": "/tickets/"})
    assert response.status_code == 302
    assert_dashboard_shows_the_tickets(client)

    response = client.post(f"/tickets/{third.id}/samenvoegen", data={"target": first.number, "confirm": "ja"})
    assert response.status_code == 302
    assert_dashboard_shows_the_tickets(client)
    assert db.session.scalar(select(func.count()).select_from(DashboardDirtyDay)) == 0  # all of it rolled up


def test_retention_of_a_13_month_old_ticket_leaves_the_figures_of_its_week(app, client, login, runner, make_user):
    app.config["DASHBOARD_CACHE_SECONDS"] = 0
    ticket = closed_13_months_ago(runner, make_user)
    weeks = recent_weeks(ticket.created_at + timedelta(days=7), count=3)
    login("agent")
    assert client.get("/dashboard/").status_code == 200  # rolls up every day logged so far
    before = reference.period_figures(weeks, rollup)
    assert before == reference.period_figures(weeks) and before[0]["cost"] == [0, 1, 0]

    result = runner.invoke(args=["jobs", "run", "--once"])  # retention, then the dashboard's rollups
    assert result.exit_code == 0, result.output
    assert json.loads(result.output.strip().splitlines()[-1])["retention"]["tickets_anonymised"] == 1
    db.session.expire_all()
    assert reference.period_figures(weeks, rollup) == before == reference.period_figures(weeks)
    assert_dashboard_shows_the_tickets(client)


def test_refreshes_on_several_nodes_at_once_count_every_ticket_once(app, make_ticket):
    """Two refreshers (the page on two nodes, or a page and `flask jobs run`) and a writer, all at once."""
    make_ticket(category="cost")
    writing = threading.Event()
    errors: list[BaseException] = []

    def in_app(work) -> None:  # noqa: ANN001 - a callable
        try:
            with app.app_context():
                work()
                db.session.remove()
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)

    def write() -> None:
        for i in range(12):
            ticket = make_ticket(category=("cost", "supplier", None)[i % 3])
            ticket.first_response_at = ticket.created_at + timedelta(minutes=7 * i)
            db.session.commit()
        writing.set()

    def refresh() -> None:
        while not writing.is_set():
            rollup.refresh_rollups()
            db.session.commit()

    threads = [threading.Thread(target=in_app, args=(work,)) for work in (write, refresh, refresh)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    rollup.refresh_rollups()
    db.session.commit()
    weeks = recent_weeks()
    assert reference.period_figures(weeks, rollup) == reference.period_figures(weeks)
    assert db.session.scalar(select(func.sum(DashboardDay.received))) == 13

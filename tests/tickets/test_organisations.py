"""The institution behind the mail: organisations from the requester's domain (never a free-mail one), merged and
named by an admin, the institution's other tickets on a ticket, the queue filtered by organisation, the pages."""

from __future__ import annotations

import json
from email.message import EmailMessage
from email.utils import format_datetime

from sqlalchemy import select, text

from helpdesk.extensions import db
from helpdesk.models import AuditEvent, Organisation, OrganisationDomain, Requester, Ticket, utcnow
from helpdesk.tickets.queries import search_clause
from tests.ingest.test_message_id_migration import old_database  # noqa: F401 - fixture


def _import(runner, tmp_path, sender: str, subject: str, name: str = "") -> Ticket:
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = f"{name} <{sender}>" if name else sender, "ipo@duo.nl", subject
    mail["Date"] = format_datetime(utcnow().astimezone())
    mail["Message-ID"] = f"<{abs(hash((sender, subject)))}@{sender.split('@')[1]}>"
    mail.set_content(f"{subject}: wat moeten wij regelen voor eHerkenning niveau 3?")
    path = tmp_path / f"{abs(hash((sender, subject)))}.eml"
    path.write_bytes(mail.as_bytes())
    result = runner.invoke(args=["import-mail", str(path)])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    return db.session.scalars(select(Ticket).where(Ticket.subject == subject)).one()


def _organisation(domain: str) -> Organisation | None:
    row = db.session.scalar(select(OrganisationDomain).where(OrganisationDomain.domain == domain))
    return row.organisation if row else None


def test_mail_domains_make_organisations_but_free_mail_never(client, login, runner, tmp_path):
    a1 = _import(runner, tmp_path, "directeur@de-regenboog.nl", "Kosten niveau 3", "Anna Directeur")
    a2 = _import(runner, tmp_path, "admin@de-regenboog.nl", "Welke leverancier")
    gmail = _import(runner, tmp_path, "ouder.jansen@gmail.com", "Vraag van thuis")
    hotmail = _import(runner, tmp_path, "iemand@hotmail.com", "Nog een vraag")
    other = _import(runner, tmp_path, "info@het-kompas.nl", "Deadline")
    regenboog = _organisation("de-regenboog.nl")
    assert regenboog is not None and regenboog.name == "de-regenboog.nl"
    assert a1.requester.organisation_id == a2.requester.organisation_id == regenboog.id
    assert gmail.requester.organisation_id is None and hotmail.requester.organisation_id is None
    assert _organisation("gmail.com") is None and _organisation("hotmail.com") is None
    assert other.requester.organisation_id not in (None, regenboog.id)

    login("agent")
    page = client.get(f"/tickets/{a1.id}").get_data(as_text=True)
    assert "Andere tickets van deze instelling" in page and a2.number in page and other.number not in page
    assert f'href="/tickets/organisaties/{regenboog.id}"' in page
    assert "gratis maildienst" in client.get(f"/tickets/{gmail.id}").get_data(as_text=True)

    queue = client.get(f"/tickets/?organisatie={regenboog.id}").get_data(as_text=True)
    assert a1.number in queue and a2.number in queue
    assert gmail.number not in queue and other.number not in queue
    assert f'<option value="{regenboog.id}" selected>de-regenboog.nl</option>' in queue
    everything = client.get("/tickets/?organisatie=abc").get_data(as_text=True)  # a bad id: no filter
    assert gmail.number in everything and other.number in everything

    org_page = client.get(f"/tickets/organisaties/{regenboog.id}").get_data(as_text=True)
    assert "directeur@de-regenboog.nl" in org_page and "admin@de-regenboog.nl" in org_page
    assert a1.number in org_page and a2.number in org_page and other.number not in org_page
    person = client.get(f"/tickets/aanvragers/{a1.requester_id}").get_data(as_text=True)
    assert "Anna Directeur" in person and a1.number in person and a2.number not in person
    assert client.get("/tickets/organisaties/999999").status_code == 404

    csv = client.get(f"/tickets/export.csv?organisatie={regenboog.id}").get_data(as_text=True)
    rows = [line.split(";") for line in csv.splitlines()[1:]]
    assert sorted(r[0] for r in rows) == sorted([a1.number, a2.number]) and {r[6] for r in rows} == {"de-regenboog.nl"}
    lines = {d["number"]: d for d in map(json.loads, runner.invoke(args=["tickets", "export"]).output.splitlines())}
    assert lines[a1.number]["organisation"] == "de-regenboog.nl" and lines[gmail.number]["organisation"] is None


def _post(client, path: str, **data: str):
    return client.post(path, data=data, follow_redirects=True)


def test_an_admin_merges_a_boards_schools_and_names_it(client, login, runner, tmp_path):
    a = _import(runner, tmp_path, "info@school-a.nl", "Vraag A")
    b = _import(runner, tmp_path, "info@school-b.nl", "Vraag B")
    target, source = _organisation("school-a.nl"), _organisation("school-b.nl")
    target_id, source_id = target.id, source.id
    login("agent")
    assert client.get(f"/admin/organisaties/{target_id}").status_code == 403
    assert client.post(f"/admin/organisaties/{target_id}/naam", data={"naam-name": "X"}).status_code == 403
    client.post("/logout")
    login("admin")
    assert "school-b.nl" in client.get("/admin/organisaties").get_data(as_text=True)

    refused = _post(client, f"/admin/organisaties/{target_id}/domeinen", **{"domeinen-domains": "gmail.com"})
    assert refused.status_code == 400 and "gratis maildienst" in refused.get_data(as_text=True)
    bad = _post(client, f"/admin/organisaties/{target_id}/domeinen", **{"domeinen-domains": "geen domein!"})
    assert bad.status_code == 400 and "geen maildomein" in bad.get_data(as_text=True)

    done = _post(client, f"/admin/organisaties/{target_id}/domeinen",
                 **{"domeinen-domains": "school-b.nl, School-C.nl"})
    assert done.status_code == 200, done.get_data(as_text=True)[:2000]
    named = _post(client, f"/admin/organisaties/{target_id}/naam", **{"naam-name": "Stichting Scholengroep Oost"})
    assert "Stichting Scholengroep Oost is bijgewerkt" in named.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Organisation, source_id) is None
    merged = db.session.get(Organisation, target_id)
    assert [d.domain for d in merged.domains] == ["school-a.nl", "school-b.nl", "school-c.nl"] and merged.named
    assert db.session.get(Ticket, b.id).requester.organisation_id == target_id
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"organisations_merged", "organisation_domains_added", "organisation_renamed"} <= actions

    later = _import(runner, tmp_path, "bestuur@school-c.nl", "Vraag C")  # mail still to come joins the board
    assert later.requester.organisation_id == target_id
    client.post("/logout")
    login("agent")
    page = client.get(f"/tickets/{a.id}").get_data(as_text=True)
    assert "Stichting Scholengroep Oost" in page and b.number in page and later.number in page


def test_erasing_the_only_requester_removes_an_unnamed_organisation(runner, tmp_path):
    ticket = _import(runner, tmp_path, "p.jansen@jansen-familie.nl", "Privévraag")
    assert _organisation("jansen-familie.nl") is not None
    result = runner.invoke(args=["privacy", "erase", "p.jansen@jansen-familie.nl", "--reason", "verzoek"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert _organisation("jansen-familie.nl") is None and db.session.get(Ticket, ticket.id).requester.email != \
        "p.jansen@jansen-familie.nl"


def test_existing_requesters_get_organisations_in_the_migration(tmp_path, old_database):  # noqa: F811
    from flask_migrate import upgrade

    from helpdesk import create_app
    from tests.conftest import base_config

    app = create_app(base_config(tmp_path / "data", old_database))
    with app.app_context():
        upgrade(revision="0008_accounts")
        with db.engine.begin() as conn:
            for n, email in enumerate(["a@oud-college.nl", "b@oud-college.nl", "c@outlook.com"], 1):
                conn.execute(text("INSERT INTO requesters (id, email, name, organisation, created_at) "
                                  "VALUES (:id, :email, '', '', CURRENT_TIMESTAMP)"), {"id": n, "email": email})
            conn.execute(text("INSERT INTO tickets (id, subject, requester_id, status, kind, version, created_at,"
                              " updated_at) VALUES (1, 'Kosten EH3', 1, 'open', 'question', 1, CURRENT_TIMESTAMP,"
                              " CURRENT_TIMESTAMP)"))
        upgrade()
        # the ticket search still follows the requester and new tickets after the requesters table changed
        sqlite = db.engine.dialect.name == "sqlite"
        with db.engine.begin() as conn:
            conn.execute(text("UPDATE requesters SET name = 'Marieke Oudhof' WHERE id = 1"))
            conn.execute(text("INSERT INTO tickets (id, subject, requester_id, status, kind, version, created_at,"
                              " updated_at) VALUES (2, 'Leverancier gezocht', 2, 'open', 'question', 1,"
                              " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
        found = db.session.scalars(select(Ticket.id).where(search_clause("Oudhof", sqlite))).all()
        assert found == [1]
        assert db.session.scalars(select(Ticket.id).where(search_clause("Leverancier", sqlite))).all() == [2]
        requesters = {r.email: r for r in db.session.scalars(select(Requester))}
        college = _organisation("oud-college.nl")
        assert college is not None and college.name == "oud-college.nl"
        assert requesters["a@oud-college.nl"].organisation_id == requesters["b@oud-college.nl"].organisation_id \
            == college.id
        assert requesters["c@outlook.com"].organisation_id is None
        db.session.remove()
        db.engine.dispose()

"""The audit log for admins: sign-ins (and failures), account changes; filterable; CSV export."""

from __future__ import annotations

import csv
import io

from tests.conftest import PASSWORD


def test_sign_ins_failures_and_account_changes_are_listed_and_filterable(app, client, make_user):
    admin, agent = make_user("admin", email="=cmd|calc@duo.example"), make_user("agent")
    other = app.test_client()
    other.post("/login", data={"email": agent.email, "password": "fout wachtwoord"})
    other.post("/login", data={"email": "onbekend@duo.example", "password": "fout wachtwoord"})
    assert client.post("/login", data={"email": admin.email, "password": PASSWORD}).status_code == 302
    client.post(f"/admin/users/{agent.id}/role", data={"role": "editor"})

    page = client.get("/admin/audit").get_data(as_text=True)
    for label in ("Ingelogd", "Inloggen mislukt", "Rol gewijzigd"):
        assert label in page
    failed = client.get("/admin/audit", query_string={"actie": "login_failed"}).get_data(as_text=True)
    assert "Rol gewijzigd" not in failed.split("<caption", 1)[1] and "2 gebeurtenis(sen)" in failed
    unknown = client.get("/admin/audit", query_string={"account": "onbekend@"}).get_data(as_text=True)
    assert "1 gebeurtenis(sen)" in unknown

    export = client.get("/admin/audit.csv", query_string={"actie": "user_role_changed"})
    rows = list(csv.reader(io.StringIO(export.get_data(as_text=True).removeprefix("\ufeff")), delimiter=";"))
    assert export.status_code == 200 and export.mimetype == "text/csv"
    assert rows[0][:3] == ["tijd (UTC)", "actie", "account"] and len(rows) == 2
    # the actor's address would be a formula in a spreadsheet: it is neutralised with a leading quote
    assert rows[1][1] == "user_role_changed" and rows[1][2] == "'=cmd|calc@duo.example"
    assert agent.email in rows[1][5]
    # the export itself is audited
    assert "Auditlog geëxporteerd" in client.get("/admin/audit").get_data(as_text=True)


def test_audit_log_is_for_admins_only(app, login):
    login("agent")
    client = app.test_client()
    assert client.get("/admin/audit").status_code in (302, 403)

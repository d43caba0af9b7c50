"""Every kind of event the issue names lands in the audit log, done the way people do it (pages and commands):
sign-in and failure, role change, resets, export, erasure, retention run, article publish, setting change. The
log is append-only: the ORM refuses to change or delete an event; retention removes old ones."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.kb.operations import save_draft
from helpdesk.models import AuditEvent, utcnow
from helpdesk.models.audit import AuditEventChanged
from tests.conftest import PASSWORD
from tests.privacy.test_export import PERSON, SAMPLE

REQUIRED = {"login", "login_failed", "user_role_changed", "password_reset_issued", "totp_reset", "privacy_export",
            "privacy_erased", "retention_run", "article_published", "setting_changed"}


def test_every_named_action_is_audited(app, client, make_user, runner, tmp_path):
    admin, agent = make_user("admin"), make_user("agent")
    app.test_client().post("/login", data={"email": agent.email, "password": "fout wachtwoord"})
    assert client.post("/login", data={"email": admin.email, "password": PASSWORD}).status_code == 302
    client.post(f"/admin/users/{agent.id}/role", data={"role": "editor"})
    client.post(f"/admin/users/{agent.id}/reset-2fa")
    client.post(f"/admin/users/{agent.id}/reset-link")
    draft = save_draft(None, {"slug": "audit-proef", "title": "Auditproef", "body": "Tekst.\n",
                              "category": "other"}, admin)
    db.session.commit()
    client.post(f"/kb/{draft.article_id}/publiceren", data={"versie": draft.number})
    client.post("/admin/retention", data={"retention_ticket_months": "13", "retention_files_months": "3",
                                          "retention_search_log_months": "6", "retention_audit_months": "24",
                                          "opslaan": "x"})
    assert runner.invoke(args=["import-mail", str(SAMPLE)]).exit_code == 0
    assert runner.invoke(args=["privacy", "export", PERSON, "--out", str(tmp_path / "x.zip")]).exit_code == 0
    assert runner.invoke(args=["privacy", "erase", PERSON, "--reason", "verzoek 3-12-2026"]).exit_code == 0
    assert runner.invoke(args=["retention", "run"]).exit_code == 0

    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert REQUIRED <= actions, REQUIRED - actions
    page = client.get("/admin/audit").get_data(as_text=True)
    for label in ("Ingelogd", "Inloggen mislukt", "Rol gewijzigd", "Herstellink gemaakt", "Tweestaps gereset",
                  "Inzage gedownload", "Gegevens gewist", "Bewaartermijnen toegepast", "Artikel gepubliceerd",
                  "Instelling gewijzigd"):
        assert label in page, label


def test_the_log_is_append_only_and_old_events_go_by_retention(app, runner, make_user):
    user = make_user("admin")
    old = AuditEvent(action="login", user_id=user.id, created_at=utcnow() - timedelta(days=800))
    db.session.add(old)
    db.session.commit()
    event_id = old.id
    old.action = "iets anders"
    with pytest.raises(AuditEventChanged):
        db.session.flush()
    db.session.rollback()
    db.session.delete(db.session.get(AuditEvent, event_id))
    with pytest.raises(AuditEventChanged):
        db.session.commit()
    db.session.rollback()
    done = json.loads(runner.invoke(args=["retention", "run"]).output.strip().splitlines()[-1])
    assert done["audit_events_deleted"] == 1
    assert db.session.scalars(select(AuditEvent.action).where(AuditEvent.action == "login")).all() == []

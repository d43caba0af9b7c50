"""The retention screen: periods from the environment until an admin sets them, a dry-run preview with the periods
on the form (nothing changes), validation, every change audited, and the daily run using what was saved."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from helpdesk.extensions import db
from helpdesk.models import AppSetting, AuditEvent, Ticket
from helpdesk.privacy.periods import retention_months
from tests.privacy.test_daily import closed_13_months_ago

FORM = {"retention_ticket_months": "12", "retention_files_months": "3", "retention_search_log_months": "6",
        "retention_audit_months": "24"}


def _events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def test_preview_then_save_then_the_run_uses_the_saved_periods(app, client, login, runner, make_user):
    closed_13_months_ago(runner, make_user)
    admin = login("admin")
    page = client.get("/admin/retention").get_data(as_text=True)
    assert page.count("Standaard uit de serverinstelling.") == 4
    assert 'value="12"' in page and "<strong>1</strong> ticket(s) geanonimiseerd" in page

    # a preview with 14 months: the 13-month-old ticket would stay; nothing is saved, nothing changes
    preview = client.post("/admin/retention", data={**FORM, "retention_ticket_months": "14", "voorbeeld": "x"})
    text = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "<strong>0</strong> ticket(s) geanonimiseerd" in text
    assert db.session.scalar(select(func.count()).select_from(AppSetting)) == 0 and not _events("setting_changed")

    saved = client.post("/admin/retention", data={**FORM, "retention_ticket_months": "14", "opslaan": "x"},
                        follow_redirects=True)
    assert saved.status_code == 200 and "Bewaartermijnen opgeslagen (1 gewijzigd)" in saved.get_data(as_text=True)
    assert retention_months()["RETENTION_TICKET_MONTHS"] == 14
    [event] = _events("setting_changed")
    assert event.user_id == admin.id and event.detail == {"setting": "RETENTION_TICKET_MONTHS", "old": 12, "new": 14}
    assert "Instelling gewijzigd" in client.get("/admin/audit").get_data(as_text=True)

    # the daily run and the command follow the saved period: the ticket stays, its files go (3 months)
    done = json.loads(runner.invoke(args=["jobs", "run", "--once"]).output.strip().splitlines()[-1])["retention"]
    assert done["tickets_anonymised"] == 0 and done["tickets_files_removed"] == 1, done
    db.session.expire_all()
    assert db.session.scalars(select(Ticket)).one().requester.email == "admin@school.example"
    [run] = _events("retention_run")
    assert run.detail["months"]["ticket"] == 14


def test_bad_periods_are_refused_with_a_reason_and_nothing_is_saved(app, client, login):
    login("admin")
    for field, value, message in [("retention_ticket_months", "0", "Kies 1 tot en met 120 maanden."),
                                  ("retention_audit_months", "abc", "Kies 6 tot en met 120 maanden."),
                                  ("retention_search_log_months", "", "Vul een aantal maanden in."),
                                  ("retention_files_months", "13", "niet langer blijven dan het ticket zelf")]:
        for button in ("opslaan", "voorbeeld"):
            response = client.post("/admin/retention", data={**FORM, field: value, button: "x"})
            assert response.status_code == 400, (field, value)
            assert message in response.get_data(as_text=True), (field, value, button)
    assert db.session.scalar(select(func.count()).select_from(AppSetting)) == 0 and not _events("setting_changed")


def test_the_environment_gives_the_defaults(make_app, make_user):
    app = make_app(RETENTION_TICKET_MONTHS=18)
    with app.app_context():
        assert retention_months()["RETENTION_TICKET_MONTHS"] == 18


def test_only_admins_see_the_retention_screen(app, client, login):
    login("editor")
    assert client.get("/admin/retention").status_code == 403
    assert client.post("/admin/retention", data={**FORM, "opslaan": "x"}).status_code == 403

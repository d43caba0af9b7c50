"""Admins see the mailbox status and the quarantine, and can reprocess quarantined mail."""

from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.ingest.operations import ingest_raw
from helpdesk.models import QuarantinedMail
from tests.support.mail import make_mail


def test_quarantine_page_lists_errors_and_reprocess_fixes(make_app, login, client):
    small = make_app(MAX_MAIL_BYTES=500)
    with small.app_context():
        ingest_raw(make_mail(body="Wat kost het? " + "x" * 2000), source="upload-1")
    login("admin")
    page = client.get("/admin/quarantine").get_data(as_text=True)
    assert "upload-1" in page and "te groot" in page
    item = db.session.scalar(select(QuarantinedMail))
    raw = client.get(f"/admin/quarantine/{item.id}/raw")
    assert raw.status_code == 200 and raw.data == item.raw
    assert "attachment" in raw.headers["Content-Disposition"]
    response = client.post(f"/admin/quarantine/{item.id}/reprocess", follow_redirects=True)
    assert "nieuw ticket" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(QuarantinedMail, item.id).status == "reprocessed"
    assert "Er staat geen mail in quarantaine" in client.get("/admin/quarantine").get_data(as_text=True)


def test_mail_status_page_shows_counts(client, login):
    ingest_raw(make_mail(subject="Afwezig", body="Ik ben afwezig", headers={"Auto-Submitted": "auto-replied"}))
    ingest_raw(make_mail(subject="Vraag", body="Wat kost het?"))
    login("admin")
    page = client.get("/admin/mail").get_data(as_text=True)
    assert "Automatische antwoorden, onbestelbare mail en massamail" in page and "<td>1</td>" in page
    assert "Er is geen mailserver voor uitgaande mail ingesteld" in page  # replies would wait unseen otherwise


def test_agents_cannot_see_the_quarantine(client, login):
    login("agent")
    assert client.get("/admin/quarantine").status_code == 403

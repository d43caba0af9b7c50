"""Merging two tickets of the same question: a confirmation step, everything kept, later mail to the kept one."""

from __future__ import annotations

import json
from email.message import EmailMessage
from email.utils import format_datetime

from helpdesk.extensions import db
from helpdesk.models import AuditEvent, Ticket, utcnow


def _merge(client, ticket: Ticket, target: str, confirm: bool):
    data = {"target": target, **({"confirm": "ja"} if confirm else {})}
    return client.post(f"/tickets/{ticket.id}/samenvoegen", data=data, follow_redirects=True)


def test_merge_asks_first_then_keeps_messages_notes_and_audit(client, login, make_ticket, runner):
    login("agent")
    kept = make_ticket(subject="Kosten EH3", text="Wat kost niveau 3?")
    dup = make_ticket(subject="Nogmaals: kosten", text="Ik vroeg al: wat kost het?", email=kept.requester.email)
    client.post(f"/tickets/{dup.id}/notitie", data={"note": "Zelfde vraag als eerder"})

    page = _merge(client, dup, kept.number.lower(), confirm=False).get_data(as_text=True)
    assert f"{dup.number} samenvoegen met {kept.number}?" in page and "niet ongedaan maken" in page
    db.session.expire_all()
    assert db.session.get(Ticket, dup.id).merged_into_id is None  # only asked, nothing done

    page = _merge(client, dup, kept.number, confirm=True).get_data(as_text=True)
    assert f"{dup.number} is samengevoegd met {kept.number} (2 berichten verplaatst)" in page
    for text in ("Wat kost niveau 3?", "Ik vroeg al: wat kost het?", "Zelfde vraag als eerder"):
        assert text in page
    merged_page = client.get(f"/tickets/{dup.id}").get_data(as_text=True)
    assert f"Samengevoegd met <a href=\"/tickets/{kept.id}\">{kept.number}</a>" in merged_page
    assert "Notitie toegevoegd" in merged_page  # the merged ticket's audit trail stays readable
    db.session.expire_all()
    assert db.session.get(Ticket, dup.id).status == "closed"
    assert db.session.query(AuditEvent).filter_by(action="merged").count() == 2

    lines = [json.loads(line) for line in runner.invoke(args=["tickets", "export"]).output.splitlines()]
    by_number = {line["number"]: line for line in lines}
    assert by_number[dup.number]["merged_into"] == kept.number and by_number[kept.number]["merged_into"] is None
    assert len(by_number[kept.number]["messages"]) == 3 and by_number[dup.number]["messages"] == []


def test_merge_refusals_are_dutch_and_change_nothing(client, login, make_ticket):
    login("agent")
    a, b, c = make_ticket(), make_ticket(), make_ticket()
    assert "met zichzelf" in _merge(client, a, a.number, confirm=True).get_data(as_text=True)
    assert "bestaat niet" in _merge(client, a, "IPO-999999", confirm=True).get_data(as_text=True)
    assert "bestaat niet" in _merge(client, a, "'; DROP TABLE tickets", confirm=True).get_data(as_text=True)
    _merge(client, a, b.number, confirm=True)
    assert "al samengevoegd" in _merge(client, c, a.number, confirm=True).get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Ticket, c.id).merged_into_id is None and len(db.session.get(Ticket, c.id).messages) == 1


def test_later_mail_to_the_merged_ticket_lands_in_the_kept_one(client, login, make_ticket, runner, tmp_path):
    login("agent")
    kept = make_ticket(subject="Leverancier kiezen")
    dup = make_ticket(subject="Welke leverancier?", email=kept.requester.email)
    old_id = dup.messages[0].message_id
    _merge(client, dup, kept.number, confirm=True)
    for name, headers in (("by-id.eml", {"In-Reply-To": f"<{old_id}>", "Subject": "Re: Welke leverancier?"}),
                          ("by-tag.eml", {"Subject": f"Re: Welke leverancier? [{dup.number}]"})):
        mail = EmailMessage()
        mail["From"], mail["To"] = kept.requester.email, "ipo@duo.nl"
        mail["Date"], mail["Message-ID"] = format_datetime(utcnow().astimezone()), f"<{name}@school.example>"
        for key, value in headers.items():
            mail[key] = value
        mail.set_content("Nog een aanvulling op mijn vraag.")
        (tmp_path / name).write_bytes(mail.as_bytes())
        result = runner.invoke(args=["import-mail", str(tmp_path / name)])
        assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert len(db.session.get(Ticket, kept.id).messages) == 4 and db.session.get(Ticket, dup.id).messages == []
    assert db.session.query(Ticket).count() == 2

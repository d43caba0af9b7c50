"""Migration 0003: HTML stored before it is sanitised once with the bounded sanitiser, so pages can show it as is."""

from __future__ import annotations

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from helpdesk.extensions import db


def test_upgrade_sanitises_html_stored_before(app, make_ticket):
    message_id = make_ticket().messages[0].id
    old = '<p>hoi</p><a href="data:text/html,x">k</a><script>alert(1)</script>' + "<div>" * 5000 + "diep"
    db.session.execute(text("UPDATE ticket_messages SET html = :html WHERE id = :id"), {"html": old, "id": message_id})
    db.session.commit()
    db.session.remove()
    downgrade(revision="0002")
    upgrade()
    html = db.session.scalar(text("SELECT html FROM ticket_messages WHERE id = :id"), {"id": message_id})
    assert html.startswith("<p>hoi</p>") and "script" not in html and "data:" not in html and "diep" in html
    assert html.count("<div>") <= 100

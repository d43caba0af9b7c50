"""Held (flood) mail on the admin mail page: released into the queue or discarded; admins only."""

from __future__ import annotations

from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.ingest.operations import ingest_raw
from helpdesk.models import Ticket
from tests.support.mail import make_mail


def _flood(app, count: int = 3) -> list[Ticket]:  # noqa: ANN001
    app.config["FLOOD_MAX_PER_HOUR"] = 1
    outcomes = [ingest_raw(make_mail(subject=f"Vraag {n} over de kosten van eHerkenning",
                                     body="Wat kost eHerkenning niveau 3 per jaar?")) for n in range(count)]
    return [db.session.get(Ticket, o.ticket_id) for o in outcomes]


def test_release_puts_held_mail_in_the_queue_categorised(app, client, login):
    first, *held = _flood(app)
    assert first.kind == "question" and [t.kind for t in held] == ["held", "held"]
    login("admin")
    page = client.get("/admin/mail").get_data(as_text=True)
    assert "Vastgehouden mail" in page and f"/admin/mail/vastgehouden/{held[0].id}/vrijgeven" in page
    response = client.post(f"/admin/mail/vastgehouden/{held[0].id}/vrijgeven", follow_redirects=True)
    assert f"IPO-{held[0].id} staat nu in de wachtrij" in response.get_data(as_text=True)
    db.session.expire_all()
    released = db.session.get(Ticket, held[0].id)
    assert (released.kind, released.status) == ("question", "new")
    assert released.category is not None and released.waiting_since is not None
    assert all(m.kind == "question" for m in released.messages)
    assert f"/tickets/{released.id}" in client.get("/tickets/").get_data(as_text=True)


def test_discard_keeps_the_mail_out_of_every_queue(app, client, login):
    _first, held, _other = _flood(app)
    login("admin")
    client.post(f"/admin/mail/vastgehouden/{held.id}/weggooien")
    db.session.expire_all()
    gone = db.session.get(Ticket, held.id)
    assert (gone.kind, gone.status) == ("discarded", "closed") and gone.messages, "the mail itself is kept"
    assert f"/admin/mail/vastgehouden/{held.id}/" not in client.get("/admin/mail").get_data(as_text=True)
    again = client.post(f"/admin/mail/vastgehouden/{held.id}/vrijgeven", follow_redirects=True)
    assert "wordt niet (meer) vastgehouden" in again.get_data(as_text=True)


def test_only_admins(app, client, login):
    """(A missing CSRF token is refused on every POST route by tests/web/test_csrf.py.)"""
    _first, held, _other = _flood(app)
    login("agent")
    assert client.post(f"/admin/mail/vastgehouden/{held.id}/vrijgeven").status_code == 403
    db.session.expire_all()
    assert db.session.scalar(select(Ticket.kind).where(Ticket.id == held.id)) == "held"

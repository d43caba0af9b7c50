"""The XSS corpus in every place untrusted text reaches a page: rendered markup carries no active content and
the text stays readable. (tests/browser/test_xss.py checks the same in Chromium.)"""

from __future__ import annotations

from urllib.parse import quote

from helpdesk.extensions import db
from helpdesk.models import Article, Ticket
from tests.security.xss_corpus import (
    PAYLOADS,
    SHORT_PAYLOADS,
    Payload,
    find_active_content,
    is_readable,
    xss_mail,
)


def page_of(client, path: str, status: int = 200) -> str:
    response = client.get(path)
    assert response.status_code == status, f"{path}: HTTP {response.status_code}"
    return response.get_data(as_text=True)


def assert_safe(page: str, where: str, payload: Payload | None = None, readable: bool = True) -> None:
    found = find_active_content(page)
    assert not found, f"{where}: actieve inhoud in de pagina: {found}"
    if payload is not None and readable:
        assert is_readable(page, payload), f"{where}: {payload.name} is niet als tekst leesbaar"


def packed(payloads: list[Payload], limit: int) -> list[str]:
    """Payloads joined into few strings of at most `limit` characters (each account costs a hash)."""
    out: list[str] = []
    for payload in payloads:
        if out and len(out[-1]) + 1 + len(payload.text) <= limit:
            out[-1] += " " + payload.text
        else:
            out.append(payload.text[:limit])
    return out


def test_admin_user_name_field(app, client, login):
    login("admin")
    storable = [p for p in PAYLOADS if "\x00" not in p.text]  # NUL: see test_forms_with_a_nul_byte_…
    for n, name in enumerate(packed(storable, 200)):
        response = client.post(
            "/admin/users",
            data={
                "email": f"xss{n}@duo.example",
                "name": name,
                "role": "agent",
                "password": "een lang genoeg wachtwoord",
            },
        )
        assert response.status_code == 302, name
    page = page_of(client, "/admin/users")
    for payload in storable:
        assert_safe(page, "/admin/users", payload)


def test_admin_form_errors_echo_input_safely(app, client, login):
    login("admin")
    for payload in SHORT_PAYLOADS:
        response = client.post(
            "/admin/users",
            data={"email": payload.text, "name": payload.text, "role": "agent", "password": "kort"},
        )
        assert response.status_code == 400
        assert_safe(response.get_data(as_text=True), f"/admin/users met fouten ({payload.name})")


def test_ticket_subject_and_message_from_make_ticket(app, client, login, make_ticket):
    login("agent")
    # a NUL byte cannot be stored directly (PostgreSQL); the ingest test below sends it through the pipeline
    storable = [p for p in PAYLOADS if "\x00" not in p.text]
    tickets = [make_ticket(subject=p.text[:250], text=p.text) for p in storable]
    assert_safe(page_of(client, "/tickets/?per_page=100"), "/tickets/")
    for ticket, payload in zip(tickets, storable, strict=True):
        page = page_of(client, f"/tickets/{ticket.id}")
        assert_safe(page, f"/tickets/{ticket.id} ({payload.name})", payload)


def test_mail_through_ingest_subject_body_html_and_attachment_name(app, client, login):
    from helpdesk.ingest.operations import ingest_raw

    login("agent")
    stored = []
    for n, payload in enumerate(p for p in PAYLOADS if "\x00" not in p.text):
        outcome = ingest_raw(xss_mail(payload, n), source="xss-test")
        assert outcome.status in ("created", "threaded"), f"{payload.name}: {outcome.status} {outcome.detail}"
        stored.append((outcome.ticket_id, payload))
    assert_safe(page_of(client, "/tickets/?per_page=100"), "/tickets/")
    for ticket_id, payload in stored:
        ticket = db.session.get(Ticket, ticket_id)
        page = page_of(client, f"/tickets/{ticket.id}")
        assert_safe(page, f"ticket uit mail ({payload.name})", payload)


def test_mail_with_a_nul_byte_reaches_the_queue(app):
    from helpdesk.ingest.operations import ingest_raw

    payload = next(p for p in PAYLOADS if "\x00" in p.text)
    outcome = ingest_raw(xss_mail(payload, 999), source="nul-test")
    assert outcome.status == "created", f"{outcome.status}: {outcome.detail[:200]}"


def test_faq_search_query(seeded, client):
    for payload in PAYLOADS:
        page = page_of(client, "/faq/search?q=" + quote(payload.text))
        assert_safe(
            page,
            f"/faq/search ({payload.name})",
            Payload(payload.name, payload.text.strip(), payload.literal),
        )
        response = client.get("/api/faq/search?q=" + quote(payload.text))
        assert response.status_code == 200 and response.mimetype == "application/json", payload.name
        for hit in response.get_json()["results"]:
            assert not find_active_content(hit["snippet"]), (payload.name, hit)
            assert not find_active_content(hit["title"]), (payload.name, hit)


def test_article_markdown_through_the_editor(seeded, client, login):
    login("editor")
    body = "## Aanvalstekst\n\n" + "\n\n".join(
        f"{p.name}: {p.text}" for p in PAYLOADS if "\x00" not in p.text
    )
    title = "Kwaadaardige titel <script>alert('xss-titel')</script>"
    preview = client.post(
        "/kb/nieuw", data={"title": title, "category": "other", "body": body, "preview": "1"}
    )
    assert preview.status_code == 200
    assert_safe(preview.get_data(as_text=True), "voorbeeld in de editor")
    response = client.post(
        "/kb/nieuw",
        data={
            "title": title,
            "category": "other",
            "body": body,
            "publish": "1",
            "note": "<b onmouseover=alert(1)>x</b>",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    article = db.session.query(Article).filter(Article.title == title).one()
    public = page_of(client, f"/faq/{article.slug}")
    assert_safe(public, "artikelpagina", Payload("titel", title))
    assert_safe(page_of(client, f"/kb/{article.id}/bewerken"), "artikel bewerken", Payload("titel", title))
    assert_safe(page_of(client, f"/kb/{article.id}/versies"), "versiegeschiedenis")
    assert_safe(page_of(client, "/faq/search?q=Aanvalstekst"), "zoekresultaat met het artikel")


def test_forms_with_a_nul_byte_get_a_clear_answer_and_store_nothing(seeded, client, login):
    """PostgreSQL cannot store NUL: a pasted NUL byte must give a Dutch 400, not a 500 on save."""
    from helpdesk.models import User

    login("admin")
    users_before = db.session.query(User).count()
    response = client.post(
        "/admin/users",
        data={
            "email": "nul@duo.example",
            "name": "Jan\x00Jansen",
            "role": "agent",
            "password": "een lang genoeg wachtwoord",
        },
    )
    assert response.status_code == 400
    assert "ongeldig teken" in response.get_data(as_text=True)
    articles_before = db.session.query(Article).count()
    response = client.post(
        "/kb/nieuw", data={"title": "Nul", "category": "other", "body": "tekst\x00meer", "save": "1"}
    )
    assert response.status_code == 400
    db.session.expire_all()
    assert db.session.query(User).count() == users_before
    assert db.session.query(Article).count() == articles_before

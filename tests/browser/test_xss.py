"""The XSS corpus in Chromium: no dialog fires, no injected element or handler, the text stays readable."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.security.xss_corpus import PAYLOADS, SHORT_PAYLOADS, Payload, xss_mail

from .helpers import active_content, events_of

pytestmark = pytest.mark.browser

LITERAL = [p for p in PAYLOADS if p.literal]
VISITED = 8  # ticket pages opened one by one (tests/security/test_xss.py renders all of them)
# typed into the live search box: the payloads that would need innerHTML to do harm
TYPED = [
    p
    for p in SHORT_PAYLOADS
    if p.name
    in {
        "script",
        "img-onerror",
        "svg-onload",
        "attribute-breaker",
        "javascript-url",
        "details-ontoggle",
        "html-entities",
    }
]


def assert_nothing_ran(page, where: str, readable: list[Payload] = ()) -> None:
    # let handlers queued during parsing (ontoggle, onerror) run before looking
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => setTimeout(done, 0)))")
    found, text = active_content(page), page.inner_text("body")
    events = events_of(page)
    assert not events.dialogs, f"{where}: dialoog geopend: {events.dialogs}"
    assert not events.page_errors, f"{where}: JavaScript-fouten: {events.page_errors}"
    assert not found, f"{where}: geïnjecteerde elementen of handlers: {found}"
    assert not events.csp_violations(), f"{where}: CSP blokkeerde iets ingevoegds: {events.csp_violations()}"
    text = " ".join(text.split())
    missing = [p.name for p in readable if " ".join(p.text.split()) not in text]
    assert not missing, f"{where}: niet leesbaar als tekst: {missing}"


def test_ticket_queue_and_ticket_page_from_hostile_mails(page_pool, live_server):
    if not live_server.has_route("/tickets/1"):
        pytest.skip("de ticketpagina bestaat nog niet")
    # the real ingest path for the pages visited below; the queue gets every payload as a subject
    tickets = [live_server.ingest(xss_mail(p, n)) for n, p in enumerate(LITERAL[:VISITED])]
    for payload in LITERAL[VISITED:]:
        live_server.make_ticket(subject=payload.text, text=payload.text)
    combined = live_server.make_ticket(
        subject=LITERAL[0].text,
        text="\n\n".join(p.text for p in PAYLOADS),
        html="".join(f"<p>{p.text}</p>" for p in PAYLOADS),
    )
    page = page_pool.get("agent")
    page.goto("/tickets/?per_page=100")
    assert_nothing_ran(page, "wachtrij")
    page.goto(f"/tickets/{combined}")
    for summary in page.locator("details summary").all():
        summary.click()  # open the HTML version and the full text
    assert_nothing_ran(page, "ticket met alle payloads", readable=[LITERAL[0]])
    for ticket_id, payload in zip(tickets, LITERAL, strict=False):
        page.goto(f"/tickets/{ticket_id}")
        assert_nothing_ran(page, f"ticket uit mail ({payload.name})", readable=[payload])


def test_faq_search_results_page(page_pool, live_server):
    if not live_server.has_route("/faq/search"):
        pytest.skip("de zoekpagina bestaat nog niet")
    page = page_pool.get(None)
    # markup payloads: how the browser parses them is what this test adds to tests/security/test_xss.py
    for payload in [p for p in PAYLOADS if "<" in p.text]:
        page.goto("/faq/search?q=" + quote(payload.text))
        value = page.evaluate("document.querySelector('input[name=q]').value")
        assert value == payload.text.strip() or not payload.literal, (payload.name, value)
        assert_nothing_ran(page, f"/faq/search ({payload.name})")


def test_faq_search_as_you_type(page_pool, live_server):
    page = page_pool.get(None)
    page.goto("/faq")
    box = page.locator("input[type=search]").first
    for payload in TYPED:
        with page.expect_response(lambda r: "/api/faq/search" in r.url):
            box.fill(payload.text + " eherkenning")
        page.wait_for_timeout(50)
        assert_nothing_ran(page, f"zoeken tijdens typen ({payload.name})")


def test_admin_user_names(page_pool, live_server):
    for payload in PAYLOADS:
        live_server.make_user("agent", can_login=False, name=payload.text)
    page = page_pool.get("admin")
    page.goto("/admin/users")
    # and one through the real form
    page.fill("#email", "formulier-xss@browser.example")
    page.fill("#name", "\"><img src=x onerror=alert('form')>")
    page.fill("#password", "een lang genoeg wachtwoord")
    page.get_by_role("button", name="Account aanmaken").click()
    page.wait_for_load_state()
    assert_nothing_ran(
        page,
        "/admin/users",
        readable=[p for p in LITERAL if "\x00" not in p.text]
        + [Payload("formulier", "\"><img src=x onerror=alert('form')>")],
    )


def test_article_markdown_via_the_editor(page_pool, live_server):
    if not live_server.has_route("/kb/nieuw"):
        pytest.skip("de editor bestaat nog niet")
    page = page_pool.get("editor")
    page.goto("/kb/nieuw")
    title = "XSS-proef <img src=x onerror=alert('titel')>"
    page.fill("#title", title)
    # NUL bytes are refused by every form (tests/security/test_xss.py)
    page.fill("#body", "## Aanvalstekst\n\n" + "\n\n".join(f"{p.name}: {p.text}" for p in LITERAL))
    with page.expect_response(lambda r: r.request.method == "POST") as preview:
        page.get_by_role("button", name="Voorbeeld").click()
    page.wait_for_load_state()
    assert preview.value.status == 200, page.inner_text("main")[:500]
    assert_nothing_ran(page, "voorbeeld in de editor")
    page.get_by_role("button", name="Publiceren").click()
    page.wait_for_load_state()
    slug = live_server.article_slug(title)
    assert slug, page.inner_text("main")[:500]
    page.goto(f"/faq/{slug}")
    assert_nothing_ran(page, "gepubliceerd artikel", readable=[Payload("titel", title)])

"""The pages the browser gates visit. Add a page here and it gets axe, reflow, zoom and keyboard checks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page

from tests.support.mail import make_mail

from .live import LiveServer


@dataclass(frozen=True)
class PageCase:
    """One page state: who looks (`role`, None = anonymous), where, and how to reach an error state."""

    name: str
    path: str | Callable[[LiveServer], str | None]
    role: str | None = None
    status: int = 200
    prepare: Callable[[LiveServer], None] | None = None
    # submits a form on the page; the page after the POST is the one checked
    submit: Callable[[Page], None] | None = None

    def resolve(self, server: LiveServer) -> str | None:
        """The concrete path, or None when the page cannot exist yet (no article, no ticket view)."""
        path = self.path(server) if callable(self.path) else self.path
        if path is None or not server.has_route(path):
            return None
        return path


def _wrong_login(page: Page) -> None:
    page.fill("#email", "niemand@browser.example")
    page.fill("#password", "dit is niet het wachtwoord")
    page.get_by_role("button", name="Inloggen").click()


def _empty_login(page: Page) -> None:
    page.get_by_role("button", name="Inloggen").click()


def _bad_retention(page: Page) -> None:
    page.fill("#retention_ticket_months", "0")
    page.get_by_role("button", name="Bewaartermijnen opslaan").click()


def _empty_new_account(page: Page) -> None:
    page.fill("#name", "Zonder adres")
    page.get_by_role("button", name="Account aanmaken").click()


def _first_article(server: LiveServer) -> str | None:
    slugs = server.published_slugs()
    return f"/faq/{slugs[0]}" if slugs else None


def _seed_queue(server: LiveServer) -> None:
    server.make_ticket(subject="Wat kost eHerkenning niveau 3 voor ons bestuur?")
    server.make_ticket(
        subject="Wij hebben al eHerkenning niveau 2+ voor de Belastingdienst",
        text="Is een upgrade genoeg, of hebben we een nieuw middel nodig?",
        status="open",
    )


def _mail_questions_without_article(server: LiveServer) -> None:
    for subject, body in [("btw", "Moeten wij btw betalen over eHerkenning, of kunnen wij die btw terugvragen?"),
                          ("Factuur", "Zijn de bedragen voor eHerkenning inclusief of exclusief btw?"),
                          ("VOG", "Hoe vraag ik een verklaring omtrent gedrag aan voor een nieuwe leraar?")]:
        server.ingest(make_mail(subject=subject, body=body))


def _a_ticket(server: LiveServer) -> str:
    ticket_id = server.make_ticket(
        subject="Vóór welke datum moeten wij eHerkenning niveau 3 hebben?",
        text="Geachte helpdesk,\n\nPer wanneer is niveau 3 verplicht?\n\nMet groet,\nJan",
    )
    return f"/tickets/{ticket_id}"


def _ticket_with_macro(server: LiveServer) -> str:
    server.shared_macro()
    return _a_ticket(server)


def _apply_macro(page: Page) -> None:
    page.fill("#body", "Dank voor uw vraag.")
    page.get_by_role("button", name="Kosten, wacht op antwoord").click()


def _macro_page(server: LiveServer) -> str:
    return f"/tickets/standaardantwoorden/{server.shared_macro()}"


def _later_without_days(page: Page) -> None:
    page.fill("#title", "Later, zonder dagen")
    page.select_option("#status", "later")
    page.get_by_role("button", name="Opslaan").click()


def _editor_page(suffix: str) -> Callable[[LiveServer], str | None]:
    def path(server: LiveServer) -> str | None:
        article_id = server.first_article_id()
        return f"/kb/{article_id}/{suffix}" if article_id else None

    return path


def _empty_article(page: Page) -> None:
    page.fill("#title", "")
    page.get_by_role("button", name="Opslaan als concept").click()


def _conflicting_save(page: Page) -> None:
    """The same article saved first from a second tab, then from this older form: the conflict page (409)."""
    other = page.context.new_page()
    other.goto(page.url)
    other.fill("#body", other.input_value("#body") + "\n\nEen zin uit een ander tabblad.")
    other.get_by_role("button", name="Opslaan als concept").click()
    other.wait_for_load_state()
    other.close()
    page.fill("#body", page.input_value("#body") + "\n\nMijn eigen zin.")
    page.get_by_role("button", name="Opslaan als concept").click()


def _teach_triage(server: LiveServer) -> None:
    ticket_id = server.make_ticket(subject="Onze schoolfotograaf en Mijn DUO",
                                   text="Mag de schoolfotograaf de leerlinggegevens uit Mijn DUO inzien?",
                                   category="other", category_source="triage", category_confidence=0.4)
    server.teach_category(ticket_id, "upgrade")


def _quarantine_a_mail(server: LiveServer) -> None:
    server.ingest(b"dit is geen mail maar een los tekstbestand zonder headers", expect="quarantined")


PAGES: list[PageCase] = [
    PageCase("login", "/login"),
    PageCase("login-onjuist", "/login", status=401, submit=_wrong_login),
    PageCase("login-leeg", "/login", status=400, submit=_empty_login),
    PageCase("faq", "/faq"),
    PageCase("faq-categorie", "/faq?categorie=cost"),
    PageCase("faq-artikel", _first_article),
    PageCase("faq-zoeken", "/faq/search?q=wat+kost+eherkening"),
    PageCase("faq-zoeken-geen-resultaat", "/faq/search?q=zwembadrooster"),
    PageCase("fout-404", "/deze-pagina-bestaat-niet", status=404),
    PageCase("faq-artikel-404", "/faq/dit-artikel-bestaat-niet", status=404),
    PageCase("fout-403", "/admin/", role="editor", status=403),
    PageCase("beheer", "/admin/", role="admin"),
    PageCase("accounts", "/admin/users", role="admin"),
    PageCase("accounts-fout", "/admin/users", role="admin", status=400, submit=_empty_new_account),
    PageCase("mailbox", "/admin/mail", role="admin"),
    PageCase("bewaartermijnen", "/admin/retention", role="admin"),
    PageCase("bewaartermijnen-fout", "/admin/retention", role="admin", status=400, submit=_bad_retention),
    PageCase("auditlog", "/admin/audit", role="admin"),
    PageCase("inzage", "/admin/privacy?adres=bestuur@school.example", role="admin"),
    PageCase("quarantaine", "/admin/quarantine", role="admin", prepare=_quarantine_a_mail),
    PageCase("triagelessen", "/admin/triage", role="admin", prepare=_teach_triage),
    PageCase("wachtrij-leeg", "/tickets/", role="agent", prepare=LiveServer.close_open_tickets),
    PageCase("wachtrij", "/tickets/", role="agent", prepare=_seed_queue),
    PageCase("ticket", _a_ticket, role="agent"),
    PageCase("golven", "/tickets/golven", role="agent"),
    PageCase("standaardantwoorden", "/tickets/standaardantwoorden", role="agent"),
    PageCase("standaardantwoorden-fout", "/tickets/standaardantwoorden", role="agent", status=400,
             submit=_later_without_days),
    PageCase("macro-wijzigen", _macro_page, role="admin"),  # a shared one: its owner or an admin edits it
    PageCase("ticket-macro-toegepast", _ticket_with_macro, role="agent", submit=_apply_macro),
    PageCase("dashboard", "/dashboard/", role="agent"),
    PageCase("artikelen", "/kb/", role="editor"),
    PageCase("artikel-nieuw", "/kb/nieuw", role="editor"),
    PageCase("artikel-nieuw-fout", "/kb/nieuw", role="editor", status=400, submit=_empty_article),
    PageCase("artikel-bewerken", _editor_page("bewerken"), role="editor"),
    PageCase("artikel-bewerken-conflict", _editor_page("bewerken"), role="editor", status=409,
             submit=_conflicting_save),
    PageCase("artikel-versies", _editor_page("versies"), role="editor"),
    PageCase("artikel-verschil", _editor_page("versies/1/verschil"), role="editor"),
    PageCase("artikel-archiveren", _editor_page("archiveren"), role="editor"),
    PageCase("artikel-terugzetten", _editor_page("versies/1/terugzetten"), role="editor"),
    PageCase("concept-weggooien", _editor_page("concept-weggooien"), role="editor"),
    PageCase("hiaten", "/kb/hiaten", role="editor"),
    PageCase("vragen-zonder-artikel", "/kb/hiaten/vragen", role="editor", prepare=_mail_questions_without_article),
    PageCase("uitloggen", "/logout", role="agent"),
    PageCase("tweestapsverificatie", "/account/tweestaps", role="agent"),
    PageCase("mijn-account", "/account", role="agent"),  # with the notification choices an agent has
]


def open_case(page: Page, case: PageCase, server: LiveServer) -> str:
    """Prepare data, open the page in `page` (signed in as case.role) and submit its form; returns the path.

    Skips the test when the page does not exist yet; asserts the HTTP status the page must have.
    """
    if case.prepare is not None:
        case.prepare(server)
    path = case.resolve(server)
    if path is None and case.status != 404:
        pytest.skip(f"{case.name}: deze pagina bestaat nog niet in de app")
    path = path or (case.path if isinstance(case.path, str) else "/")
    response = page.goto(path)
    assert response is not None
    if case.submit is not None:
        assert response.status == 200, f"{path}: {response.status}"
        with page.expect_response(lambda r: r.request.method == "POST") as posted:
            case.submit(page)
        page.wait_for_load_state()
        response = posted.value
    assert response.status == case.status, (
        f"{case.name} ({path}): HTTP {response.status}, verwacht {case.status}"
    )
    return path

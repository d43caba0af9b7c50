"""An agent's day in a real browser: a ticket parked until a date comes back when the date passes, two tickets of
the same question are merged (and later mail follows the kept one), and the overdue ticket tops the queue."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from helpdesk.models import utcnow
from tests.support.mail import make_mail

from .helpers import check_axe
from .journeys_support import demo_mail, incoming_message_ids, no_script_trouble, pending_until, return_due
from .live import LiveServer, start_live_server

pytestmark = pytest.mark.browser

SLOW_CATEGORY = "supplier"  # gets a long response target in this module, so "oldest" and "deadline" differ


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The live app, with a 40-working-day target for supplier questions (the others keep the default 2)."""
    server = start_live_server(tmp_path_factory.mktemp("agent-day") / "data",
                               RESPONSE_TARGETS={SLOW_CATEGORY: 40})
    yield server
    server.stop()


def queue_link(page: Page, ticket_id: int):  # noqa: ANN201 - a Playwright Locator
    return page.locator(f"a.ticket-link[href='/tickets/{ticket_id}']")


def queue_row(page: Page, ticket_id: int):  # noqa: ANN201 - a Playwright Locator
    return page.locator(".queue-row", has=queue_link(page, ticket_id))


def show_tickets(page: Page) -> None:
    """Submit the queue's filter form as the agent does."""
    with page.expect_navigation():
        page.get_by_role("button", name="Toon tickets").click()


# --- Later oppakken ------------------------------------------------------------------------------------------

def park(page: Page, ticket_id: int, day: date) -> None:
    """Use the ticket page's "Later oppakken tot" form; it leads back to the queue."""
    page.goto(f"/tickets/{ticket_id}")
    page.get_by_label("Later oppakken tot").fill(day.isoformat())
    with page.expect_navigation(url="**/tickets/"):
        page.get_by_role("button", name="Later oppakken", exact=True).click()
    expect(page.locator(".flashes")).to_contain_text(
        f"IPO-{ticket_id} staat tot {day:%d-%m-%Y} buiten de open wachtrij")


def test_a_parked_ticket_returns_to_the_queue_when_its_date_passes(new_page, login_as, live_server):
    live_server.close_open_tickets()
    ticket_id = live_server.ingest(demo_mail("01-kosten"))
    assert ticket_id is not None
    page = new_page()
    login_as(page, "agent")
    page.goto("/tickets/")
    expect(queue_link(page, ticket_id)).to_be_visible()

    park(page, ticket_id, date.today() + timedelta(days=3))
    expect(queue_link(page, ticket_id)).to_have_count(0)
    check_axe(page, "wachtrij na later oppakken")
    page.select_option("#status", label="Wacht op aanvrager")  # where a parked ticket is meanwhile
    show_tickets(page)
    expect(queue_row(page, ticket_id).locator("td[data-label='Status']")).to_have_text("Wacht op aanvrager")
    check_axe(page, "wachtrij: wacht op aanvrager")

    until = pending_until(live_server, ticket_id)
    assert return_due(live_server, until - timedelta(minutes=1)) == []  # not yet: the job leaves it parked
    page.goto("/tickets/")
    expect(queue_link(page, ticket_id)).to_have_count(0)
    assert return_due(live_server, until + timedelta(minutes=1)) == [ticket_id]
    page.reload()
    expect(queue_row(page, ticket_id).locator("td[data-label='Status']")).to_have_text("Open")
    check_axe(page, "wachtrij met teruggekeerd ticket")

    with page.expect_navigation(url=f"**/tickets/{ticket_id}"):
        queue_link(page, ticket_id).click()
    expect(page.locator("main")).to_contain_text("Terug in de wachtrij")  # the history says why it is back
    check_axe(page, "teruggekeerd ticket")
    no_script_trouble(page, "later oppakken")


# --- Samenvoegen ---------------------------------------------------------------------------------------------

REQUESTER = "Sanne de Vries <s.devries@stichting-merge.example>"


def test_agent_merges_a_repeated_question_and_later_mail_follows(new_page, login_as, live_server):
    first_text = "Wat kost eHerkenning niveau 3 voor ons schoolbestuur met vier scholen?"
    second_text = "Ik vroeg het vorige week al: wat kost eHerkenning niveau 3 voor ons bestuur?"
    kept = live_server.ingest(make_mail("Kosten eHerkenning", first_text, REQUESTER, "<merge-1@merge.example>"))
    merged = live_server.ingest(make_mail("Nogmaals: kosten eHerkenning", second_text, REQUESTER,
                                          "<merge-2@merge.example>"))
    assert kept is not None and merged is not None and kept != merged
    merged_mail_id = incoming_message_ids(live_server, merged)[0]
    page = new_page()
    login_as(page, "agent")

    page.goto(f"/tickets/{merged}")
    page.get_by_label("Samenvoegen met ticket").fill(f"IPO-{kept}")
    page.get_by_role("button", name="Samenvoegen…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"IPO-{merged} samenvoegen met IPO-{kept}?")
    check_axe(page, "samenvoegen bevestigen")
    with page.expect_navigation(url=f"**/tickets/{kept}"):
        page.get_by_role("button", name=f"Ja, voeg samen met IPO-{kept}").click()
    expect(page.locator(".flashes")).to_contain_text(f"IPO-{merged} is samengevoegd met IPO-{kept}")
    main = page.locator("main")
    expect(main).to_contain_text(first_text)
    expect(main).to_contain_text(second_text)
    check_axe(page, "ticket na samenvoegen")

    page.goto(f"/tickets/{merged}")
    note = page.locator(".merged-note")
    expect(note).to_contain_text(f"Samengevoegd met IPO-{kept}")
    check_axe(page, "samengevoegd ticket")
    with page.expect_navigation(url=f"**/tickets/{kept}"):
        note.get_by_role("link", name=f"IPO-{kept}").click()

    addition = "Aanvulling: het gaat om zes medewerkers die in Mijn DUO werken."
    reply = make_mail("Re: Nogmaals: kosten eHerkenning", addition, REQUESTER, "<merge-3@merge.example>",
                      in_reply_to=f"<{merged_mail_id}>", references=f"<{merged_mail_id}>")
    assert live_server.ingest(reply, expect="threaded") == kept
    page.reload()
    expect(page.locator("main")).to_contain_text(addition)
    no_script_trouble(page, "samenvoegen")


# --- Termijn -------------------------------------------------------------------------------------------------

def test_the_overdue_ticket_tops_the_queue_sorted_by_deadline(new_page, login_as, live_server):
    live_server.close_open_tickets()
    now = utcnow()
    # the oldest mail has a long target: first when sorted by waiting time, not by deadline
    slow = live_server.make_ticket(subject="Welke leverancier kiezen wij?", category=SLOW_CATEGORY,
                                   waiting_since=now - timedelta(days=10), created_at=now - timedelta(days=10))
    late = live_server.make_ticket(subject="Wat kost niveau 3?", category="cost",
                                   waiting_since=now - timedelta(days=7), created_at=now - timedelta(days=7))
    fresh = live_server.make_ticket(subject="Kosten per school?", category="cost")
    page = new_page()
    login_as(page, "agent")
    page.goto("/tickets/")
    rows = page.locator(".queue-row")
    expect(rows).to_have_count(3)
    expect(rows.first.locator("a.ticket-link")).to_have_attribute("href", f"/tickets/{slow}")

    page.locator(".more-filters summary").click()
    page.get_by_label("Volgorde").select_option(label="Eerst te beantwoorden")
    show_tickets(page)
    assert "sorteer=termijn" in page.url, page.url
    due = rows.first.locator("td[data-label='Antwoord uiterlijk']")
    expect(rows.first.locator("a.ticket-link")).to_have_attribute("href", f"/tickets/{late}")
    expect(due.locator(".overdue")).to_have_text("Te laat")
    for other in (slow, fresh):
        expect(queue_row(page, other).locator(".overdue")).to_have_count(0)
    expect(rows.nth(1).locator("a.ticket-link")).to_have_attribute("href", f"/tickets/{fresh}")
    check_axe(page, "wachtrij op termijn")
    no_script_trouble(page, "wachtrij op termijn")

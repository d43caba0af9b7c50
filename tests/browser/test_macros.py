"""A macro applied from the keyboard alone: Tab to its button, Enter; the reply is filled in, the ticket changed."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .helpers import check_axe

pytestmark = pytest.mark.browser

MAX_TABS = 25


def test_a_macro_is_applied_by_keyboard(new_page, login_as, live_server):
    live_server.shared_macro()
    ticket_id = live_server.make_ticket(subject="Wat kost het?", requester_name="Daan Dijk")
    page = new_page()
    login_as(page, "agent")
    page.goto(f"/tickets/{ticket_id}")
    page.locator("#body").focus()
    page.keyboard.type("Dank voor uw vraag.")
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "apply_macro":
            break
    else:
        pytest.fail("de knop van de macro is met Tab niet bereikbaar")
    expect(page.locator(":focus")).to_have_text("Kosten, wacht op antwoord")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.locator(".flashes")).to_contain_text("Macro ‘Kosten, wacht op antwoord’ toegepast")
    expect(page.locator("#body")).to_have_value("Dank voor uw vraag.\n\nBeste Daan Dijk,\n\n"
                                                "De kosten staan op onze website.")
    state = live_server.ticket_state(ticket_id)
    assert (state["status"], state["category"], state["source"]) == ("pending", "cost", "agent"), state
    assert state["assignee_id"] is not None
    expect(page.locator("table.audit")).to_contain_text("Macro toegepast: Kosten, wacht op antwoord")
    check_axe(page, "ticket na macro")

"""Dense agent screens in Chromium: a dozen tickets and more on one 1280×800 screen, the whole row a link, bulk
changes."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from mail_ingest.demo import demo_mail_paths

from .helpers import SCREENSHOT_DIR, check_axe

pytestmark = pytest.mark.browser

SCREEN = {"width": 1280, "height": 800}


def _demo(name: str) -> bytes:
    return next(p for p in demo_mail_paths() if name in p.name).read_bytes()


def test_a_dozen_tickets_fit_on_one_screen_and_bulk_changes_them(new_page, login_as, live_server):
    live_server.close_open_tickets()
    ids = [live_server.make_ticket(subject=f"Vraag {n} over de kosten van eHerkenning niveau 3 voor ons bestuur",
                                   text=f"Beste helpdesk,\n\nWij hebben {n} scholen. Wat kost eHerkenning niveau 3 "
                                        "per medewerker, en moeten wij dat zelf betalen?\n\nGroet, Anna")
           for n in range(1, 21)]
    page = new_page()
    page.set_viewport_size(SCREEN)
    login_as(page, "agent")
    page.goto("/tickets/")
    visible = page.evaluate("""() => [...document.querySelectorAll('.queue-row')]
        .filter(r => { const b = r.getBoundingClientRect(); return b.top >= 0 && b.bottom <= innerHeight; }).length""")
    heights = page.evaluate("() => [...document.querySelectorAll('.queue-row')]"
                            ".map(r => r.getBoundingClientRect().height)")
    print(f"\nwachtrij op 1280×800: {visible} tickets helemaal in beeld, rijhoogte {max(heights):.0f} px")
    page.screenshot(path=str(SCREENSHOT_DIR / "wachtrij-1280x800.png"))
    assert visible >= 12, f"maar {visible} tickets in beeld op 1280×800"
    expect(page.locator(".queue-snippet").first).to_have_text(re.compile(r"^Wij hebben 1 scholen\. Wat kost"))
    check_axe(page, "volle wachtrij")

    page.locator(f"#kies-{ids[0]}").check()  # the checkbox sits above the row link
    page.locator(f"#kies-{ids[1]}").check()
    assert page.url.endswith("/tickets/"), "aanvinken opende het ticket"
    bar = page.locator(".bulk-bar")
    bar.get_by_label("Status").select_option("open")
    bar.get_by_label("Behandelaar").select_option(label="Test agent")
    bar.get_by_label("Categorie").select_option("cost")
    page.get_by_role("button", name="Wijzig aangevinkte tickets").click()
    expect(page.locator(".flashes")).to_contain_text("2 van de 2 aangevinkte tickets gewijzigd")
    for ticket_id in ids[:2]:
        state = live_server.ticket_state(ticket_id)
        assert (state["status"], state["category"], state["source"]) == ("open", "cost", "agent"), state
        assert state["assignee_id"] is not None
    assert live_server.ticket_state(ids[2])["status"] == "new"
    page.set_viewport_size({"width": 320, "height": 640})
    check_axe(page, "volle wachtrij @ 320 px")

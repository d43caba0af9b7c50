"""Journey: an agent turns on assignment mails on Mijn account, a colleague assigns a real mail's ticket to them
on the ticket page (with the mouse), and the outbox delivers the notification to the real SMTP server."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from .helpers import check_axe
from .journeys_support import parse_mail, plain_text, run_outbox_once
from .test_journeys import demo_mail, live_server, no_script_trouble, smtp  # noqa: F401 - the live app with SMTP

pytestmark = pytest.mark.browser


def test_an_agent_asks_for_assignment_mails_and_one_arrives_when_a_colleague_assigns(new_page, login_as,
                                                                                      live_server, smtp):  # noqa: F811
    smtp.clear()
    jan_page, piet_page = new_page(), new_page()
    jan = login_as(jan_page, "agent", name="Jan Meldingen")
    login_as(piet_page, "agent", name="Piet Collega")

    jan_page.goto("/account")
    assignments = jan_page.get_by_label("Een collega wijst mij een ticket toe")
    expect(assignments).not_to_be_checked()  # off until chosen
    assignments.click()
    jan_page.get_by_role("button", name="Meldingen opslaan").click()
    expect(jan_page.locator(".flashes")).to_contain_text("meldingen per e-mail is opgeslagen")
    expect(jan_page.get_by_label("Een collega wijst mij een ticket toe")).to_be_checked()
    check_axe(jan_page, "Mijn account met meldingen")

    ticket_id = live_server.ingest(demo_mail("01-kosten"))
    piet_page.goto(f"/tickets/{ticket_id}")
    piet_page.get_by_label("Behandelaar", exact=True).select_option(label="Jan Meldingen")
    with piet_page.expect_navigation():
        piet_page.get_by_role("button", name="Wijzigingen opslaan").click()
    expect(piet_page.locator(".flashes")).to_contain_text("behandelaar Jan Meldingen")
    no_script_trouble(piet_page, "toewijzen")

    report = run_outbox_once(live_server)
    assert len(report.sent) == 1, report.summary()
    assert [m.rcpt_tos for m in smtp.messages] == [[jan]]
    mail = parse_mail(smtp.messages[0].raw)
    assert mail["Subject"] == f"Ticket IPO-{ticket_id} is aan u toegewezen"
    assert mail["Auto-Submitted"] == "auto-generated"
    link = next(word for word in plain_text(mail).split() if f"/tickets/{ticket_id}" in word)
    assert link == live_server.app.config["PUBLIC_URL"].rstrip("/") + f"/tickets/{ticket_id}"

    jan_page.goto(urlsplit(link).path)  # the link opens the ticket, now his
    expect(jan_page.locator("#assignee option:checked")).to_have_text("Jan Meldingen")
    expect(jan_page.locator("h1")).to_contain_text(f"IPO-{ticket_id}")

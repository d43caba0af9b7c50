"""One rule for "categorie onzeker" (Ticket.is_uncertain): the queue filter, the queue badge, the ticket page and
triage agree, and a category an agent chose is never uncertain, however low triage's confidence was."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.models import Ticket
from helpdesk.triage.service import is_uncertain

# (subject, fields, uncertain at the default threshold 0.55)
CASES = [
    ("Zeker", {"category": "cost", "category_confidence": 0.9, "category_source": "triage"}, False),
    ("Net erboven", {"category": "cost", "category_confidence": 0.55, "category_source": "triage"}, False),
    ("Laag", {"category": "cost", "category_confidence": 0.3, "category_source": "triage"}, True),
    ("Medewerker koos", {"category": "upgrade", "category_confidence": 0.1, "category_source": "agent"}, False),
    ("Zonder zekerheid", {"category": "other", "category_confidence": None, "category_source": "triage"}, True),
    ("Geen categorie", {"category": None}, True),
]


@pytest.fixture
def tickets(make_ticket) -> dict[str, Ticket]:
    return {subject: make_ticket(subject=subject, **fields) for subject, fields, _u in CASES}


def _queue_rows(page: str) -> dict[str, str]:
    """Each queue row's cells by the ticket's subject."""
    rows = page.split('<tr class="queue-row">')[1:]
    return {re.search(r'class="queue-subject"> ([^<]+)</span>', row).group(1): row.split("</tr>")[0] for row in rows}


def test_queue_filter_badge_page_and_model_agree(app, client, login, tickets):
    login("agent")
    expected = {subject for subject, _f, uncertain in CASES if uncertain}
    filtered = _queue_rows(client.get("/tickets/?categorie=onzeker").get_data(as_text=True))
    assert set(filtered) == expected
    threshold = app.config["TRIAGE_THRESHOLD"]
    assert {t.subject for t in db.session.scalars(select(Ticket).where(Ticket.is_uncertain(threshold)))} == expected
    every = _queue_rows(client.get("/tickets/").get_data(as_text=True))
    assert set(every) == set(tickets)
    for subject, ticket in tickets.items():
        uncertain = subject in expected
        assert ticket.is_uncertain(threshold) is uncertain and is_uncertain(ticket) is uncertain, subject
        assert ("categorie onzeker" in every[subject]) is uncertain, subject
        page = client.get(f"/tickets/{ticket.id}").get_data(as_text=True)
        meta = page.split('class="ticket-meta"')[1].split("</p>")[0]
        assert ("categorie onzeker" in meta) is uncertain, subject  # at the top, beside the category choice


def test_the_threshold_setting_moves_every_place_alike(app, client, login, tickets):
    app.config["TRIAGE_THRESHOLD"] = 0.95
    login("agent")
    expected = {"Zeker", "Net erboven", "Laag", "Zonder zekerheid", "Geen categorie"}  # not the agent's choice
    assert set(_queue_rows(client.get("/tickets/?categorie=onzeker").get_data(as_text=True))) == expected
    every = _queue_rows(client.get("/tickets/").get_data(as_text=True))
    for subject, ticket in tickets.items():
        assert ("categorie onzeker" in every[subject]) is (subject in expected), subject
        assert is_uncertain(ticket) is (subject in expected), subject

"""The filtered queue as CSV: same query string as /tickets/, every page, spreadsheet-safe cells, agents only."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

from helpdesk.extensions import db
from helpdesk.models import utcnow


def _rows(response) -> list[list[str]]:
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=";"))


def test_export_follows_the_queue_filters_and_order(app, client, login, make_ticket):
    app.config["RESPONSE_TARGETS"] = {"deadline": 1}
    login("agent")
    now = utcnow()
    cost = make_ticket(subject="Kosten", category="cost", category_confidence=0.9)
    late = make_ticket(subject="Termijn", category="deadline", category_confidence=0.9)
    late.waiting_since = now - timedelta(days=6)
    make_ticket(subject="Klaar", category="cost", category_confidence=0.9, status="solved")
    evil = make_ticket(subject="=HYPERLINK(\"http://evil.example\")", category="cost", category_confidence=0.9)
    db.session.commit()
    queue = client.get("/tickets/?categorie=cost").get_data(as_text=True)
    link = re.search(r'href="(/tickets/export\.csv[^"]*)"', queue).group(1).replace("&amp;", "&")
    response = client.get(link)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = _rows(response)
    assert rows[0][:3] == ["Nummer", "Onderwerp", "Status"]
    assert [r[0] for r in rows[1:]] == [cost.number, evil.number]  # the solved one is filtered out, as in the queue
    assert rows[2][1].startswith("'=")  # no formula in a spreadsheet
    by_due = _rows(client.get("/tickets/export.csv?sorteer=termijn"))
    assert by_due[1][0] == late.number and by_due[1][11] == "ja"


def test_export_needs_an_agent(client, login):
    assert client.get("/tickets/export.csv").status_code in (302, 401, 403)
    login("editor")
    assert client.get("/tickets/export.csv").status_code == 403

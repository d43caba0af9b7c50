"""The dashboard: charts and tables from answered and waiting tickets."""

from __future__ import annotations

import re
from datetime import timedelta

from helpdesk.extensions import db
from helpdesk.models import utcnow
from tests.support.tickets import reply_form


def test_dashboard_charts_and_tables(client, login, make_ticket, publish_article):
    publish_article("wat-kost-eherkenning", "Wat kost eHerkenning?", "Dertig euro.")
    login("agent")
    now = utcnow()
    answered = make_ticket(category="cost", category_confidence=0.9)
    client.post(f"/tickets/{answered.id}/antwoord",
                data=reply_form(answered, "Antwoord", article_slug="wat-kost-eherkenning"))
    answered.created_at = now - timedelta(hours=4)
    plain = make_ticket(category="deadline")
    client.post(f"/tickets/{plain.id}/antwoord", data=reply_form(plain, "Antwoord zonder artikel"))
    waiting = make_ticket(category="cost")
    waiting.waiting_since = now - timedelta(days=4)
    make_ticket(kind="bounce")
    db.session.commit()

    page = client.get("/dashboard/").get_data(as_text=True)
    assert page.count('<svg class="chart chart-') == 6 and page.count('role="img"') == 6
    assert 'aria-labelledby="grafiek-categorie-title grafiek-categorie-desc"' in page
    assert "3 vragen in de laatste 8 weken" in page  # the bounce is no question
    assert "50% van de beantwoorde vragen (1 van 2)" in page
    assert "<th scope=\"row\">3–7 dagen</th><td>1</td>" in page
    assert "Wat kost eHerkenning?" in page.split("Meest gebruikte artikelen in antwoorden</caption>")[1]
    week_table = page.split("Vragen per categorie per week</caption>")[1]
    assert '<th scope="row">Kosten</th>' in week_table
    # every category in the legend, as wrapping HTML (the SVG legend ran out of the chart after three names)
    legend = page.split('<ul class="chart-legend"')[1].split("</ul>")[0]
    for label in ("Kosten", "Leverancierskeuze", "Upgrade naar niveau 3", "Termijnen en deadline", "Overig"):
        assert f"</span>{label}</li>" in legend


def test_empty_dashboard_renders(client, login):
    login("agent")
    response = client.get("/dashboard/")
    assert response.status_code == 200 and "Nog geen antwoorden op basis van een artikel" in response.get_data(
        as_text=True)


def test_share_answered_within_target_and_overdue_count(app, client, login, make_ticket):
    app.config["RESPONSE_TARGETS"] = {"deadline": 1}
    login("agent")
    now = utcnow()
    on_time = make_ticket(category="cost", category_confidence=0.9)
    client.post(f"/tickets/{on_time.id}/antwoord", data=reply_form(on_time, "Op tijd"))
    late = make_ticket(category="deadline", category_confidence=0.9)
    late.created_at = now - timedelta(days=6)  # a one-working-day target, six days ago: always late
    db.session.commit()
    client.post(f"/tickets/{late.id}/antwoord", data=reply_form(late, "Te laat"))
    waiting = make_ticket(category="deadline", category_confidence=0.9)
    waiting.waiting_since = now - timedelta(days=6)
    make_ticket(category="cost", category_confidence=0.9)  # waiting, still in time
    db.session.commit()

    page = client.get("/dashboard/").get_data(as_text=True)
    assert "1 vraag is te laat" in page
    table = page.split("per week van binnenkomst</caption>")[-1].split("</table>")[0]
    rows = re.findall(r"<tr><th scope=\"row\">[^<]*</th><td>(\d+)</td><td>(\d+)</td><td>([^<]*)</td></tr>", table)
    assert sum(int(a) for a, _b, _c in rows) == 1 and sum(int(b) for _a, b, _c in rows) == 2


def test_period_is_selectable_and_every_table_downloads_as_csv(client, login, make_ticket):
    import csv
    import io

    login("agent")
    old = make_ticket(category="cost", category_confidence=0.9)
    old.created_at = utcnow() - timedelta(weeks=20)
    make_ticket(category="cost", category_confidence=0.9)
    db.session.commit()
    assert "1 vragen in de laatste 8 weken" in client.get("/dashboard/").get_data(as_text=True)
    page = client.get("/dashboard/?weken=26").get_data(as_text=True)
    assert "2 vragen in de laatste 26 weken" in page and '<option value="26" selected>' in page
    assert "1 vragen in de laatste 8 weken" in client.get("/dashboard/?weken=999").get_data(as_text=True)
    links = re.findall(r'href="(/dashboard/[a-z]+\.csv\?weken=26)"', page)
    names = {link.split("/")[2].split(".")[0] for link in links}
    assert names == {"categorie", "wachttijd", "reactietijd", "aandeel", "termijn"}  # no articles used: no table
    for link in [*links, "/dashboard/artikelen.csv?weken=26"]:
        response = client.get(link)
        assert response.status_code == 200 and response.mimetype == "text/csv"
        rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
        assert rows and rows[0]
    weekly = list(csv.reader(io.StringIO(client.get("/dashboard/categorie.csv?weken=26").get_data(
        as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert len(weekly[0]) == 27 and sum(int(v) for row in weekly[1:] for v in row[1:]) == 2
    assert client.get("/dashboard/onzin.csv").status_code == 404


def test_median_first_response_per_week_odd_and_even_counts(app, make_ticket):
    from helpdesk.dashboard.stats import median_first_response_hours, recent_weeks

    weeks = recent_weeks()
    this_week, last_week = weeks[-1].start + timedelta(hours=1), weeks[-2].start + timedelta(hours=1)
    for start, hours in [(this_week, h) for h in (1, 2, 4, 10)] + [(last_week, h) for h in (5, 1, 3)]:
        ticket = make_ticket(category="cost", created_at=start)
        ticket.first_response_at = start + timedelta(hours=hours)
    make_ticket(kind="bounce", created_at=this_week).first_response_at = this_week  # no question: not counted
    db.session.commit()
    medians = median_first_response_hours(weeks)
    assert medians[-1] == 3.0 and medians[-2] == 3.0 and medians[:-2] == [None] * (len(weeks) - 2)

"""Public endpoints are bounded per client address (shared store, Dutch 429), and search-log clicks only count
for the search that produced the link."""

from __future__ import annotations

import re

from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.models import SearchLog

ONE = {"REMOTE_ADDR": "203.0.113.10"}
OTHER = {"REMOTE_ADDR": "203.0.113.11"}


def test_faq_search_is_limited_per_address_with_a_dutch_page(make_app, runner):
    app = make_app(FAQ_SEARCH_LIMIT="3 per minute")
    with app.app_context():
        assert app.test_cli_runner().invoke(args=["setup"]).exit_code == 0
        client = app.test_client()
        statuses = [client.get("/faq/search?q=kosten", environ_base=ONE).status_code for _ in range(3)]
        refused = client.get("/faq/search?q=kosten", environ_base=ONE)
        elsewhere = client.get("/faq/search?q=kosten", environ_base=OTHER)
    assert statuses == [200, 200, 200]
    text = refused.get_data(as_text=True)
    assert refused.status_code == 429 and "Te veel pogingen" in text
    wait = int(refused.headers["Retry-After"])
    assert 0 < wait <= 60 and re.search(r"Probeer het over \d+ seconden? opnieuw|over 1 minuut", text)
    assert elsewhere.status_code == 200


def test_api_and_feedback_limits_answer_in_their_own_format(make_app):
    app = make_app(API_SEARCH_LIMIT="2 per minute", FAQ_FEEDBACK_LIMIT="1 per minute")
    with app.app_context():
        assert app.test_cli_runner().invoke(args=["setup"]).exit_code == 0
        client = app.test_client()
        for _ in range(2):
            assert client.get("/api/faq/search?q=eh3", environ_base=ONE).status_code == 200
        refused = client.get("/api/faq/search?q=eh3", environ_base=ONE)
        vote = {"ja": "Ja"}
        first = client.post("/faq/wat-kost-eherkenning/feedback", data=vote, environ_base=ONE)
        second = client.post("/faq/wat-kost-eherkenning/feedback", data=vote, environ_base=ONE)
    assert refused.status_code == 429 and refused.get_json()["status"] == 429
    assert "te vaak" in refused.get_json()["message"]
    assert first.status_code == 303 and second.status_code == 429


def test_a_click_is_recorded_only_for_the_search_that_made_the_link(kb, client):
    first = client.get("/faq/search", query_string={"q": "wat kost eherkenning"}).get_data(as_text=True)
    client.get("/faq/search", query_string={"q": "leverancier kiezen"})
    mine, other = db.session.scalars(select(SearchLog).order_by(SearchLog.id)).all()
    # an open id, a forged token and a token with another id all do nothing
    for forged in (str(other.id), "abc.def.ghi", first.split("zoek=", 1)[1].split('"', 1)[0][:-2] + "xx"):
        response = client.get("/faq/leverancier-kiezen", query_string={"zoek": forged})
        assert response.status_code == 303
    db.session.refresh(other)
    assert other.clicked_slug is None
    link = re.search(r'href="(/faq/wat-kost-eherkenning\?zoek=[^"]+)"', first).group(1)
    assert client.get(link).status_code == 303
    db.session.refresh(mine)
    assert mine.clicked_slug == "wat-kost-eherkenning"


def test_a_public_limit_holds_across_two_workers_that_report_in_batches(make_app):
    # Two app instances on one database stand for two workers. "100 per hour": each counts up to 5 itself before
    # telling the shared store, so one address gets at least 100 and at most 100 + 2 × 4 answers, then only 429.
    workers = [make_app(API_SEARCH_LIMIT="100 per hour") for _ in range(2)]
    with workers[0].app_context():
        assert workers[0].test_cli_runner().invoke(args=["setup"]).exit_code == 0
    clients = [app.test_client() for app in workers]
    statuses = [clients[n % 2].get("/api/faq/search?q=eh3&typed=1", environ_base=ONE).status_code
                for n in range(130)]
    served = statuses.count(200)
    assert 100 <= served <= 108 and set(statuses) == {200, 429}
    assert statuses[-10:] == [429] * 10
    assert clients[1].get("/api/faq/search?q=eh3&typed=1", environ_base=OTHER).status_code == 200

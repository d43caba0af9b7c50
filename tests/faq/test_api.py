"""GET /api/faq/search: the contract's JSON shape, limit handling and robustness."""

from __future__ import annotations

import logging

from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.models import SearchLog


def test_shape_and_ranking(kb, client):
    response = client.get("/api/faq/search?q=token%20generator")
    data = response.get_json()
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert data["query"] == "token generator"
    assert data["results"][0]["slug"] == "tokengenerator-vervangen"
    for result in data["results"]:
        assert {"slug", "title", "snippet", "score"} <= set(result)
        assert isinstance(result["score"], float)
    scores = [r["score"] for r in data["results"]]
    assert scores == sorted(scores, reverse=True)


def test_limit_is_clamped(kb, client):
    assert len(client.get("/api/faq/search?q=eherkenning&limit=2").get_json()["results"]) == 2
    assert len(client.get("/api/faq/search?q=eherkenning&limit=0").get_json()["results"]) == 1
    assert len(client.get("/api/faq/search?q=eherkenning&limit=-5").get_json()["results"]) == 1
    many = client.get("/api/faq/search?q=eherkenning&limit=5000").get_json()["results"]
    assert 2 < len(many) <= 50


def test_bad_limit_is_a_clear_400(kb, client):
    for bad in ("tien", "1.5", "9" * 400):
        response = client.get("/api/faq/search", query_string={"q": "kosten", "limit": bad})
        if bad.isdigit():  # a huge number is still a number: clamped, not refused
            assert response.status_code == 200
            continue
        assert response.status_code == 400
        assert "limit" in response.get_json()["message"] and response.mimetype == "application/json"


def test_unknown_category_is_a_clear_400_and_a_known_one_filters(kb, client):
    assert client.get("/api/faq/search?q=eherkenning&category=kaas").status_code == 400
    results = client.get("/api/faq/search?q=eherkenning&category=cost&limit=50").get_json()["results"]
    assert results and all(r["slug"] for r in results)
    assert "wat-kost-eherkenning" in [r["slug"] for r in results]
    assert "leverancier-kiezen" not in [r["slug"] for r in results]


def test_junk_never_500(kb, client, caplog):
    junk = ['"', "(", "title:", "AND OR NOT", "*", "?~2", "eh3^10", "[a TO z]", "\\", "\x00", "🙂" * 50,
            "a" * 10_240, "<script>alert(1)</script>", "' OR 1=1 --", "%00%ff", " ", ""]
    with caplog.at_level(logging.ERROR):
        for q in junk:
            response = client.get("/api/faq/search", query_string={"q": q, "limit": 5})
            assert response.status_code == 200, repr(q[:20])
            assert isinstance(response.get_json()["results"], list)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_api_searches_are_logged_but_typing_previews_are_not(kb, client):
    client.get("/api/faq/search?q=kosten")
    client.get("/api/faq/search?q=kost&typed=1")
    client.get("/api/faq/search?q=")
    assert [(e.query, e.source) for e in db.session.scalars(select(SearchLog))] == [("kosten", "api")]

"""The public FAQ pages: overview, search with logging and clicks, article pages and feedback."""

from __future__ import annotations

import re

from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.kb.operations import get_article
from helpdesk.models import CATEGORY_LABELS, ArticleFeedback, SearchLog


def test_overview_lists_articles_by_category_with_contact_line(kb, client):
    page = client.get("/faq").get_data(as_text=True)
    for label in ("Kosten", "Leverancierskeuze", "Termijnen en deadline"):
        assert f">{label}</h2>" in page
    costs = page.split(">Kosten</h2>", 1)[1].split("</section>", 1)[0]
    assert "/faq/wat-kost-eherkenning" in costs
    assert "Staat uw vraag er niet bij?" in page and "mailto:ipo@duo.nl" in page
    assert 'role="search"' in page


def test_article_page_shows_metadata_related_articles_and_feedback_form(kb, client):
    response = client.get("/faq/wat-kost-eherkenning")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Laatst gecontroleerd:" in page and CATEGORY_LABELS["cost"] in page
    assert "Zie ook" in page and page.count('href="/faq/') > 3
    assert "Was dit antwoord nuttig?" in page and 'name="ja"' in page and 'name="nee"' in page


def test_unknown_article_is_404_with_a_search_box(kb, client):
    response = client.get("/faq/bestaat-niet")
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert 'role="search"' in page and 'action="/faq/search"' in page


def test_mistyped_slug_offers_did_you_mean(kb, client):
    response = client.get("/faq/wat-kost-eherkening")
    page = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "Bedoelde u?" in page
    meant = page.split("Bedoelde u?", 1)[1].split("</ul>", 1)[0]
    assert 'href="/faq/wat-kost-eherkenning"' in meant
    # A shortened address with the right words finds the article by search.
    page = client.get("/faq/tokengenerator").get_data(as_text=True)
    assert 'href="/faq/tokengenerator-vervangen"' in page.split("Bedoelde u?", 1)[1].split("</ul>", 1)[0]
    # Nothing like any article: no suggestions, still the search box.
    page = client.get("/faq/qqqq-zzzz").get_data(as_text=True)
    assert "Bedoelde u?" not in page and 'role="search"' in page


def test_search_page_highlights_and_logs_without_personal_data(kb, client):
    response = client.get("/faq/search", query_string={"q": "wat kost eherkenning, mail jan@school.nl"},
                          environ_base={"REMOTE_ADDR": "203.0.113.9"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<mark>" in page and 'role="status"' in page and "resultaten" in page
    entry = db.session.scalars(select(SearchLog)).one()
    assert entry.result_count > 0 and entry.top_score and entry.source == "faq"
    assert "jan@school.nl" not in entry.query and "[e-mail]" in entry.query
    columns = {c.name for c in SearchLog.__table__.columns}
    assert not columns & {"ip", "ip_address", "user_id", "remote_addr", "user_agent", "session"}
    assert "203.0.113.9" not in repr([getattr(entry, c) for c in columns])
    # the result links carry a signed token for this search; following one records the click and lands on
    # the clean URL
    link = re.search(r'href="(/faq/wat-kost-eherkenning\?zoek=[^"]+)"', page).group(1)
    assert f"zoek={entry.id}" not in link
    click = client.get(link)
    assert click.status_code == 303 and click.headers["Location"].endswith("/faq/wat-kost-eherkenning")
    db.session.refresh(entry)
    assert entry.clicked_slug == "wat-kost-eherkenning"


def test_zero_results_page_helps_further(kb, client):
    page = client.get("/faq/search", query_string={"q": "qwxzv bladiebla"}).get_data(as_text=True)
    assert "Geen resultaten" in page and "Wat kunt u nu doen?" in page and "ipo@duo.nl" in page
    assert db.session.scalars(select(SearchLog.result_count)).one() == 0


def test_typo_gets_a_did_you_mean_link(kb, client):
    page = client.get("/faq/search", query_string={"q": "leverancer kiezn"}).get_data(as_text=True)
    assert "Bedoelde u" in page and "/faq/search?q=" in page.split("Bedoelde u", 1)[1][:200]


def test_junk_queries_never_break_the_page(kb, client):
    for q in ['title:(eh3 OR "', "*?~^2 AND NOT", "\x00\x01<script>", "é" * 10_000, "x" * 10_240]:
        response = client.get("/faq/search", query_string={"q": q})
        assert response.status_code == 200, q[:20]
        assert "<script>" not in response.get_data(as_text=True)
    assert all(len(q) <= 500 and "\x00" not in q for q in db.session.scalars(select(SearchLog.query)))


def test_feedback_is_stored_and_thanked(kb, client):
    response = client.post("/faq/wat-kost-eherkenning/feedback",
                           data={"nee": "Nee", "reason": "Ik mis de prijs. Bel me op 0612345678."},
                           follow_redirects=True)
    assert response.status_code == 200
    # the thanks stand where the reader clicked (the redirect goes to #feedback), in place of the form
    section = response.get_data(as_text=True).split('id="feedback"')[1].split("</section>")[0]
    assert "Bedankt voor uw reactie" in section and "<form" not in section
    feedback = db.session.scalars(select(ArticleFeedback)).one()
    assert feedback.article_id == get_article("wat-kost-eherkenning").id
    assert feedback.helpful is False and "Ik mis de prijs" in feedback.reason and "0612345678" not in feedback.reason
    client.post("/faq/wat-kost-eherkenning/feedback", data={"ja": "Ja"})
    assert [f.helpful for f in db.session.scalars(select(ArticleFeedback).order_by(ArticleFeedback.id))] == [
        False, True]


def test_feedback_without_a_choice_is_not_stored(kb, client):
    response = client.post("/faq/wat-kost-eherkenning/feedback", data={"reason": "hm"}, follow_redirects=True)
    section = response.get_data(as_text=True).split('id="feedback"')[1].split("</section>")[0]
    assert "niet opgeslagen" in section and "<form" in section  # the error is at the form, to try again
    assert db.session.scalars(select(ArticleFeedback)).all() == []


def test_feedback_is_rate_limited(make_app, make_user):
    app = make_app(FAQ_FEEDBACK_LIMIT="3 per minute")
    with app.app_context():
        from helpdesk.kb.operations import load_bundled_articles

        load_bundled_articles()
        db.session.commit()
        client = app.test_client()
        codes = [client.post("/faq/wat-kost-eherkenning/feedback", data={"ja": "Ja"}).status_code
                 for _ in range(5)]
        assert codes == [303, 303, 303, 429, 429]
        assert len(db.session.scalars(select(ArticleFeedback)).all()) == 3


def test_feedback_needs_a_csrf_token(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        from helpdesk.kb.operations import load_bundled_articles

        load_bundled_articles()
        db.session.commit()
        client = app.test_client()
        assert client.post("/faq/wat-kost-eherkenning/feedback", data={"ja": "Ja"}).status_code == 400
        page = client.get("/faq/wat-kost-eherkenning").get_data(as_text=True)
        token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        response = client.post("/faq/wat-kost-eherkenning/feedback", data={"ja": "Ja", "csrf_token": token})
        assert response.status_code == 303
        assert len(db.session.scalars(select(ArticleFeedback)).all()) == 1


def test_english_article_page_is_marked_english(kb, client):
    english = client.get("/faq/english-summary").get_data(as_text=True)
    assert 'class="faq-article" aria-labelledby="artikel-titel" lang="en"' in english
    assert '<html lang="nl">' in english  # the site around it stays Dutch
    dutch = client.get("/faq/wat-kost-eherkenning").get_data(as_text=True)
    assert 'lang="en"' not in dutch


def test_english_titles_and_snippets_are_marked_english_wherever_they_are_listed(kb, client):
    found = client.get("/faq/search", query_string={"q": "summary in English"}).get_data(as_text=True)
    english = found.split('href="/faq/english-summary', 1)[0].rsplit("<li>", 1)[1]
    assert english.startswith('\n      <h2 lang="en">'), english
    assert '<p class="faq-snippet" lang="en">' in found.split('href="/faq/english-summary', 1)[1].split("</li>")[0]
    dutch = client.get("/faq/search", query_string={"q": "kosten"}).get_data(as_text=True)
    items = dutch.split('<ol class="faq-results">')[1].split("</ol>")[0].split("<li>")[1:]
    marked = ['lang="en"' in item for item in items]
    assert marked == sorted(marked) and not marked[0]  # Dutch articles first, none of them marked English
    assert all("english-summary" in item for item, english in zip(items, marked, strict=True) if english)
    overview = client.get("/faq").get_data(as_text=True)
    assert 'href="/faq/english-summary" lang="en">' in overview
    assert overview.count('lang="en"') == 1
    api = client.get("/api/faq/search", query_string={"q": "summary in English"}).get_json()
    assert {r["slug"]: r["lang"] for r in api["results"]}["english-summary"] == "en"
    assert {r["lang"] for r in api["results"] if r["slug"] != "english-summary"} <= {"nl"}

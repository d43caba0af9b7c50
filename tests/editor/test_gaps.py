"""The editors' content-gaps page."""

from __future__ import annotations

from datetime import timedelta

from helpdesk.extensions import db
from helpdesk.kb.operations import article_feedback, get_article
from helpdesk.models import SearchLog, utcnow


def test_zero_result_query_and_unhelpful_article_show_up(editor, client):
    for _ in range(3):
        client.get("/faq/search", query_string={"q": "subsidie voor zonnepanelen"})
    client.get("/faq/search", query_string={"q": "kosten"})
    article_feedback(get_article("upgrade-naar-niveau-3"), False, "Te vaag over de termijn")
    article_feedback(get_article("upgrade-naar-niveau-3"), True)
    db.session.commit()
    page = client.get("/kb/hiaten").get_data(as_text=True)
    zero = page.split("Zoekopdrachten zonder resultaat", 1)[1].split("<h2", 1)[0]
    assert "subsidie voor zonnepanelen" in zero and "<td>3</td>" in zero
    assert "kosten" not in zero
    no_click = page.split("niemand doorklikte", 1)[1].split("<h2", 1)[0]
    assert "kosten" in no_click
    unhelpful = page.split("Minst nuttige artikelen", 1)[1]
    assert get_article("upgrade-naar-niveau-3").title in unhelpful and "Te vaag over de termijn" in unhelpful
    assert "50%" in unhelpful


def test_period_filter(editor, client):
    old = SearchLog(query="oude vraag", normalized="oude vraag", result_count=0,
                    created_at=utcnow() - timedelta(days=60))
    db.session.add(old)
    db.session.commit()
    assert "oude vraag" not in client.get("/kb/hiaten?periode=30").get_data(as_text=True)
    assert "oude vraag" in client.get("/kb/hiaten?periode=90").get_data(as_text=True)
    day = old.created_at.date().isoformat()
    assert "oude vraag" in client.get(f"/kb/hiaten?periode=eigen&van={day}&tot={day}").get_data(as_text=True)


def test_bad_dates_give_a_clear_message(editor, client):
    response = client.get("/kb/hiaten?periode=eigen&van=gisteren&tot=2026-13-40")
    assert response.status_code == 200 and "geldige datum" in response.get_data(as_text=True)
    backwards = client.get("/kb/hiaten?van=2026-05-01&tot=2026-04-01").get_data(as_text=True)
    assert "ligt vóór" in backwards


def test_personal_data_is_masked_up_to_the_kept_length_even_across_the_cut():
    from helpdesk.kb.operations import scrub_personal_data

    text = "x" * 490 + " mail j.de.vries@school.example of bel 06-12345678"
    kept = scrub_personal_data(text, 500)
    assert len(kept) <= 500 and "j.de.vries" not in kept and "school" not in kept
    assert scrub_personal_data("Bel 06-12345678 of mail a@b.nl", 100) == "Bel [nummer] of mail [e-mail]"
    # a run without spaces made the masks take minutes; now only the kept part (plus a margin) is scanned
    assert scrub_personal_data("a" * 300_000, 2000) == "a" * 2000

"""The editor's cycle in the browser: draft, publish, history, diff, restore, archive."""

from __future__ import annotations

from sqlalchemy import select

from helpdesk.extensions import db
from helpdesk.kb.operations import get_article
from helpdesk.models import AuditEvent

from .conftest import hits


def _edit_url(slug: str) -> str:
    return f"/kb/{get_article(slug).id}/bewerken"


def test_new_article_is_a_draft_until_published(editor, client, article_form):
    response = client.post("/kb/nieuw", data=article_form(slug="betalen-met-creditcard"))
    assert response.status_code == 302
    assert client.get("/faq/betalen-met-creditcard").status_code == 404
    assert "betalen-met-creditcard" not in hits(client, "creditcard")
    response = client.post(_edit_url("betalen-met-creditcard"), data=article_form(publish="Publiceren", save=""))
    assert response.status_code == 302
    page = client.get("/faq/betalen-met-creditcard")
    assert page.status_code == 200 and "creditcard" in page.get_data(as_text=True)
    assert hits(client, "creditcard")[0] == "betalen-met-creditcard"


def _article_html(client, slug: str) -> str:
    page = client.get(f"/faq/{slug}").get_data(as_text=True)
    return page.split("<article", 1)[1].split("</article>", 1)[0]


def test_a_draft_does_not_change_the_live_page(editor, client, article_form):
    live = _article_html(client, "wat-kost-eherkenning")
    response = client.post(_edit_url("wat-kost-eherkenning"), data=article_form(
        title="Wat kost eHerkenning niveau 3?", body="Conceptzin over zeepbellen.\n"))
    assert response.status_code == 302
    after = _article_html(client, "wat-kost-eherkenning")
    assert "zeepbellen" not in after and after == live
    assert "wat-kost-eherkenning" not in hits(client, "zeepbellen")
    form = client.get(_edit_url("wat-kost-eherkenning")).get_data(as_text=True)
    assert "zeepbellen" in form and "wacht op publicatie" in form


def test_publish_updates_page_and_search_in_the_same_request(editor, client, article_form):
    response = client.post(_edit_url("leverancier-kiezen"), data=article_form(
        title="Een leverancier kiezen", category="supplier", publish="Publiceren", save="",
        body="Vergelijk de leveranciers op de lijst. Let op de klantenservice van de kwartiermaker.\n"))
    assert response.status_code == 302
    assert "kwartiermaker" in client.get("/faq/leverancier-kiezen").get_data(as_text=True)
    assert hits(client, "kwartiermaker") == ["leverancier-kiezen"]
    events = db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.article_id == get_article("leverancier-kiezen").id)).all()
    assert {"article_draft_saved", "article_published"} <= set(events)


def test_history_diff_and_restore(editor, client, article_form):
    url = _edit_url("wanneer-verplicht")
    article_id = get_article("wanneer-verplicht").id
    client.post(url, data=article_form(title="Wanneer is het verplicht?", category="deadline",
                                       body="De oude regel blijft.\nDe termijn is kort.\n", publish="Publiceren"))
    client.post(url, data=article_form(title="Wanneer is het verplicht?", category="deadline",
                                       body="De oude regel blijft.\nDe termijn is lang.\n", publish="Publiceren"))
    history = client.get(f"/kb/{article_id}/versies").get_data(as_text=True)
    assert "Deze versie terugzetten" in history and "Verschil met versie 2" in history
    diff = client.get(f"/kb/{article_id}/versies/3/verschil").get_data(as_text=True)
    assert "<del><span class=\"visually-hidden\">[verwijderd: </span>kort" in diff
    assert "<ins><span class=\"visually-hidden\">[toegevoegd: </span>lang" in diff
    assert "De oude regel blijft." in diff  # unchanged context is shown as such

    response = client.post(f"/kb/{article_id}/versies/2/terugzetten")
    assert response.status_code == 302
    db.session.expire_all()
    article = get_article("wanneer-verplicht")
    assert article.published_revision.number == 4 and "hersteld uit versie 2" in article.published_revision.note.lower()
    assert "De termijn is kort." in client.get("/faq/wanneer-verplicht").get_data(as_text=True)
    assert hits(client, "termijn kort")[0] == "wanneer-verplicht"
    against_live = client.get(f"/kb/{article_id}/versies/3/verschil?met=live").get_data(as_text=True)
    assert "Vergeleken met de live versie (versie 4)" in against_live


def test_archive_answers_410_and_leaves_search(editor, client):
    article_id = get_article("tokengenerator-vervangen").id
    confirm = client.get(f"/kb/{article_id}/archiveren")
    assert confirm.status_code == 200 and "Ja, archiveren" in confirm.get_data(as_text=True)
    assert client.post(f"/kb/{article_id}/archiveren").status_code == 302
    gone = client.get("/faq/tokengenerator-vervangen")
    assert gone.status_code == 410
    assert 'href="/faq"' in gone.get_data(as_text=True)
    assert "tokengenerator-vervangen" not in hits(client, "tokengenerator vervangen")
    assert "tokengenerator-vervangen" not in client.get("/faq").get_data(as_text=True)
    # and back again
    assert client.post(f"/kb/{article_id}/publiceren").status_code == 302
    assert client.get("/faq/tokengenerator-vervangen").status_code == 200
    assert hits(client, "tokengenerator vervangen")[0] == "tokengenerator-vervangen"


def test_bad_values_give_a_dutch_summary_and_keep_the_text(editor, client, article_form):
    data = article_form(slug="Fout Adres!", title="", review_date="31-31-2026", synonyms="alleen een woord",
                        body="Mijn lange tekst die niet verloren mag gaan.")
    response = client.post("/kb/nieuw", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Er is iets niet goed ingevuld" in page
    assert "Vul een titel in." in page and "geldige datum" in page and "woord = ander woord" in page
    assert "Mijn lange tekst die niet verloren mag gaan." in page and "31-31-2026" in page
    assert get_article("fout-adres") is None


def test_slug_rules(editor, client, article_form):
    taken = client.post("/kb/nieuw", data=article_form(slug="wat-kost-eherkenning"))
    assert taken.status_code == 400 and "al in gebruik" in taken.get_data(as_text=True)
    wrong = client.post("/kb/nieuw", data=article_form(slug="Hoofd_Letters"))
    assert wrong.status_code == 400 and "kleine letters" in wrong.get_data(as_text=True)
    derived = client.post("/kb/nieuw", data=article_form(slug="", title="Wat kost EH3 in 2026?"))
    assert derived.status_code == 302 and get_article("wat-kost-eh3-in-2026") is not None
    # a published slug is permanent: the field is not offered and a forged value is refused
    page = client.get(_edit_url("wat-kost-eherkenning")).get_data(as_text=True)
    assert "ligt vast" in page
    forged = client.post(_edit_url("wat-kost-eherkenning"), data=article_form(slug="nieuw-adres"))
    assert forged.status_code == 400 and get_article("nieuw-adres") is None


def test_preview_renders_without_saving(editor, client, article_form):
    response = client.post(_edit_url("wat-kost-eherkenning"), data=article_form(
        body="## Voorbeeldkop\n\nTekst **vet**.", preview="Voorbeeld", save=""))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Voorbeeld (nog niet opgeslagen)" in page and "<strong>vet</strong>" in page
    db.session.expire_all()
    assert get_article("wat-kost-eherkenning").draft_revision_id is None


def test_markdown_cannot_smuggle_scripts(editor, client, article_form):
    evil = ("Tekst <script>alert('x')</script>\n\n<img src=x onerror=\"alert(1)\">\n\n"
            "[klik hier](javascript:alert(1)) en <a href=\"javascript:alert(2)\" onclick=\"alert(3)\">b</a>\n")
    client.post("/kb/nieuw", data=article_form(slug="gevaarlijk", body=evil, publish="Publiceren", save=""))
    preview = client.post("/kb/nieuw", data=article_form(slug="gevaarlijk-2", body=evil, preview="Voorbeeld",
                                                         save="")).get_data(as_text=True)
    page = client.get("/faq/gevaarlijk").get_data(as_text=True)
    assert "klik hier" in page
    for html in (page, preview):
        body = html.split('<div class="faq-body">', 1)[1].split("</div>", 1)[0]
        assert "<script>alert" not in body and "onerror" not in body and "onclick" not in body
        assert "javascript:" not in body


def test_agents_and_anonymous_users_stay_out(kb, client, login):
    assert client.get("/kb/").status_code == 302  # anonymous: to the login page
    login("agent")
    assert client.get("/kb/").status_code == 403
    assert client.get("/kb/hiaten").status_code == 403
    assert client.post("/kb/nieuw", data={"title": "x", "body": "y", "category": "other"}).status_code == 403


def test_editor_list_marks_overdue_reviews_and_pending_drafts(editor, client, article_form):
    client.post(_edit_url("nog-geen-eherkenning"), data=article_form(review_date="2020-01-01"))
    page = client.get("/kb/").get_data(as_text=True)
    assert "Concept wacht op publicatie" in page
    client.post(_edit_url("nog-geen-eherkenning"), data=article_form(review_date="2020-01-01",
                                                                      publish="Publiceren", save=""))
    page = client.get("/kb/").get_data(as_text=True)
    row = page.split("/faq/nog-geen-eherkenning", 1)[1].split("</tr>", 1)[0]
    assert "2020-01-01" in row and "verlopen" in row


def test_restore_on_an_archived_article_becomes_a_draft(editor, client):
    article = get_article("contact-en-meer-informatie")
    client.post(f"/kb/{article.id}/archiveren")
    assert client.post(f"/kb/{article.id}/versies/1/terugzetten").status_code == 302
    db.session.expire_all()
    article = get_article("contact-en-meer-informatie")
    assert article.status == "archived" and article.draft_revision.number == 2
    assert client.get("/faq/contact-en-meer-informatie").status_code == 410


def test_a_stale_index_never_shows_an_archived_article(kb, client):
    from helpdesk.kb.operations import archive_article

    archive_article(get_article("leverancier-kiezen"), None)  # e.g. archived by another process
    db.session.commit()
    assert "leverancier-kiezen" not in hits(client, "leverancier kiezen")


def test_publish_stands_when_the_index_cannot_be_written(editor, client, app, tmp_path, article_form):
    from helpdesk.kb.search_service import get_index
    from knowledge.search import SearchIndex

    get_index().close()
    blocked = tmp_path / "geen-map"
    blocked.write_text("een bestand waar een map hoort")
    app.extensions["kb_search_index"] = SearchIndex(blocked)
    response = client.post(_edit_url("wanneer-verplicht"), follow_redirects=True, data=article_form(
        title="Wanneer is het verplicht?", body="Nieuwe termijnzin.\n", publish="Publiceren", save=""))
    assert response.status_code == 200
    assert "zoekresultaten konden niet worden bijgewerkt" in response.get_data(as_text=True)
    assert "Nieuwe termijnzin." in client.get("/faq/wanneer-verplicht").get_data(as_text=True)
    assert client.get("/api/faq/search?q=wanneer").status_code == 200

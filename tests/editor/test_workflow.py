"""The editor's cycle in the browser: draft, publish, history, diff, restore, archive."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.test import TestResponse

from helpdesk.extensions import db
from helpdesk.kb.operations import check_base, get_article, head_revision, save_draft
from helpdesk.kb.search_service import get_index
from helpdesk.models import Article, ArticleRevision, AuditEvent
from tests.conftest import PASSWORD
from tests.support.kb import hits


def _edit_url(slug: str) -> str:
    return f"/kb/{get_article(slug).id}/bewerken"


def _base(page: TestResponse) -> str:
    """The version an edit page's form was filled from (its hidden field)."""
    return re.search(r'name="base_version" type="hidden" value="(\d*)"', page.get_data(as_text=True)).group(1)


def _edit(client: FlaskClient, slug: str, data: dict[str, Any], **options: Any) -> TestResponse:
    """Open an article's edit page and submit `data` from it, as an editor does."""
    url = _edit_url(slug)
    return client.post(url, data={**data, "base_version": _base(client.get(url))}, **options)


def test_new_article_is_a_draft_until_published(editor, client, article_form):
    response = client.post("/kb/nieuw", data=article_form(slug="betalen-met-creditcard"))
    assert response.status_code == 302
    assert client.get("/faq/betalen-met-creditcard").status_code == 404
    assert "betalen-met-creditcard" not in hits(client, "creditcard")
    response = _edit(client, "betalen-met-creditcard", article_form(publish="Publiceren", save=""))
    assert response.status_code == 302
    page = client.get("/faq/betalen-met-creditcard")
    assert page.status_code == 200 and "creditcard" in page.get_data(as_text=True)
    assert hits(client, "creditcard")[0] == "betalen-met-creditcard"


def _article_html(client, slug: str) -> str:
    page = client.get(f"/faq/{slug}").get_data(as_text=True)
    return page.split("<article", 1)[1].split("</article>", 1)[0]


def test_a_draft_does_not_change_the_live_page(editor, client, article_form):
    live = _article_html(client, "wat-kost-eherkenning")
    response = _edit(client, "wat-kost-eherkenning", article_form(
        title="Wat kost eHerkenning niveau 3?", body="Conceptzin over zeepbellen.\n"))
    assert response.status_code == 302
    after = _article_html(client, "wat-kost-eherkenning")
    assert "zeepbellen" not in after and after == live
    assert "wat-kost-eherkenning" not in hits(client, "zeepbellen")
    form = client.get(_edit_url("wat-kost-eherkenning")).get_data(as_text=True)
    assert "zeepbellen" in form and "wacht op publicatie" in form


def test_publish_updates_page_and_search_in_the_same_request(editor, client, article_form):
    response = _edit(client, "leverancier-kiezen", article_form(
        title="Een leverancier kiezen", category="supplier", publish="Publiceren", save="",
        body="Vergelijk de leveranciers op de lijst. Let op de klantenservice van de kwartiermaker.\n"))
    assert response.status_code == 302
    assert "kwartiermaker" in client.get("/faq/leverancier-kiezen").get_data(as_text=True)
    assert hits(client, "kwartiermaker") == ["leverancier-kiezen"]
    events = db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.article_id == get_article("leverancier-kiezen").id)).all()
    assert {"article_draft_saved", "article_published"} <= set(events)


def test_history_diff_and_restore(editor, client, article_form):
    article_id = get_article("wanneer-verplicht").id
    _edit(client, "wanneer-verplicht", article_form(title="Wanneer is het verplicht?", category="deadline",
                                                    body="De oude regel blijft.\nDe termijn is kort.\n",
                                                    publish="Publiceren"))
    _edit(client, "wanneer-verplicht", article_form(title="Wanneer is het verplicht?", category="deadline",
                                                    body="De oude regel blijft.\nDe termijn is lang.\n",
                                                    publish="Publiceren"))
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
    # the live version itself offers no restore: that would only copy what is already live
    assert "Deze versie terugzetten" not in client.get(f"/kb/{article_id}/versies/4/verschil").get_data(as_text=True)
    assert "Deze versie terugzetten" in client.get(f"/kb/{article_id}/versies/3/verschil").get_data(as_text=True)


def test_restore_asks_before_it_publishes(editor, client, article_form):
    article = get_article("wanneer-verplicht")
    _edit(client, "wanneer-verplicht", article_form(title="Wanneer is het verplicht?", category="deadline",
                                                    body="Een nieuwe regel.\n", publish="Publiceren"))
    db.session.expire_all()
    live = get_article("wanneer-verplicht").published_revision.number
    history = client.get(f"/kb/{article.id}/versies").get_data(as_text=True)
    assert f'href="/kb/{article.id}/versies/1/terugzetten"' in history  # a link to the question, not a POST
    page = client.get(f"/kb/{article.id}/versies/1/terugzetten")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Versie 1 terugzetten?" in text
    assert "wordt meteen gepubliceerd" in text and "Ja, versie 1 terugzetten en publiceren" in text
    db.session.expire_all()
    assert get_article("wanneer-verplicht").published_revision.number == live  # asking changed nothing
    assert client.get(f"/kb/{article.id}/versies/99/terugzetten").status_code == 404


def test_discarding_a_draft_asks_first_and_keeps_the_live_version(editor, client, article_form):
    live_html = _article_html(client, "leverancier-kiezen")
    _edit(client, "leverancier-kiezen", article_form(title="Leverancier kiezen", category="supplier",
                                                     body="Een concept over wolkenkrabbers.\n"))
    article = get_article("leverancier-kiezen")
    draft = article.draft_revision.number
    edit_page = client.get(_edit_url("leverancier-kiezen")).get_data(as_text=True)
    assert f'href="/kb/{article.id}/concept-weggooien"' in edit_page
    question = client.get(f"/kb/{article.id}/concept-weggooien").get_data(as_text=True)
    assert "Concept weggooien?" in question and "Ja, concept weggooien" in question
    db.session.expire_all()
    assert get_article("leverancier-kiezen").draft_revision_id is not None  # asking changed nothing

    assert client.post(f"/kb/{article.id}/concept-weggooien").status_code == 302
    db.session.expire_all()
    article = get_article("leverancier-kiezen")
    assert article.draft_revision_id is None and article.status == "published"
    assert _article_html(client, "leverancier-kiezen") == live_html
    assert "wolkenkrabbers" not in client.get(_edit_url("leverancier-kiezen")).get_data(as_text=True)
    assert draft in [r.number for r in article.revisions]  # still in the history
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "article_draft_discarded",
                                                      AuditEvent.article_id == article.id)) is not None


def test_a_never_published_draft_cannot_be_discarded(editor, client, article_form):
    client.post("/kb/nieuw", data=article_form(slug="alleen-concept"))
    article = get_article("alleen-concept")
    assert "nog nooit gepubliceerd" in client.get(f"/kb/{article.id}/concept-weggooien").get_data(as_text=True)
    response = client.post(f"/kb/{article.id}/concept-weggooien", follow_redirects=True)
    assert "nog nooit gepubliceerd" in response.get_data(as_text=True)
    db.session.expire_all()
    assert get_article("alleen-concept").draft_revision_id is not None


def test_article_list_shows_review_dates_in_dutch(editor, client, article_form):
    _edit(client, "wanneer-verplicht", article_form(title="Wanneer is het verplicht?", category="deadline",
                                                    body="Tekst.\n", review_date="2027-06-01", publish="Publiceren"))
    page = client.get("/kb/").get_data(as_text=True)
    assert '<time datetime="2027-06-01">1 juni 2027</time>' in page


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
    assert client.post(f"/kb/{article_id}/publiceren", data={"versie": 1}).status_code == 302
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
    forged = _edit(client, "wat-kost-eherkenning", article_form(slug="nieuw-adres"))
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
    _edit(client, "nog-geen-eherkenning", article_form(review_date="2020-01-01"))
    page = client.get("/kb/").get_data(as_text=True)
    assert "Concept wacht op publicatie" in page
    _edit(client, "nog-geen-eherkenning", article_form(review_date="2020-01-01", publish="Publiceren", save=""))
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
    response = _edit(client, "wanneer-verplicht", article_form(
        title="Wanneer is het verplicht?", body="Nieuwe termijnzin.\n", publish="Publiceren", save=""),
        follow_redirects=True)
    assert response.status_code == 200
    assert "zoekresultaten konden niet worden bijgewerkt" in response.get_data(as_text=True)
    assert "Nieuwe termijnzin." in client.get("/faq/wanneer-verplicht").get_data(as_text=True)
    assert client.get("/api/faq/search?q=wanneer").status_code == 200


# Two editors on one article: a save from a form filled from an older version never replaces the newer one.


@pytest.fixture
def bob(kb, make_app, make_user) -> Iterator[FlaskClient]:
    """A second editor, Bob Bakker, on a second app over the same database, as on another server process:
    his requests share nothing with the first editor's (session, `g`, signed-in user) but the database."""
    user = make_user("editor", name="Bob Bakker")
    other = make_app()
    browser = other.test_client()
    assert browser.post("/login", data={"email": user.email, "password": PASSWORD}).status_code == 302
    yield browser
    with other.app_context():
        get_index().close()


def _head(slug: str) -> ArticleRevision:
    """The article's newest revision as the database has it now."""
    db.session.expire_all()
    return head_revision(get_article(slug))


def _authors(slug: str) -> list[tuple[int, str | None]]:
    db.session.expire_all()
    return [(r.number, r.author.name if r.author else None) for r in get_article(slug).revisions]


def _conflict_form(page: TestResponse, data: dict[str, Any]) -> dict[str, Any]:
    """What the editor submits again from a conflict page: the same text, with the form's new base."""
    return {**data, "base_version": _base(page)}


def test_second_save_of_an_old_version_is_refused_and_keeps_the_text(editor, bob, client, article_form):
    slug, url = "wanneer-verplicht", _edit_url("wanneer-verplicht")
    alice_base, bob_base = _base(client.get(url)), _base(bob.get(url))
    assert alice_base == bob_base == "1"
    bobs = article_form(title="Wanneer is het verplicht?", body="Bobs zin over de termijn.\n", note="Bobs versie")
    assert bob.post(url, data={**bobs, "base_version": bob_base}).status_code == 302

    alices = article_form(title="Wanneer is niveau 3 verplicht?", body="Alices eigen zin die niet verloren mag gaan.\n",
                          note="mijn versie", base_version=alice_base)
    response = client.post(url, data=alices)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "iemand anders heeft dit artikel intussen gewijzigd" in page
    assert "Bob Bakker" in page and "versie 2" in page and "Bobs versie" in page
    # everything Alice typed is still in the form
    assert "Alices eigen zin die niet verloren mag gaan." in page and 'value="Wanneer is niveau 3 verplicht?"' in page
    assert 'value="mijn versie"' in page
    # the difference between Bob's version and her text, in the style of the diff page
    assert '<del><span class="visually-hidden">[verwijderd: </span>Bobs' in page
    assert '<ins><span class="visually-hidden">[toegevoegd: </span>Alices' in page
    assert "Toch opslaan als concept" in page and _base(response) == "2"
    head = _head(slug)
    assert head.number == 2 and head.body == "Bobs zin over de termijn.\n"

    again = client.post(url, data=_conflict_form(response, alices))
    assert again.status_code == 302
    head = _head(slug)
    assert head.number == 3 and head.body.startswith("Alices eigen zin")
    assert _authors(slug) == [(1, None), (2, "Bob Bakker"), (3, "Test editor")]
    history = client.get(f"/kb/{get_article(slug).id}/versies").get_data(as_text=True)
    assert "Bob Bakker" in history and "Bobs versie" in history and "mijn versie" in history


def test_publishing_an_old_version_is_refused_until_confirmed(editor, bob, client, article_form):
    slug, url = "leverancier-kiezen", _edit_url("leverancier-kiezen")
    alice_base = _base(client.get(url))
    bobs = article_form(title="Een leverancier kiezen", category="supplier", body="Bob publiceert de lijst.\n",
                        publish="Publiceren", save="")
    assert bob.post(url, data={**bobs, "base_version": _base(bob.get(url))}).status_code == 302

    alices = article_form(title="Een leverancier kiezen", category="supplier", body="Alice vergelijkt prijzen.\n",
                          publish="Publiceren", save="", base_version=alice_base)
    response = client.post(url, data=alices)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Bob Bakker" in page and "versie 2" in page and "staat nu live" in page
    assert "Alice vergelijkt prijzen." in page and "Toch publiceren" in page
    live = client.get(f"/faq/{slug}").get_data(as_text=True)
    assert "Bob publiceert de lijst." in live and "Alice vergelijkt" not in live

    assert client.post(url, data=_conflict_form(response, alices)).status_code == 302
    live = client.get(f"/faq/{slug}").get_data(as_text=True)
    assert "Alice vergelijkt prijzen." in live and "Bob publiceert" not in live
    assert hits(client, "vergelijkt prijzen")[0] == slug
    db.session.expire_all()
    assert get_article(slug).published_revision.number == 3
    assert [n for n, _ in _authors(slug)] == [1, 2, 3]


def test_a_restore_meanwhile_is_a_conflict_too(editor, bob, client, article_form):
    slug, url = "wanneer-verplicht", _edit_url("wanneer-verplicht")
    _edit(client, slug, article_form(body="Tussenversie.\n", publish="Publiceren", save=""))
    alice_base = _base(client.get(url))
    assert bob.post(f"/kb/{get_article(slug).id}/versies/1/terugzetten").status_code == 302
    response = client.post(url, data=article_form(body="Alices wijziging.\n", base_version=alice_base))
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Bob Bakker" in page and "versie 3" in page and "Hersteld uit versie 1" in page
    # what happened between her version and the head is there too, folded away
    assert "Wat er veranderde van versie 2 (waarmee u begon) tot versie 3" in page
    assert _head(slug).number == 3


def test_same_editor_in_two_tabs_is_told_it_was_herself(editor, client, article_form):
    url = _edit_url("wat-kost-eherkenning")
    first, second = _base(client.get(url)), _base(client.get(url))
    assert client.post(url, data=article_form(body="Eerste tabblad.\n", base_version=first)).status_code == 302
    response = client.post(url, data=article_form(body="Tweede tabblad.\n", base_version=second))
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "u hebt dit artikel intussen zelf gewijzigd" in page and "U hebt zelf (in een ander venster" in page


def test_no_conflict_when_nobody_else_saved(editor, client, article_form):
    slug = "wat-kost-eherkenning"
    for n, text in enumerate(("Eerste zin.\n", "Tweede zin.\n", "Derde zin.\n"), start=2):
        response = _edit(client, slug, article_form(body=text), follow_redirects=True)
        assert response.status_code == 200 and f"versie {n}" in response.get_data(as_text=True)
        assert _base(response) == str(n)  # the page after saving starts from the new version
    assert _head(slug).number == 4


def test_preview_is_not_blocked_by_a_conflict(editor, bob, client, article_form):
    url = _edit_url("wat-kost-eherkenning")
    alice_base = _base(client.get(url))
    assert _edit(bob, "wat-kost-eherkenning", article_form(body="Bob was eerst.\n")).status_code == 302
    preview = client.post(url, data=article_form(body="Mijn **voorbeeld**.\n", preview="Voorbeeld", save="",
                                                 base_version=alice_base))
    assert preview.status_code == 200 and "<strong>voorbeeld</strong>" in preview.get_data(as_text=True)
    assert _base(preview) == alice_base  # still her starting point: saving after the preview is checked
    assert client.post(url, data=article_form(body="Mijn voorbeeld.\n", base_version=alice_base)).status_code == 409


@pytest.mark.parametrize("base", [None, "", "oud", "²", "9" * 30])
def test_a_form_without_a_valid_version_is_treated_as_old(editor, client, article_form, base):
    """A form opened before this check existed (or sent by hand) cannot silently replace the head."""
    data = article_form(body="Zonder versie.\n", **({} if base is None else {"base_version": base}))
    response = client.post(_edit_url("wat-kost-eherkenning"), data=data)
    assert response.status_code == 409 and "Zonder versie." in response.get_data(as_text=True)
    assert _head("wat-kost-eherkenning").number == 1


def test_a_new_article_whose_slug_was_taken_meanwhile(editor, bob, client, article_form):
    alice_form = client.get("/kb/nieuw")
    assert _base(alice_form) == ""
    assert bob.post("/kb/nieuw", data=article_form(slug="betalen-met-creditcard")).status_code == 302
    mine = article_form(slug="betalen-met-creditcard", body="Alices artikel over creditcards.\n")
    response = client.post("/kb/nieuw", data=mine)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "al in gebruik door het artikel ‘Betalen met een creditcard’" in page
    assert "Alices artikel over creditcards." in page
    # a slug made from the title is shown in the form when it turns out to be taken
    derived = client.post("/kb/nieuw", data=article_form(slug="", title="Betalen met creditcard",
                                                         body="Alices artikel over creditcards.\n"))
    assert derived.status_code == 400 and 'value="betalen-met-creditcard"' in derived.get_data(as_text=True)
    assert len(db.session.scalars(select(Article).where(Article.title == "Betalen met een creditcard")).all()) == 1


def test_publishing_from_the_history_checks_the_version_shown(editor, bob, client, article_form):
    slug = "nog-geen-eherkenning"
    article_id = get_article(slug).id
    _edit(bob, slug, article_form(body="Bobs eerste concept.\n"))
    history = client.get(f"/kb/{article_id}/versies").get_data(as_text=True)
    shown = re.search(r'name="versie" value="(\d+)"', history).group(1)
    assert shown == "2"
    _edit(bob, slug, article_form(body="Bobs tweede concept, nog niet af.\n"))
    refused = client.post(f"/kb/{article_id}/publiceren", data={"versie": shown}, follow_redirects=True)
    page = refused.get_data(as_text=True)
    assert "Niet gepubliceerd" in page and "versie 3, door Bob Bakker" in page
    assert "nog niet af" not in client.get(f"/faq/{slug}").get_data(as_text=True)
    assert client.post(f"/kb/{article_id}/publiceren", data={"versie": 3}).status_code == 302
    assert "nog niet af" in client.get(f"/faq/{slug}").get_data(as_text=True)


def test_a_save_racing_another_waits_and_then_sees_the_conflict(editor, bob, client, article_form):
    """Two saves at the same moment: the second waits for the first, then gets the conflict page (no error).
    PostgreSQL: Alice waits on the article's row lock. SQLite: she passes the check, waits for the database's
    write lock, and her version number is then taken: that is the same conflict."""
    slug, url = "wanneer-verplicht", _edit_url("wanneer-verplicht")
    alice_base = _base(client.get(url))
    responses: list[TestResponse] = []
    with bob.application.app_context():  # Bob's save, stopped just before its commit
        article = get_article(slug)
        check_base(article, int(alice_base))
        save_draft(article, {"title": article.title, "body": "Bob was net eerder.\n"}, None)
        alice = threading.Thread(target=lambda: responses.append(client.post(
            url, data=article_form(body="Alice tegelijk.\n", base_version=alice_base))))
        alice.start()
        alice.join(1)
        assert alice.is_alive()  # waiting for Bob's row lock
        db.session.commit()
    alice.join(10)
    assert responses[0].status_code == 409 and "Alice tegelijk." in responses[0].get_data(as_text=True)
    assert _head(slug).body == "Bob was net eerder.\n"

"""The search index follows the database by itself: every commit that publishes, edits or archives an article
updates it in the same process, whether the commit came from the editor's pages or from plain ORM code."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from helpdesk.extensions import db
from helpdesk.kb.operations import archive_article, get_article, publish_article, save_draft
from helpdesk.kb.search_service import REBUILD_OVER, db_fingerprint, get_index
from tests.support.kb import hits


def indexed(query: str) -> list[str]:
    """Slugs the index itself returns, without the database filter that hides archived pages from visitors."""
    return [hit.slug for hit in get_index().search(query, limit=20).hits]


def _submit(client: FlaskClient, url: str, data: dict) -> None:
    """Open an editor form page and submit `data` from it (with the version the page was filled from)."""
    page = client.get(url).get_data(as_text=True)
    base = re.search(r'name="base_version" type="hidden" value="(\d*)"', page).group(1)
    assert client.post(url, data={**data, "base_version": base}).status_code == 302


def test_editor_pages_publish_edit_and_archive_reach_the_search(editor, client, article_form):
    publish = {"publish": "Publiceren", "save": ""}
    _submit(client, "/kb/nieuw", article_form(slug="kwartel-vraag", title="De kwartelvraag",
                                              body="Over de kwartelkoning in het weiland.\n", **publish))
    assert hits(client, "kwartelkoning") == ["kwartel-vraag"]
    article_id = get_article("kwartel-vraag").id
    _submit(client, f"/kb/{article_id}/bewerken", article_form(
        title="De kwartelvraag", body="Over de grutto in het weiland.\n", **publish))
    assert hits(client, "grutto") == ["kwartel-vraag"]
    assert indexed("kwartelkoning") == []  # the old text left the index, not only the page
    assert client.post(f"/kb/{article_id}/archiveren").status_code == 302
    assert "kwartel-vraag" not in indexed("grutto")
    assert client.post(f"/kb/{article_id}/publiceren", data={"versie": 2}).status_code == 302
    assert hits(client, "grutto") == ["kwartel-vraag"]
    assert get_index().fingerprint() == db_fingerprint()


def test_a_plain_orm_commit_updates_the_index(kb, client):
    article = get_article("tokengenerator-vervangen")
    assert "tokengenerator-vervangen" in indexed("tokengenerator")
    article.status = "archived"
    db.session.commit()
    assert "tokengenerator-vervangen" not in indexed("tokengenerator")
    save_draft(article, {"title": "Tokengenerator vervangen", "category": "other",
                         "body": "De tokengenerator wordt een smartphone-app met een pincode.\n"}, None)
    publish_article(article, None)
    db.session.commit()
    assert hits(client, "smartphone-app")[0] == "tokengenerator-vervangen"


def test_a_rolled_back_change_never_reaches_the_index(kb, client):
    article = get_article("wanneer-verplicht")
    save_draft(article, {"title": "Wanneer verplicht", "category": "deadline",
                         "body": "Een zin over de ijsvogel.\n"}, None)
    publish_article(article, None)
    db.session.flush()
    db.session.rollback()
    db.session.commit()  # a later, empty commit does not bring the rolled-back text in either
    assert indexed("ijsvogel") == []
    assert "wanneer-verplicht" in indexed("verplicht")


def test_many_changes_in_one_commit_rebuild_the_index_once(kb, client):
    before = get_index().doc_count()
    slugs = ["leverancier-kiezen", "wat-kost-eherkenning", "wanneer-verplicht", "nog-geen-eherkenning",
             "upgrade-naar-niveau-3", "wie-heeft-toegang-nodig", "tokengenerator-vervangen"][:REBUILD_OVER + 1]
    for slug in slugs:
        archive_article(get_article(slug), None)
    db.session.commit()
    assert get_index().doc_count() == before - len(slugs)
    assert not set(slugs) & set(indexed("eherkenning leverancier kosten verplicht niveau toegang"))
    assert get_index().fingerprint() == db_fingerprint()

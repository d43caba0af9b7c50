"""`flask setup` publishes the bundled articles once, never overwrites edits, and builds the index."""

from __future__ import annotations

from sqlalchemy import func, select

from helpdesk.extensions import db
from helpdesk.kb.operations import get_article, save_draft
from helpdesk.kb.search_service import db_fingerprint, get_index
from helpdesk.models import Article, ArticleRevision
from tests.support.kb import CONTRACT_SLUGS, hits


def test_setup_publishes_every_contract_slug_and_the_faq_serves_each(app, runner, client):
    result = runner.invoke(args=["setup"])
    assert result.exit_code == 0, result.output
    for slug in CONTRACT_SLUGS:
        article = get_article(slug)
        assert article is not None and article.status == "published", slug
        assert article.published_revision.number == 1 and article.source == "bundled"
        page = client.get(f"/faq/{slug}")
        assert page.status_code == 200, slug
        assert article.title in page.get_data(as_text=True)
    assert get_index().doc_count() == db.session.scalar(select(func.count()).select_from(Article))


def test_setup_twice_changes_nothing(app, runner):
    assert runner.invoke(args=["setup"]).exit_code == 0
    revisions = db.session.scalar(select(func.count()).select_from(ArticleRevision))
    second = runner.invoke(args=["setup"])
    assert second.exit_code == 0, second.output
    assert "is actueel" in second.output
    assert db.session.scalar(select(func.count()).select_from(ArticleRevision)) == revisions


def test_setup_never_overwrites_an_edited_article(app, runner, client):
    assert runner.invoke(args=["setup"]).exit_code == 0
    article = get_article("wat-kost-eherkenning")
    save_draft(article, {"title": "Kosten (aangepast door redactie)", "category": "cost",
                         "body": "Nieuwe tekst van de redactie over de kosten.\n"}, None)
    from helpdesk.kb.operations import publish_article

    publish_article(article, None)
    db.session.commit()
    assert runner.invoke(args=["setup"]).exit_code == 0
    db.session.expire_all()
    article = get_article("wat-kost-eherkenning")
    assert article.published_revision.number == 2
    page = client.get("/faq/wat-kost-eherkenning").get_data(as_text=True)
    assert "Nieuwe tekst van de redactie" in page


def test_setup_rebuilds_a_missing_index(app, runner, client):
    assert runner.invoke(args=["setup"]).exit_code == 0
    index = get_index()
    index.close()
    import shutil

    shutil.rmtree(app.config["INDEX_DIR"])
    result = runner.invoke(args=["setup"])
    assert "opnieuw opgebouwd" in result.output
    assert "wat-kost-eherkenning" in hits(client, "wat kost eherkenning")


def test_reindex_command_rebuilds_from_the_database(kb, runner, client):
    # an index that lost everything yet claims to be current (a node rebuilds one whose fingerprint is off)
    get_index().rebuild([], fingerprint=db_fingerprint())
    assert hits(client, "tokengenerator") == []
    result = runner.invoke(args=["reindex"])
    assert result.exit_code == 0, result.output
    published = db.session.scalar(select(func.count()).select_from(Article).where(Article.status == "published"))
    assert f"Zoekindex opnieuw opgebouwd: {published} artikelen" in result.output
    assert hits(client, "tokengenerator")[0] == "tokengenerator-vervangen"


def test_healthz_is_still_ok_after_setup(app, runner, client):
    assert runner.invoke(args=["setup"]).exit_code == 0
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["status"] == "ok"

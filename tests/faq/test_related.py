"""The "related questions" under an article: stored per published revision in the shared database, so a fresh
node shows them at once, and never a link to an article that is no longer published."""

from __future__ import annotations

import re

from flask import Flask
from sqlalchemy import delete, event, func, select

from helpdesk.extensions import db
from helpdesk.kb import related
from helpdesk.kb.operations import get_article
from helpdesk.kb.related import RELATED, compute_related
from helpdesk.models import Article, ArticleRelated
from knowledge.search import SearchIndex

NEW = "kosten-eherkenning-kleine-school"



def related_on(app: Flask, slug: str) -> list[str]:
    """The slugs the "Zie ook" list of an article page links to, as a visitor of `app` gets them."""
    response = app.test_client().get(f"/faq/{slug}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    if "Zie ook" not in page:
        return []
    block = page.split("Zie ook", 1)[1].split("</ul>", 1)[0]
    return re.findall(r'href="/faq/([a-z0-9-]+)"', block)


def publish_new(client, article_form) -> None:
    """An editor writes and publishes a new article on the costs through the editor's pages."""
    assert client.post("/kb/nieuw", data=article_form(
        slug=NEW, title="Wat kost eHerkenning niveau 3 voor een kleine school?", category="cost",
        keywords="kosten, prijs, eherkenning", body="De kosten van eHerkenning niveau 3 hangen af van de "
        "leverancier. Een kleine school betaalt per medewerker per jaar.\n")).status_code == 302
    article_id = get_article(NEW).id
    assert client.post(f"/kb/{article_id}/publiceren", data={"versie": 1}).status_code == 302
    assert get_article(NEW).status == "published"


def test_publish_archive_and_republish_in_the_editor_reach_the_lists_on_another_node(
        editor, client, article_form, node_b):
    publish_new(client, article_form)
    own = related_on(node_b, NEW)  # node B's first view of the new article
    assert 0 < len(own) <= RELATED and NEW not in own and "wat-kost-eherkenning" in own
    assert NEW in related_on(node_b, "wat-kost-eherkenning")  # a neighbour now names it

    article_id = get_article(NEW).id
    assert client.post(f"/kb/{article_id}/archiveren").status_code == 302
    for slug in own:
        after = related_on(node_b, slug)
        assert NEW not in after
        assert len(after) == min(RELATED, len(set(db.session.scalars(  # spare candidates fill the gap
            select(Article.slug).where(Article.status == "published", Article.slug != slug)))))

    assert client.post(f"/kb/{article_id}/publiceren", data={"versie": 1}).status_code == 302
    assert NEW in related_on(node_b, "wat-kost-eherkenning")


def test_an_edit_gets_its_own_list_in_the_publishing_request(editor, client, article_form):
    article = get_article("leverancier-kiezen")
    url = f"/kb/{article.id}/bewerken"
    base = re.search(r'name="base_version" type="hidden" value="(\d*)"', client.get(url).get_data(as_text=True))
    assert client.post(url, data={**article_form(title="Wat kost een leverancier van eHerkenning?",
                                                 category="supplier", publish="Publiceren", save=""),
                                  "base_version": base.group(1)}).status_code == 302
    db.session.expire_all()
    revision_id = get_article("leverancier-kiezen").published_revision_id
    stored = db.session.get(ArticleRelated, revision_id)
    assert stored is not None  # before any visitor came
    ids = [int(i) for i in stored.article_ids.split(",")]
    slugs = dict(db.session.execute(select(Article.id, Article.slug).where(Article.id.in_(ids))).all())
    assert related_on(client.application, "leverancier-kiezen") == [slugs[i] for i in ids][:RELATED]


def test_setup_stores_a_list_for_every_published_revision_and_a_missing_one_is_made_on_first_view(kb, client):
    assert kb.test_cli_runner().invoke(args=["setup"]).exit_code == 0
    published = db.session.scalar(select(func.count()).where(Article.status == "published"))
    stored = db.session.scalar(select(func.count()).select_from(ArticleRelated).join(
        Article, Article.published_revision_id == ArticleRelated.revision_id))
    assert stored == published > 0

    revision_id = get_article("wanneer-verplicht").published_revision_id
    db.session.execute(delete(ArticleRelated).where(ArticleRelated.revision_id == revision_id))
    db.session.commit()
    shown = related_on(kb, "wanneer-verplicht")
    assert shown and "wanneer-verplicht" not in shown
    db.session.expire_all()
    assert db.session.get(ArticleRelated, revision_id) is not None


def stored_lists() -> dict[int, str]:
    return dict(db.session.execute(select(ArticleRelated.revision_id, ArticleRelated.article_ids)).all())


def test_the_batch_pass_gives_the_per_article_lists_with_a_fixed_number_of_statements(kb, publish_new, monkeypatch):
    published = list(db.session.scalars(select(Article).where(Article.status == "published")))
    per_article = {a.published_revision_id: ",".join(map(str, compute_related(db.session, a))) for a in published}
    monkeypatch.setattr(related, "SNAPSHOT_FROM", 1)  # the bundled articles are few: take the snapshot anyway
    statements: list[str] = []

    def note(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(db.engine, "before_cursor_execute", note)
    searches = []
    monkeypatch.setattr(SearchIndex, "search", lambda self, *a, **k: searches.append(a))
    assert related.store_related_lists(every=True) == len(published)
    db.session.expire_all()
    assert stored_lists() == per_article  # the same lists, in the same order
    assert not searches  # scored in the snapshot, not one Whoosh search per article
    few = len(statements)
    for n in range(12):  # more articles: still one read and one write per kind
        publish_new(f"extra-{n}", f"Extra vraag {n} over de kosten van eHerkenning", "Tekst over kosten.", "cost")
    statements.clear()
    assert related.store_related_lists(every=True) == len(published) + 12
    event.remove(db.engine, "before_cursor_execute", note)
    assert len(statements) == few <= 5


def test_setup_computes_only_the_missing_lists_and_keeps_the_others(kb):
    assert related.store_related_lists() == db.session.scalar(select(func.count()).where(
        Article.status == "published"))
    before = stored_lists()
    revision_id = get_article("wanneer-verplicht").published_revision_id
    db.session.execute(delete(ArticleRelated).where(ArticleRelated.revision_id == revision_id))
    db.session.commit()
    assert related.store_related_lists() == 1
    db.session.expire_all()
    assert stored_lists() == before

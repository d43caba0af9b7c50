"""Published articles for the public pages: the overview and the "related questions" under an article.

The related questions of a published revision are computed once and stored (`article_related`, keyed by the
revision), so every worker and node shows them with one primary-key lookup, also on its first view: right
after the commit that publishes or edits an article (with the lists of its neighbours, which now likely name
it), by `flask setup` for whatever has none, and by `flask reindex` for all. A revision without a list gets one
on its first view. The list keeps spare candidates; whatever is no longer published drops out when it is read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from ..extensions import db
from ..models import Article, ArticleRelated, utcnow
from .search_service import ranked

RELATED = 5
CANDIDATES = 10  # stored per revision: an article archived later drops out, the next one takes its place
BATCH = 200  # lists per commit when many are computed (setup, reindex)


def published_articles(*where: object, limit: int | None = None, offset: int = 0) -> list[Article]:
    """Published articles matching `where`, by title (at most `limit`, after `offset`)."""
    query = select(Article).where(Article.status == "published", *where).order_by(Article.title, Article.id)
    if limit is not None:
        query = query.limit(limit).offset(offset)
    return list(db.session.scalars(query))


def published_slugs() -> list[str]:
    """Slugs of every published article (only the slugs: cheap at any size)."""
    return list(db.session.scalars(select(Article.slug).where(Article.status == "published")))


def published_counts() -> dict[str, int]:
    """Number of published articles per category."""
    rows = db.session.execute(select(Article.category, func.count()).where(Article.status == "published")
                              .group_by(Article.category))
    return {category: count for category, count in rows}


def compute_related(session: Session, article: Article) -> list[int]:
    """Ids of other published articles on the same subject, best first: a search on the title, then the same
    category by title (CANDIDATES of them)."""
    slugs = [h.slug for h in ranked(article.title, limit=CANDIDATES + 1, snippets=0).hits if h.slug != article.slug]
    ids = dict(session.execute(select(Article.slug, Article.id).where(
        Article.slug.in_(slugs), Article.status == "published", Article.id != article.id)).all()) if slugs else {}
    found = [ids[s] for s in slugs if s in ids]
    fill = session.scalars(
        select(Article.id).where(Article.status == "published", Article.category == article.category,
                                 Article.id != article.id, Article.id.not_in(found or [0]))
        .order_by(Article.title, Article.id).limit(CANDIDATES))
    return list(dict.fromkeys([*found, *fill]))[:CANDIDATES]


def _store(session: Session, revision_id: int, ids: list[int]) -> None:
    row = session.get(ArticleRelated, revision_id)
    text = ",".join(map(str, ids))
    if row is None:
        session.add(ArticleRelated(revision_id=revision_id, article_ids=text))
    else:
        row.article_ids, row.computed_at = text, utcnow()


def _parse(text: str) -> list[int]:
    return [int(part) for part in text.split(",") if part.isdigit()]


def related_articles(article: Article, limit: int = RELATED) -> list[Article]:
    """Other articles on the same subject, still published, in their stored order (see the module)."""
    revision_id = article.published_revision_id
    if revision_id is None:
        return []
    row = db.session.get(ArticleRelated, revision_id)
    ids = _parse(row.article_ids) if row is not None else _compute_now(article, revision_id)
    if not ids:
        return []
    found = {a.id: a for a in db.session.scalars(select(Article).where(Article.id.in_(ids),
                                                                       Article.status == "published"))}
    return [found[i] for i in ids if i in found][:limit]


def _compute_now(article: Article, revision_id: int) -> list[int]:
    """A revision without a list (published in a bulk change, or before lists were kept): compute it and store
    it in a transaction of its own, so the next view anywhere reads it; losing a race to another worker is fine."""
    try:
        ids = compute_related(db.session, article)
    except Exception:  # a broken index must cost the visitor the list, never the page
        current_app.logger.exception("Verwante artikelen niet berekend voor versie %s", revision_id)
        return []
    try:
        with Session(db.engine) as session:
            _store(session, revision_id, ids)
            session.commit()
    except SQLAlchemyError:
        current_app.logger.warning("Verwante artikelen niet opgeslagen voor versie %s", revision_id, exc_info=True)
    return ids


def refresh_related(slugs: Iterable[str]) -> None:
    """After a commit that published or edited these articles (the index already has them): their lists, and
    those of the articles they name, which may now name them. Its own transaction; a failure leaves the
    lists to their first view."""
    try:
        with Session(db.engine) as session:
            changed = list(session.scalars(select(Article).where(Article.slug.in_(list(slugs)),
                                                                 Article.status == "published")))
            neighbours: set[int] = set()
            for article in changed:
                ids = compute_related(session, article)
                _store(session, article.published_revision_id, ids)
                neighbours.update(ids[:RELATED])
            neighbours -= {a.id for a in changed}
            for article in session.scalars(select(Article).where(Article.id.in_(neighbours),
                                                                 Article.status == "published")):
                _store(session, article.published_revision_id, compute_related(session, article))
            session.commit()
    except Exception:  # the commit stands; the lists are made on their first view
        current_app.logger.exception("Verwante artikelen niet bijgewerkt")


def store_related_lists(every: bool = False, progress: Callable[[int], None] | None = None) -> int:
    """Compute the lists of the published revisions without one (`every`: of all); returns how many."""
    query = select(Article).where(Article.status == "published").order_by(Article.id)
    if not every:
        query = query.where(~select(ArticleRelated.revision_id).where(
            ArticleRelated.revision_id == Article.published_revision_id).exists())
    done = 0
    with Session(db.engine, expire_on_commit=False) as session:
        for article in session.scalars(query).all():
            _store(session, article.published_revision_id, compute_related(session, article))
            done += 1
            if done % BATCH == 0:
                session.commit()
            if progress:
                progress(done)
        session.commit()
    return done

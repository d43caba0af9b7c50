"""Published articles for the public pages: the overview and the "related questions" under an article."""

from __future__ import annotations

import threading

from sqlalchemy import func, select

from ..extensions import db
from ..models import Article
from .search_service import get_index, search_articles

RELATED = 5
RELATED_CACHE = 20_000  # articles whose related list is kept (a few slugs each)
_related: dict[tuple, list[str]] = {}
_related_lock = threading.Lock()


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


def related_slugs(article: Article, limit: int = RELATED) -> list[str]:
    """Slugs of other articles on the same subject: a search on the title first, then the same category.

    Computed once per article revision and index generation (a publication anywhere can change the answer),
    so an article view costs no search."""
    key = (article.id, article.published_revision_id, get_index().generation(), limit)
    found = _related.get(key)
    if found is None:
        slugs = [h.slug for h in search_articles(article.title, limit=limit + 1, snippets=0)
                 if h.slug != article.slug]
        fill = db.session.scalars(
            select(Article.slug).where(Article.status == "published", Article.category == article.category,
                                       Article.id != article.id, Article.slug.not_in(slugs or [""]))
            .order_by(Article.title, Article.id).limit(limit))
        found = list(dict.fromkeys([*slugs, *fill]))[:limit]
        with _related_lock:
            if len(_related) >= RELATED_CACHE:
                _related.clear()
            _related[key] = found
    return found


def related_articles(article: Article, limit: int = RELATED) -> list[Article]:
    """Other articles on the same subject (see `related_slugs`), still published, in that order."""
    slugs = related_slugs(article, limit)
    found = {a.slug: a for a in published_articles(Article.slug.in_(slugs))} if slugs else {}
    return [found[s] for s in slugs if s in found]

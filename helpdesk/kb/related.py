"""Published articles for the public pages: the overview and the "related questions" under an article."""

from __future__ import annotations

from sqlalchemy import select

from ..extensions import db
from ..models import Article
from .search_service import search_articles

RELATED = 5


def published_articles(*where: object) -> list[Article]:
    """Published articles matching `where`, by title."""
    return list(db.session.scalars(
        select(Article).where(Article.status == "published", *where).order_by(Article.title)))


def related_articles(article: Article, limit: int = RELATED) -> list[Article]:
    """Other articles on the same subject: search on the title first, then the same category."""
    slugs = [h.slug for h in search_articles(article.title, limit=limit + 1) if h.slug != article.slug]
    found = {a.slug: a for a in published_articles(Article.slug.in_(slugs))} if slugs else {}
    related = [found[s] for s in slugs if s in found]
    for other in published_articles(Article.category == article.category, Article.id != article.id):
        if other not in related:
            related.append(other)
    return related[:limit]

"""Knowledge-base articles with revisions, and what the public tells us about them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._base import utcnow
from .users import User


class Article(db.Model):
    """An article's identity and live state; its content lives in revisions."""

    __tablename__ = "articles"
    __table_args__ = (Index("ix_articles_status_category", "status", "category"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    # Copies of the live revision's fields, for listing and filtering without a join.
    title: Mapped[str] = mapped_column(String(300), default="")
    category: Mapped[str] = mapped_column(String(20), default="other")
    review_date: Mapped[date | None] = mapped_column(Date)
    published_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("article_revisions.id", use_alter=True, name="fk_articles_published_revision")
    )
    draft_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("article_revisions.id", use_alter=True, name="fk_articles_draft_revision")
    )
    source: Mapped[str] = mapped_column(String(20), default="editor")  # "bundled" or "editor"
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    published_at: Mapped[datetime | None] = mapped_column(DateTime)

    published_revision: Mapped[ArticleRevision | None] = relationship(foreign_keys=[published_revision_id])
    draft_revision: Mapped[ArticleRevision | None] = relationship(foreign_keys=[draft_revision_id])
    revisions: Mapped[list[ArticleRevision]] = relationship(
        foreign_keys="ArticleRevision.article_id", back_populates="article", order_by="ArticleRevision.number"
    )


class ArticleRevision(db.Model):
    __tablename__ = "article_revisions"
    __table_args__ = (Index("ix_article_revisions_article_number", "article_id", "number", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"))
    number: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)  # Markdown
    html: Mapped[str] = mapped_column(Text, default="")  # rendered and sanitised, cached per revision
    category: Mapped[str] = mapped_column(String(20))
    keywords: Mapped[str] = mapped_column(Text, default="")  # comma separated
    synonyms: Mapped[str] = mapped_column(Text, default="")  # "a = b" pairs, one per line
    summary: Mapped[str] = mapped_column(Text, default="")
    review_date: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(String(500), default="")  # what changed, or "hersteld uit versie 3"
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    article: Mapped[Article] = relationship(foreign_keys=[article_id], back_populates="revisions")
    author: Mapped[User | None] = relationship()


class SearchLog(db.Model):
    """One public search, without personal data: the query, how many results, what was clicked."""

    __tablename__ = "search_logs"

    id: Mapped[int] = mapped_column(primary_key=True)
    query: Mapped[str] = mapped_column(String(500))
    normalized: Mapped[str] = mapped_column(String(500), index=True)
    result_count: Mapped[int] = mapped_column(Integer, default=0)
    top_score: Mapped[float | None] = mapped_column(db.Float)
    clicked_slug: Mapped[str | None] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(20), default="faq")  # faq or api
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)


class ArticleFeedback(db.Model):
    __tablename__ = "article_feedback"
    __table_args__ = (Index("ix_article_feedback_article_created", "article_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id"))
    helpful: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class ArticleRelated(db.Model):
    """The "related questions" of one published revision, computed once (on publication, by `flask setup`) and
    read by every worker and node with one primary-key lookup; archived ones drop out when they are read."""

    __tablename__ = "article_related"

    revision_id: Mapped[int] = mapped_column(ForeignKey("article_revisions.id", ondelete="CASCADE"),
                                             primary_key=True)
    article_ids: Mapped[str] = mapped_column(Text, default="")  # candidates, best first, comma separated
    computed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

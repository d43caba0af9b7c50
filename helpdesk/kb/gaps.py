"""Content gaps: what the public searched for without finding it, and which articles did not help."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import case, func, select

from ..extensions import db
from ..models import Article, ArticleFeedback, SearchLog


@dataclass
class QueryGap:
    """A query (grouped by its normalised form) that found nothing or was never followed by a click."""

    query: str
    searches: int
    results: int  # the largest number of results it ever had


@dataclass
class ArticleGap:
    """An article readers found unhelpful."""

    article: Article
    helpful: int
    not_helpful: int
    reasons: list[str] = field(default_factory=list)

    @property
    def share_helpful(self) -> int:
        """Percentage of "Ja" answers."""
        total = self.helpful + self.not_helpful
        return round(100 * self.helpful / total) if total else 0


@dataclass
class ContentGaps:
    """The content-gaps report over [since, until)."""

    since: datetime
    until: datetime
    searches: int
    zero_results: list[QueryGap]
    no_clicks: list[QueryGap]
    unhelpful: list[ArticleGap]


def _query_groups(since: datetime, until: datetime, limit: int) -> tuple[list[QueryGap], list[QueryGap]]:
    clicked = func.sum(case((SearchLog.clicked_slug.is_not(None), 1), else_=0))
    rows = db.session.execute(
        select(SearchLog.normalized, func.count(), func.max(SearchLog.result_count), clicked, func.min(SearchLog.query))
        .where(SearchLog.created_at >= since, SearchLog.created_at < until, SearchLog.normalized != "")
        .group_by(SearchLog.normalized)
        .order_by(func.count().desc(), SearchLog.normalized)
    ).all()
    zero, poor = [], []
    for _normalized, count, max_results, clicks, example in rows:
        gap = QueryGap(query=example, searches=count, results=max_results or 0)
        if not max_results:
            zero.append(gap)
        elif not clicks:
            poor.append(gap)
    return zero[:limit], poor[:limit]


def _unhelpful_articles(since: datetime, until: datetime, limit: int) -> list[ArticleGap]:
    yes = func.sum(case((ArticleFeedback.helpful.is_(True), 1), else_=0))
    no = func.sum(case((ArticleFeedback.helpful.is_(False), 1), else_=0))
    in_period = (ArticleFeedback.created_at >= since, ArticleFeedback.created_at < until)
    rows = db.session.execute(
        select(ArticleFeedback.article_id, yes, no).where(*in_period).group_by(ArticleFeedback.article_id)
    ).all()
    gaps = []
    for article_id, helpful, not_helpful in rows:
        if not not_helpful:
            continue
        reasons = db.session.scalars(
            select(ArticleFeedback.reason)
            .where(ArticleFeedback.article_id == article_id, ArticleFeedback.helpful.is_(False),
                   ArticleFeedback.reason != "", *in_period)
            .order_by(ArticleFeedback.created_at.desc()).limit(5)
        ).all()
        gaps.append(ArticleGap(db.session.get(Article, article_id), helpful or 0, not_helpful, list(reasons)))
    gaps.sort(key=lambda g: (g.share_helpful, -g.not_helpful, g.article.title))
    return gaps[:limit]


def content_gaps(since: datetime, until: datetime, limit: int = 25) -> ContentGaps:
    """Most frequent searches with no results or no clicks, and the least helpful articles, in a period."""
    total = db.session.scalar(
        select(func.count()).select_from(SearchLog).where(SearchLog.created_at >= since, SearchLog.created_at < until)
    ) or 0
    zero, poor = _query_groups(since, until, limit)
    return ContentGaps(since=since, until=until, searches=total, zero_results=zero, no_clicks=poor,
                       unhelpful=_unhelpful_articles(since, until, limit))

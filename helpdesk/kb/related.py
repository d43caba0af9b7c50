"""Published articles for the public pages: the overview and the "related questions" under an article.

The related questions of a published revision are computed once and stored (`article_related`, keyed by the
revision), so every worker and node shows them with one primary-key lookup, also on its first view: right
after the commit that publishes or edits an article (with the lists of its neighbours, which now likely name
it), by `flask setup` for whatever has none, and by `flask reindex` for all. A revision without a list gets one
on its first view. The list keeps spare candidates; whatever is no longer published drops out when it is read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from flask import current_app
from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from ..extensions import db
from ..models import Article, ArticleRelated, utcnow
from .search_service import ranked, ranked_many

RELATED = 5
CANDIDATES = 10  # stored per revision: an article archived later drops out, the next one takes its place
BATCH = 500  # lists searched, written and committed together when many are computed (setup, reindex)
# From this many lists the titles are searched in a snapshot of the index (`ranked_many`): making one costs
# about as much as 20 Whoosh searches at 10,000 articles (3 s against 150 ms each), and each list then ~4 ms.
SNAPSHOT_FROM = 20


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


class _Published:
    """Every published article's id, slug, category and revision, read once for a whole pass: `compute_related`
    for many articles without its two queries each (the same lists: the same order by title, from the database)."""

    def __init__(self, session: Session) -> None:
        self.rows = session.execute(select(Article.id, Article.slug, Article.category, Article.title,
                                           Article.published_revision_id)
                                    .where(Article.status == "published").order_by(Article.title, Article.id)).all()
        self.ids = {row.slug: row.id for row in self.rows}
        self.by_category: dict[str, list[int]] = {}
        for row in self.rows:
            self.by_category.setdefault(row.category, []).append(row.id)

    def related(self, row: Any, slugs: list[str]) -> list[int]:
        found = [self.ids[s] for s in slugs if s != row.slug and s in self.ids]
        taken = {row.id, *found}
        fill = [i for i in self.by_category.get(row.category, ()) if i not in taken][:CANDIDATES]
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
    """Compute the lists of the published revisions without one (`every`: of all); returns how many.

    The titles are searched BATCH at a time in one snapshot of the index (`ranked_many`; a few lists: one
    search each), every published article is read once, and each batch of lists is written with one statement
    per kind (new, replaced) and committed."""
    done = 0
    with Session(db.engine, expire_on_commit=False) as session:
        published = _Published(session)
        todo = sorted(published.rows, key=lambda row: row.id)
        if not every:
            have = set(session.scalars(select(ArticleRelated.revision_id).join(
                Article, Article.published_revision_id == ArticleRelated.revision_id)
                .where(Article.status == "published")))
            todo = [row for row in todo if row.published_revision_id not in have]
        for start in range(0, len(todo), BATCH):
            chunk = todo[start:start + BATCH]
            titles = [row.title for row in chunk]
            results = ranked_many(titles, limit=CANDIDATES + 1) if len(todo) >= SNAPSHOT_FROM else [
                ranked(title, limit=CANDIDATES + 1, snippets=0) for title in titles]
            lists = {row.published_revision_id: published.related(row, [h.slug for h in result.hits])
                     for row, result in zip(chunk, results, strict=True)}
            _store_many(session, lists)
            session.commit()
            done += len(chunk)
            if progress:
                progress(done)
    return done


def _store_many(session: Session, lists: dict[int, list[int]]) -> None:
    """Insert or replace the lists of these revisions: one statement for the new rows, one for the others."""
    if not lists:
        return
    now = utcnow()
    stored = set(session.scalars(select(ArticleRelated.revision_id).where(
        ArticleRelated.revision_id.in_(list(lists)))))
    rows = [{"revision_id": revision_id, "article_ids": ",".join(map(str, ids)), "computed_at": now}
            for revision_id, ids in lists.items()]
    new = [row for row in rows if row["revision_id"] not in stored]
    if new:
        session.execute(insert(ArticleRelated), new)
    if len(new) < len(rows):
        session.execute(update(ArticleRelated), [row for row in rows if row["revision_id"] in stored])

"""The app's single access point to the knowledge-base search index (one SearchIndex per app and process)."""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app
from sqlalchemy import select

from knowledge.classify import Classifier
from knowledge.dutch import parse_synonym_line
from knowledge.search import (
    MAX_QUERY_CHARS,
    Hit,
    SearchBackend,
    SearchDoc,
    SearchResult,
    content_fingerprint,
    open_index,
    question_prior,
)

from ..extensions import db
from ..models import Article, ArticleRevision

_EXTENSION_KEY = "kb_search_index"
# From this many words a search is a whole question: the classifier's category then weighs in the order, at
# weight 1 (relative search score and category probability count alike; not tuned on any measuring set).
QUESTION_WORDS = 6
QUESTION_CANDIDATES = 20


def split_keywords(text: str) -> list[str]:
    """Keywords as stored on a revision ("a, b, c") to a list."""
    return [k.strip() for k in (text or "").split(",") if k.strip()]


def split_synonyms(text: str) -> list[tuple[str, ...]]:
    """Synonym lines as stored on a revision ("a = b", one a line) to groups of two or more phrases."""
    groups = [parse_synonym_line(line) for line in (text or "").splitlines()]
    return [g for g in groups if len(g) >= 2]


def doc_for(article: Article, revision: ArticleRevision) -> SearchDoc:
    """The search document for one article revision."""
    return SearchDoc(slug=article.slug, title=revision.title, category=revision.category,
                     keywords=split_keywords(revision.keywords), body=revision.body,
                     summary=revision.summary or "", synonyms=split_synonyms(revision.synonyms))


def docs_from_db() -> list[SearchDoc]:
    """Search documents for every published article, from its published revision."""
    rows = db.session.execute(
        select(Article, ArticleRevision)
        .join(ArticleRevision, ArticleRevision.id == Article.published_revision_id)
        .where(Article.status == "published")
        .order_by(Article.slug)
    ).all()
    return [doc_for(article, revision) for article, revision in rows]


def get_index() -> SearchBackend:
    """The index of this app (created on first use).

    Editors' synonyms from the published articles' headers reach the analyzer through the documents: the
    index stores them with its data, so every process sees a newly published synonym without a restart.
    """
    index = current_app.extensions.get(_EXTENSION_KEY)
    if index is None:
        index = open_index(current_app.config["INDEX_DIR"])
        current_app.extensions[_EXTENSION_KEY] = index
    return index


def db_fingerprint(docs: list[SearchDoc] | None = None) -> str:
    """Fingerprint of the published content in the database."""
    return content_fingerprint(docs_from_db() if docs is None else docs)


def rebuild_index(progress: Callable[[int], None] | None = None) -> int:
    """Rebuild the whole index from the database; returns the number of indexed articles."""
    docs = docs_from_db()
    return get_index().rebuild(docs, fingerprint=db_fingerprint(docs), progress=progress)


def ensure_index() -> bool:
    """Rebuild when the index is missing or out of date with the database; True when it rebuilt."""
    docs = docs_from_db()
    fingerprint = db_fingerprint(docs)
    index = get_index()
    if index.exists() and index.fingerprint() == fingerprint:
        return False
    index.rebuild(docs, fingerprint=fingerprint)
    return True


def index_article(article: Article) -> None:
    """Bring one article's index entry in line with the database (call after commit, same request)."""
    if article.status != "published" or article.published_revision is None:
        unindex_article(article.slug)
        return
    index = get_index()
    if not index.exists():
        ensure_index()
        return
    index.upsert(doc_for(article, article.published_revision), fingerprint=db_fingerprint())


def try_index_article(article: Article) -> bool:
    """index_article for views after a commit: False (and a log line) instead of an error page.

    The database change already stands; the search results catch up at the next publish, `reindex` or setup
    (the fingerprint shows the index is out of date), and the database filter in `search` hides archived pages.
    """
    try:
        index_article(article)
    except Exception:
        current_app.logger.exception("Zoekindex bijwerken mislukt voor %s", article.slug)
        return False
    return True


def unindex_article(slug: str) -> None:
    """Remove an article from the index (archived or unpublished)."""
    get_index().delete(slug, fingerprint=db_fingerprint())


def search(query: str, limit: int = 10, category: str | None = None) -> SearchResult:
    """Search the published articles; never raises on user input."""
    index = get_index()
    try:
        if not index.exists():
            ensure_index()
        whole_question = category is None and len((query or "").split()) >= QUESTION_WORDS
        result = index.search(query, limit=max(limit, QUESTION_CANDIDATES) if whole_question else limit,
                              category=category)
        if whole_question:
            # A whole question: what it asks about (the triage classifier's category) weighs in the order.
            result.hits = question_prior(result.hits, query, Classifier.default().classify(query).scores,
                                         min_words=QUESTION_WORDS)[:limit]
    except Exception:  # a broken index must cost the visitor a result list, never the page
        current_app.logger.exception("Zoeken mislukt voor een zoekvraag van %d tekens", len(query or ""))
        return SearchResult(query=(query or "")[:MAX_QUERY_CHARS], hits=[], total=0)
    if result.hits:
        # The index may lag behind another process's archive; the database has the last word.
        slugs = [h.slug for h in result.hits]
        live = set(db.session.scalars(
            select(Article.slug).where(Article.slug.in_(slugs), Article.status == "published")))
        kept = [h for h in result.hits if h.slug in live]
        result.total -= len(result.hits) - len(kept)
        result.hits = kept
    return result


def search_articles(query: str, limit: int = 5, category: str | None = None) -> list[Hit]:
    """The best published articles for a query (a few words or a whole cleaned mail), best first."""
    return search(query, limit=limit, category=category).hits

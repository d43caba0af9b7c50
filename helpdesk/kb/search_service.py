"""The app's single access point to the knowledge-base search index (one SearchIndex per app and process).

The index follows the database by itself: a session hook (microblog's pattern) notes every article whose
status, live revision or slug a flush changed, reads their published content just before the commit, and
writes it to the index right after the commit, in the same request. No caller reindexes by hand.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, g, has_app_context
from sqlalchemy import bindparam, event, inspect, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from knowledge import search as search_backend  # its Whoosh half loads on first use (knowledge/search/__init__.py)
from knowledge.classify import Classifier
from knowledge.dutch import parse_synonym_line
from knowledge.search import MAX_QUERY_CHARS, Hit, SearchBackend, SearchDoc, SearchResult, open_index

from ..change_log import record_kb_change
from ..extensions import db
from ..models import Article, ArticleRevision
from ..triage.build import classifier_cache_dir

_EXTENSION_KEY = "kb_search_index"
_CHANGED = "kb_changed_slugs"  # session.info: slugs (or ids) of articles changed in this transaction
_PENDING = "kb_index_pending"  # session.info: what the index gets after the commit
_WATCHED = ("status", "published_revision_id", "slug")
REBUILD_OVER = 5  # more changed articles than this in one commit (setup, imports): one rebuild, not upserts
# From this many words a search is a whole question: the classifier's category then weighs in the order, at
# weight 1 (relative search score and category probability count alike; not tuned on any measuring set).
QUESTION_WORDS = 6
QUESTION_CANDIDATES = 20
ANALYZE_WAIT_MS = 300  # SQLite: how long ANALYZE waits for another writer before it is skipped
SQLITE_BUSY_MS = 15000  # the app's busy timeout (helpdesk/extensions.py), restored afterwards
ANALYSIS_LIMIT = 1000  # rows SQLite's ANALYZE samples per index: enough for the planner, bounded at any size


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
    return search_backend.content_fingerprint(docs_from_db() if docs is None else docs)


def rebuild_index(progress: Callable[[int], None] | None = None) -> int:
    """Rebuild the whole index from the database; returns the number of indexed articles."""
    docs = docs_from_db()
    count = get_index().rebuild(docs, fingerprint=db_fingerprint(docs), progress=progress)
    analyze_articles()
    return count


def ensure_index() -> bool:
    """Rebuild when the index is missing or out of date with the database; True when it rebuilt.

    Also refreshes the planner's statistics of the article tables (setup and bulk changes end here)."""
    docs = docs_from_db()
    fingerprint = db_fingerprint(docs)
    index = get_index()
    analyze_articles()
    if index.exists() and index.fingerprint() == fingerprint:
        return False
    index.rebuild(docs, fingerprint=fingerprint)
    return True


def refresh_index() -> bool:
    """Reopen this process's searcher when the index on disk changed (another process or node wrote it);
    True when it did. Queries notice a change of the index folder by themselves; call this after applying
    changes to the local index from elsewhere."""
    return get_index().refresh()


def sync_index(changed: set[str] | None) -> bool:
    """Bring this node's index to what the database publishes: the `changed` slugs one by one (many of them, or
    None: one rebuild); True when it wrote. Nothing to do when the fingerprints already agree."""
    docs = docs_from_db()
    pending = _Pending(docs, search_backend.content_fingerprint(docs), changed if changed is not None else set())
    index = get_index()
    if index.exists() and index.fingerprint() == pending.fingerprint:
        index.refresh()  # another worker of this node may have written it
        return False
    if changed is None:
        index.rebuild(docs, fingerprint=pending.fingerprint)
    else:
        _write(index, pending)
    return True


def analyze_articles() -> None:
    """`ANALYZE` (SQLite: bounded, then `PRAGMA optimize`) of the article tables, so the "still published"
    check of every search uses the slug index instead of reading every article.

    Its own short transaction; only an optimisation, so a database busy with another writer skips it."""
    try:
        with db.engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                conn.exec_driver_sql(f"PRAGMA busy_timeout={ANALYZE_WAIT_MS}")
                try:
                    conn.exec_driver_sql(f"PRAGMA analysis_limit={ANALYSIS_LIMIT}")
                    for table in (Article.__tablename__, ArticleRevision.__tablename__):
                        conn.exec_driver_sql(f"ANALYZE {table}")
                    conn.exec_driver_sql("PRAGMA optimize")
                    conn.commit()
                finally:
                    conn.rollback()
                    conn.exec_driver_sql(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
            else:
                conn.execute(text(f"ANALYZE {Article.__tablename__}, {ArticleRevision.__tablename__}"))
                conn.commit()
    except OperationalError:
        current_app.logger.warning("ANALYZE overgeslagen: de database is bezet")


def ranked(query: str, limit: int = 10, category: str | None = None, snippets: int | None = None) -> SearchResult:
    """The index's answer to a query, in the order shown (a whole question weighs in its category), without the
    database's last word on what is still published: for callers that check that themselves. May raise."""
    index = get_index()
    if not index.exists():
        ensure_index()
    whole_question = _whole_question(query, category)
    result = index.search(query, limit=max(limit, QUESTION_CANDIDATES) if whole_question else limit,
                          category=category, snippets=snippets)
    return _question_order(result, query, limit) if whole_question else result


def ranked_many(queries: list[str], limit: int = 10) -> list[SearchResult]:
    """`ranked(query, limit, snippets=0)` of each query (without a total), cheaper per query when there are
    many (the related questions of every article): the index answers them from one snapshot."""
    index = get_index()
    if not index.exists():
        ensure_index()
    questions = [n for n, query in enumerate(queries) if _whole_question(query, None)]
    others = [n for n, query in enumerate(queries) if not _whole_question(query, None)]
    results: list[SearchResult | None] = [None] * len(queries)
    # As `ranked` searches them: a whole question for more candidates (the order then changes), others for `limit`.
    for chosen, depth, question in ((questions, max(limit, QUESTION_CANDIDATES), True), (others, limit, False)):
        for n, result in zip(chosen, index.search_many([queries[n] for n in chosen], limit=depth), strict=True):
            results[n] = _question_order(result, queries[n], limit) if question else result
    return results


def _whole_question(query: str, category: str | None) -> bool:
    return category is None and len((query or "").split()) >= QUESTION_WORDS


def _question_order(result: SearchResult, query: str, limit: int) -> SearchResult:
    """A whole question: what it asks about (the triage classifier's category) weighs in the order; the
    classifier reads it with the typos fixed, as the search did."""
    scores = Classifier.default(cache_dir=classifier_cache_dir()).classify(result.corrected or query).scores
    result.hits = search_backend.question_prior(result.hits, query, scores, min_words=QUESTION_WORDS)[:limit]
    return result


# The "still published" check of every search: built once (only its values change), so a search pays for
# executing it, not for building and compiling it again.
_LIVE_SLUGS = select(Article.slug).where(Article.slug.in_(bindparam("slugs", expanding=True)),
                                         Article.status == "published")


def search(query: str, limit: int = 10, category: str | None = None, snippets: int | None = None,
           connection: Connection | None = None) -> SearchResult:
    """Search the published articles; never raises on user input. `snippets`: highlight only the first that
    many hits (None: all). The "still published" check runs on `connection`, else in the session's transaction."""
    try:
        result = ranked(query, limit, category, snippets)
    except Exception:  # a broken index must cost the visitor a result list, never the page
        current_app.logger.exception("Zoeken mislukt voor een zoekvraag van %d tekens", len(query or ""))
        return SearchResult(query=(query or "")[:MAX_QUERY_CHARS], hits=[], total=0)
    if result.hits:
        # The index may lag behind another process's archive; the database has the last word.
        live = set((connection or db.session.connection()).execute(
            _LIVE_SLUGS, {"slugs": [h.slug for h in result.hits]}).scalars())
        kept = [h for h in result.hits if h.slug in live]
        result.total -= len(result.hits) - len(kept)
        result.hits = kept
    return result


def search_articles(query: str, limit: int = 5, category: str | None = None,
                    snippets: int | None = None) -> list[Hit]:
    """The best published articles for a query (a few words or a whole cleaned mail), best first."""
    return search(query, limit=limit, category=category, snippets=snippets).hits


# A whole question (the classifier weighs in) with a misspelt word (the typo look-ups and their word list).
WARM_UP_QUERY = "wat kost eherkening niveau 3 voor onze school"


def warm_up() -> None:
    """Take now what the first searches of a process would otherwise each pay for (~1 s of CPU in all): the index's
    searcher and caches, the classifier for whole questions, the word list of the typo look-ups. Without an index
    (before `flask setup`) the first search builds it, as before."""
    if get_index().exists():
        search(WARM_UP_QUERY)  # never raises; also compiles the "still published" check


@dataclass
class _Pending:
    docs: list[SearchDoc]  # every published article, as committed
    fingerprint: str
    changed: set[str]  # slugs whose index entry must follow the database


def _note_changes(session: Session, _context: Any) -> None:
    """after_flush: remember the articles whose searchable state changed (still pre-flush history here)."""
    changed: set[object] = session.info.setdefault(_CHANGED, set())
    dirty = [obj for obj in session.dirty if isinstance(obj, Article)
             and any(inspect(obj).attrs[name].history.has_changes() for name in _WATCHED)]
    for obj in (*session.new, *session.deleted, *dirty):
        if not isinstance(obj, Article):
            continue
        state = inspect(obj)
        changed.update(state.attrs.slug.history.deleted)  # a draft renamed before it went live
        changed.add(state.dict.get("slug") or ("id", state.dict.get("id")))


def _collect(session: Session) -> None:
    """before_commit: read what the index must hold, inside the transaction that is about to commit."""
    session.flush()  # commit would flush next anyway; now every change has passed _note_changes
    noted = session.info.get(_CHANGED)
    if not noted:
        return
    ids = [key[1] for key in noted if isinstance(key, tuple)]
    slugs = {key for key in noted if isinstance(key, str)}
    if ids:
        slugs.update(session.scalars(select(Article.slug).where(Article.id.in_(ids))))
    record_kb_change(session, slugs)  # other nodes apply the same slugs (helpdesk/index_sync.py)
    docs = docs_from_db()
    session.info[_PENDING] = _Pending(docs, search_backend.content_fingerprint(docs), slugs)


def _apply(session: Session) -> None:
    """after_commit: bring the index in line; a failure is logged and shown, the commit stands."""
    pending = session.info.pop(_PENDING, None)
    session.info.pop(_CHANGED, None)
    if pending is None or not has_app_context():
        return
    try:
        _write(get_index(), pending)
    except Exception:  # the database change stands; the fingerprint shows the index is behind
        current_app.logger.exception("Zoekindex bijwerken mislukt voor %s", ", ".join(sorted(pending.changed)))
        g.kb_index_lagging = True
        return
    if len(pending.changed) <= REBUILD_OVER:  # a bulk change (setup, an import): setup computes them
        from .related import refresh_related  # related.py builds on this module

        refresh_related(pending.changed)


def _write(index: SearchBackend, pending: _Pending) -> None:
    if index.exists() and index.fingerprint() == pending.fingerprint:
        return  # another process (or an earlier commit) already wrote this state
    if not index.exists() or len(pending.changed) > REBUILD_OVER:
        index.rebuild(pending.docs, fingerprint=pending.fingerprint)
        analyze_articles()  # a bulk change (setup, an import): the planner's statistics follow
        return
    live = {doc.slug: doc for doc in pending.docs}
    for slug in sorted(pending.changed):
        if slug in live:
            index.upsert(live[slug], fingerprint=pending.fingerprint)
        else:
            index.delete(slug, fingerprint=pending.fingerprint)


def _forget(session: Session, transaction: Any) -> None:
    """after_transaction_end: a rolled-back transaction's changes never reach the index."""
    if transaction.parent is None:
        session.info.pop(_PENDING, None)
        session.info.pop(_CHANGED, None)


def index_lagging() -> bool:
    """True (once) when a commit since the last call could not update the search index."""
    return bool(has_app_context() and g.pop("kb_index_lagging", False))


def init_app(app: Flask) -> None:
    """Keep the index in step with every commit of the app's database session (registered once)."""
    for name, listener in (("after_flush", _note_changes), ("before_commit", _collect),
                           ("after_commit", _apply), ("after_transaction_end", _forget)):
        if not event.contains(db.session, name, listener):
            event.listen(db.session, name, listener)

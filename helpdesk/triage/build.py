"""A Triager from what the database holds: the seed classifier plus agents' corrections, the published articles.

Read with Core statements over light descriptions of the three tables it needs (`sqlalchemy.table`), not the ORM
models, so `flask triage` builds its triager on a plain engine without importing the models or configuring their
mappers (issue 18: ~0.2 s of its start-up). The app's own triager (`service.build_triager`) reads the same
statements through its session. tests/triage/test_triage_cli.py checks these columns against the models'.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import DateTime, Integer, String, Text, column, select, table

from knowledge.classify import CATEGORIES, Classifier, Example
from knowledge.search import SearchBackend
from knowledge.triage import ArticleMemory, Triager, UsedArticle, language

ARTICLES = table("articles", column("id", Integer), column("slug", String), column("status", String),
                 column("category", String), column("title", String), column("published_revision_id", Integer))
REVISIONS = table("article_revisions", column("id", Integer), column("summary", Text), column("body", Text))
FEEDBACK = table("triage_feedback", column("id", Integer), column("kind", String), column("subject", String),
                 column("text", Text), column("category", String), column("article_slug", String),
                 column("created_at", DateTime))

# Agents' corrections fade: after this many days one counts half, so the product and the mail may move on.
FEEDBACK_HALF_LIFE_DAYS = 180.0

_FEEDBACK_ROWS = select(FEEDBACK.c.kind, FEEDBACK.c.subject, FEEDBACK.c.text, FEEDBACK.c.category,
                        FEEDBACK.c.article_slug, FEEDBACK.c.created_at).order_by(FEEDBACK.c.id)
_PUBLISHED_ROWS = (select(ARTICLES.c.slug, ARTICLES.c.category, ARTICLES.c.title, REVISIONS.c.summary,
                          REVISIONS.c.body)
                   .join(REVISIONS, REVISIONS.c.id == ARTICLES.c.published_revision_id)
                   .where(ARTICLES.c.status == "published"))
_ANY_PUBLISHED = select(ARTICLES.c.id).where(ARTICLES.c.status == "published").limit(1)


def classifier_cache_dir() -> Path:
    """Where the built classifier is kept (a file per version of the training data and code; `flask setup`
    writes it): every process that classifies loads it from there instead of training its own."""
    return Path(current_app.config["DATA_DIR"]) / "models"


def any_published(reader: Any) -> bool:
    """Whether an article is published (`reader`: a session or a Core connection)."""
    return reader.scalar(_ANY_PUBLISHED) is not None


def triager_from(reader: Any, index: SearchBackend, cache_dir: Path, now: datetime | None = None) -> Triager:
    """A Triager on `index` from the corrections and published articles that `reader` (a session or a Core
    connection) sees; `now` (naive UTC, default the clock) ages the corrections."""
    now = now or datetime.now(UTC).replace(tzinfo=None)
    feedback = reader.execute(_FEEDBACK_ROWS).all()
    corrections = [Example(f.text, f.subject, f.category, feedback_decay(f.created_at, now)) for f in feedback
                   if f.kind == "category" and f.category in CATEGORIES]
    classifier = Classifier.default(cache_dir=cache_dir)
    if corrections:
        classifier = classifier.with_corrections(corrections)
    memory = ArticleMemory(UsedArticle(f.article_slug, f.text, f.subject) for f in feedback
                           if f.kind == "article" and f.article_slug)
    rows = reader.execute(_PUBLISHED_ROWS).all()
    return Triager(classifier, index, {r.slug: r.category for r in rows}, {r.slug: r.title for r in rows},
                   memory, {r.slug: language(f"{r.title}\n{r.summary}\n{r.body}") for r in rows})


def feedback_decay(created_at: datetime | None, now: datetime) -> float:
    """Share of a correction's weight left at `now`: 1 when new, halving every FEEDBACK_HALF_LIFE_DAYS."""
    if created_at is None:
        return 1.0
    age_days = max((now - created_at).total_seconds(), 0.0) / 86400
    return 0.5 ** (age_days / FEEDBACK_HALF_LIFE_DAYS)

"""Triage inside the app: categorise new tickets and attach suggested articles, learning from agents.

One Triager per app and process, rebuilt only when agents add feedback (a changed category or the article they
used) or the published articles change.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime

from flask import Flask, current_app, has_app_context
from sqlalchemy import event, select

from knowledge.classify import CATEGORIES, Classifier, Example
from knowledge.triage import ArticleMemory, Triager, TriageResult, UsedArticle, language
from mail_ingest import is_reply_subject, strip_subject_prefixes

from ..change_log import read_counters
from ..extensions import db
from ..kb.search_service import classifier_cache_dir, ensure_index, get_index
from ..models import Article, ArticleRevision, Ticket, TicketMessage, TriageFeedback, utcnow

_KEY = "triager"
RECHECK_SECONDS = 1.0
# Agents' corrections fade: after this many days one counts half, so the product and the mail may move on.
FEEDBACK_HALF_LIFE_DAYS = 180.0
_lock = threading.Lock()


def _state_key() -> tuple:
    """Cheap change detector: the `kb` and `triage` change counters (one small query)."""
    counters = read_counters(db.session)
    return counters.get("kb", 0), counters.get("triage", 0)


def forget_triager(*_args: object) -> None:
    """Drop this process's cached Triager (feedback or articles changed here): the next use rebuilds it."""
    if has_app_context():
        current_app.extensions.pop(_KEY, None)


_LISTENERS = ((TriageFeedback, "after_insert"), (TriageFeedback, "after_delete"),
              (Article, "after_insert"), (Article, "after_update"))


def init_app(app: Flask) -> None:
    """Forget the cached Triager when feedback or articles change in this process, so the change takes effect at
    once; other processes notice within RECHECK_SECONDS. The listeners are on the model classes, so once is enough."""
    for model, name in _LISTENERS:
        if not event.contains(model, name, forget_triager):
            event.listen(model, name, forget_triager)


def build_triager(*, refresh_index: bool = True) -> Triager:
    """A Triager from the seed classifier plus agents' corrections, on the app's search index."""
    feedback = db.session.scalars(select(TriageFeedback).order_by(TriageFeedback.id)).all()
    now = utcnow()
    corrections = [Example(f.text, f.subject, f.category, feedback_decay(f.created_at, now)) for f in feedback
                   if f.kind == "category" and f.category in CATEGORIES]
    classifier = Classifier.default(cache_dir=classifier_cache_dir())
    if corrections:
        classifier = classifier.with_corrections(corrections)
    memory = ArticleMemory(UsedArticle(f.article_slug, f.text, f.subject) for f in feedback
                           if f.kind == "article" and f.article_slug)
    rows = db.session.execute(select(Article.slug, Article.category, Article.title, ArticleRevision.summary,
                                     ArticleRevision.body)
                              .join(ArticleRevision, ArticleRevision.id == Article.published_revision_id)
                              .where(Article.status == "published")).all()
    if refresh_index:
        ensure_index()
    return Triager(classifier, get_index(), {r.slug: r.category for r in rows}, {r.slug: r.title for r in rows},
                   memory, {r.slug: language(f"{r.title}\n{r.summary}\n{r.body}") for r in rows})


def feedback_decay(created_at: datetime | None, now: datetime) -> float:
    """Share of a correction's weight left at `now`: 1 when new, halving every FEEDBACK_HALF_LIFE_DAYS."""
    if created_at is None:
        return 1.0
    age_days = max((now - created_at).total_seconds(), 0.0) / 86400
    return 0.5 ** (age_days / FEEDBACK_HALF_LIFE_DAYS)


def get_triager() -> Triager:
    """The cached Triager, rebuilt when feedback or published content changed since it was built.

    The change check itself is one small query; a busy ingest worker runs it at most once a second, so an
    agent's correction reaches the worker within a second without costing every mail a round trip."""
    cached = current_app.extensions.get(_KEY)
    now = time.monotonic()
    if cached is not None and now - cached[2] < RECHECK_SECONDS:
        return cached[1]
    key = _state_key()
    if cached is not None and cached[0] == key:
        current_app.extensions[_KEY] = (key, cached[1], now)
        return cached[1]
    with _lock:
        triager = build_triager()
        current_app.extensions[_KEY] = (key, triager, now)
    return triager


def triage_text(text: str, subject: str) -> TriageResult:
    """Triage a question with this process's triager (see `triage_mail`)."""
    return triage_mail(get_triager(), text, subject)


def triage_mail(triager: Triager, text: str, subject: str) -> TriageResult:
    """Triage a question; reply prefixes are stripped and mark the subject as the thread's old topic.
    Needs no app context (ingest runs it in worker processes)."""
    return triager.triage(text, strip_subject_prefixes(subject), reply=is_reply_subject(subject))


def is_uncertain(ticket: Ticket) -> bool:
    """Whether the interface says "categorie onzeker" for this ticket, at the app's threshold (Ticket's rule)."""
    return ticket.is_uncertain(current_app.config["TRIAGE_THRESHOLD"])


def triage_ticket(ticket: Ticket, message: TicketMessage, done: tuple[str, TriageResult] | None = None) -> TriageResult:
    """Set category, confidence, reason and suggestions on a ticket from its newest question (caller commits).

    `done` is (subject, result) of a triage already made of this message's text under that subject: it is
    used when the subject is the one this ticket triages with."""
    text = message.clean_text if message.clean_text is not None else message.text
    subject = message.subject or ticket.subject
    if done is not None and done[0] == subject:
        result = done[1]
    else:
        result = triage_text(text or "", subject)
    if ticket.category_source != "agent":
        ticket.category = result.category
        ticket.category_confidence = round(result.confidence, 4)
        ticket.category_reason = result.reason[:2000]
        ticket.category_source = "triage"
    ticket.suggestions = stored_suggestions(result)
    ticket.top_article_slug = result.suggestions[0].slug if result.suggestions else None
    return result


def stored_suggestions(result: TriageResult) -> list[dict]:
    """A triage result's suggestions as a ticket stores them (JSON)."""
    return [{"slug": s.slug, "title": s.title, "score": s.score, "snippet": s.snippet, "match": s.match}
            for s in result.suggestions]

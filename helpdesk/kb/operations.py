"""Knowledge-base operations: bundled articles, drafts, publishing, history, feedback and the search log.

Operations add and flush; the caller commits, and the session hook in search_service updates the index.
Restoring an old revision publishes a copy of it at once when the article is live; for an article that is
archived or was never published the copy becomes the pending draft, so a restore never brings an archived
page back by surprise. Edits from the form first pass check_base: a form filled from an older revision is
an EditConflict, never a silent overwrite of someone else's version.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import select
from sqlalchemy.engine import Connection

from knowledge.articles import SLUG_RE
from knowledge.articles import load_bundled_articles as read_bundled_articles
from knowledge.categories import CATEGORIES
from knowledge.dutch import fold
from knowledge.render import render_markdown
from knowledge.search import SearchResult

from ..extensions import db
from ..models import Article, ArticleFeedback, ArticleRevision, SearchLog, User, record_event, utcnow
from .diff import DiffLine, diff_revisions  # noqa: F401 - part of this module's API
from .gaps import ContentGaps, content_gaps  # noqa: F401 - part of this module's API

# The fields a revision carries; equal values mean "nothing changed".
REVISION_FIELDS = ("title", "body", "category", "keywords", "synonyms", "summary", "review_date")
MAX_SLUG = 120


class KbError(ValueError):
    """An editor action that cannot be done; the message is Dutch and names the field when there is one."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class EditConflict(KbError):
    """Someone else saved, published or restored the article after the editor's form was filled."""

    def __init__(self, head: ArticleRevision) -> None:
        who = head.author.display_name if head.author else "het systeem"
        super().__init__(f"Intussen is er een nieuwere versie van dit artikel: versie {head.number}, door {who}.")
        self.head = head


def render_body(md: str) -> str:
    """Sanitised HTML of an article body; links to our own site are not marked external."""
    host = urlsplit(current_app.config.get("PUBLIC_URL") or "").hostname
    return render_markdown(md, own_hosts={host} if host else set())


def get_article(slug: str) -> Article | None:
    """The article with this slug, whatever its status."""
    return db.session.scalar(select(Article).where(Article.slug == slug))


def get_revision(article: Article, number: int) -> ArticleRevision | None:
    """One revision of an article by its number."""
    return db.session.scalar(select(ArticleRevision).where(
        ArticleRevision.article_id == article.id, ArticleRevision.number == number))


def head_revision(article: Article) -> ArticleRevision | None:
    """The newest content of an article: its pending draft, else its (last) live revision."""
    return article.draft_revision or article.published_revision


def check_base(article: Article, base: int | None) -> None:
    """EditConflict unless the article's head is still revision `base`, the one the editor started from."""
    # Lock the row (PostgreSQL) so a concurrent save waits for this one and then sees the new head.
    db.session.refresh(article, with_for_update=True)
    head = head_revision(article)
    if head is not None and head.number != base:
        raise EditConflict(head)


def unsaved_revision(fields: dict[str, Any]) -> ArticleRevision:
    """Form fields as a revision that is never stored, to diff against saved ones."""
    return ArticleRevision(**_normalise_fields(fields))


def load_bundled_articles() -> list[str]:
    """Insert bundled articles missing from the database as published revision 1; returns the new slugs.

    An article that exists in the database (edited, archived or not) is never overwritten.
    """
    existing = set(db.session.scalars(select(Article.slug)))
    added = []
    for source in read_bundled_articles():
        if source.slug in existing:
            continue
        article = Article(slug=source.slug, status="published", source="bundled", title=source.title,
                          category=source.category, review_date=source.review_date)
        db.session.add(article)
        db.session.flush()
        revision = ArticleRevision(
            article_id=article.id, number=1, title=source.title, body=source.body,
            html=render_body(source.body), category=source.category, keywords=", ".join(source.keywords),
            synonyms="\n".join(" = ".join(g) for g in source.synonyms), summary=source.summary,
            review_date=source.review_date, note="Meegeleverd artikel")
        db.session.add(revision)
        db.session.flush()
        article.published_revision_id = revision.id
        article.published_at = utcnow()
        record_event("article_loaded", article_id=article.id, slug=source.slug)
        added.append(source.slug)
    db.session.flush()
    return added


def _normalise_fields(fields: dict[str, Any]) -> dict[str, Any]:
    title = (fields.get("title") or "").strip()
    body = (fields.get("body") or "").replace("\r\n", "\n")
    category = fields.get("category") or "other"
    if not title:
        raise KbError("Vul een titel in.", "title")
    if not body.strip():
        raise KbError("Vul de tekst van het artikel in.", "body")
    if category not in CATEGORIES:
        raise KbError("Kies een categorie uit de lijst.", "category")
    review = fields.get("review_date")
    if review is not None and not isinstance(review, date):
        raise KbError("Vul een geldige controledatum in.", "review_date")
    synonyms = "\n".join(line.strip() for line in (fields.get("synonyms") or "").splitlines() if line.strip())
    keywords = ", ".join(k.strip() for k in (fields.get("keywords") or "").split(",") if k.strip())
    return {"title": title[:300], "body": body, "category": category, "keywords": keywords,
            "synonyms": synonyms, "summary": (fields.get("summary") or "").strip(), "review_date": review}


def validate_slug(slug: str, article: Article | None = None) -> str:
    """A clean, unused slug or a KbError for the slug field."""
    slug = (slug or "").strip()
    if not slug:
        raise KbError("Vul een slug in (het laatste deel van het webadres).", "slug")
    if len(slug) > MAX_SLUG or not SLUG_RE.match(slug):
        raise KbError("Een slug bestaat alleen uit kleine letters, cijfers en streepjes, "
                      "bijvoorbeeld 'wat-kost-eherkenning'.", "slug")
    other = get_article(slug)
    if other is not None and (article is None or other.id != article.id):
        raise KbError(f"Deze slug is al in gebruik door het artikel ‘{other.title}’. Kies een andere slug.",
                      "slug")
    return slug


def save_draft(article: Article | None, fields: dict[str, Any], author: User | None) -> ArticleRevision:
    """Store the fields as a new draft revision (a new article when `article` is None); the live page stays."""
    values = _normalise_fields(fields)
    if article is None:
        slug = validate_slug(fields.get("slug", ""))
        article = Article(slug=slug, status="draft", source="editor", title=values["title"],
                          category=values["category"], review_date=values["review_date"])
        db.session.add(article)
        db.session.flush()
        record_event("article_created", user=author, article_id=article.id, slug=slug)
    elif fields.get("slug") and fields["slug"] != article.slug:
        if article.published_at is not None:
            raise KbError("De slug van een gepubliceerd artikel ligt vast: het webadres blijft altijd gelijk.",
                          "slug")
        article.slug = validate_slug(fields["slug"], article)
    base = head_revision(article)
    if base is not None and all(getattr(base, k) == values[k] for k in REVISION_FIELDS):
        return base  # nothing changed: no empty revision in the history
    revision = _new_revision(article, values, author, (fields.get("note") or "").strip())
    _point(article, draft_revision_id=revision.id)
    if article.status == "draft":  # a never-published article lists with its newest title
        article.title, article.category = values["title"], values["category"]
        article.review_date = values["review_date"]
    record_event("article_draft_saved", user=author, article_id=article.id, revision=revision.number)
    return revision


def _new_revision(article: Article, values: dict[str, Any], author: User | None, note: str) -> ArticleRevision:
    number = (db.session.scalar(select(db.func.max(ArticleRevision.number))
                                .where(ArticleRevision.article_id == article.id)) or 0) + 1
    revision = ArticleRevision(article_id=article.id, number=number, html=render_body(values["body"]),
                               note=note[:500], author_id=author.id if author else None, **values)
    db.session.add(revision)
    db.session.flush()
    return revision


def _point(article: Article, **ids: int | None) -> None:
    # Set the revision pointers by id and reload the relationships: the two foreign keys form a cycle that
    # SQLAlchemy cannot order when the related objects are assigned directly.
    for key, value in ids.items():
        setattr(article, key, value)
    db.session.flush()
    db.session.expire(article, ["draft_revision", "published_revision"])


def publish_article(article: Article, author: User | None) -> ArticleRevision:
    """Make the pending draft live (or re-publish an archived article's last live revision)."""
    revision = head_revision(article)
    if revision is None:
        raise KbError("Dit artikel heeft nog geen inhoud om te publiceren.")
    if revision is article.published_revision and article.status == "published":
        raise KbError("Er is geen concept om te publiceren: de live versie is al de nieuwste.")
    article.status = "published"
    article.title, article.category, article.review_date = revision.title, revision.category, revision.review_date
    article.published_at = utcnow()
    _point(article, published_revision_id=revision.id, draft_revision_id=None)
    record_event("article_published", user=author, article_id=article.id, revision=revision.number)
    return revision


def archive_article(article: Article, author: User | None) -> None:
    """Take an article offline: its URL answers 410 and it leaves the search results."""
    if article.status == "archived":
        raise KbError("Dit artikel is al gearchiveerd.")
    article.status = "archived"
    db.session.flush()
    record_event("article_archived", user=author, article_id=article.id)


def discard_draft(article: Article, author: User | None) -> ArticleRevision:
    """Drop the pending draft: the live version stays and is the head again; the draft stays in the history."""
    if article.draft_revision_id is None:
        raise KbError("Dit artikel heeft geen concept om weg te gooien.")
    if article.published_revision is None:
        raise KbError("Dit artikel is nog nooit gepubliceerd: er is geen eerdere versie om naar terug te gaan. "
                      "Archiveer het als u het niet meer wilt.")
    dropped = article.draft_revision
    assert dropped is not None
    _point(article, draft_revision_id=None)
    record_event("article_draft_discarded", user=author, article_id=article.id, revision=dropped.number)
    return dropped


def restore_revision(article: Article, number: int, author: User | None) -> ArticleRevision:
    """A new revision copying revision `number`: published at once when the article is live, else a draft."""
    old = get_revision(article, number)
    if old is None:
        raise KbError(f"Versie {number} bestaat niet.")
    values = {k: getattr(old, k) for k in REVISION_FIELDS}
    revision = _new_revision(article, values, author, f"Hersteld uit versie {number}")
    _point(article, draft_revision_id=revision.id)
    record_event("article_restored", user=author, article_id=article.id, revision=revision.number,
                 restored_from=number)
    if article.status == "published":
        publish_article(article, author)
    return revision


def article_feedback(article: Article, helpful: bool, reason: str = "") -> ArticleFeedback:
    """Store a reader's "was this useful?" answer (personal data in the reason is masked)."""
    feedback = ArticleFeedback(article_id=article.id, helpful=bool(helpful),
                               reason=scrub_personal_data((reason or "").strip(), 2000))
    db.session.add(feedback)
    db.session.flush()
    return feedback


_EMAIL_RE = re.compile(r"[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+")
_LONG_NUMBER_RE = re.compile(r"(?:\+?\d[\d .-]{4,}\d)")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
SCRUB_MARGIN = 320  # longer than any real e-mail address (254) or number


def scrub_personal_data(text: str, limit: int) -> str:
    """Mask e-mail addresses and long numbers (phone, BSN, KvK) and drop control characters; at most `limit`
    characters are kept. The masks scan in time quadratic in a run without spaces, so only a little more than
    what is kept is scanned (the margin lets an address across the cut still be masked)."""
    text = _CONTROL_RE.sub("", (text or "")[:limit + SCRUB_MARGIN])
    text = _EMAIL_RE.sub("[e-mail]", text)
    return _LONG_NUMBER_RE.sub(lambda m: "[nummer]" if sum(c.isdigit() for c in m.group()) >= 6
                               else m.group(), text)[:limit]


def normalise_query(query: str) -> str:
    """The form a query is grouped by on the content-gaps page: folded, single spaces."""
    return " ".join(fold(query).split())[:500]


def log_search(query: str, result: SearchResult, source: str = "faq", connection: Connection | None = None) -> int:
    """Log one public search: the (masked) query, the number of results and the best score; no user data.
    Returns the new entry's id. One INSERT on `connection` (else in the session's transaction), without the ORM's
    unit of work, which cost a search request more than the search itself."""
    clean = scrub_personal_data(" ".join((query or "").split()), 500).strip()
    row = {"query": clean, "normalized": normalise_query(clean), "result_count": result.total,
           "top_score": result.hits[0].score if result.hits else None, "source": source[:20],
           "clicked_slug": None, "created_at": utcnow()}
    return int((connection or db.session.connection()).execute(_SEARCH_LOG_INSERT, row).inserted_primary_key[0])


_SEARCH_LOG_INSERT = SearchLog.__table__.insert()


def log_click(log_id: int, slug: str) -> bool:
    """Record the first result a searcher opened; False when the log entry is unknown."""
    entry = db.session.get(SearchLog, log_id)
    if entry is None:
        return False
    if entry.clicked_slug is None:
        entry.clicked_slug = slug[:200]
        db.session.flush()
    return True


@dataclass
class Counts:
    """Public feedback totals of one article."""

    helpful: int = 0
    not_helpful: int = 0


def feedback_counts(article: Article) -> Counts:
    """All-time feedback totals of an article, for the editor."""
    rows = db.session.execute(select(ArticleFeedback.helpful, db.func.count()).where(
        ArticleFeedback.article_id == article.id).group_by(ArticleFeedback.helpful)).all()
    counts = Counts()
    for helpful, n in rows:
        if helpful:
            counts.helpful = n
        else:
            counts.not_helpful = n
    return counts

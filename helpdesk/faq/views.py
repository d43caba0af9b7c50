"""Public eHerkenning FAQ: overview, search, articles, feedback and the JSON search API."""

from __future__ import annotations

import difflib

from flask import flash, jsonify, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from knowledge.search import MAX_QUERY_CHARS
from knowledge.triage import language

from ..auth.roles import public
from ..extensions import db
from ..kb.operations import article_feedback, get_article, log_click, log_search
from ..kb.related import published_articles, published_slugs, related_articles
from ..kb.search_service import search, search_articles
from ..models import CATEGORY_LABELS, Article
from ..ratelimit import rate_limited
from .blueprint import bp
from .clicks import click_token, clicked_search
from .forms import FeedbackForm
from .overview import overview

PAGE_RESULTS = 20
API_DEFAULT_LIMIT = 10
API_MAX_LIMIT = 50
DID_YOU_MEAN = 3


def _query() -> str:
    """The search words; the search reads no further than MAX_QUERY_CHARS, so neither does the search log."""
    return request.args.get("q", "")[:MAX_QUERY_CHARS]


@bp.route("/faq")
@public
def index() -> str:
    shown = overview(request.args.get("categorie") or None, request.args.get("pagina", ""))
    return render_template("faq/index.html", overview=shown)


@bp.route("/faq/search")
@public
@rate_limited("FAQ_SEARCH_LIMIT")
def search_page() -> str:
    query = _query().strip()
    if not query:
        return render_template("faq/search.html", query="", result=None, click=None)
    with db.engine.begin() as connection:  # a short transaction of its own: a visitor's request needs no session
        result = search(query, limit=PAGE_RESULTS, connection=connection)
        log_id = log_search(query, result, source="faq", connection=connection)
    click = click_token(log_id)
    return render_template("faq/search.html", query=query, result=result, click=click,
                           links=article_urls([h.slug for h in result.hits], zoek=click))


def article_urls(slugs: list[str], **args: str) -> list[str]:
    """The article URLs of search results: one URL built by the router, the slugs put in its place (a router
    build per result was a tenth of a results page). Slugs are validated to `[a-z0-9-]`, nothing to quote."""
    pattern = url_for("faq.article", slug="~", **args)
    return [pattern.replace("/~", "/" + slug, 1) for slug in slugs]


def _did_you_mean(slug: str) -> list[Article]:
    """Published articles a mistyped or shortened address probably meant: close slugs, else a search on its words."""
    wanted = slug.lower()[:200]
    slugs = published_slugs()
    close = difflib.get_close_matches(wanted, slugs, n=DID_YOU_MEAN, cutoff=0.6)
    if not close:
        close = [h.slug for h in search_articles(wanted.replace("-", " "), limit=DID_YOU_MEAN)]
    found = {a.slug: a for a in published_articles(Article.slug.in_(close))} if close else {}
    return [found[s] for s in close if s in found]


@bp.route("/faq/<slug>")
@public
def article(slug: str) -> Response | str | tuple[str, int]:
    item = get_article(slug)
    if item is None or item.published_revision is None:
        return render_template("errors/error.html", code=404, title="Pagina niet gevonden",
                               text="Dit artikel bestaat niet. Zoek hieronder of bekijk alle vragen.",
                               did_you_mean=_did_you_mean(slug)), 404
    if item.status == "archived":
        return render_template("faq/gone.html", article=item), 410
    click = request.args.get("zoek", "")
    if click:
        # A result click from the search page: record it, then show the article under its own URL.
        log_id = clicked_search(click)
        if log_id is not None and log_click(log_id, item.slug):
            db.session.commit()
        return redirect(url_for("faq.article", slug=item.slug), 303)
    revision = item.published_revision
    return render_template("faq/article.html", article=item, revision=revision, related=related_articles(item),
                           form=FeedbackForm(), lang=language(f"{revision.title}\n{revision.summary}\n{revision.body}"))


@bp.route("/faq/<slug>/feedback", methods=["POST"])
@public
@rate_limited("FAQ_FEEDBACK_LIMIT")
def feedback(slug: str) -> Response | tuple[str, int]:
    item = get_article(slug)
    if item is None or item.status != "published":
        return render_template("errors/error.html", code=404, title="Pagina niet gevonden",
                               text="Dit artikel bestaat niet (meer)."), 404
    form = FeedbackForm()
    target = url_for("faq.article", slug=item.slug, _anchor="feedback")
    if not form.validate_on_submit() or not (form.ja.data or form.nee.data):
        message = "; ".join(form.reason.errors) or "Kies 'Ja' of 'Nee'."
        flash(f"Uw reactie is niet opgeslagen: {message}", "feedback-error")
        return redirect(target, 303)
    article_feedback(item, helpful=bool(form.ja.data), reason=form.reason.data or "")
    db.session.commit()
    flash("Bedankt voor uw reactie! Daarmee maken we de antwoorden beter.", "feedback-success")
    return redirect(target, 303)


@bp.route("/api/faq/search")
@public
@rate_limited("API_SEARCH_LIMIT")
def api_search() -> Response | tuple[Response, int]:
    raw_limit = request.args.get("limit", "").strip()
    try:
        limit = int(raw_limit) if raw_limit else API_DEFAULT_LIMIT
    except ValueError:
        return jsonify({"error": "Ongeldige limit", "status": 400,
                        "message": f"limit moet een geheel getal zijn (1 t/m {API_MAX_LIMIT})."}), 400
    limit = max(1, min(limit, API_MAX_LIMIT))
    category = request.args.get("category") or None
    if category is not None and category not in CATEGORY_LABELS:
        return jsonify({"error": "Ongeldige category", "status": 400,
                        "message": f"category moet een van deze zijn: {', '.join(CATEGORY_LABELS)}."}), 400
    query = _query()
    with db.engine.begin() as connection:  # a short transaction of its own: a visitor's request needs no session
        result = search(query, limit=limit, category=category, connection=connection)
        # Search-as-you-type previews (typed=1) are not searches anyone finished: keep them out of the log.
        if query.strip() and request.args.get("typed") != "1":
            log_search(query, result, source="api", connection=connection)
    return jsonify({
        "query": result.query,
        "total": result.total,
        "suggestion": result.suggestion,
        "results": [{"slug": h.slug, "title": h.title, "snippet": h.snippet, "score": h.score, "lang": h.lang,
                     "url": url} for h, url in zip(result.hits, article_urls([h.slug for h in result.hits]),
                                                   strict=True)],
    })

"""Article editing for content editors: list, create/edit with preview, publish, history, archive."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from ..auth.roles import editor_required
from ..extensions import db
from ..forms import EmptyForm
from ..kb.editing import save_article, slugify
from ..kb.operations import (
    EditConflict,
    KbError,
    archive_article,
    check_base,
    diff_revisions,
    discard_draft,
    feedback_counts,
    get_revision,
    head_revision,
    publish_article,
    render_body,
    restore_revision,
    unsaved_revision,
)
from ..kb.search_service import index_lagging
from ..models import Article, ArticleRevision, utcnow
from .blueprint import bp
from .forms import ArticleForm


def _article(article_id: int) -> Article:
    article = db.session.get(Article, article_id)
    if article is None:
        abort(404)
    return article


@bp.after_request
def _warn_when_the_index_lags(response: Response) -> Response:
    """The session hook updates the search index after each commit; say so when it could not."""
    if index_lagging():
        flash("De wijziging is opgeslagen, maar de zoekresultaten konden niet worden bijgewerkt. Probeer het zo "
              "nog eens of laat een beheerder ‘flask reindex’ uitvoeren.", "warning")
    return response


@bp.route("/")
@editor_required
def index() -> str:
    articles = db.session.scalars(select(Article).order_by(Article.status != "draft", Article.title)).all()
    return render_template("editor/index.html", articles=articles, today=utcnow().date(), form=EmptyForm())


def _fill(form: ArticleForm, revision: ArticleRevision, article: Article) -> None:
    form.slug.data = article.slug
    form.base_version.data = str(revision.number)
    for name in ("title", "category", "keywords", "synonyms", "summary", "review_date", "body"):
        getattr(form, name).data = getattr(revision, name)


SAVED = {
    "published": lambda a: (f"‘{a.title}’ is gepubliceerd (versie {a.published_revision.number}).", "success"),
    "draft": lambda a: (f"Concept opgeslagen als versie {a.draft_revision.number}. De live pagina is niet "
                        "veranderd.", "success"),
    "unchanged": lambda a: ("Er was niets veranderd; er is geen nieuwe versie gemaakt.", "info"),
    "already_live": lambda a: ("Er was niets veranderd: de live versie is al gelijk aan het formulier.", "info"),
}


def _handle(form: ArticleForm, article: Article | None) -> Response | None:
    """Save (and maybe publish) a valid form; on a KbError put the message on its field and return None.

    An EditConflict (someone else saved since the form was filled) is raised after the rollback.
    """
    fields = form.values()
    if article is None and not (fields["slug"] or "").strip():
        form.slug.data = fields["slug"] = slugify(form.title.data or "")  # shown if that slug is taken
    try:
        outcome = save_article(article, fields, form.base(), publish=bool(form.publish.data), author=current_user)
    except KbError as exc:
        db.session.rollback()
        if isinstance(exc, EditConflict):
            raise
        target = getattr(form, exc.field, None) if exc.field else None
        (target.errors if target is not None else form.form_errors).append(str(exc))
        return None
    db.session.commit()
    flash(*SAVED[outcome.kind](outcome.article))
    return redirect(url_for("editor.edit", article_id=outcome.article.id))


def _conflict(form: ArticleForm, article: Article, head: ArticleRevision) -> dict[str, object]:
    """What the conflict message shows; the form's base becomes the head, so saving again is a choice."""
    base = get_revision(article, form.base()) if form.base() is not None else None
    form.base_version.data = str(head.number)
    return {"head": head, "base": base, "live": head.id == article.published_revision_id,
            "theirs": diff_revisions(base, head) if base is not None else {},
            "changes": diff_revisions(head, unsaved_revision(form.values()))}


def _edit_page(form: ArticleForm, article: Article | None) -> Response | str | tuple[str, int]:
    preview = conflict = None
    if form.validate_on_submit():
        if form.preview.data:
            preview = render_body(form.body.data or "")
        else:
            try:
                response = _handle(form, article)
            except EditConflict as exc:
                conflict = _conflict(form, article, exc.head)
            else:
                if response is not None:
                    return response
    status = 409 if conflict else 400 if request.method == "POST" and form.errors else 200
    return render_template("editor/edit.html", form=form, article=article, preview=preview, conflict=conflict,
                           counts=feedback_counts(article) if article else None, action_form=EmptyForm()), status


@bp.route("/nieuw", methods=["GET", "POST"])
@editor_required
def new() -> Response | str | tuple[str, int]:
    return _edit_page(ArticleForm(), None)


@bp.route("/<int:article_id>/bewerken", methods=["GET", "POST"])
@editor_required
def edit(article_id: int) -> Response | str | tuple[str, int]:
    article = _article(article_id)
    form = ArticleForm()
    if request.method == "GET":
        base = head_revision(article)
        if base is not None:
            _fill(form, base, article)
    return _edit_page(form, article)


@bp.route("/<int:article_id>/publiceren", methods=["POST"])
@editor_required
def publish(article_id: int) -> Response:
    article = _article(article_id)
    if EmptyForm().validate_on_submit():
        try:
            check_base(article, request.form.get("versie", type=int))  # the version the history page showed
            revision = publish_article(article, current_user)
        except EditConflict as exc:
            db.session.rollback()
            flash(f"Niet gepubliceerd. {exc} Bekijk die hieronder en publiceer opnieuw als u dat wilt.", "error")
        except KbError as exc:
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(f"‘{article.title}’ is gepubliceerd (versie {revision.number}).", "success")
    return redirect(url_for("editor.history", article_id=article.id))


@bp.route("/<int:article_id>/archiveren", methods=["GET", "POST"])
@editor_required
def archive(article_id: int) -> Response | str:
    article = _article(article_id)
    form = EmptyForm()
    if form.validate_on_submit():
        try:
            archive_article(article, current_user)
        except KbError as exc:
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(f"‘{article.title}’ is gearchiveerd. Het webadres meldt nu dat de pagina niet meer bestaat.",
                  "success")
        return redirect(url_for("editor.index"))
    return render_template("editor/archive.html", article=article, form=form)


@bp.route("/<int:article_id>/versies")
@editor_required
def history(article_id: int) -> str:
    article = _article(article_id)
    revisions = sorted(article.revisions, key=lambda r: r.number, reverse=True)
    return render_template("editor/history.html", article=article, revisions=revisions, form=EmptyForm())


@bp.route("/<int:article_id>/versies/<int:number>/verschil")
@editor_required
def diff(article_id: int, number: int) -> str:
    article = _article(article_id)
    revision = get_revision(article, number)
    if revision is None:
        abort(404)
    against_live = request.args.get("met") == "live" and article.published_revision is not None
    old = article.published_revision if against_live else get_revision(article, number - 1)
    changes = diff_revisions(old, revision) if old is not revision else {}
    return render_template("editor/diff.html", article=article, revision=revision, old=old,
                           against_live=against_live, changes=changes, form=EmptyForm())


@bp.route("/<int:article_id>/versies/<int:number>/terugzetten", methods=["GET", "POST"])
@editor_required
def restore(article_id: int, number: int) -> Response | str:
    """GET asks for confirmation (what will happen, live or as a draft); POST restores."""
    article = _article(article_id)
    revision = get_revision(article, number) or abort(404)
    form = EmptyForm()
    if request.method == "GET":
        return render_template("editor/confirm_restore.html", article=article, revision=revision, form=form)
    if form.validate_on_submit():
        try:
            restored = restore_revision(article, number, current_user)
        except KbError as exc:
            flash(str(exc), "error")
        else:
            db.session.commit()
            state = "gepubliceerd" if article.published_revision_id == restored.id else "opgeslagen als concept"
            flash(f"Versie {number} is teruggezet en {state} als versie {restored.number}.", "success")
    return redirect(url_for("editor.history", article_id=article.id))


@bp.route("/<int:article_id>/concept-weggooien", methods=["GET", "POST"])
@editor_required
def discard(article_id: int) -> Response | str:
    """GET asks for confirmation; POST drops the pending draft (it stays in the history)."""
    article = _article(article_id)
    form = EmptyForm()
    if request.method == "GET":
        return render_template("editor/confirm_discard.html", article=article, form=form)
    if form.validate_on_submit():
        try:
            dropped = discard_draft(article, current_user)
        except KbError as exc:
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(f"Het concept (versie {dropped.number}) is weggegooid; de live versie blijft staan. "
                  "Het concept blijft in de versiegeschiedenis.", "success")
    return redirect(url_for("editor.edit", article_id=article.id))

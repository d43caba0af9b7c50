"""The triage lessons page for admins: what agents taught triage, filtered, and undo for a misclick."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ..auth.roles import admin_required
from ..extensions import db
from ..forms import EmptyForm
from ..ids import parse_id
from ..models import CATEGORY_LABELS
from ..triage.feedback import (
    KIND_LABELS,
    PAGE_SIZE,
    FeedbackError,
    FeedbackFilter,
    UndoResult,
    feedback_page,
    lesson_ids,
    teaching_agents,
    undo_feedback,
)
from .blueprint import bp


@bp.route("/triage")
@admin_required
def triage_feedback() -> str:
    filters = FeedbackFilter.from_args(request.args)
    page = feedback_page(filters, parse_id(request.args.get("pagina")) or 1)
    return render_template("admin/triage_feedback.html", page=page, filters=filters, agents=teaching_agents(),
                           kinds=KIND_LABELS, categories=CATEGORY_LABELS, page_size=PAGE_SIZE, form=EmptyForm())


@bp.route("/triage/ongedaan", methods=["POST"])
@admin_required
def undo_triage_feedback() -> Response:
    """Undo the ticked lessons, or the one whose own button was pressed; back to the same filtered list."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    back = redirect(url_for("admin.triage_feedback", **FeedbackFilter.from_args(request.form).query_args()))
    single = request.form.get("ongedaan")
    ids, bad = lesson_ids([single] if single is not None else request.form.getlist("les"))
    try:
        result = undo_feedback(ids, current_user) if ids or not bad else UndoResult(0, 0)
    except FeedbackError as exc:
        flash(f"{exc} Er is niets ongedaan gemaakt.", "error")
        return back
    db.session.commit()
    flash(*_outcome(result, bad))
    return back


def _outcome(result: UndoResult, bad: int) -> tuple[str, str]:
    """The flash message and its kind after an undo."""
    skipped = result.missing + bad
    if not result.removed:
        return "Geen van de gekozen lessen bestaat (nog); er is niets ongedaan gemaakt.", "error"
    text = (f"{result.removed} les ongedaan gemaakt" if result.removed == 1
            else f"{result.removed} lessen ongedaan gemaakt") + "; triage leert er niet meer van."
    if skipped:
        text += f" {skipped} gekozen waarde(n) waren geen bestaande les en zijn overgeslagen."
    return text, "success"

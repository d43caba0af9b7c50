"""The queue: filters, search and pages of tickets."""

from __future__ import annotations

from datetime import datetime

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ...auth.roles import agent_required
from ...csv_export import csv_response
from ...extensions import db
from ...ids import parse_id
from ...models import utcnow
from ..blueprint import bp
from ..export import HEADER, export_rows
from ..forms import BulkForm
from ..operations import TicketError
from ..page import agent_choices
from ..queries import AGE_FILTERS, KIND_FILTERS, SORTS, STATUS_FILTERS, QueueFilter, queue_page, waiting_label
from ..snippets import first_words, opening_texts
from ..targets import is_overdue
from ..workflow import bulk_update
from .ticket import QUEUE_ARGS


@bp.app_template_filter("wachttijd")
def wachttijd(value: datetime | None) -> str:
    """How long the requester has waited, in Dutch ('3 dagen')."""
    return waiting_label(value)


@bp.route("/export.csv")
@agent_required
def export_csv() -> Response:
    """The filtered queue (same query string as the queue) as a CSV download, at most EXPORT_MAX_ROWS rows."""
    filters = QueueFilter.from_args(request.args)
    config = current_app.config
    rows = export_rows(filters, current_user._get_current_object(), config["TRIAGE_THRESHOLD"],
                       config["EXPORT_MAX_ROWS"])
    return csv_response(f"tickets-{utcnow():%Y%m%d-%H%M}.csv", HEADER, rows)


@bp.route("/")
@agent_required
def queue() -> str:
    filters = QueueFilter.from_args(request.args)
    session[QUEUE_ARGS] = filters.args(after="", before="")  # "next ticket" after a reply follows these filters
    page = queue_page(filters, current_user, current_app.config["TRIAGE_THRESHOLD"])
    texts = opening_texts([t.id for t in page.tickets], chars=400)
    bulk = BulkForm(formdata=None, back=request.full_path)
    bulk.assignee.choices = [("", "Niet wijzigen"), ("niemand", "Niemand"), *agent_choices()]
    return render_template("tickets/queue.html", page=page, f=filters, STATUS_FILTERS=STATUS_FILTERS,
                           AGE_FILTERS=AGE_FILTERS, KIND_FILTERS=KIND_FILTERS, SORTS=SORTS, overdue=is_overdue,
                           now=utcnow(), bulk=bulk, snippets={i: first_words(t, 140) for i, t in texts.items()})


@bp.route("/selectie", methods=["POST"])
@agent_required
def bulk() -> Response:
    """One change (status, assignee, category) for every ticket ticked in the queue; back to the same queue."""
    form = BulkForm()
    form.assignee.choices = [("", ""), ("niemand", ""), *agent_choices()]
    back = form.back.data if (form.back.data or "").startswith("/tickets/") else url_for("tickets.queue")
    if not form.validate_on_submit():
        flash("Kies een geldige status, behandelaar of categorie; er is niets gewijzigd.", "error")
        return redirect(back)
    ids = [n for n in map(parse_id, request.form.getlist("ticket")) if n is not None]
    try:
        changed = bulk_update(ids, current_user, status=form.status.data or "", assignee=form.assignee.data or "",
                              category=form.category.data or "")
    except TicketError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(back)
    db.session.commit()
    flash(f"{changed} van de {len(ids)} aangevinkte tickets gewijzigd.", "success")
    return redirect(back)

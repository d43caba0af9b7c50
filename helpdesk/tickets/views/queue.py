"""The queue: filters, search and pages of tickets."""

from __future__ import annotations

from datetime import datetime

from flask import current_app, render_template, request
from flask_login import current_user
from werkzeug.wrappers import Response

from ...auth.roles import agent_required
from ...csv_export import csv_response
from ...models import utcnow
from ..blueprint import bp
from ..export import HEADER, export_rows
from ..queries import AGE_FILTERS, KIND_FILTERS, SORTS, STATUS_FILTERS, QueueFilter, queue_page, waiting_label
from ..targets import is_overdue


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
    page = queue_page(filters, current_user, current_app.config["TRIAGE_THRESHOLD"])
    return render_template("tickets/queue.html", page=page, f=filters, STATUS_FILTERS=STATUS_FILTERS,
                           AGE_FILTERS=AGE_FILTERS, KIND_FILTERS=KIND_FILTERS, SORTS=SORTS, overdue=is_overdue,
                           now=utcnow())

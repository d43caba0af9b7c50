"""The queue: filters, search and pages of tickets."""

from __future__ import annotations

from datetime import datetime

from flask import current_app, render_template, request
from flask_login import current_user

from ...auth.roles import agent_required
from ...models import utcnow
from ..blueprint import bp
from ..queries import AGE_FILTERS, KIND_FILTERS, SORTS, STATUS_FILTERS, QueueFilter, queue_page, waiting_label
from ..targets import is_overdue


@bp.app_template_filter("wachttijd")
def wachttijd(value: datetime | None) -> str:
    """How long the requester has waited, in Dutch ('3 dagen')."""
    return waiting_label(value)


@bp.route("/")
@agent_required
def queue() -> str:
    filters = QueueFilter.from_args(request.args)
    page = queue_page(filters, current_user, current_app.config["TRIAGE_THRESHOLD"])
    return render_template("tickets/queue.html", page=page, f=filters, STATUS_FILTERS=STATUS_FILTERS,
                           AGE_FILTERS=AGE_FILTERS, KIND_FILTERS=KIND_FILTERS, SORTS=SORTS, overdue=is_overdue,
                           now=utcnow())

"""The audit log pages for admins: a filterable list and a CSV export."""

from __future__ import annotations

from flask import Response as FlaskResponse
from flask import current_app, render_template, request
from flask_login import current_user

from ..auth.roles import admin_required
from ..csv_export import csv_response
from ..extensions import db
from ..ids import parse_id
from ..models import record_event
from .audit_log import ACTION_LABELS, AUDIT_CSV_HEADER, PAGE_SIZE, AuditFilter, audit_page, audit_rows, known_actions
from .blueprint import bp


@bp.route("/audit")
@admin_required
def audit() -> str:
    filters = AuditFilter.from_args(request.args)
    page = parse_id(request.args.get("pagina")) or 1
    rows, total = audit_page(filters, page)
    return render_template("admin/audit.html", rows=rows, total=total, page=page, page_size=PAGE_SIZE,
                           filters=filters, actions=known_actions(), labels=ACTION_LABELS)


@bp.route("/audit.csv")
@admin_required
def audit_export() -> FlaskResponse:
    filters = AuditFilter.from_args(request.args)
    record_event("audit_exported", user=current_user, **filters.query_args())
    db.session.commit()
    return csv_response("auditlog.csv", AUDIT_CSV_HEADER, audit_rows(filters, current_app.config["EXPORT_MAX_ROWS"]))

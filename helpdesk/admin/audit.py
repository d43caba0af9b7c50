"""The audit log pages for admins: a filterable list and a CSV export."""

from __future__ import annotations

from flask import Response as FlaskResponse
from flask import render_template, request, stream_with_context
from flask_login import current_user

from ..auth.roles import admin_required
from ..extensions import db
from ..models import record_event
from ..web import parse_id
from .audit_log import ACTION_LABELS, PAGE_SIZE, AuditFilter, audit_csv, audit_page, known_actions
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
    return FlaskResponse(stream_with_context(audit_csv(filters)), mimetype="text/csv",
                         headers={"Content-Disposition": 'attachment; filename="auditlog.csv"'})

"""Start page and health check."""

from __future__ import annotations

import os
from pathlib import Path

from flask import current_app, jsonify, redirect, url_for
from flask_login import current_user
from sqlalchemy import text
from werkzeug.wrappers import Response

from ..auth.roles import home_for, public
from ..extensions import db
from ..schema_check import schema_problem
from .blueprint import bp


@bp.route("/")
@public
def index() -> Response:
    """Staff go to their workspace, everyone else to the public FAQ."""
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    return redirect(url_for("faq.index"))


@bp.route("/healthz")
@public
def healthz() -> tuple[Response, int]:
    """Database and search index reachable: 200, otherwise 503."""
    checks: dict[str, str] = {}
    try:
        db.session.execute(text("SELECT 1"))
        checks["database"] = schema_problem() or "ok"
    except Exception as exc:  # any driver error means unhealthy
        db.session.rollback()
        checks["database"] = f"fout: {type(exc).__name__}"
    index_dir = Path(current_app.config["INDEX_DIR"])
    if index_dir.is_dir() and os.access(index_dir, os.R_OK | os.W_OK):
        checks["index"] = "ok"
    else:
        checks["index"] = "ontbreekt"
    healthy = all(value == "ok" for value in checks.values())
    return jsonify({"status": "ok" if healthy else "error", **checks}), 200 if healthy else 503

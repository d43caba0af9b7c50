"""Figures for the helpdesk team."""

from __future__ import annotations

from flask import Blueprint, render_template

from ..auth.roles import agent_required

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")


@bp.route("/")
@agent_required
def index() -> str:
    return render_template("dashboard/index.html")

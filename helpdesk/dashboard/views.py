"""The dashboard page."""

from __future__ import annotations

from flask import render_template

from ..auth.roles import agent_required
from .blueprint import bp
from .figures import cached_figures, charts


@bp.route("/")
@agent_required
def index() -> str:
    f = cached_figures()
    return render_template("dashboard/index.html", charts=charts(f), **f)

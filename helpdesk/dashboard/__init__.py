"""Figures for the helpdesk team: charts (server-side SVG) each followed by the same data as a table."""

from flask import Blueprint

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")

# The accepted blueprint pattern (microblog): bp first, then the views that register their routes on it.
from . import views  # noqa: E402,F401

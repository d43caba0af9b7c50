"""The `dashboard` blueprint, on its own so the view modules can import it without a loop."""

from flask import Blueprint

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")

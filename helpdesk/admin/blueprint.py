"""The `admin` blueprint, on its own so the view modules can import it without a loop."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")
